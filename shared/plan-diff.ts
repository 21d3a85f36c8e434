/**
 * What a plan revision changes, item by item and in Chinese words: what `ledger plan revise` shows before
 * it saves, the 计划管理 page shows, and the audit log and the revision history keep. Pure: no Node or DOM.
 *
 * Tasks are matched by number and indicators by task and number, as report packages name them (a plan read from
 * a table or a notice is first numbered by name, numberIndicatorsByName). A unit of
 * the new plan whose aliases hold the name of a unit of the old one is that unit renamed, or, when its own
 * name was on the old list too, the old one merged into it (a misspelt name into the right one).
 */
import { INDICATOR_KIND_LABELS, type Comparator, type IndicatorDef, type PlanDef, type TaskDef } from './domain';
import { deadlineText, targetFigure } from './format';
import type { ValueChange } from './api';

/** How a comparator reads in a sentence: 不低于 1200人. */
export const COMPARATOR_WORDS: Readonly<Record<Comparator, string>> = { '>=': '不低于', '<=': '不超过', '~': '约', range: '区间', '=': '等于' };

export type PlanChangeKind =
  | 'plan-changed'
  | 'category-added' | 'category-removed' | 'category-changed'
  | 'task-added' | 'task-removed' | 'task-changed'
  | 'indicator-added' | 'indicator-removed' | 'indicator-changed'
  | 'unit-added' | 'unit-removed' | 'unit-renamed' | 'unit-merged' | 'unit-changed' | 'units-reordered';

/** One difference: where it is (task, indicator, unit), what field, and the sentence a clerk reads. */
export interface PlanChange {
  readonly kind: PlanChangeKind;
  readonly task?: number;
  readonly indicator?: number;
  /** The unit concerned, by its name in the new plan (for a removed unit, its old name). */
  readonly unit?: string;
  /** The old name of a renamed unit, or the misspelt name merged into `unit`. */
  readonly from?: string;
  readonly field?: string;
  readonly before?: string | number | null;
  readonly after?: string | number | null;
  readonly words: string;
}

export interface PlanDiff {
  readonly changes: readonly PlanChange[];
  /**
   * Units whose tasks changed (a task of theirs added, removed or changed, their roles, their name), by
   * their name in the new plan, in its order: those that need a new assignment package.
   */
  readonly units: readonly string[];
  /** Old name → name in the new plan, for every unit renamed or merged. */
  readonly renamed: Readonly<Record<string, string>>;
}

const quote = (s: string | null) => (s === null || s === '' ? '(无)' : `「${s}」`);
const list = (names: readonly string[]) => (names.length === 0 ? '(无)' : names.join('、'));
const target = (i: IndicatorDef) => `${COMPARATOR_WORDS[i.comparator]}${targetFigure(i)}${i.unit}`;

const TASK_FIELDS = ['title', 'text', 'leader', 'leadUnits', 'coUnits', 'coUnitsOpenEnded', 'subordinates'] as const;
const TASK_FIELD_WORDS: Readonly<Record<(typeof TASK_FIELDS)[number] | 'category', string>> = {
  title: '标题', text: '任务内容', leader: '牵头负责领导', leadUnits: '牵头单位', coUnits: '协同单位',
  coUnitsOpenEnded: '协同单位后的「等」', subordinates: '下级政府', category: '所属类别',
};

const INDICATOR_FIELDS = ['name', 'comparator', 'target', 'targetMax', 'unit', 'kind', 'deadline', 'additive', 'source'] as const;
const INDICATOR_FIELD_WORDS: Readonly<Record<(typeof INDICATOR_FIELDS)[number], string>> = {
  name: '名称', comparator: '比较', target: '目标', targetMax: '目标上限', unit: '计量单位', kind: '指标类型',
  deadline: '完成时限', additive: '可跨单位相加', source: '原文',
};

function indicatorValue(i: IndicatorDef, field: (typeof INDICATOR_FIELDS)[number]): string | number | null {
  switch (field) {
    case 'comparator': return COMPARATOR_WORDS[i.comparator];
    case 'kind': return INDICATOR_KIND_LABELS[i.kind];
    case 'deadline': return i.deadline === null ? null : deadlineText(i.deadline);
    case 'additive': return i.additive ? '是' : '否';
    default: return i[field];
  }
}

