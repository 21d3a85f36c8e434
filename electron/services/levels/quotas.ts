/**
 * 任务分解: each subordinate office's quota of every indicator, 本级's own share, and why a row does not add
 * up. A blank quota is 无任务 and stores no row (never a 0). Every save is all or nothing and audited, one
 * line per indicator changed, with the cells before and after.
 */
import type { QuotaChangeView, QuotaGridView, QuotaRowView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { fractionalQuota, ownLabel, quotaProblem, quotaTotals } from '../../../shared/levels';
import { appendAudit, type AuditEntry } from '../../../db/queries/audit';
import { listOffices, loadQuotas, setQuota, setQuotaReason } from '../../../db/queries/levels';
import type { IndicatorModel, PlanModel, TaskModel } from '../../../db/queries/plan';
import { activePlan, nowIso, officeName, requireRole, type Ctx } from '../context';
import { lockedPeriodsNote } from '../entry/periods';

/** The heading of the target column: 全市目标 for a city's office, 全县目标 for a county's. */
export function targetHeader(own: string): string {
  return own === '本级' ? '目标' : `全${own.slice(0, -2)}目标`;
}

/** The column a reason is kept in, for messages and the change list. */
export const REASON_COLUMN = '说明';

/**
 * The decomposition grid: one row per indicator of the plan, in plan order, with 本级, every office in
 * order, 合计 and 差额.
 * @example (await quotaGrid(ctx)).rows[0] // { task: 1, indicator: 1, own: null, quotas: [null, …], total: null, … }
 */
export async function quotaGrid(ctx: Ctx): Promise<QuotaGridView> {
  const plan = await activePlan(ctx);
  const offices = await listOffices(ctx.db);
  const { quotas, reasons } = await loadQuotas(ctx.db, plan.id);
  const column = new Map(offices.map((o, k) => [o.id, k]));
  const byIndicator = new Map<number, { own: number | null; quotas: (number | null)[] }>();
  const cellsOf = (id: number) => {
    let c = byIndicator.get(id);
    if (!c) byIndicator.set(id, (c = { own: null, quotas: offices.map(() => null) }));
    return c;
  };
  for (const q of quotas) {
    if (q.officeId === null) cellsOf(q.indicatorId).own = q.value;
    else cellsOf(q.indicatorId).quotas[column.get(q.officeId)!] = q.value;
  }
  const own = ownLabel(await officeName(ctx));
  const categoryOf = new Map(plan.categories.map((c) => [c.id, `${c.no}、${c.name}`]));
  const rows: QuotaRowView[] = [];
  for (const t of plan.tasks) {
    for (const i of t.indicators) {
      const cells = byIndicator.get(i.id) ?? { own: null, quotas: offices.map(() => null) };
      rows.push({
        category: categoryOf.get(t.categoryId) ?? '', task: t.no, taskTitle: t.title, indicator: i.no, name: i.name, unit: i.unit,
        kind: i.kind, comparator: i.comparator, target: i.target, targetMax: i.targetMax,
        own: cells.own, quotas: cells.quotas, reason: reasons.get(i.id) ?? null,
        ...quotaTotals({ kind: i.kind, comparator: i.comparator, target: i.target, targetMax: i.targetMax, own: cells.own, quotas: cells.quotas }),
      });
    }
  }
  return { officeName: await officeName(ctx), own, targetHeader: targetHeader(own), offices: offices.map((o) => o.name), rows };
}

/** One cell to set: an office's quota (`office` null: 本级's share); `value` null is blank, 无任务. */
export interface QuotaEdit { readonly task: number; readonly indicator: number; readonly office: string | null; readonly value: number | null }
/** Why a row does not add up; null or blank clears it. */
export interface ReasonEdit { readonly task: number; readonly indicator: number; readonly reason: string | null }

export interface QuotaEdits {
  readonly quotas: readonly QuotaEdit[];
  readonly reasons: readonly ReasonEdit[];
}

export interface SavedQuotas {
  /** What changed, cell by cell, before → after (nothing when the edits change nothing). */
  readonly changes: readonly QuotaChangeView[];
  /** Rows that do not add up to their target and have no reason yet, after the save. */
  readonly unexplained: readonly QuotaRowView[];
  readonly dryRun: boolean;
  /** Shares given as fractions of things counted whole, and closed periods a changed quota moves (lockedPeriodsNote). */
  readonly notes: readonly string[];
}

const MAX_REASON = 500;

/** Where an indicator is, as a person finds it: 任务3 指标2「…」. */
export function indicatorPlace(t: Pick<TaskModel, 'no'>, i: Pick<IndicatorModel, 'no' | 'name'>): string {
  return `任务${t.no} 指标${i.no}「${i.name}」`;
}

/**
 * Applies quota and reason edits, all or nothing: every problem is named (task, indicator, office) and
 * nothing is saved while there is one. A row that does not add up is kept: the grid and the table show its
 * difference and ask why. With `dryRun` the changes are worked out and nothing is written.
 * @example await saveQuotas(ctx, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 40 }], reasons: [] })
 */
export async function saveQuotas(ctx: Ctx, edits: QuotaEdits, opts: { readonly dryRun?: boolean; readonly source?: string } = {}): Promise<SavedQuotas> {
  await requireRole(ctx, 'summary', '分解任务');
  const plan = await activePlan(ctx);
  const before = await quotaGrid(ctx);
  const offices = await listOffices(ctx.db);
  const officeId = new Map(offices.map((o) => [o.name, o.id]));
  const find = indicatorFinder(plan);
  const problems: string[] = [];
  const rowKey = (task: number, indicator: number) => `${task}.${indicator}`;
  const rowOf = new Map(before.rows.map((r) => [rowKey(r.task, r.indicator), r]));
  const changes: QuotaChangeView[] = [];
  const writes: { indicatorId: number; officeId: number | null; value: number | null }[] = [];
  /** Shares of things counted whole given as fractions: told, not refused. */
  const fractional: string[] = [];
  const reasonWrites: { indicatorId: number; reason: string | null }[] = [];
  const seen = new Set<string>();

  for (const e of edits.quotas) {
    const found = find(e.task, e.indicator);
    if (typeof found === 'string') { problems.push(found); continue; }
    const { task, indicator } = found;
    const column = e.office === null ? before.own : e.office;
    const where = `${indicatorPlace(task, indicator)} ${column}`;
    const id = e.office === null ? null : officeId.get(e.office);
    if (id === undefined) { problems.push(`${where}:没有名为「${e.office}」的下级汇总端`); continue; }
    if (seen.has(`${indicator.id}/${column}`)) { problems.push(`${where}:同一格填了两次`); continue; }
    seen.add(`${indicator.id}/${column}`);
    const problem = e.value === null ? null : quotaProblem(indicator.kind, e.value);
    if (problem) { problems.push(`${where}:${problem}`); continue; }
    const row = rowOf.get(rowKey(task.no, indicator.no))!;
    const old = e.office === null ? row.own : row.quotas[before.offices.indexOf(e.office)] ?? null;
    if (old === e.value) continue;
    changes.push({ task: task.no, indicator: indicator.no, name: indicator.name, column, before: old, after: e.value });
    writes.push({ indicatorId: indicator.id, officeId: id, value: e.value });
    if (e.value !== null && fractionalQuota(indicator.unit, e.value)) fractional.push(`${where} ${e.value}${indicator.unit}`);
  }
  for (const e of edits.reasons) {
    const found = find(e.task, e.indicator);
    if (typeof found === 'string') { problems.push(found); continue; }
    const { task, indicator } = found;
    const reason = e.reason?.trim() || null;
    if (reason !== null && reason.length > MAX_REASON) { problems.push(`${indicatorPlace(task, indicator)} ${REASON_COLUMN}:不能超过${MAX_REASON}个字`); continue; }
    const old = rowOf.get(rowKey(task.no, indicator.no))!.reason;
    if (old === reason) continue;
    changes.push({ task: task.no, indicator: indicator.no, name: indicator.name, column: REASON_COLUMN, before: old, after: reason });
    reasonWrites.push({ indicatorId: indicator.id, reason });
  }
  if (problems.length > 0) {
    throw new LedgerError('E_VALIDATION', `任务分解有 ${problems.length} 处问题,未保存任何内容:\n${problems.slice(0, 30).map((p) => `· ${p}`).join('\n')}${problems.length > 30 ? `\n…… 另有 ${problems.length - 30} 处` : ''}`, { problems });
  }

  if (!opts.dryRun && changes.length > 0) {
    const at = nowIso(ctx);
    await ctx.db.transaction().execute(async (trx) => {
      for (const w of writes) await setQuota(trx, w.indicatorId, w.officeId, w.value);
      for (const w of reasonWrites) await setQuotaReason(trx, w.indicatorId, w.reason);
      await appendAudit(trx, auditLines(changes, { at, actor: ctx.actor, source: opts.source ?? null }));
    });
  }
  const after = opts.dryRun ? applied(before, changes) : await quotaGrid(ctx);
  const moved = writes.length > 0 ? await lockedPeriodsNote(ctx, plan) : null;
  const fractions = fractional.length === 0 ? null
    : `以下分解任务不是整数,计量单位却是按整数计的(可能是按比例分解后未取整),请核对:${fractional.slice(0, 10).join(';')}${fractional.length > 10 ? ` 等 ${fractional.length} 处` : ''}。`;
  return { changes, unexplained: after.rows.filter((r) => r.needsReason && r.reason === null), dryRun: opts.dryRun ?? false, notes: [fractions, moved].filter((n): n is string => n !== null) };
}

/** One audit line per indicator changed: its cells before and after, by column. */
function auditLines(changes: readonly QuotaChangeView[], o: { at: string; actor: string; source: string | null }): AuditEntry[] {
  const byRow = new Map<string, QuotaChangeView[]>();
  for (const c of changes) {
    const k = `${c.task}.${c.indicator}`;
    byRow.set(k, [...(byRow.get(k) ?? []), c]);
  }
  return [...byRow.entries()].map(([k, cs]) => ({
    at: o.at, actor: o.actor, action: 'quota.set', entity: 'indicator', entityId: `任务${k.replace('.', '-')}`,
    before: Object.fromEntries(cs.map((c) => [c.column, c.before])),
    after: { ...Object.fromEntries(cs.map((c) => [c.column, c.after])), ...(o.source ? { 来源: o.source } : {}) },
  }));
}

/** The grid as it would be after `changes` (a dry run), with its totals worked out again. */
function applied(grid: QuotaGridView, changes: readonly QuotaChangeView[]): QuotaGridView {
  const rows = grid.rows.map((r) => {
    const mine = changes.filter((c) => c.task === r.task && c.indicator === r.indicator);
    if (mine.length === 0) return r;
    let own = r.own;
    const quotas = [...r.quotas];
    let reason = r.reason;
    for (const c of mine) {
      if (c.column === REASON_COLUMN) reason = c.after as string | null;
      else if (c.column === grid.own) own = c.after as number | null;
      else quotas[grid.offices.indexOf(c.column)] = c.after as number | null;
    }
    return { ...r, own, quotas, reason, ...quotaTotals({ ...r, own, quotas }) };
  });
  return { ...grid, rows };
}

/** Finds an indicator by task and indicator number, or says in words that there is none. */
function indicatorFinder(plan: PlanModel): (task: number, indicator: number) => { task: TaskModel; indicator: IndicatorModel } | string {
  const tasks = new Map(plan.tasks.map((t) => [t.no, t]));
  return (no, ino) => {
    const task = tasks.get(no);
    if (!task) return `任务${no}:计划中没有这项任务`;
    const indicator = task.indicators.find((i) => i.no === ino);
    if (!indicator) return `任务${no} 指标${ino}:这项任务没有第${ino}个指标`;
    return { task, indicator };
  };
}
