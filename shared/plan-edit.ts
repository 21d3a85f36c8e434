/**
 * The in-app plan editor's edits, each turning one PlanDef into the next. The editor only produces a
 * PlanDef: it is saved through the one revise path a plan file takes (diff shown first, planProblems
 * checked, a new revision, audited), so an edit here and the same edit in a 责任分解表 give one revision.
 * Pure: no Node or DOM.
 */
import { assertNever, type CategoryDef, type Comparator, type IndicatorDef, type IndicatorKind, type PlanDef, type TaskDef, type UnitDef } from './domain';
import { LedgerError } from './errors';
import { isPointUnit } from './rules/progress';

/** What of a task the editor changes; roles are the lead and cooperating unit lists. */
export type TaskFields = Pick<TaskDef, 'title' | 'text' | 'leader' | 'leadUnits' | 'coUnits'>;

/** What of an indicator the editor changes; `additive` follows from kind and unit, `source` stays the notice's. */
export type IndicatorEditFields = Pick<IndicatorDef, 'name' | 'comparator' | 'target' | 'targetMax' | 'unit' | 'kind' | 'deadline'>;

export type PlanEdit =
  | { readonly kind: 'task'; readonly task: number; readonly set: Partial<TaskFields> }
  | { readonly kind: 'add-task'; readonly category: string; readonly fields: TaskFields }
  | { readonly kind: 'remove-task'; readonly task: number }
  | { readonly kind: 'indicator'; readonly task: number; readonly indicator: number; readonly set: Partial<IndicatorEditFields> }
  | { readonly kind: 'add-indicator'; readonly task: number; readonly fields: IndicatorEditFields }
  | { readonly kind: 'remove-indicator'; readonly task: number; readonly indicator: number }
  /** The old name stays the unit's alias, so packages made under it still import. */
  | { readonly kind: 'rename-unit'; readonly from: string; readonly to: string }
  /** A misspelt name merged into the right one: its tasks, aliases (and, once saved, data and key) go to `into`. */
  | { readonly kind: 'merge-unit'; readonly from: string; readonly into: string }
  | { readonly kind: 'move-unit'; readonly unit: string; readonly by: -1 | 1 };

const refuse = (message: string): never => {
  throw new LedgerError('E_VALIDATION', message);
};

function mapTasks(plan: PlanDef, f: (t: TaskDef, c: CategoryDef) => TaskDef | null): PlanDef {
  return { ...plan, categories: plan.categories.map((c) => ({ ...c, tasks: c.tasks.flatMap((t) => f(t, c) ?? []) })) };
}

function findTask(plan: PlanDef, no: number): TaskDef {
  return plan.categories.flatMap((c) => c.tasks).find((t) => t.no === no) ?? refuse(`计划中没有任务${no}。`);
}

function findUnit(plan: PlanDef, name: string): UnitDef {
  return plan.units.find((u) => u.name === name) ?? refuse(`单位名单中没有「${name}」。`);
}

/** Rates and shares (%, ‰) never add up across units, nor do level and growth figures. */
function additiveOf(i: Pick<IndicatorDef, 'kind' | 'unit'>): boolean {
  return (i.kind === 'cumulative' || i.kind === 'milestone') && !isPointUnit(i.unit);
}

const RANGE: Comparator = 'range';

function editedIndicator(i: IndicatorDef, set: Partial<IndicatorEditFields>): IndicatorDef {
  const next = { ...i, ...set };
  const name = next.name.trim();
  if (name === '') refuse(`指标名称不能为空(原为「${i.name}」)。`);
  if (!Number.isFinite(next.target)) refuse(`指标「${name}」的目标须是数字。`);
  const kind: IndicatorKind = next.kind;
  return {
    ...next,
    name,
    unit: next.unit.trim(),
    // A comparator that is not a range has no upper bound; a kind that is not a milestone no deadline month.
    targetMax: next.comparator === RANGE ? next.targetMax : null,
    deadline: kind === 'milestone' ? (next.deadline ?? 12) : null,
    // Only a new kind or unit re-decides it: a notice's 人均 figure keeps what the reader found.
    additive: next.kind !== i.kind || next.unit.trim() !== i.unit ? additiveOf(next) : i.additive,
  };
}

function cleanTaskFields<T extends Partial<TaskFields>>(set: T, where: string): T {
  const title = set.title?.trim();
  if (title === '') refuse(`${where}的标题不能为空。`);
  const leader = set.leader === undefined ? undefined : (set.leader?.trim() || null);
  return {
    ...set,
    ...(title === undefined ? {} : { title }),
    ...(leader === undefined ? {} : { leader }),
    ...(set.leadUnits ? { leadUnits: [...new Set(set.leadUnits)] } : {}),
    ...(set.coUnits ? { coUnits: [...new Set(set.coUnits)] } : {}),
  };
}

/** A unit's name replaced by another in every task's roles, each name listed once, a lead not also cooperating. */
function replaceInRoles(plan: PlanDef, from: string, to: string): PlanDef {
  const swap = (names: readonly string[]) => [...new Set(names.map((n) => (n === from ? to : n)))];
  return mapTasks(plan, (t) => {
    if (!t.leadUnits.includes(from) && !t.coUnits.includes(from)) return t;
    const leadUnits = swap(t.leadUnits);
    return { ...t, leadUnits, coUnits: swap(t.coUnits).filter((n) => !leadUnits.includes(n)) };
  });
}

