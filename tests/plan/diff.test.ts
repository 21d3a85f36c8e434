// diffPlans: each kind of difference a revision can make, in the words a clerk reads, and the units that
// need a new assignment package because of it.
import { describe, expect, it } from 'vitest';
import { diffPlans, numberIndicatorsByName } from '../../shared/plan-diff';
import { PLAN_2019 } from '../../seeds/plan2019';
import { COUNTY_PLAN, editPlan, taskOf } from './county-plan';

const cases: { name: string; edit: Parameters<typeof editPlan>[1]; words: string[]; units: string[] }[] = [
  {
    name: 'a target raised',
    edit: (p) => { taskOf(p, 1).indicators[0]!.target = 1500; },
    words: ['任务1 指标1「职业技能培训」目标:1200 → 1500'],
    units: ['县人社局', '县农业农村局'],
  },
  {
    name: 'an indicator’s comparator, unit, kind and deadline',
    edit: (p) => {
      const i = taskOf(p, 4).indicators[0]!;
      Object.assign(i, { comparator: '<=', unit: '座', deadline: 9 });
      Object.assign(taskOf(p, 3).indicators[0]!, { kind: 'growth' });
    },
    words: [
      '任务3 指标1「学前三年毛入学率」指标类型:水平类 → 增幅类',
      '任务4 指标1「建成县第二幼儿园」比较:不低于 → 不超过',
      '任务4 指标1「建成县第二幼儿园」计量单位:所 → 座',
      '任务4 指标1「建成县第二幼儿园」完成时限:10月底前 → 9月底前',
    ],
    units: ['县教体局', '县住建局'],
  },
  {
    name: 'an indicator added and one removed',
    edit: (p) => {
      const t = taskOf(p, 5);
      t.indicators = [{ ...t.indicators[0]!, no: 2, name: '医疗救助', source: '医疗救助500人次', target: 500 }];
    },
    words: ['任务5 新增指标2「医疗救助」(不低于500人次)', '任务5 删除指标1「临时救助」'],
    units: ['县民政局', '县残联'],
  },
  {
    name: 'a task added, one removed, one’s title, leader and units changed',
    edit: (p) => {
      p.units.push({ name: '县医保局', aliases: [], kind: 'unit' });
      p.categories[2]!.tasks = [
        { ...taskOf(p, 5), title: '做好困难群众临时救助', leader: '副县长 李四', coUnits: ['县残联', '县医保局'] },
        { no: 7, title: '推进医保支付方式改革', text: '推进医保支付方式改革。', leadUnits: ['县医保局'], coUnits: [], coUnitsOpenEnded: false, leader: null, subordinates: null, indicators: [] },
      ];
    },
    words: [
      '新增单位「县医保局」',
      '任务5 标题:「做好困难群众救助」 → 「做好困难群众临时救助」',
      '任务5 牵头负责领导:(无) → 「副县长 李四」',
      '任务5 协同单位:县残联、县安委会成员单位 → 县残联、县医保局',
      '新增任务7「推进医保支付方式改革」(牵头:县医保局)',
      '删除任务6「推进残疾人康复服务」',
    ],
    units: ['县民政局', '县残联', '县医保局'],
  },
  {
    name: 'a unit renamed (its old name an alias), so its tasks are not changed but it needs a package in its new name',
    edit: (p) => {
      p.units[3] = { name: '县教育体育局', aliases: ['县教育局', '县教体局'], kind: 'unit' };
      for (const c of p.categories) for (const t of c.tasks) {
        t.leadUnits = t.leadUnits.map((n) => (n === '县教体局' ? '县教育体育局' : n));
        t.coUnits = t.coUnits.map((n) => (n === '县教体局' ? '县教育体育局' : n));
      }
    },
    words: ['单位「县教体局」改名为「县教育体育局」(原名称保留为别名,旧数据包仍可导入)'],
    units: ['县教育体育局'],
  },
  {
    name: 'the unit order changed, and an alias added',
    edit: (p) => {
      p.units = [p.units[5]!, ...p.units.slice(0, 5), p.units[6]!];
      p.units.find((u) => u.name === '县民政局')!.aliases.push('县民政部门');
    },
    words: ['单位顺序调整为:县残联、县人社局、县农业农村局、县民政局、县教体局、县住建局、县安委会成员单位', '单位「县民政局」别名:(无) → 县民政部门'],
    units: [],
  },
  {
    name: 'categories renamed, added and removed; a task moved',
    edit: (p) => {
      p.categories[0]!.name = '促进就业创业';
      const moved = p.categories[2]!.tasks;
      p.categories.splice(2, 1, { no: '四', seq: 3, name: '兜牢民生底线', tasks: moved });
    },
    words: ['类别「一」名称:「稳定和扩大就业」 → 「促进就业创业」', '新增类别「四、兜牢民生底线」', '删除类别「三、加强社会保障」', '任务5 移到类别「四」', '任务6 移到类别「四」'],
    units: ['县民政局', '县残联'],
  },
];

