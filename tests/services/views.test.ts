/**
 * The read models behind the screens (electron/services/views.ts) on a unit's computer: what the
 * period picker says is done, the entry form with last period's values and returned tasks, and the
 * drill-down of one unit at the office.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAssignment, exportFeedback, exportReport } from '../../electron/services/packages/packages';
import { returnTask } from '../../electron/services/entry/returns';
import { entryForm, periodViews, trendView, unitDetail, updateSettings } from '../../electron/services/views';
import type { OpenLedger } from '../../electron/services/context';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

const opened: OpenLedger[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

/** A clock that starts at `iso` and moves a second each time it is read: saves and exports are ordered. */
function steppingClock(iso: string): () => Date {
  let t = new Date(iso).getTime();
  return () => new Date((t += 1000));
}

describe('views on a unit computer', () => {
  it('periods: 未填报 → 草稿 → 已导出 第N版 → 草稿 again after a change; entry form; returned tasks', async () => {
    const loop = await createLoop();
    const outDir = join(loop.dir, 'assign');
    mkdirSync(outDir);
    const assignment = await exportAssignment(loop.office, { unit: '市残联', outDir });
    const unit = await initUnitFromAssignment(join(loop.dir, 'canlian.db'), assignment.file, { now: steppingClock('2019-07-02T15:00:00'), actor: '市残联' });
    opened.push(unit);

    const state = async (p: string) => (await periodViews(unit)).find((v) => v.period === p)!;
    expect(await state('2019-06')).toMatchObject({ state: '未填报', exportedRevision: null, dueOn: '2019-07-05', locked: false });

    await enterReports(unit, { unit: '市残联', period: '2019-05', items: [{ task: 24, indicator: 1, value: 1400 }] });
    await enterReports(unit, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE });
    expect((await state('2019-06')).state).toBe('草稿');

    const rev1 = await exportReport(unit, { period: '2019-06', outDir: loop.usb });
    expect(await state('2019-06')).toMatchObject({ state: '已导出', exportedRevision: 1 });
    await enterReports(unit, { unit: '市残联', period: '2019-06', items: [{ task: 24, progress: '补充说明' }] });
    expect(await state('2019-06')).toMatchObject({ state: '草稿', exportedRevision: 1 });

    const form = await entryForm(unit, { period: '2019-06' });
    expect(form).toMatchObject({ unit: '市残联', month: 6, dueOn: '2019-07-05', proxy: false, locked: false });
    expect(form.tasks.map((t) => [t.no, t.role, t.saved])).toEqual([[24, 'lead', true], [23, 'co', true]]);
    expect(form.tasks[0]!.indicators[0]).toMatchObject({ no: 1, target: 3264, previous: 1400, value: 1632 });
    expect(form.tasks[0]!.progress).toBe('补充说明');
    await expect(entryForm(unit, { period: '2019-06', unit: '市人社局' })).rejects.toMatchObject({ code: 'E_WRONG_ROLE' });
    // Saving for another unit is refused where the entry is written, so `ledger enter` cannot either.
    await expect(enterReports(unit, { unit: '市人社局', period: '2019-06', items: [{ task: 1, progress: '冒填' }] }))
      .rejects.toMatchObject({ code: 'E_WRONG_ROLE', message: '本机是市残联的填报端,不能填报市人社局的数据。' });

    // The office returns task 24; the unit sees the comment in its form until it exports again.
    await importFiles(loop.office, [rev1.file], { acceptNewKeys: true, receivedOn: '2019-07-04' });
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实康复训练人数' });
    const feedback = await exportFeedback(loop.office, { unit: '市残联', outDir: loop.usb });
    await importFiles(unit, [feedback.file]);
    expect((await entryForm(unit, { period: '2019-06' })).tasks[0]!.returnComment).toBe('请核实康复训练人数');
    await exportReport(unit, { period: '2019-06', outDir: loop.usb });
    expect((await entryForm(unit, { period: '2019-06' })).tasks[0]!.returnComment).toBeNull();
    expect(await state('2019-06')).toMatchObject({ state: '已导出', exportedRevision: 2 });

    // Settings belong to the office.
    await expect(updateSettings(unit, { yellowPoints: 5 })).rejects.toMatchObject({ code: 'E_WRONG_ROLE' });
  });
});

describe('views at the office', () => {
  it('the drill-down of a unit: its own figures, lead tasks first, a cooperating task counted only when reported', async () => {
    // After June's due date (2019-07-05): a lead task with nothing in is red.
    const loop = await createLoop({ clock: '2019-07-08T09:00:00' });
    const none = await unitDetail(loop.office, { period: '2019-06', unit: '市残联' });
    expect(none.unit).toMatchObject({ unit: '市残联', state: '未报送', missing: 1 });
    expect(none.tasks.map((t) => [t.no, t.role, t.light, t.status])).toEqual([[24, 'lead', 'red', null], [23, 'co', 'none', null]]);
    expect(none.tasks[0]!.indicators.every((i) => i.light === 'red' && i.value === null)).toBe(true);

    await enterReports(loop.office, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE, receivedOn: '2019-07-08' });
    const d = await unitDetail(loop.office, { period: '2019-06', unit: '市残联' });
    expect(d.unit).toMatchObject({ state: '已报送', late: 1, receivedOn: '2019-07-08' });
    expect(d.tasks[0]).toMatchObject({ no: 24, role: 'lead', light: 'green', completion: 0.5, reportedLeads: 1, totalLeads: 1, proxy: true, receivedOn: '2019-07-08' });
    expect(d.tasks[0]!.indicators.map((i) => i.value)).toEqual([1632, 214, 30]);
    expect(d.tasks[1]).toMatchObject({ no: 23, role: 'co', status: '推进中', light: 'green', completion: null, progress: '配合开展残疾人补贴发放' });
    await expect(unitDetail(loop.office, { period: '2019-06', unit: '不存在的单位' })).rejects.toMatchObject({ code: 'E_UNKNOWN_UNIT' });

    const trend = await trendView(loop.office);
    expect(trend.periods).toEqual(['2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-06']);
    expect(trend.overall.at(-1)).toMatchObject({ period: '2019-06', late: 1 });
    expect(trend.units.find((u) => u.unit === '市残联')!.completion.at(-1)).toBe(0.5);
  });
});
