/**
 * Issue 10 item 4: a unit could enter and export 2019-12 on 2019-07-10, and the office imported it
 * as 按时, 100 %. A period starts on its first day (local date) by the clock of whoever acts; clocks
 * are injected.
 */
import { describe, expect, it } from 'vitest';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { exportReport } from '../../electron/services/packages/packages';
import { periodViews } from '../../electron/services/views';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop, snapshotData } from '../helpers/loop';
import type { OpenLedger } from '../../electron/services/context';

/** 市残联's complete entry for a month, as in the benchmark's packages. */
const canlian = (period: string) => yearEntries(PLAN_2019, '市残联', period);

/** The same ledger seen through another clock (a clerk's wrong date, or the next day). */
const at = (l: OpenLedger, iso: string): OpenLedger => ({ ...l, now: () => new Date(iso) });

describe('periods that have not started', () => {
  it('the repro: on 2019-07-10 a unit can neither enter nor export 2019-12, and is told both dates', async () => {
    const loop = await createLoop();
    const unit = at(await loop.unit('市残联'), '2019-07-10T09:00:00');
    const before = await snapshotData(unit.db);
    await expect(enterReports(unit, { period: '2019-12', items: canlian('2019-12') })).rejects.toMatchObject({
      code: 'E_FUTURE_PERIOD', message: '2019年12月从 2019-12-01 才开始,本机今天是 2019-07-10,还不能填报。请到该月再填报;如果本机日期不对,请先改正电脑的日期。',
    });
    await expect(exportReport(unit, { period: '2019-12', outDir: loop.usb })).rejects.toMatchObject({ code: 'E_FUTURE_PERIOD', message: expect.stringContaining('还不能导出填报包') });
    expect(await snapshotData(unit.db)).toBe(before);

    // July has begun: entered and exported as usual.
    await enterReports(unit, { period: '2019-07', items: canlian('2019-07') });
    expect((await exportReport(unit, { period: '2019-07', outDir: loop.usb })).revision).toBe(1);
  });

  it('a period starts on its first day, local time: 23:59 on the 30th of June is still June', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    await expect(enterReports(at(unit, '2019-06-30T23:59:00'), { period: '2019-07', items: canlian('2019-07') })).rejects.toMatchObject({ code: 'E_FUTURE_PERIOD' });
    await enterReports(at(unit, '2019-07-01T00:00:00'), { period: '2019-07', items: canlian('2019-07') });
  });

  it('the office refuses a report for a month not begun by its clock (a unit whose clock ran ahead), naming both dates; nothing changes', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联', { clock: '2019-12-02T10:00:00' });
    const file = await loop.report(unit, '2019-12', canlian('2019-12'));
    const office = at(loop.office, '2019-07-10T09:00:00');
    const before = await snapshotData(loop.office.db);
    for (const dryRun of [true, false]) {
      const [r] = await importFiles(office, [file], { acceptNewKeys: true, dryRun });
      expect(r).toMatchObject({ status: 'rejected', code: 'E_FUTURE_PERIOD', unit: '市残联' });
      expect(r!.message).toContain('报送的是2019年12月,该报送期从 2019-12-01 才开始,本机今天是 2019-07-10');
      expect(r!.message).toContain('可能是市残联电脑的日期不对');
    }
    expect(await snapshotData(loop.office.db)).toBe(before);

    // A batch received earlier than the month began is refused by that date too.
    const [early] = await importFiles(at(loop.office, '2019-12-20T09:00:00'), [file], { acceptNewKeys: true, receivedOn: '2019-11-28' });
    expect(early).toMatchObject({ status: 'rejected', code: 'E_FUTURE_PERIOD', message: expect.stringContaining('这批文件的收到日期是 2019-11-28') });

    // Once December has begun at the office, the same file comes in.
    const [r] = await importFiles(at(loop.office, '2019-12-03T09:00:00'), [file], { acceptNewKeys: true });
    expect(r).toMatchObject({ status: 'accepted', period: '2019-12' });
  });

  it('the office’s proxy entry of a month not begun is refused as well', async () => {
    const loop = await createLoop();
    await expect(enterReports(at(loop.office, '2019-07-10T09:00:00'), { unit: '市残联', period: '2019-08', items: canlian('2019-08') }))
      .rejects.toMatchObject({ code: 'E_FUTURE_PERIOD' });
  });

  it('the period list says which periods have begun, for the picker (which offers a unit only those)', async () => {
    const loop = await createLoop();
    const unit = at(await loop.unit('市残联'), '2019-07-10T09:00:00');
    const started = (await periodViews(unit)).map((p) => [p.period, p.started]);
    expect(started.filter(([, s]) => s).map(([p]) => p)).toEqual(['2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-06', '2019-07']);
    expect((await periodViews(at(loop.office, '2019-01-01T00:00:00'))).filter((p) => p.started).map((p) => p.period)).toEqual(['2019-01']);
  });
});
