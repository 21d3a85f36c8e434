import * as z from 'zod';
import type { Role } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { isPeriodId, periodLabel, planPeriodsText, previousPeriod, receivedOnProblem, requireStarted } from '../../../shared/rules/periods';
import { blockingIssues, validateTaskEntry, type TaskEntry, type ValidationIssue, type ValidationMode } from '../../../shared/rules/validation';
import { appendAudit } from '../../../db/queries/audit';
import { findPeriod, findUnitByName, type PlanModel, type TaskModel, type PeriodRow } from '../../../db/queries/plan';
import { EMPTY_FIELDS, listReports, reportRow, valuesOf, writeReports, type Report, type ReportFields } from '../../../db/queries/reports';
import { entryItemSchema, type EntryItemInput } from '../../../shared/entry-items';
import { priorWords, type PriorSubmission } from '../../../shared/proxy';
import { getSetting } from '../../../db/queries/settings';
import { activePlan, nowIso, roleOf, thresholdsOf, today, type Ctx } from '../context';
import { openingValues, unitStart } from './starts';

/** One line of an entry (`ledger enter` file or the entry form): the same shape the typed API checks. */
export const EntryItemSchema = entryItemSchema;
export type EntryItem = EntryItemInput;
export const EntryItemsSchema = z.array(EntryItemSchema).max(10_000);

export interface EnterInput {
  /** The unit entered for; on a unit's computer it may be left out (its own), and no other is allowed. */
  readonly unit?: string | undefined;
  readonly period: string;
  readonly items: readonly EntryItem[];
  /**
   * Date the summary office received a paper report (proxy entry), set on purpose by the clerk. Left
   * out, a task keeps the received date of what it replaces (an on-time package stays on time) and a
   * task with nothing before gets today.
   */
  readonly receivedOn?: string | undefined;
  /**
   * A proxy entry replacing what a unit already reported (its package, an earlier proxy entry) must
   * say so: the clerk has been shown what is replaced and confirmed it. Without it the save is refused.
   */
  readonly replace?: boolean | undefined;
  /** 填报人 of the report, typed once for all its tasks; this computer's user when left empty. */
  readonly filledBy?: string | undefined;
}

export interface EnterResult {
  readonly unit: string;
  readonly period: string;
  readonly proxy: boolean;
  readonly tasks: readonly number[];
  readonly warnings: readonly ValidationIssue[];
  /** Lead tasks saved without a status or with indicators left blank: not counted as reported until filled in. */
  readonly incomplete: readonly { readonly task: number; readonly missing: number; readonly noStatus: boolean }[];
}

/** A unit's role on each task it leads or cooperates on. */
export function rolesOfUnit(plan: PlanModel, unitId: number): Map<number, Role> {
  const roles = new Map<number, Role>();
  for (const t of plan.tasks) {
    if (t.leadUnitIds.includes(unitId)) roles.set(t.id, 'lead');
    else if (t.coUnitIds.includes(unitId)) roles.set(t.id, 'co');
  }
  return roles;
}

export async function resolveUnit(ctx: Ctx, plan: PlanModel, name: string): Promise<{ id: number; name: string }> {
  const unit = await findUnitByName(ctx.db, name);
  if (!unit || !plan.units.some((u) => u.id === unit.id)) {
    throw new LedgerError('E_UNKNOWN_UNIT', `计划中没有名为「${name}」的责任单位。`);
  }
  if (unit.kind === 'group') {
    throw new LedgerError('E_UNKNOWN_UNIT', `「${unit.name}」是成员单位集合,不是填报单位,请由其中具体单位填报。`);
  }
  return { id: unit.id, name: unit.name };
}

export async function resolvePeriod(ctx: Ctx, plan: PlanModel, period: string): Promise<PeriodRow> {
  if (!isPeriodId(period)) throw new LedgerError('E_USAGE', `报送期「${period}」格式不对,应为 YYYY-MM,例如 2019-06。`);
  const row = await findPeriod(ctx.db, plan.id, period);
  if (!row) throw new LedgerError('E_NOT_FOUND', `计划「${plan.title}」没有报送期 ${period}:本计划${planPeriodsText(plan.year, plan.frequency)}。`);
  return row;
}

