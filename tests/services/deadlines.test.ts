import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { listPeriods } from '../../db/queries/plan';
import { openLedger, type Ctx } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { lockPeriod, setPeriodDue } from '../../electron/services/entry/periods';
import { exportAssignment } from '../../electron/services/packages/packages';
import { draftBulletin } from '../../electron/services/summaries/bulletin';
import { loadPeriodData, periodFigures, summaryByUnit } from '../../electron/services/summaries/summaries';
import { periodViews, unitDetail, updateSettings } from '../../electron/services/views';
import { statusWord } from '../../shared/summaries';
import { createLoop } from '../helpers/loop';
import { runLedger } from '../helpers/cli';
import { createTestLedger, fixedClock } from '../helpers/ledger';

/** 市残联's September: its one lead task, every indicator filled. */
const CANLIAN_SEPTEMBER = [
  { task: 24, status: '推进中' as const, progress: '药费补助发放中' },
  { task: 24, indicator: 1, value: 2448 },
  { task: 24, indicator: 2, value: 321 },
  { task: 24, indicator: 3, value: 45 },
];

const on = (ctx: Ctx, iso: string): Ctx => ({ ...ctx, now: fixedClock(iso) });

describe('September 2019: due 10月5日, inside the National Day holiday, moves to 10月8日', () => {
  it('a report received on 10月8日 is on time; on 10月8日 a unit with nothing in is 待报送, not red; on 10月9日 it is 未报送', async () => {
    const office = await createTestLedger({ now: fixedClock('2019-10-08T09:00:00') });
    const september = (await periodViews(office)).find((p) => p.period === '2019-09')!;
    expect(september).toMatchObject({ dueOn: '2019-10-08', dueNote: '10月5日为国庆节假期,顺延至10月8日', dueByHand: false, ruleDueOn: '2019-10-08', dueWarning: null });
    // June is due on a Friday, nothing moved.
    expect((await periodViews(office)).find((p) => p.period === '2019-06')).toMatchObject({ dueOn: '2019-07-05', dueNote: null });

    await enterReports(office, { unit: '市残联', period: '2019-09', items: CANLIAN_SEPTEMBER, receivedOn: '2019-10-08' });
    const dueDay = periodFigures(await loadPeriodData(office, '2019-09'));
    expect(dueDay.units.find((u) => u.unit === '市残联')).toMatchObject({ state: '已报送', onTime: 1, late: 0 });
    expect(dueDay.headline.lateUnitNames).not.toContain('市残联');
    const renshe = dueDay.units.find((u) => u.unit === '市人社局')!;
    expect(renshe).toMatchObject({ state: '待报送', red: 0, onTime: 0, late: 0 });
    expect(dueDay.headline.missingUnitNames).not.toContain('市人社局');
    expect(dueDay.headline.unitsWaiting).toBeGreaterThan(0);
    const rensheTask = dueDay.tasks.find((t) => t.leadUnits.includes('市人社局') && t.leadUnits.length === 1)!;
    expect(rensheTask.light).toBe('none');
    // The task view says of its task what the unit view says of the unit: 待报送, not 未报送, until the day is over.
    expect(statusWord(rensheTask)).toBe('待报送');
    // Nor is a unit that has sent nothing yet named among the fast or the slow.
    const onDueDay = (await draftBulletin(office, { period: '2019-09' })).bulletin;
    expect(onDueDay.units).not.toContain('市人社局');
    expect(onDueDay.reporting).toContain('尚未到截止日期');
    const detail = await unitDetail(office, { period: '2019-09', unit: '市人社局' });
    expect(detail.tasks.filter((t) => t.role === 'lead').every((t) => t.light === 'none')).toBe(true);

    const next = on(office, '2019-10-09T09:00:00');
    const after = periodFigures(await loadPeriodData(next, '2019-09'));
    expect(after.units.find((u) => u.unit === '市人社局')).toMatchObject({ state: '未报送', red: renshe.leadTasks });
    expect(after.headline.missingUnitNames).toContain('市人社局');
    expect(statusWord(after.tasks.find((t) => t.no === rensheTask.no)!)).toBe('未报送');
    expect(after.headline.lateUnitNames).not.toContain('市残联');
    // The bulletin names the unit reported on 10月8日 among neither the late nor the missing.
    const bulletin = (await draftBulletin(next, { period: '2019-09' })).bulletin;
    const text = JSON.stringify(bulletin);
    expect(text).toContain('市人社局');
    expect(text).not.toMatch(/逾期[^"]*市残联/);
  });

  it('received 10月9日 is late', async () => {
    const office = await createTestLedger({ now: fixedClock('2019-10-09T09:00:00') });
    await enterReports(office, { unit: '市残联', period: '2019-09', items: CANLIAN_SEPTEMBER, receivedOn: '2019-10-09' });
    expect(summaryByUnit(await loadPeriodData(office, '2019-09')).find((u) => u.unit === '市残联')).toMatchObject({ state: '已报送', late: 1 });
  });

  it('the 任务包 carries the moved date in its 报送期 sheet, and the unit is due then, told why', async () => {
    const loop = await createLoop();
    const out = join(loop.dir, 'a');
    mkdirSync(out);
    const a = await exportAssignment(loop.office, { unit: '市残联', outDir: out });
    const rows = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(readFileSync(a.file)).Sheets['报送期']!, { header: 1 });
    expect(rows).toContainEqual(['2019年9月', '2019-10-08']);
    expect(rows).toContainEqual(['2019年1月', '2019-02-11']); // 2月5日 春节
    const unit = await loop.unit('市残联');
    const views = await periodViews(unit);
    expect(views.find((p) => p.period === '2019-09')).toMatchObject({ dueOn: '2019-10-08', dueNote: '10月5日为国庆节假期,顺延至10月8日' });
    expect(views.find((p) => p.period === '2019-06')).toMatchObject({ dueOn: '2019-07-05', dueNote: null });
    // The unit's own screen and `ledger periods` print it as the office's do.
    expect((await runLedger('periods', '--db', unit.file)).out).toMatch(/2019-09 .*截止 2019-10-08 +10月5日为国庆节假期,顺延至10月8日/);
  });
});

describe('a due date set by hand', () => {
  it('wins over the rule, is audited before → after, survives a new due day, and goes back to the rule', async () => {
    const office = await createTestLedger({ now: fixedClock('2019-10-09T09:00:00') });
    const set = await setPeriodDue(office, { period: '2019-09', dueOn: '2019-10-10', reason: '国庆后统一集中报送' });
    expect(set).toMatchObject({ dueOn: '2019-10-10', dueByHand: true, ruleDueOn: '2019-10-08', dueNote: '汇总端设定为10月10日(按规则为10月8日):国庆后统一集中报送' });
    const [audit] = await listAudit(office.db, { action: 'period.due.set' });
    expect(audit).toMatchObject({ entityId: '2019-09', before: { dueOn: '2019-10-08', byHand: false }, after: { dueOn: '2019-10-10', byHand: true, reason: '国庆后统一集中报送' } });

    // A report received on 10月9日 is on time by the office's date.
    await enterReports(office, { unit: '市残联', period: '2019-09', items: CANLIAN_SEPTEMBER, receivedOn: '2019-10-09' });
    expect(summaryByUnit(await loadPeriodData(office, '2019-09')).find((u) => u.unit === '市残联')).toMatchObject({ onTime: 1, late: 0 });

    // A new due day moves the rule's dates (to working days), never the office's own.
    await updateSettings(office, { dueDay: 10 });
    const periods = await listPeriods(office.db, 'xuancheng-2019');
    expect(periods.find((p) => p.period === '2019-09')).toMatchObject({ dueOn: '2019-10-10', dueByHand: '国庆后统一集中报送' });
    expect(periods.find((p) => p.period === '2019-07')!.dueOn).toBe('2019-08-12'); // 8月10日 is a Saturday
    expect((await listAudit(office.db, { action: 'period.due.recompute' })).length).toBeGreaterThan(0);

    const back = await setPeriodDue(office, { period: '2019-09', dueOn: null, reason: '' });
    expect(back).toMatchObject({ dueOn: '2019-10-10', dueByHand: false, dueNote: null }); // 10月10日 (due day 10) is a Thursday
    const [rule] = await listAudit(office.db, { action: 'period.due.rule' });
    expect(rule).toMatchObject({ before: { dueOn: '2019-10-10', byHand: true }, after: { dueOn: '2019-10-10', byHand: false } });
  });

  it('is refused, changing nothing, without a reason, before the period ends, on a closed period and at a unit', async () => {
    const loop = await createLoop();
    const office = loop.office;
    await expect(setPeriodDue(office, { period: '2019-09', dueOn: '2019-10-10', reason: ' ' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('请写明为什么把2019年9月的截止日期定为 2019-10-10') });
    await expect(setPeriodDue(office, { period: '2019-09', dueOn: '2019-09-20', reason: '提前' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('截止日期应在报送期结束之后(2019-10-01 或以后)') });
    await expect(setPeriodDue(office, { period: '2019-09', dueOn: null, reason: '' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('本来就是按规则定的') });
    await lockPeriod(office, '2019-05');
    await expect(setPeriodDue(office, { period: '2019-05', dueOn: '2019-06-10', reason: '补' })).rejects.toMatchObject({ code: 'E_PERIOD_LOCKED', message: expect.stringContaining('请先重新开启该报送期') });
    const unit = await loop.unit('市残联');
    await expect(setPeriodDue(unit, { period: '2019-09', dueOn: '2019-10-10', reason: '想晚点报' })).rejects.toMatchObject({ code: 'E_WRONG_ROLE' });
    expect(await listAudit(office.db, { action: 'period.due.set' })).toHaveLength(0);
  });
});

describe('an office database made before holidays were counted', () => {
  it('has its rule dates settled when opened, audited; a closed period and a date set by hand keep theirs', async () => {
    const office = await createTestLedger();
    await setPeriodDue(office, { period: '2019-03', dueOn: '2019-04-05', reason: '清明节前报送' });
    // As an older version stored them: the 5th, whatever day it was.
    await office.db.updateTable('periods').set({ due_on: '2019-10-05' }).where('period', '=', '2019-09').execute();
    await office.db.updateTable('periods').set({ due_on: '2019-02-05', locked: 1 }).where('period', '=', '2019-01').execute();
    await office.db.updateTable('periods').set({ due_on: '2020-01-05' }).where('period', '=', '2019-12').execute();
    const file = office.handle.location;
    await office.close();

    const again = await openLedger(file, { now: fixedClock('2026-11-30T08:00:00'), actor: '汇总端' });
    try {
      const periods = new Map((await listPeriods(again.db, 'xuancheng-2019')).map((p) => [p.period, p.dueOn]));
      expect(periods.get('2019-09')).toBe('2019-10-08');
      expect(periods.get('2019-12')).toBe('2020-01-06');
      expect(periods.get('2019-01')).toBe('2019-02-05');
      expect(periods.get('2019-03')).toBe('2019-04-05');
      const lines = await listAudit(again.db, { action: 'period.due.recompute' });
      expect(lines.map((l) => [l.entityId, l.before, (l.after as { dueOn: string }).dueOn])).toEqual([
        ['2019-12', { dueOn: '2020-01-05' }, '2020-01-06'],
        ['2019-09', { dueOn: '2019-10-05' }, '2019-10-08'],
      ]);
      expect(lines[1]!.after).toMatchObject({ movedBecause: '10月5日为国庆节假期,顺延至10月8日', why: expect.stringMatching(/^按chinese-days \d/) });
    } finally {
      await again.close();
    }
    // Opened again, nothing is left to settle: no new lines.
    const third = await openLedger(file);
    try {
      expect(await listAudit(third.db, { action: 'period.due.recompute' })).toHaveLength(2);
    } finally {
      await third.close();
    }
  });
});
