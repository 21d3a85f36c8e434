/**
 * A plan revision at the summary office: the plan edited (a file from `ledger plan --json`, a notice, a
 * template), compared with the stored one, and, once seen, saved as revision N+1: audited, kept in the
 * revision history, and sent as new assignment packages to the units whose tasks changed.
 */
import type { PlanDef } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { planProblems } from '../../../shared/plan-check';
import { diffPlans, numberIndicatorsByName, type PlanDiff } from '../../../shared/plan-diff';
import { appendAudit } from '../../../db/queries/audit';
import { findUnitByName, listPeriods, planModelToDef, recordPlanRevision, type PlanModel } from '../../../db/queries/plan';
import { applyPlanRevision, mergeConflicts } from '../../../db/queries/plan-revision';
import type { Tx } from '../../../db/schema';
import { activePlan, nowIso, requireRole, today, type Ctx } from '../context';
import { firstOwedPeriod, recordStart } from '../entry/starts';
import { lockedPeriodsNote } from '../entry/periods';
import { listOffices } from '../../../db/queries/levels';
import { exportAssignment, type ExportedPackage } from '../packages/packages';

export interface RevisionResult {
  /** The revision the plan was at, and the one it is at now (the same after a dry run or when nothing changed). */
  readonly from: number;
  readonly to: number;
  readonly dryRun: boolean;
  readonly diff: PlanDiff;
  /** New assignment packages written (with `outDir`), one per unit of `diff.units` that still has tasks. */
  readonly packages: readonly (ExportedPackage & { readonly unit: string })[];
  /** What else the revision asks of the clerk: new 下达包 for the subordinate offices, closed periods recomputed. */
  readonly notes: readonly string[];
}

/** revisePlan's notes for a revision that changes something, of the stored plan being revised. */
async function revisionNotes(ctx: Ctx, plan: Pick<PlanModel, 'id' | 'frequency'>): Promise<string[]> {
  const offices = (await listOffices(ctx.db)).map((o) => o.name);
  return [
    ...(offices.length > 0 ? [`下级汇总端(${offices.length} 个)需要新的下达包:${offices.join('、')}(ledger assign --all-offices,或「下级汇总端」页);目标有变化的指标请先在任务分解表中核对各下级的分解任务。`] : []),
    ...[await lockedPeriodsNote(ctx, plan)].filter((n): n is string => n !== null),
  ];
}

/**
 * Why `next` cannot revise the stored plan `current`, in Chinese; none when it can.
 */
async function refusals(db: Tx, current: PlanDef, next: PlanDef, diff: PlanDiff): Promise<string[]> {
  if (next.year !== current.year) {
    return [`这是 ${next.year} 年的工作计划,本台账是 ${current.year} 年的「${current.title}」:修订只能改同一年的计划。新一年的计划请新建台账(ledger init --plan 新计划文件)。`];
  }
  const out: string[] = [];
  out.push(...planProblems(next).map((p) => `${p.where}:${p.message}`));
  out.push(...await mergeConflicts(db, diff.renamed));
  // A new name already used by a unit this plan no longer names would make two units one without saying so.
  for (const [from, to] of Object.entries(diff.renamed)) {
    if (diff.changes.some((c) => c.kind === 'unit-renamed' && c.from === from)) {
      const holder = await db.selectFrom('units').select('id').where('name', '=', to).executeTakeFirst();
      if (holder) out.push(`单位「${from}」要改名为「${to}」,但本台账已有名为「${to}」的单位:如果两者是同一个单位,请在计划文件中把「${from}」写进「${to}」的别名(合并)。`);
    }
  }
  return out;
}

/** A revision compared with the stored plan and found acceptable: what saveRevision stores. */
export interface PreparedRevision {
  readonly current: PlanDef;
  readonly revised: PlanDef;
  readonly diff: PlanDiff;
}

/** How prepareRevision numbers a revision's indicators. */
export interface RevisionNumbering {
  /**
   * The numbers of `next` are the plan's own and stay as they are: a 下达包's are the parent's, which every
   * 汇总包 must carry back (an indicator without a quota is left out of the office's plan but keeps its number,
   * and one given back takes it again). Without it a plan read from a table or notice is numbered by name.
   */
  readonly keepNumbers?: boolean;
  /** The stored plan as it is compared (a dry run's view of indicators the caller renumbers when it saves). */
  readonly current?: (stored: PlanDef) => PlanDef;
}

/**
 * `next` as the stored plan's next revision, compared with it; refused (E_VALIDATION, E_WRONG_PLAN) with every
 * reason. The plan keeps its id and its reporting frequency, whatever `next` says. Reads through `ctx.db`, so a
 * caller inside a transaction passes it as ctx.db.
 */
