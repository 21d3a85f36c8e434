import { describe, expect, it } from 'vitest';
import { fillDemo } from '../../electron/services/entry/demo';
import { loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { quotaGrid, saveQuotas } from '../../electron/services/levels/quotas';
import { CATEGORY_TABLE, EMPTY_QUERY, filterChoices, queryNote, quotaTable, tableRows, TASK_TABLE, UNIT_TABLE } from '../../shared/table-view';
import { createTestLedger, fixedClock } from '../helpers/ledger';

const PERIOD = '2019-09';

async function september() {
  const l = await createTestLedger({ now: fixedClock('2019-10-12T09:00:00') });
  await fillDemo(l, PERIOD);
  const d = await loadPeriodData(l, PERIOD);
  return { units: summaryByUnit(d), tasks: summaryByTask(d), categories: summaryByCategory(d) };
}

describe('office tables: search, filter and sort (shared/table-view.ts)', () => {
  it('keeps the fixed order without a query, and sorts by completion with the units without one last in either order', async () => {
    const { units } = await september();
    expect(tableRows(units, UNIT_TABLE, EMPTY_QUERY).map((u) => u.unit)).toEqual(units.map((u) => u.unit));
    for (const order of ['ascend', 'descend'] as const) {
      const sorted = tableRows(units, UNIT_TABLE, { ...EMPTY_QUERY, sort: { column: 'completion', order } });
      const figures = sorted.map((u) => u.completion);
      const firstNull = figures.indexOf(null);
      expect(firstNull).toBeGreaterThan(0);
      expect(figures.slice(firstNull).every((c) => c === null)).toBe(true);
      const numbers = figures.slice(0, firstNull) as number[];
      expect(numbers).toEqual([...numbers].sort((a, b) => (order === 'ascend' ? a - b : b - a)));
      // Stable: units of the same completion stay in the fixed order among themselves.
      for (let k = 1; k < firstNull; k++) {
        if (numbers[k] === numbers[k - 1]) expect(sorted[k]!.seq).toBeGreaterThan(sorted[k - 1]!.seq);
      }
    }
  });

  it('filters units by report state (逾期 among them) and lights, searches by name, and says so in words', async () => {
    const { units } = await september();
    const choices = filterChoices(units, UNIT_TABLE, 'state').map((c) => c.value);
    expect(choices).toContain('已报送');
    expect(choices).toContain('无牵头任务');
    const query = { search: '市', sort: null, filters: { state: ['无牵头任务'] } };
    const none = tableRows(units, UNIT_TABLE, query);
    expect(none.length).toBeGreaterThan(0);
    // Search and filter together: 宣城银保监分局 leads nothing either, but has no 市 in its name.
    expect(none.map((u) => u.unit)).toEqual(units.filter((u) => u.leadTasks === 0 && u.unit.includes('市')).map((u) => u.unit));
    expect(units.find((u) => u.unit === '宣城银保监分局')?.leadTasks).toBe(0);
    const red = tableRows(units, UNIT_TABLE, { ...EMPTY_QUERY, filters: { lights: ['红灯'] } });
    expect(red.length).toBeGreaterThan(0);
    expect(red.every((u) => u.red > 0)).toBe(true);
    expect(units.filter((u) => u.red > 0)).toHaveLength(red.length);
    expect(tableRows(units, UNIT_TABLE, { ...EMPTY_QUERY, search: '人社' }).map((u) => u.unit)).toEqual(['市人社局']);
    expect(queryNote(UNIT_TABLE, { search: ' 人社 ', sort: { column: 'completion', order: 'descend' }, filters: { state: ['未报送', '部分报送'], lights: [] } }))
      .toBe('搜索「人社」;报送情况:未报送、部分报送;按完成度从高到低');
    expect(queryNote(UNIT_TABLE, EMPTY_QUERY)).toBe('');
  });

  it('finds tasks by unit, indicator name or narrative, and filters them by category, status and light', async () => {
    const { tasks, categories } = await september();
    const hrTasks = tableRows(tasks, TASK_TABLE, { ...EMPTY_QUERY, search: '市人社局' });
    expect(hrTasks.length).toBeGreaterThan(5);
    expect(hrTasks.every((t) => t.leadUnits.includes('市人社局') || t.coUnits.includes('市人社局'))).toBe(true);
    expect(tableRows(tasks, TASK_TABLE, { ...EMPTY_QUERY, search: '技能脱贫培训' }).map((t) => t.no)).toContain(1);
    const first = tasks[0]!.category;
    const inFirst = tableRows(tasks, TASK_TABLE, { ...EMPTY_QUERY, filters: { category: [first], light: ['绿灯'] } });
    expect(inFirst.every((t) => t.category === first && t.light === 'green')).toBe(true);
    expect(inFirst).toHaveLength(tasks.filter((t) => t.category === first && t.light === 'green').length);
    const byCompletion = tableRows(categories, CATEGORY_TABLE, { ...EMPTY_QUERY, sort: { column: 'completion', order: 'descend' } });
    expect(byCompletion.map((c) => c.completion)).toEqual([...categories.map((c) => c.completion)].sort((a, b) => (b ?? -1) - (a ?? -1)));
  });
});

describe('任务分解 searched, filtered by office and 未分解, sorted (quotaTable)', () => {
  /** 宣州区 (column 0) and 郎溪县 (column 1) given 任务1 指标1; 郎溪县 alone 任务1 指标2; every other cumulative target blank. */
  async function grid() {
    const l = await createTestLedger({ now: fixedClock('2019-07-04T09:00:00') });
    await saveQuotas(l, { quotas: [
      { task: 1, indicator: 1, office: '宣州区', value: 100 }, { task: 1, indicator: 1, office: '郎溪县', value: 150 },
      { task: 1, indicator: 2, office: '郎溪县', value: 3000 },
    ], reasons: [] });
    return quotaGrid(l);
  }

  it('未分解 is read over the offices in view: any of them blank for a cumulative target; level targets are 不分解', async () => {
    const g = await grid();
    const all = quotaTable(g.offices.map((_, k) => k));
    const byState = (spec: ReturnType<typeof quotaTable>, state: string) => tableRows(g.rows, spec, { ...EMPTY_QUERY, filters: { total: [state] } });
    // Over all seven offices every cumulative row has a blank somewhere.
    expect(byState(all, '未分解')).toHaveLength(45);
    expect(byState(all, '已分解')).toHaveLength(0);
    expect(byState(all, '不分解').every((r) => r.kind !== 'cumulative')).toBe(true);
    expect(filterChoices(g.rows, all, 'total')).toEqual([{ value: '未分解', count: 45 }, { value: '不分解', count: 17 }]);
    // 郎溪县 alone: its two quotas are 已分解, the other 43 未分解; 宣州区 alone: one and 44.
    const langxi = quotaTable([g.offices.indexOf('郎溪县')]);
    expect(byState(langxi, '已分解').map((r) => `${r.task}-${r.indicator}`)).toEqual(['1-1', '1-2']);
    expect(byState(langxi, '未分解')).toHaveLength(43);
    expect(byState(quotaTable([g.offices.indexOf('宣州区')]), '未分解')).toHaveLength(44);
  });

  it('searches task and indicator names, sorts by task number, indicator name and 差额, and says so in words', async () => {
    const g = await grid();
    const spec = quotaTable(g.offices.map((_, k) => k));
    const training = tableRows(g.rows, spec, { ...EMPTY_QUERY, search: '培训' });
    expect(training.length).toBeGreaterThan(1);
    expect(training.every((r) => `${r.taskTitle}${r.name}`.includes('培训'))).toBe(true);
    // Words of the task's title find every indicator of it, whatever the indicator is called.
    expect(tableRows(g.rows, spec, { ...EMPTY_QUERY, search: '技工大省' }).map((r) => r.name)).toEqual(g.rows.filter((r) => r.task === 1).map((r) => r.name));
    const down = tableRows(g.rows, spec, { ...EMPTY_QUERY, sort: { column: 'task', order: 'descend' } });
    expect(down[0]!.task).toBe(54);
    expect(down.at(-1)!.task).toBe(1);
    // Within a task the plan's order stays (stable).
    expect(down.filter((r) => r.task === 1).map((r) => r.indicator)).toEqual(g.rows.filter((r) => r.task === 1).map((r) => r.indicator));
    const names = tableRows(g.rows, spec, { ...EMPTY_QUERY, sort: { column: 'indicator', order: 'ascend' } }).map((r) => r.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'zh-CN')));
    // 差额: 任务1 指标2 is 3000 against 12100 (−9100), 指标1 100 + 150 against 250 (0); rows not split at all go last.
    const byDiff = tableRows(g.rows, spec, { ...EMPTY_QUERY, sort: { column: 'difference', order: 'ascend' } });
    expect(byDiff.slice(0, 2).map((r) => [r.task, r.indicator, r.difference])).toEqual([[1, 2, -9100], [1, 1, 0]]);
    expect(byDiff.slice(2).every((r) => r.difference === null)).toBe(true);
    expect(queryNote(spec, { search: '培训', sort: { column: 'task', order: 'descend' }, filters: { total: ['未分解'] } })).toBe('搜索「培训」;分解情况:未分解;按任务序号从高到低');
  });
});
