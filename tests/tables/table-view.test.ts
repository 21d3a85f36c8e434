import { describe, expect, it } from 'vitest';
import { fillDemo } from '../../electron/services/entry/demo';
import { loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { CATEGORY_TABLE, EMPTY_QUERY, filterChoices, queryNote, tableRows, TASK_TABLE, UNIT_TABLE } from '../../shared/table-view';
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
