/**
 * Proxy entry (代填) made explicit (issue 14 item 3), from the repro: 市财政局 sent its September package on
 * time (received 10月3日); on 11月5日 the office typed in a correction from paper, and the save turned the
 * on-time September into 逾期 11月5日. Now the form says what came in, the save is refused until the clerk
 * confirms replacing it, and the original received date is kept unless the clerk sets another on purpose.
 */
import { describe, expect, it } from 'vitest';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { loadPeriodData, summaryByUnit } from '../../electron/services/summaries/summaries';
import { entryForm } from '../../electron/services/views';
import { LedgerError } from '../../shared/errors';
import { priorWords } from '../../shared/proxy';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop } from '../helpers/loop';

const UNIT = '市财政局';

/** The office on 11月5日 with 市财政局's September package imported as received on 10月3日 (due 10月5日). */
async function septemberReceivedOctober3() {
  const loop = await createLoop({ clock: '2019-11-05T09:00:00', unitClock: '2019-10-02T15:00:00' });
  const unit = await loop.unit(UNIT);
  await loop.report(unit, '2019-09', yearEntries(PLAN_2019, UNIT, '2019-09'));
  const [r] = await importFiles(loop.office, [loop.usb], { acceptNewKeys: true, receivedOn: '2019-10-03' });
  expect(r).toMatchObject({ status: 'accepted' });
  return loop;
}

async function septemberRow(loop: Awaited<ReturnType<typeof createLoop>>) {
  return summaryByUnit(await loadPeriodData(loop.office, '2019-09')).find((u) => u.unit === UNIT)!;
}

async function storedReceivedOn(loop: Awaited<ReturnType<typeof createLoop>>, task: number) {
  return (await loop.office.db.selectFrom('reports').innerJoin('tasks', 'tasks.id', 'reports.task_id').innerJoin('periods', 'periods.id', 'reports.period_id')
    .select(['reports.received_on', 'reports.source']).where('tasks.no', '=', task).where('periods.period', '=', '2019-09').executeTakeFirstOrThrow());
}

describe('proxy entry over a unit\'s own report', () => {
  it('the form says who submitted which revision when; a save is refused until replacing is confirmed', async () => {
    const loop = await septemberReceivedOctober3();
    expect(await septemberRow(loop)).toMatchObject({ state: '已报送', late: 0 });

    const form = await entryForm(loop.office, { period: '2019-09', unit: UNIT });
    expect(form.proxy).toBe(true);
    expect(form.prior).toHaveLength(1);
    expect(form.prior[0]).toMatchObject({ source: 'package', revision: 1, receivedOn: '2019-10-03' });
    const words = priorWords(UNIT, form.prior)[0]!;
    expect(words).toMatch(/^市财政局本期已有:第1版填报包\(10月3日收到\),任务[\d、]+54\(共\d+项\)$/);
    expect(form.prior[0]!.tasks).toContain(54);

    const refused = await enterReports(loop.office, { unit: UNIT, period: '2019-09', items: [{ task: 54, indicator: 1, value: 33 }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LedgerError);
    expect(refused).toMatchObject({ code: 'E_EXISTS' });
    expect((refused as LedgerError).message).toContain('第1版填报包(10月3日收到');
    expect((refused as LedgerError).message).toContain('任务54');
    // Nothing written: the task is still the package's.
    expect(await storedReceivedOn(loop, 54)).toEqual({ received_on: '2019-10-03', source: 'package' });
  });

  it('once confirmed, the correction keeps the received date 10月3日: September stays on time, not 逾期 11月5日', async () => {
    const loop = await septemberReceivedOctober3();
    const r = await enterReports(loop.office, { unit: UNIT, period: '2019-09', items: [{ task: 54, indicator: 1, value: 33 }], replace: true });
    expect(r.proxy).toBe(true);
    expect(await storedReceivedOn(loop, 54)).toEqual({ received_on: '2019-10-03', source: 'proxy' });
    expect(await septemberRow(loop)).toMatchObject({ state: '已报送', late: 0 });

    // The next look at the form names the earlier proxy entry, and saving again asks again.
    const form = await entryForm(loop.office, { period: '2019-09', unit: UNIT });
    expect(form.prior.map((p) => p.source).sort()).toEqual(['package', 'proxy']);
    expect(priorWords(UNIT, form.prior).join('\n')).toContain('汇总端代填(收到日期10月3日,11月5日由汇总端测试录入)');
    await expect(enterReports(loop.office, { unit: UNIT, period: '2019-09', items: [{ task: 54, indicator: 1, value: 34 }] })).rejects.toMatchObject({ code: 'E_EXISTS' });
  });

  it('a received date set on purpose is what counts: 11月5日 makes the task late', async () => {
    const loop = await septemberReceivedOctober3();
    await enterReports(loop.office, { unit: UNIT, period: '2019-09', items: [{ task: 54, indicator: 1, value: 33 }], replace: true, receivedOn: '2019-11-05' });
    expect(await storedReceivedOn(loop, 54)).toEqual({ received_on: '2019-11-05', source: 'proxy' });
    expect((await septemberRow(loop)).late).toBe(1);
  });

  it('a unit that sent nothing needs no confirmation, and its paper report is received today by default', async () => {
    const loop = await createLoop({ clock: '2019-11-05T09:00:00' });
    const form = await entryForm(loop.office, { period: '2019-09', unit: UNIT });
    expect(form.prior).toEqual([]);
    await enterReports(loop.office, { unit: UNIT, period: '2019-09', items: yearEntries(PLAN_2019, UNIT, '2019-09') });
    expect(await storedReceivedOn(loop, 54)).toEqual({ received_on: '2019-11-05', source: 'proxy' });
  });
});