/**
 * The plan after one edit; refuses (E_VALIDATION, in Chinese) an edit that names no task, indicator or unit
 * of the plan, or would give a unit a name another unit already goes by.
 * @example applyPlanEdit(plan, { kind: 'rename-unit', from: '县教体局', to: '县教育体育局' }).units[3] // { name: '县教育体育局', aliases: ['县教体局', …] }
 */
export function applyPlanEdit(plan: PlanDef, edit: PlanEdit): PlanDef {
  switch (edit.kind) {
    case 'task': {
      findTask(plan, edit.task);
      const set = cleanTaskFields(edit.set, `任务${edit.task}`);
      return mapTasks(plan, (t) => (t.no === edit.task ? { ...t, ...set } : t));
    }
    case 'add-task': {
      if (!plan.categories.some((c) => c.no === edit.category)) refuse(`计划中没有类别「${edit.category}」。`);
      const no = Math.max(0, ...plan.categories.flatMap((c) => c.tasks.map((t) => t.no))) + 1;
      const fields = cleanTaskFields(edit.fields, '新任务');
      const task: TaskDef = { no, ...fields, text: fields.text.trim() || `${fields.title}。`, coUnitsOpenEnded: false, subordinates: null, indicators: [] };
      return { ...plan, categories: plan.categories.map((c) => (c.no === edit.category ? { ...c, tasks: [...c.tasks, task] } : c)) };
    }
    case 'remove-task':
      findTask(plan, edit.task);
      return mapTasks(plan, (t) => (t.no === edit.task ? null : t));
    case 'indicator': {
      const t = findTask(plan, edit.task);
      if (!t.indicators.some((i) => i.no === edit.indicator)) refuse(`任务${edit.task}没有指标${edit.indicator}。`);
      return mapTasks(plan, (x) => (x.no !== edit.task ? x : { ...x, indicators: x.indicators.map((i) => (i.no === edit.indicator ? editedIndicator(i, edit.set) : i)) }));
    }
    case 'add-indicator': {
      const t = findTask(plan, edit.task);
      const no = Math.max(0, ...t.indicators.map((i) => i.no)) + 1;
      // Written in the app, not read from the notice: no source phrase to keep.
      const fresh = editedIndicator({ no, ...edit.fields, additive: additiveOf(edit.fields), source: '' }, {});
      return mapTasks(plan, (x) => (x.no === edit.task ? { ...x, indicators: [...x.indicators, fresh] } : x));
    }
    case 'remove-indicator': {
      const t = findTask(plan, edit.task);
      if (!t.indicators.some((i) => i.no === edit.indicator)) refuse(`任务${edit.task}没有指标${edit.indicator}。`);
      return mapTasks(plan, (x) => (x.no === edit.task ? { ...x, indicators: x.indicators.filter((i) => i.no !== edit.indicator) } : x));
    }
    case 'rename-unit': {
      const unit = findUnit(plan, edit.from);
      const to = edit.to.trim();
      if (to === '' || to === edit.from) refuse(`请为「${edit.from}」填写一个新名称。`);
      const holder = plan.units.find((u) => u !== unit && (u.name === to || u.aliases.includes(to)));
      if (holder) refuse(`「${to}」已是单位「${holder.name}」的名称或别名:如果两者是同一个单位,请用「并入」把「${edit.from}」并入「${holder.name}」。`);
      const renamed: UnitDef = { ...unit, name: to, aliases: [edit.from, ...unit.aliases.filter((a) => a !== to)] };
      return replaceInRoles({ ...plan, units: plan.units.map((u) => (u === unit ? renamed : u)) }, edit.from, to);
    }
    case 'merge-unit': {
      const from = findUnit(plan, edit.from);
      const into = findUnit(plan, edit.into);
      if (from === into) refuse(`「${edit.from}」不能并入它自己。`);
      if (from.kind !== into.kind) refuse(`「${edit.from}」和「${edit.into}」一个是填报单位、一个是成员单位集合,不能合并。`);
      const merged: UnitDef = { ...into, aliases: [...new Set([...into.aliases, from.name, ...from.aliases])] };
      const units = plan.units.filter((u) => u !== from).map((u) => (u === into ? merged : u));
      return replaceInRoles({ ...plan, units }, from.name, into.name);
    }
    case 'move-unit': {
      const k = plan.units.indexOf(findUnit(plan, edit.unit));
      const j = k + edit.by;
      if (j < 0 || j >= plan.units.length) return plan;
      const units = [...plan.units];
      [units[k], units[j]] = [units[j]!, units[k]!];
      return { ...plan, units };
    }
    default:
      return assertNever(edit, 'plan edit');
  }
}

/**
 * The plan after a series of edits, in order.
 * @example applyPlanEdits(plan, [{ kind: 'indicator', task: 1, indicator: 1, set: { target: 1500 } }])
 */
export function applyPlanEdits(plan: PlanDef, edits: readonly PlanEdit[]): PlanDef {
  return edits.reduce(applyPlanEdit, plan);
}