describe('diffPlans', () => {
  for (const c of cases) {
    it(c.name, () => {
      const d = diffPlans(COUNTY_PLAN, editPlan(COUNTY_PLAN, c.edit));
      expect(d.changes.map((x) => x.words).sort()).toEqual([...c.words].sort());
      expect(d.units).toEqual(c.units);
    });
  }

  it('finds none between a plan and itself', () => {
    expect(diffPlans(COUNTY_PLAN, COUNTY_PLAN)).toEqual({ changes: [], units: [], renamed: {} });
  });

  it('merges a misspelt unit into the right one: its tasks become the right one’s, and both names map to it', () => {
    const misspelt = editPlan(COUNTY_PLAN, (p) => {
      p.units.push({ name: '县民证局', aliases: [], kind: 'unit' });
      taskOf(p, 6).coUnits = ['县民证局'];
    });
    const fixed = editPlan(misspelt, (p) => {
      p.units = p.units.filter((u) => u.name !== '县民证局');
      p.units.find((u) => u.name === '县民政局')!.aliases.push('县民证局');
      taskOf(p, 6).coUnits = ['县民政局'];
    });
    const d = diffPlans(misspelt, fixed);
    expect(d.changes.map((c) => c.words)).toEqual(['单位「县民证局」并入「县民政局」(「县民证局」保留为别名,其任务、数据和密钥归「县民政局」)']);
    expect(d.renamed).toEqual({ 县民证局: '县民政局' });
    expect(d.units).toEqual(['县民政局']);
  });
});

describe('numberIndicatorsByName: a plan read from a table or a notice, whose indicators are numbered by their rows', () => {
  const task1 = PLAN_2019.categories[0]!.tasks[0]!;
  /** Task 1 of the 2019 plan with its indicators as the rows give them: names in this order, numbered 1, 2, 3… */
  const rows = (...names: string[]) => editPlan(PLAN_2019, (p) => {
    taskOf(p, 1).indicators = names.map((n, k) => ({ ...(task1.indicators.find((i) => i.name === n) ?? { ...task1.indicators[0]!, name: n }), no: k + 1 }));
  });
  const numbered = (p: typeof PLAN_2019) => numberIndicatorsByName(PLAN_2019, p).categories[0]!.tasks[0]!.indicators.map((i) => [i.no, i.name]);
  const [a, b, c, d, e] = task1.indicators.map((i) => i.name) as [string, string, string, string, string];

  it.each([
    ['a row deleted in the middle', rows(a, b, d, e), [[1, a], [2, b], [4, d], [5, e]]],
    ['a row inserted in the middle: the new one takes the next free number', rows(a, b, '新增指标', c, d, e), [[1, a], [2, b], [6, '新增指标'], [3, c], [4, d], [5, e]]],
    ['the rows sorted', rows(e, d, c, b, a), [[5, e], [4, d], [3, c], [2, b], [1, a]]],
    ['one renamed in its place: still that indicator (the diff says renamed)', rows(a, b, '新技工培养', d, e), [[1, a], [2, b], [3, '新技工培养'], [4, d], [5, e]]],
    ['a row pasted twice: the copy is a new indicator', rows(a, b, c, c, d, e), [[1, a], [2, b], [3, c], [6, c], [4, d], [5, e]]],
  ])('%s', (_what, plan, nos) => {
    expect(numbered(plan)).toEqual(nos);
  });

  it('leaves a plan whose numbers already match alone (the same object), and a new task as it is', () => {
    expect(numberIndicatorsByName(PLAN_2019, PLAN_2019).categories[0]!.tasks[0]).toBe(task1);
  });
});