/**
 * `after` with each task's indicators numbered as `before` numbers them, matched by name. A plan read from a
 * 责任分解表 or a notice numbers indicators by their order, so a row deleted, inserted or sorted would give every
 * indicator after it the number, and with it the reported values, of another. An indicator whose name is new
 * keeps its own number when the indicator that had it is gone by name too (a rename); otherwise, and for a
 * name given twice, it takes the task's next unused number.
 * @example numberIndicatorsByName(plan, withoutRow3).categories[0].tasks[0].indicators.map((i) => i.no) // [1, 2, 4, 5]
 */
export function numberIndicatorsByName(before: PlanDef, after: PlanDef): PlanDef {
  const oldTasks = new Map(before.categories.flatMap((c) => c.tasks).map((t) => [t.no, t]));
  const renumber = (t: TaskDef): TaskDef => {
    const old = oldTasks.get(t.no);
    if (!old) return t;
    const nos: (number | undefined)[] = t.indicators.map(() => undefined);
    const used = new Set<number>();
    const take = (k: number, no: number) => {
      nos[k] = no;
      used.add(no);
    };
    t.indicators.forEach((i, k) => {
      const same = old.indicators.find((o) => !used.has(o.no) && o.name.trim() === i.name.trim());
      if (same) take(k, same.no);
    });
    const newNames = new Set(t.indicators.map((i) => i.name.trim()));
    t.indicators.forEach((i, k) => {
      const at = old.indicators.find((o) => o.no === i.no);
      if (nos[k] === undefined && at && !used.has(at.no) && !newNames.has(at.name.trim())) take(k, at.no);
    });
    // Every number given above is one of `old`'s: past the largest of them none is taken.
    let next = Math.max(0, ...old.indicators.map((o) => o.no)) + 1;
    const indicators = t.indicators.map((i, k) => ({ ...i, no: nos[k] ?? next++ }));
    return indicators.every((i, k) => i.no === t.indicators[k]!.no) ? t : { ...t, indicators };
  };
  return { ...after, categories: after.categories.map((c) => ({ ...c, tasks: c.tasks.map(renumber) })) };
}

/**
 * The differences from one plan to the next, and the units that need a new assignment package.
 * @example diffPlans(plan, { ...plan, units: renamed }).changes[0].words // '单位「县教育局」改名为「县教体局」(原名称保留为别名,旧数据包仍可导入)'
 */
