/**
 * The office's tables as a person narrows them on screen (分单位, 分任务, 分类别): search, column filters
 * and one sort. One function gives the rows in the order shown, so the table on screen and the table
 * exported to Excel (reports:exportTable, which gets the shown rows' keys) are the same rows.
 * Pure TypeScript.
 */
import type { QuotaRowView } from './api';
import { LIGHT_LABELS, type Light } from './domain';
import { isSplit, unallocated } from './levels';
import { statusWord, type CategorySummary, type TaskSummary, type UnitSummary } from './summaries';

export type SortOrder = 'ascend' | 'descend';

export interface TableQuery {
  /** Words typed in the search box; a row stays when its text holds every word. */
  readonly search: string;
  readonly sort: { readonly column: string; readonly order: SortOrder } | null;
  /** Column → the values kept (a row stays when it has one of them); an empty list keeps every row. */
  readonly filters: Readonly<Record<string, readonly string[]>>;
}

export const EMPTY_QUERY: TableQuery = { search: '', sort: null, filters: {} };

type SortValue = number | string | null;

/** What a table can be searched, sorted and filtered by, and the key that names a row to the exporter. */
export interface TableSpec<R> {
  /** The table's name as the workbook's title says it (分单位汇总表). */
  readonly title: string;
  readonly key: (r: R) => string;
  /** Text the search box looks in. */
  readonly text: (r: R) => string;
  readonly sort: Readonly<Record<string, { readonly label: string; readonly value: (r: R) => SortValue }>>;
  readonly filter: Readonly<Record<string, { readonly label: string; readonly values: (r: R) => readonly string[] }>>;
}

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'zh-CN');
}

/**
 * The rows a query keeps, in the order it shows them: search and filters narrow, then one stable sort
 * (rows without a value, shown as —, go last in either order); without a sort the fixed order stays.
 * @example tableRows(units, UNIT_TABLE, { search: '人社', sort: null, filters: { state: ['已报送'] } })
 */
export function tableRows<R>(rows: readonly R[], spec: TableSpec<R>, query: TableQuery): R[] {
  const words = query.search.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
  const filters = Object.entries(query.filters).filter(([column, kept]) => kept.length > 0 && spec.filter[column] !== undefined);
  const kept = rows.filter((r) => {
    if (words.length > 0) {
      const text = spec.text(r).toLowerCase();
      if (!words.every((w) => text.includes(w))) return false;
    }
    return filters.every(([column, values]) => spec.filter[column]!.values(r).some((v) => values.includes(v)));
  });
  const sort = query.sort === null ? undefined : spec.sort[query.sort.column];
  if (!sort || query.sort === null) return kept;
  const sign = query.sort.order === 'ascend' ? 1 : -1;
  return kept
    .map((r, k) => ({ r, k, v: sort.value(r) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.k - b.k : a.v === null ? 1 : -1;
      return sign * compare(a.v, b.v) || a.k - b.k;
    })
    .map((x) => x.r);
}

/**
 * The values a column can be filtered by, in the order they first appear, with how many rows have each.
 * @example filterChoices(units, UNIT_TABLE, 'state') // [{ value: '已报送', count: 20 }, …]
 */
export function filterChoices<R>(rows: readonly R[], spec: TableSpec<R>, column: string): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const v of spec.filter[column]?.values(r) ?? []) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].map(([value, count]) => ({ value, count }));
}

/**
 * The query in words, printed under an exported table's title so a printout says it is a selection:
 * "搜索「人社」;报送情况:未报送、部分报送;按完成度从高到低". Empty for the whole table in its fixed order.
 */
export function queryNote<R>(spec: TableSpec<R>, query: TableQuery): string {
  const parts: string[] = [];
  if (query.search.trim() !== '') parts.push(`搜索「${query.search.trim()}」`);
  for (const [column, values] of Object.entries(query.filters)) {
    const f = spec.filter[column];
    if (f && values.length > 0) parts.push(`${f.label}:${values.join('、')}`);
  }
  const s = query.sort === null ? undefined : spec.sort[query.sort.column];
  if (s && query.sort !== null) parts.push(`按${s.label}${query.sort.order === 'descend' ? '从高到低' : '从低到高'}`);
  return parts.join(';');
}

const lightWord = (l: Light) => (l === 'none' ? '无灯号' : LIGHT_LABELS[l]);