/** What entering, showing or exporting one unit's period starts from. */
export interface UnitPeriod {
  readonly plan: PlanModel;
  readonly unit: { id: number; name: string };
  readonly period: PeriodRow;
  readonly roles: Map<number, Role>;
  /** The unit's stored reports of the period, by task id. */
  readonly reports: Map<number, Report>;
  /** The unit's cumulative values of the previous period (in its first period: its opening values), by indicator id (for the increase checks). */
  readonly previous: Map<number, number>;
}

export async function loadUnitPeriod(ctx: Ctx, unitName: string, periodId: string): Promise<UnitPeriod> {
  const plan = await activePlan(ctx);
  const unit = await resolveUnit(ctx, plan, unitName);
  const period = await resolvePeriod(ctx, plan, periodId);
  const reports = new Map((await listReports(ctx.db, period.id, { unitId: unit.id })).map((r) => [r.taskId, r]));
  const prevId = previousPeriod(periodId, plan.frequency);
  const prev = prevId ? await findPeriod(ctx.db, plan.id, prevId) : null;
  let previous = prev ? await valuesOf(ctx.db, prev.id, unit.id) : new Map<number, number>();
  // A unit's first period (set up or added mid-year) starts from its opening values where nothing earlier is stored.
  if ((await unitStart(ctx.db, plan, unit.id)).period === periodId) {
    const opening = await openingValues(ctx.db, unit.id);
    if (opening.size > 0) previous = new Map([...opening, ...previous]);
  }
  return { plan, unit, period, roles: rolesOfUnit(plan, unit.id), reports, previous };
}

/**
 * How the unit's stored reports of a period came in, one entry per package revision, proxy entry or
 * demo fill, each with its tasks (by number, in plan order): what a proxy entry would replace.
 */