export function diffPlans(before: PlanDef, after: PlanDef): PlanDiff {
  const changes: PlanChange[] = [];
  const touched = new Set<string>();

  if (before.title !== after.title) changes.push({ kind: 'plan-changed', field: '计划名称', before: before.title, after: after.title, words: `计划名称:${quote(before.title)} → ${quote(after.title)}` });
  if (before.issuer !== after.issuer) changes.push({ kind: 'plan-changed', field: '印发单位', before: before.issuer, after: after.issuer, words: `印发单位:${quote(before.issuer)} → ${quote(after.issuer)}` });
  if (before.issuedOn !== after.issuedOn) changes.push({ kind: 'plan-changed', field: '印发日期', before: before.issuedOn, after: after.issuedOn, words: `印发日期:${before.issuedOn} → ${after.issuedOn}` });

  // Units first: task roles are compared through the names they became.
  const renamed: Record<string, string> = {};
  const afterNames = new Set(after.units.map((u) => u.name));
  const beforeNames = new Set(before.units.map((u) => u.name));
  for (const b of before.units) {
    if (afterNames.has(b.name)) continue;
    const into = after.units.find((a) => a.aliases.includes(b.name));
    if (!into) {
      changes.push({ kind: 'unit-removed', unit: b.name, words: `删除单位「${b.name}」` });
      continue;
    }
    renamed[b.name] = into.name;
    // A name already on the old list, or already the new name of another old unit: two units become one.
    const merged = beforeNames.has(into.name) || Object.entries(renamed).some(([old, now]) => now === into.name && old !== b.name);
    if (merged) {
      changes.push({ kind: 'unit-merged', unit: into.name, from: b.name, words: `单位「${b.name}」并入「${into.name}」(「${b.name}」保留为别名,其任务、数据和密钥归「${into.name}」)` });
    } else {
      changes.push({ kind: 'unit-renamed', unit: into.name, from: b.name, words: `单位「${b.name}」改名为「${into.name}」(原名称保留为别名,旧数据包仍可导入)` });
    }
    touched.add(into.name);
  }
  const now = (name: string) => renamed[name] ?? name;
  const becameNames = new Set(Object.values(renamed));
  for (const a of after.units) {
    if (!beforeNames.has(a.name) && !becameNames.has(a.name)) changes.push({ kind: 'unit-added', unit: a.name, words: `新增单位「${a.name}」${a.kind === 'group' ? '(成员单位集合)' : ''}` });
    const b = before.units.find((x) => x.name === a.name);
    // The old name of a renamed or merged unit becomes an alias as a matter of course: said once, above.
    const aliases = (u: { aliases: readonly string[] }) => u.aliases.filter((n) => !(n in renamed)).join('、');
    const was = before.units.find((x) => now(x.name) === a.name && !(x.name in renamed)) ?? b;
    if (was && aliases(was) !== aliases(a)) {
      changes.push({ kind: 'unit-changed', unit: a.name, field: '别名', before: aliases(was), after: aliases(a), words: `单位「${a.name}」别名:${aliases(was) || '(无)'} → ${aliases(a) || '(无)'}` });
    }
    if (b && b.kind !== a.kind) {
      const word = (k: string) => (k === 'group' ? '成员单位集合' : '填报单位');
      changes.push({ kind: 'unit-changed', unit: a.name, field: '类型', before: word(b.kind), after: word(a.kind), words: `单位「${a.name}」类型:${word(b.kind)} → ${word(a.kind)}` });
    }
  }
  const order = (names: readonly string[], keep: ReadonlySet<string>) => [...new Set(names.filter((n) => keep.has(n)))];
  const kept = new Set(before.units.map((u) => now(u.name)).filter((n) => afterNames.has(n)));
  const oldOrder = order(before.units.map((u) => now(u.name)), kept);
  const newOrder = order(after.units.map((u) => u.name), kept);
  if (oldOrder.join('\n') !== newOrder.join('\n')) {
    changes.push({ kind: 'units-reordered', before: oldOrder.join('、'), after: newOrder.join('、'), words: `单位顺序调整为:${newOrder.join('、')}` });
  }

  const categoryOf = (p: PlanDef) => new Map(p.categories.flatMap((c) => c.tasks.map((t) => [t.no, c.no] as const)));
  const beforeCategory = categoryOf(before);
  const afterCategory = categoryOf(after);
  for (const c of after.categories) {
    const old = before.categories.find((x) => x.no === c.no);
    if (!old) changes.push({ kind: 'category-added', field: c.no, words: `新增类别「${c.no}、${c.name}」` });
    else if (old.name !== c.name) changes.push({ kind: 'category-changed', field: c.no, before: old.name, after: c.name, words: `类别「${c.no}」名称:${quote(old.name)} → ${quote(c.name)}` });
  }
  for (const c of before.categories) {
    if (!after.categories.some((x) => x.no === c.no)) changes.push({ kind: 'category-removed', field: c.no, words: `删除类别「${c.no}、${c.name}」` });
  }

  const tasksOf = (p: PlanDef) => new Map(p.categories.flatMap((c) => c.tasks).map((t) => [t.no, t] as const));
  const beforeTasks = tasksOf(before);
  const afterTasks = tasksOf(after);
  const unitsOf = (t: TaskDef, map: (n: string) => string) => [...t.leadUnits, ...t.coUnits].map(map);
  for (const [no, t] of afterTasks) {
    const old = beforeTasks.get(no);
    if (!old) {
      changes.push({ kind: 'task-added', task: no, words: `新增任务${no}「${t.title}」(牵头:${list(t.leadUnits)}${t.coUnits.length ? `;协同:${list(t.coUnits)}` : ''})` });
      unitsOf(t, (n) => n).forEach((n) => touched.add(n));
      continue;
    }
    let changed = false;
    const mapped = { ...old, leadUnits: old.leadUnits.map(now), coUnits: old.coUnits.map(now) };
    for (const f of TASK_FIELDS) {
      const show = (x: TaskDef): string => {
        switch (f) {
          case 'leadUnits': case 'coUnits': return list(x[f]);
          case 'coUnitsOpenEnded': return x[f] ? '有' : '无';
          case 'subordinates': return x[f] === null ? '' : `${x[f].phrase}(${x[f].role === 'lead' ? '牵头' : '协同'})`;
          default: return x[f] ?? '';
        }
      };
      const [b, a] = [show(mapped), show(t)];
      if (b === a) continue;
      changed = true;
      // A task's text runs to paragraphs: it is said to have changed, not printed twice.
      const words = f === 'text' ? `任务${no} 任务内容有修改` : `任务${no} ${TASK_FIELD_WORDS[f]}:${f === 'leadUnits' || f === 'coUnits' ? `${b} → ${a}` : `${quote(b)} → ${quote(a)}`}`;
      changes.push({ kind: 'task-changed', task: no, field: TASK_FIELD_WORDS[f], before: b, after: a, words });
    }
    if (beforeCategory.get(no) !== afterCategory.get(no)) {
      changed = true;
      changes.push({ kind: 'task-changed', task: no, field: TASK_FIELD_WORDS.category, before: beforeCategory.get(no) ?? null, after: afterCategory.get(no) ?? null, words: `任务${no} 移到类别「${afterCategory.get(no)}」` });
    }
    for (const i of t.indicators) {
      const oi = old.indicators.find((x) => x.no === i.no);
      if (!oi) {
        changed = true;
        changes.push({ kind: 'indicator-added', task: no, indicator: i.no, words: `任务${no} 新增指标${i.no}「${i.name}」(${target(i)})` });
        continue;
      }
      for (const f of INDICATOR_FIELDS) {
        const [b, a] = [indicatorValue(oi, f), indicatorValue(i, f)];
        if (b === a) continue;
        changed = true;
        changes.push({ kind: 'indicator-changed', task: no, indicator: i.no, field: INDICATOR_FIELD_WORDS[f], before: b, after: a, words: `任务${no} 指标${i.no}「${i.name}」${INDICATOR_FIELD_WORDS[f]}:${b ?? '(无)'} → ${a ?? '(无)'}` });
      }
    }
    for (const oi of old.indicators) {
      if (!t.indicators.some((x) => x.no === oi.no)) {
        changed = true;
        changes.push({ kind: 'indicator-removed', task: no, indicator: oi.no, words: `任务${no} 删除指标${oi.no}「${oi.name}」` });
      }
    }
    if (changed) [...unitsOf(mapped, (n) => n), ...unitsOf(t, (n) => n)].forEach((n) => touched.add(n));
  }
  for (const [no, old] of beforeTasks) {
    if (afterTasks.has(no)) continue;
    changes.push({ kind: 'task-removed', task: no, words: `删除任务${no}「${old.title}」` });
    unitsOf(old, now).forEach((n) => touched.add(n));
  }

  const units = after.units.filter((u) => u.kind === 'unit' && touched.has(u.name)).map((u) => u.name);
  return { changes, units, renamed };
}

/**
 * A revision's changes as an import lists them (a later 任务包 at a unit, a later 下达包 at an office): one line each,
 * with its sentence.
 * @example changeLines(diffPlans(a, b))[0] // { task: 1, indicator: 1, field: '目标', before: 250, after: 300, words: '任务1 指标1「…」目标:250 → 300' }
 */
export function changeLines(diff: PlanDiff | null): ValueChange[] {
  return (diff?.changes ?? []).map((c) => ({
    task: c.task ?? 0, indicator: c.indicator ?? null, field: c.field ?? c.kind, before: c.before ?? null, after: c.after ?? null, words: c.words,
  }));
}