/** Lights a row counts, as filter values: a unit or category with a red task is found under 红灯. */
function lightsOf(r: { readonly green: number; readonly yellow: number; readonly red: number }): string[] {
  const out: string[] = [];
  if (r.green > 0) out.push(LIGHT_LABELS.green);
  if (r.yellow > 0) out.push(LIGHT_LABELS.yellow);
  if (r.red > 0) out.push(LIGHT_LABELS.red);
  return out.length > 0 ? out : ['无灯号'];
}

/** 分单位. */
export const UNIT_TABLE: TableSpec<UnitSummary> = {
  title: '分单位汇总表',
  key: (u) => u.unit,
  text: (u) => u.unit,
  sort: {
    seq: { label: '序号', value: (u) => u.seq },
    unit: { label: '单位', value: (u) => u.unit },
    tasks: { label: '牵头任务数', value: (u) => u.leadTasks },
    receivedOn: { label: '收到日期', value: (u) => u.receivedOn },
    waiting: { label: '待报任务数', value: (u) => (u.leadTasks === 0 ? null : u.waiting) },
    completion: { label: '完成度', value: (u) => u.completion },
    red: { label: '红灯数', value: (u) => (u.leadTasks === 0 ? null : u.red) },
  },
  filter: {
    state: { label: '报送情况', values: (u) => [u.state, ...(u.late > 0 ? ['逾期'] : [])] },
    lights: { label: '灯号', values: (u) => (u.leadTasks === 0 ? ['无灯号'] : lightsOf(u)) },
  },
};

/** 分任务: searched in the title, the whole text's units and the narratives. */
export const TASK_TABLE: TableSpec<TaskSummary> = {
  title: '分任务汇总表',
  key: (t) => String(t.no),
  text: (t) => [t.no, t.title, ...t.leadUnits, ...t.coUnits, ...t.indicators.map((i) => i.name), t.progress, t.problems, t.nextSteps].join(' '),
  sort: {
    no: { label: '序号', value: (t) => t.no },
    reported: { label: '报送单位数', value: (t) => t.reportedLeads },
    completion: { label: '完成度', value: (t) => t.completion },
  },
  filter: {
    category: { label: '类别', values: (t) => [t.category] },
    status: { label: '状态', values: (t) => [statusWord(t)] },
    light: { label: '灯号', values: (t) => [lightWord(t.light)] },
  },
};

/** 分类别. */
export const CATEGORY_TABLE: TableSpec<CategorySummary> = {
  title: '分类别汇总表',
  key: (c) => c.no,
  text: (c) => `${c.no}、${c.name}`,
  sort: {
    tasks: { label: '任务数', value: (c) => c.tasks },
    indicators: { label: '指标数', value: (c) => c.indicators },
    completion: { label: '完成度', value: (c) => c.completion },
    missing: { label: '未报送任务数', value: (c) => c.missing },
    waiting: { label: '待报送任务数', value: (c) => c.waiting },
  },
  filter: {
    lights: { label: '灯号', values: lightsOf },
  },
};

/** How far a row of 任务分解 is shared out among the offices in view. */
export type QuotaState = '未分解' | '已分解' | '不分解';

/**
 * 任务分解 (QuotasPage): searched in the task's number and title, the indicator and the category; sorted by task
 * number, indicator name or 差额; filtered by 分解情况 over the offices in view (`scope`: their columns in the
 * grid's office order): 未分解 where one of them has no quota for a cumulative target (its 下达包 would say 无任务).
 * @example tableRows(grid.rows, quotaTable([1]), { search: '培训', sort: null, filters: { state: ['未分解'] } }) // 郎溪县's blanks
 */
export function quotaTable(scope: readonly number[]): TableSpec<QuotaRowView> {
  const state = (r: QuotaRowView): QuotaState => (!isSplit(r.kind) ? '不分解' : scope.some((k) => unallocated(r, k)) ? '未分解' : '已分解');
  return {
    title: '任务分解表',
    key: (r) => `${r.task}-${r.indicator}`,
    text: (r) => `${r.task} ${r.taskTitle} ${r.name} ${r.category}`,
    sort: {
      task: { label: '任务序号', value: (r) => r.task },
      indicator: { label: '指标名称', value: (r) => r.name },
      difference: { label: '差额', value: (r) => r.difference },
    },
    filter: {
      total: { label: '分解情况', values: (r) => [state(r)] },
    },
  };
}

export type OfficeTable = 'units' | 'tasks' | 'categories';
export const OFFICE_TABLES: readonly OfficeTable[] = ['units', 'tasks', 'categories'];