export async function prepareRevision(ctx: Ctx, next: PlanDef, opts: RevisionNumbering = {}): Promise<PreparedRevision> {
  await requireRole(ctx, 'summary', '修订工作计划');
  const model = await activePlan(ctx);
  const stored = planModelToDef(model);
  const current = opts.current ? opts.current(stored) : stored;
  // A notice says nothing of how often units report: a revision keeps the office's frequency (设置页 changes it).
  const numbered: PlanDef = { ...next, id: current.id, revision: current.revision + 1, frequency: current.frequency };
  const revised: PlanDef = opts.keepNumbers ? numbered : numberIndicatorsByName(current, numbered);
  const diff = diffPlans(current, revised);
  const refused = await refusals(ctx.db, current, revised, diff);
  if (refused.length > 0) {
    const code = revised.year !== current.year ? 'E_WRONG_PLAN' : 'E_VALIDATION';
    throw new LedgerError(code, `工作计划未修订:\n${refused.map((r) => `· ${r}`).join('\n')}`, { problems: refused });
  }
  return { current, revised, diff };
}

/**
 * Stores a prepared revision as the plan's next one, audited and kept in the revision history; `source` says in
 * the audit line where it came from (a 下达包). The caller holds the transaction.
 */
export async function saveRevision(db: Tx, ctx: Pick<Ctx, 'actor' | 'now'>, r: PreparedRevision, at: string, source?: Readonly<Record<string, unknown>>): Promise<void> {
  const { current, revised, diff } = r;
  await applyPlanRevision(db, current.id, revised, diff.renamed);
  await recordPlanRevision(db, { plan: revised, at, actor: ctx.actor, diff });
  // A unit the revision brings into the plan owes the periods from the one it was added in.
  const before = new Set(current.units.flatMap((u) => [u.name, ...u.aliases]));
  const periods = await listPeriods(db, current.id);
  for (const u of revised.units) {
    if (u.kind !== 'unit' || before.has(u.name) || u.aliases.some((a) => before.has(a)) || Object.values(diff.renamed).includes(u.name)) continue;
    const row = await findUnitByName(db, u.name);
    if (row) await recordStart(db, { planId: current.id, unitId: row.id, unit: u.name, period: firstOwedPeriod(periods, today(ctx)), how: 'revision', at, actor: ctx.actor });
  }
  await appendAudit(db, {
    at, actor: ctx.actor, action: 'plan.revise', entity: 'plan', entityId: current.id,
    before: { revision: current.revision },
    after: { revision: revised.revision, changes: diff.changes.map((c) => c.words), units: diff.units, diff, ...source },
  });
}

/**
 * Compares `next` with the stored plan and, unless `dryRun`, saves it as the next revision; with `outDir`,
 * writes a new assignment package for each unit whose tasks changed. Refuses (E_VALIDATION, E_WRONG_PLAN)
 * with every reason, changing nothing. The plan keeps its id and its reporting frequency, whatever the file says.
 * @example const r = await revisePlan(ledger, parsed.plan, { dryRun: true }); r.diff.changes.map((c) => c.words)
 */
export async function revisePlan(ctx: Ctx, next: PlanDef, opts: { readonly dryRun?: boolean; readonly outDir?: string } = {}): Promise<RevisionResult> {
  const prepared = await prepareRevision(ctx, next);
  const { current, revised, diff } = prepared;
  const unchanged = diff.changes.length === 0;
  if (unchanged) return { from: current.revision, to: current.revision, dryRun: opts.dryRun ?? false, diff, packages: [], notes: [] };
  const notes = await revisionNotes(ctx, current);
  if (opts.dryRun) return { from: current.revision, to: current.revision, dryRun: true, diff, packages: [], notes };

  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => saveRevision(trx, ctx, prepared, at));
  const packages: (ExportedPackage & { unit: string })[] = [];
  if (opts.outDir !== undefined) {
    const plan = await activePlan(ctx);
    for (const unit of diff.units) {
      const u = plan.units.find((x) => x.name === unit);
      // A unit the revision took every task from gets no package: it has nothing left to report.
      if (!u || !plan.tasks.some((t) => t.leadUnitIds.includes(u.id) || t.coUnitIds.includes(u.id))) continue;
      packages.push({ unit, ...await exportAssignment(ctx, { unit, outDir: opts.outDir }) });
    }
  }
  return { from: current.revision, to: revised.revision, dryRun: false, diff, packages, notes };
}