export function priorSubmissions(plan: PlanModel, reports: ReadonlyMap<number, Report>, taskIds?: ReadonlySet<number>): PriorSubmission[] {
  const groups = new Map<string, { -readonly [K in keyof PriorSubmission]: PriorSubmission[K] } & { tasks: number[] }>();
  for (const task of plan.tasks) {
    const r = reports.get(task.id);
    if (!r || (taskIds && !taskIds.has(task.id))) continue;
    const key = [r.source, r.packageId ?? '', r.revision, r.receivedOn ?? '', r.enteredBy, r.source === 'package' ? '' : r.updatedAt.slice(0, 10)].join('|');
    const g = groups.get(key) ?? { source: r.source, revision: r.revision, receivedOn: r.receivedOn, enteredBy: r.enteredBy, at: r.updatedAt, tasks: [] };
    g.tasks.push(task.no);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** The entry of one task as the validation rules see it, from stored fields and values. */
export function toTaskEntry(
  task: TaskModel,
  role: Role,
  fields: ReportFields,
  values: ReadonlyMap<number, { value: number | null; note: string }>,
  previous: ReadonlyMap<number, number>,
): TaskEntry {
  return {
    taskNo: task.no, taskTitle: task.title, role,
    status: fields.status, progress: fields.progress, problems: fields.problems, nextSteps: fields.nextSteps,
    fundsPlanned: fields.fundsPlanned, fundsAvailable: fields.fundsAvailable, fundsSpent: fields.fundsSpent,
    phone: fields.phone, explanation: fields.explanation,
    // One literal, not a spread of indicatorFields: the office builds this for every task of every package it imports.
    indicators: task.indicators.map((i) => {
      const v = values.get(i.id);
      return {
        no: i.no, name: i.name, comparator: i.comparator, target: i.target, targetMax: i.targetMax, unit: i.unit,
        additive: i.additive, kind: i.kind, deadline: i.deadline, value: v?.value ?? null, previous: previous.get(i.id) ?? null, note: v?.note ?? '',
      };
    }),
  };
}

/** Just the report fields of a stored report or a package's entry; the empty fields for none. */
export function fieldsOf(r: ReportFields | undefined): ReportFields {
  if (!r) return EMPTY_FIELDS;
  const { status, progress, problems, nextSteps, explanation, fundsPlanned, fundsAvailable, fundsSpent, contact, phone } = r;
  return { status, progress, problems, nextSteps, explanation, fundsPlanned, fundsAvailable, fundsSpent, contact, phone };
}

/** This computer's own unit (a unit's database). */
export async function selfUnit(ctx: Ctx): Promise<string> {
  const self = await getSetting(ctx.db, 'self_unit');
  if (!self) throw new LedgerError('E_NOT_LEDGER_DB', '本机尚未设置填报单位。');
  return self;
}

/**
 * The unit an entry is for: on a unit's computer its own (another is refused), at the summary
 * office the one being entered for (代填), which must be chosen.
 */
export async function entryUnit(ctx: Ctx, requested: string | undefined): Promise<string> {
  if ((await roleOf(ctx)) === 'unit') {
    const self = await selfUnit(ctx);
    if (requested !== undefined && requested !== self && (await findUnitByName(ctx.db, requested))?.name !== self) throw new LedgerError('E_WRONG_ROLE', `本机是${self}的填报端,不能填报${requested}的数据。`);
    return self;
  }
  if (requested === undefined) throw new LedgerError('E_USAGE', '汇总端代填时请先选择单位。');
  return requested;
}

/**
 * Validates every task of the entry and writes them in one transaction, or nothing at all.
 * On a summary-office database the entry is a proxy entry (代填) of a paper report, marked as such.
 */
export async function enterReports(ctx: Ctx, input: EnterInput, mode: ValidationMode = 'save'): Promise<EnterResult> {
  const items = EntryItemsSchema.parse(input.items);
  const { plan, unit, period, roles, reports: existing, previous } = await loadUnitPeriod(ctx, await entryUnit(ctx, input.unit), input.period);
  requireStarted(input.period, today(ctx), plan.frequency, '填报');
  // A paper report's 收到日期 decides 按时 or 逾期: a date not on the calendar, or after today, would decide it wrongly.
  const dateProblem = input.receivedOn === undefined ? null : receivedOnProblem(input.receivedOn, today(ctx));
  if (dateProblem !== null) throw new LedgerError('E_VALIDATION', `${dateProblem},未保存任何内容。请填写纸质报表实际收到的日期。`);
  if (period.locked) {
    throw new LedgerError('E_PERIOD_LOCKED', `${periodLabel(input.period, plan.frequency)}(${input.period})已由汇总端关账锁定,不能再修改;如需修改请先由汇总端重新开启。`);
  }
  const role = await roleOf(ctx);
  const proxy = role === 'summary';
  const filledBy = input.filledBy?.trim() || ctx.actor;
  const thresholds = await thresholdsOf(ctx);
  const tasksByNo = new Map(plan.tasks.map((t) => [t.no, t]));

  const problems: ValidationIssue[] = [];
  const touched = new Map<number, EntryItem[]>();
  for (const item of items) {
    const task = tasksByNo.get(item.task);
    if (!task) {
      problems.push({ level: 'error', code: 'UNKNOWN_TASK', taskNo: item.task, field: 'value', message: `计划中没有任务${item.task}。` });
      continue;
    }
    if (!roles.has(task.id)) {
      problems.push({ level: 'error', code: 'NOT_OWN_TASK', taskNo: item.task, field: 'value', message: `任务${task.no}「${task.title}」不是${unit.name}牵头或协同的任务。` });
      continue;
    }
    if (item.indicator !== undefined && !task.indicators.some((i) => i.no === item.indicator)) {
      problems.push({ level: 'error', code: 'UNKNOWN_TASK', taskNo: item.task, indicatorNo: item.indicator, field: 'value', message: `任务${task.no}「${task.title}」没有第${item.indicator}个指标。` });
      continue;
    }
    const list = touched.get(task.id) ?? [];
    list.push(item);
    touched.set(task.id, list);
  }

  const writes: { task: TaskModel; fields: ReportFields; values: Map<number, { value: number | null; note: string }> }[] = [];
  const warnings: ValidationIssue[] = [];
  for (const [taskId, taskItems] of touched) {
    const task = plan.tasks.find((t) => t.id === taskId)!;
    const before = existing.get(taskId);
    const fields: { -readonly [K in keyof ReportFields]: ReportFields[K] } = { ...fieldsOf(before) };
    const values = new Map((before?.values ?? []).map((v) => [v.indicatorId, { value: v.value, note: v.note }]));
    for (const it of taskItems) {
      if (it.indicator !== undefined) {
        const ind = task.indicators.find((i) => i.no === it.indicator)!;
        const old = values.get(ind.id) ?? { value: null, note: '' };
        values.set(ind.id, { value: it.value === undefined ? old.value : it.value, note: it.note ?? old.note });
        continue;
      }
      if (it.status !== undefined) fields.status = it.status;
      if (it.progress !== undefined) fields.progress = it.progress;
      if (it.problems !== undefined) fields.problems = it.problems;
      if (it.nextSteps !== undefined) fields.nextSteps = it.nextSteps;
      if (it.explanation !== undefined) fields.explanation = it.explanation;
      else if (it.note !== undefined) fields.explanation = it.note;
      if (it.fundsPlanned !== undefined) fields.fundsPlanned = it.fundsPlanned;
      if (it.fundsAvailable !== undefined) fields.fundsAvailable = it.fundsAvailable;
      if (it.fundsSpent !== undefined) fields.fundsSpent = it.fundsSpent;
      if (it.contact !== undefined) fields.contact = it.contact;
      if (it.phone !== undefined) fields.phone = it.phone;
    }
    const issues = validateTaskEntry(toTaskEntry(task, roles.get(taskId)!, fields, values, previous), period.month, mode, thresholds);
    problems.push(...blockingIssues(issues));
    warnings.push(...issues.filter((i) => i.level === 'warning' && i.explained));
    writes.push({ task, fields, values });
  }
  if (problems.length > 0) {
    throw new LedgerError('E_VALIDATION', `填报内容有 ${problems.length} 处问题,未保存任何内容:\n` + problems.map((p) => `· ${p.message}`).join('\n'), { issues: problems });
  }
  if (proxy && !input.replace) {
    const replaced = priorSubmissions(plan, existing, new Set(touched.keys()));
    if (replaced.length > 0) {
      throw new LedgerError('E_EXISTS', `代填将替换单位已报送的内容,未保存:\n${priorWords(unit.name, replaced).map((w) => `· ${w}`).join('\n')}\n请核对后确认替换(命令行加 --replace)。`, { prior: replaced });
    }
  }

  const at = nowIso(ctx);
  // A correction typed in from paper does not make an on-time report late: only a date the clerk sets does.
  const receivedOnOf = (before: Report | undefined) => input.receivedOn ?? before?.receivedOn ?? today(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    // Read again inside the write, all tasks at once: another program may have imported into this
    // period since the form was read, and what is replaced goes whole into the history.
    const current = new Map((await listReports(trx, period.id, { unitId: unit.id })).map((r) => [r.taskId, r]));
    const rows = writes.map((w) => {
      const before = current.get(w.task.id);
      const values = w.task.indicators
        .filter((i) => w.values.has(i.id))
        .map((i) => ({ indicatorId: i.id, value: w.values.get(i.id)!.value, note: w.values.get(i.id)!.note }));
      return reportRow(w.fields, {
        periodId: period.id, unitId: unit.id, taskId: w.task.id, role: roles.get(w.task.id)!,
        enteredBy: filledBy, proxy, source: proxy ? 'proxy' : 'entry', packageId: null,
        revision: before?.revision ?? 1, receivedOn: proxy ? receivedOnOf(before) : (before?.receivedOn ?? null), values,
      });
    });
    const written = await writeReports(trx, rows, at, current);
    await appendAudit(trx, writes.map((w, k) => {
      const { id, before } = written[k]!;
      return {
        at, actor: ctx.actor, action: proxy ? 'report.proxy-entry' : 'report.enter', entity: 'report', entityId: String(id),
        before: before ? { ...fieldsOf(before), values: before.values } : null,
        after: { unit: unit.name, period: input.period, task: w.task.no, ...w.fields, values: rows[k]!.values, proxy, receivedOn: rows[k]!.receivedOn, enteredBy: filledBy },
      };
    }));
  });
  // Saved as typed, but a lead task without a status or a figure is not reported yet: said, not hidden.
  const incomplete = writes.filter((w) => roles.get(w.task.id) === 'lead').flatMap((w) => {
    const missing = w.task.indicators.filter((i) => (w.values.get(i.id)?.value ?? null) === null).length;
    return w.fields.status === null || missing > 0 ? [{ task: w.task.no, missing, noStatus: w.fields.status === null }] : [];
  });
  return { unit: unit.name, period: input.period, proxy, tasks: writes.map((w) => w.task.no), warnings, incomplete };
}
