/**
 * 任务分解 through the services on real stores (SQLite files, PostgreSQL in the postgres project) (issue 13 item 2): quotas and 本级's share per kind, a
 * blank stored as no row (never a 0), the difference and the reason asked for, all-or-nothing refusals with
 * the task, indicator and office named, and one audit line per indicator changed.
 */
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { quotaGrid, saveQuotas } from '../../electron/services/levels/quotas';
import { createTestLedger } from '../helpers/ledger';

/** 任务1 指标1 技能脱贫培训 250人 (cumulative); 任务5's 人均可支配收入增长 (growth); 任务7 毛入学率 (level). */
/** How many quota rows are stored (a blank is no row). */
const quotaRows = async (l: Awaited<ReturnType<typeof createTestLedger>>) =>
  Number((await l.db.selectFrom('quotas').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

const rowOf = async (l: Awaited<ReturnType<typeof createTestLedger>>, task: number, indicator: number) =>
  (await quotaGrid(l)).rows.find((r) => r.task === task && r.indicator === indicator)!;

describe('任务分解', () => {
  it('the grid: one row per indicator of the plan, 本级 and the seven offices, all blank at first', async () => {
    const l = await createTestLedger();
    const g = await quotaGrid(l);
    expect(g.rows).toHaveLength(62);
    expect(g).toMatchObject({ own: '市本级', targetHeader: '全市目标', offices: ['宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县'] });
    expect(g.rows[0]).toMatchObject({ category: '一、稳定和扩大就业', task: 1, taskTitle: '实施技工大省技能培训工程', indicator: 1, name: '技能脱贫培训', unit: '人', kind: 'cumulative', target: 250, own: null, quotas: [null, null, null, null, null, null, null], total: null, difference: null, needsReason: false, reason: null });
  });

  it('two offices set, one blank: 合计 leaves the blank out, the difference asks for a reason, which is stored and audited', async () => {
    const l = await createTestLedger();
    const r1 = await saveQuotas(l, { quotas: [
      { task: 1, indicator: 1, office: null, value: 50 },
      { task: 1, indicator: 1, office: '宣州区', value: 100 },
      { task: 1, indicator: 1, office: '郎溪县', value: 120 },
    ], reasons: [] });
    expect(r1.changes.map((c) => [c.column, c.before, c.after])).toEqual([['市本级', null, 50], ['宣州区', null, 100], ['郎溪县', null, 120]]);
    expect(r1.unexplained.map((r) => [r.task, r.indicator, r.total, r.difference])).toEqual([[1, 1, 270, 20]]);
    expect(await rowOf(l, 1, 1)).toMatchObject({ own: 50, quotas: [100, 120, null, null, null, null, null], total: 270, difference: 20, needsReason: true, reason: null });

    const r2 = await saveQuotas(l, { quotas: [], reasons: [{ task: 1, indicator: 1, reason: ' 多分解20人,留有余量 ' }] });
    expect(r2.changes).toEqual([{ task: 1, indicator: 1, name: '技能脱贫培训', column: '说明', before: null, after: '多分解20人,留有余量' }]);
    expect(r2.unexplained).toEqual([]);
    expect((await rowOf(l, 1, 1)).reason).toBe('多分解20人,留有余量');

    // Blank is no row, never a 0: only the three cells set are stored.
    const stored = [...await l.db.selectFrom('quotas').select('value').execute(), ...await l.db.selectFrom('own_quotas').select('value').execute()];
    expect(stored.map((r) => r.value).sort()).toEqual([100, 120, 50]);

    const audit = (await listAudit(l.db)).filter((a) => a.action === 'quota.set').reverse();
    expect(audit.map((a) => [a.entityId, a.before, a.after])).toEqual([
      ['任务1-1', { 市本级: null, 宣州区: null, 郎溪县: null }, { 市本级: 50, 宣州区: 100, 郎溪县: 120 }],
      ['任务1-1', { 说明: null }, { 说明: '多分解20人,留有余量' }],
    ]);
  });

  it('clearing a quota deletes its row (无任务), and a save that changes nothing writes and audits nothing', async () => {
    const l = await createTestLedger();
    await saveQuotas(l, { quotas: [{ task: 1, indicator: 1, office: '泾县', value: 250 }], reasons: [] });
    expect(await rowOf(l, 1, 1)).toMatchObject({ total: 250, difference: 0, needsReason: false });
    const again = await saveQuotas(l, { quotas: [{ task: 1, indicator: 1, office: '泾县', value: 250 }], reasons: [{ task: 1, indicator: 1, reason: '' }] });
    expect(again.changes).toEqual([]);
    await saveQuotas(l, { quotas: [{ task: 1, indicator: 1, office: '泾县', value: null }], reasons: [] });
    expect(await quotaRows(l)).toBe(0);
    expect(await rowOf(l, 1, 1)).toMatchObject({ total: null, difference: null, needsReason: false });
    expect((await listAudit(l.db)).filter((a) => a.action === 'quota.set')).toHaveLength(2);
  });

  it('a level target is not split: a quota is that office’s own target, no 合计 or reason is asked', async () => {
    const l = await createTestLedger();
    const level = (await quotaGrid(l)).rows.find((r) => r.kind === 'level')!;
    await saveQuotas(l, { quotas: [{ task: level.task, indicator: level.indicator, office: '郎溪县', value: level.target + 1 }], reasons: [] });
    expect(await rowOf(l, level.task, level.indicator)).toMatchObject({ split: false, quotas: [null, level.target + 1, null, null, null, null, null], total: null, difference: null, needsReason: false });
  });

  it('refuses all or nothing, naming task, indicator and column: 0, negative, an unknown office, a task or indicator the plan lacks, a cell twice', async () => {
    const l = await createTestLedger();
    const err = await saveQuotas(l, { quotas: [
      { task: 1, indicator: 2, office: '郎溪县', value: 3000 },
      { task: 1, indicator: 1, office: '郎溪县', value: 0 },
      { task: 1, indicator: 1, office: null, value: -5 },
      { task: 1, indicator: 1, office: '黄山区', value: 10 },
      { task: 99, indicator: 1, office: '郎溪县', value: 10 },
      { task: 1, indicator: 9, office: '郎溪县', value: 10 },
      { task: 1, indicator: 3, office: '泾县', value: 10 },
      { task: 1, indicator: 3, office: '泾县', value: 20 },
    ], reasons: [{ task: 1, indicator: 1, reason: '很'.repeat(501) }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_VALIDATION' });
    expect((err as Error).message).toBe([
      '任务分解有 7 处问题,未保存任何内容:',
      '· 任务1 指标1「技能脱贫培训」 郎溪县:不能为0:没有任务请留空(无任务)',
      '· 任务1 指标1「技能脱贫培训」 市本级:不能为负数',
      '· 任务1 指标1「技能脱贫培训」 黄山区:没有名为「黄山区」的下级汇总端',
      '· 任务99:计划中没有这项任务',
      '· 任务1 指标9:这项任务没有第9个指标',
      '· 任务1 指标3「新技工系统培养」 泾县:同一格填了两次',
      '· 任务1 指标1「技能脱贫培训」 说明:不能超过500个字',
    ].join('\n'));
    // Nothing of the good edits was kept.
    expect(await quotaRows(l)).toBe(0);
    expect((await listAudit(l.db)).filter((a) => a.action === 'quota.set')).toEqual([]);
  });

  it('a dry run lists the changes and the rows left unexplained, and writes nothing', async () => {
    const l = await createTestLedger();
    const r = await saveQuotas(l, { quotas: [{ task: 1, indicator: 1, office: '宣州区', value: 100 }], reasons: [] }, { dryRun: true });
    expect(r).toMatchObject({ dryRun: true, changes: [{ column: '宣州区', before: null, after: 100 }] });
    expect(r.unexplained.map((u) => [u.total, u.difference])).toEqual([[100, -150]]);
    expect((await rowOf(l, 1, 1)).quotas[0]).toBeNull();
    expect((await listAudit(l.db)).filter((a) => a.action === 'quota.set')).toEqual([]);
  });
});
