/**
 * Issue 13 item 3: the one rule (shared/levels.ts) by which a subordinate office's units are proposed from its
 * parent's names, and the office's plan made from the parent's with its own targets (无任务 left out, numbers kept).
 */
import { describe, expect, it } from 'vitest';
import type { PlanDef } from '../../shared/domain';
import { officePlan, proposeUnitName, subordinatePhrase } from '../../shared/levels';
import { planProblems } from '../../shared/plan-check';
import { PLAN_2019 } from '../../seeds/plan2019';

describe('proposeUnitName: the parent’s unit → the subordinate office’s own', () => {
  it.each([
    // A city's government departments: the county's full name.
    ['市人社局', '市民生工作办公室', '郎溪县', '郎溪县人社局'],
    ['市发改委', '市民生工作办公室', '郎溪县', '郎溪县发改委'],
    ['市卫健委', '市民生工作办公室', '郎溪县', '郎溪县卫健委'],
    ['市市场监管局', '市民生工作办公室', '郎溪县', '郎溪县市场监管局'],
    ['市安全生产委员会成员单位', '市民生工作办公室', '郎溪县', '郎溪县安全生产委员会成员单位'],
    // The party's organs, the people's organisations, the court: the level word alone.
    ['市委组织部', '市民生工作办公室', '郎溪县', '县委组织部'],
    ['市委宣传部', '市民生工作办公室', '郎溪县', '县委宣传部'],
    ['市妇联', '市民生工作办公室', '郎溪县', '县妇联'],
    ['市总工会', '市民生工作办公室', '郎溪县', '县总工会'],
    ['市残联', '市民生工作办公室', '郎溪县', '县残联'],
    ['市人民检察院', '市民生工作办公室', '郎溪县', '县人民检察院'],
    ['团市委', '市民生工作办公室', '郎溪县', '团县委'],
    // A county has no intermediate court: its court is the basic people's court.
    ['市中级人民法院', '市民生工作办公室', '郎溪县', '县人民法院'],
    // A district and a county-level city take their own level word.
    ['市人社局', '市民生工作办公室', '宣州区', '宣州区人社局'],
    ['团市委', '市民生工作办公室', '宣州区', '团区委'],
    ['市人社局', '市民生工作办公室', '广德市', '广德市人社局'],
    // A county-level city under a city: its full name where a county takes its level word, never the city's own names.
    ['市委组织部', '市民生工作办公室', '广德市', '广德市委组织部'],
    ['市残联', '市民生工作办公室', '广德市', '广德市残联'],
    ['团市委', '市民生工作办公室', '广德市', '团广德市委'],
    ['市中级人民法院', '市民生工作办公室', '广德市', '广德市人民法院'],
    // The parent's full place name, as a parent that signs with it writes its units.
    ['宣城市人社局', '宣城市民生工作办公室', '郎溪县', '郎溪县人社局'],
    ['市人社局', '宣城市民生工作办公室', '郎溪县', '郎溪县人社局'],
    // A unit with no level word of the parent keeps its name: it is not the parent's own.
    ['人行宣城支行', '市民生工作办公室', '郎溪县', '人行宣城支行'],
    ['宣城职院', '市民生工作办公室', '郎溪县', '宣城职院'],
    ['国网宣城供电公司', '市民生工作办公室', '郎溪县', '国网宣城供电公司'],
    // A parent without a level word in its name is read as a city, as scopeWord reads it (全市).
    ['市人社局', '民生工作办公室', '郎溪县', '郎溪县人社局'],
    // Province → city: the same rule one level up.
    ['省人社厅', '安徽省民生工作办公室', '宣城市', '宣城市人社厅'],
    ['团省委', '安徽省民生工作办公室', '宣城市', '团市委'],
    ['省委组织部', '安徽省民生工作办公室', '宣城市', '市委组织部'],
    // County → township: a 镇 has no 镇委组织部, but the rule proposes and a person edits.
    ['县人社局', '郎溪县民生工作办公室', '梅渚镇', '梅渚镇人社局'],
    // The level word alone is not a unit of the parent's level.
    ['市', '市民生工作办公室', '郎溪县', '市'],
  ])('%s (parent %s) at %s → %s', (unit, parent, office, expected) => {
    expect(proposeUnitName(unit, parent, office)).toBe(expected);
  });

  it('at a county-level city no unit keeps a name of the city’s own units', () => {
    const cityUnits = new Set(PLAN_2019.units.map((u) => u.name).filter((n) => n.includes('市')));
    const proposed = PLAN_2019.units.filter((u) => cityUnits.has(u.name)).map((u) => proposeUnitName(u.name, '市民生工作办公室', '广德市'));
    expect(proposed.filter((n) => cityUnits.has(n))).toEqual([]);
  });

  it('every unit of the embedded plan gets a name of its own, no two the same, and the plan holds together', () => {
    const names = new Map(PLAN_2019.units.map((u) => [u.name, proposeUnitName(u.name, '市民生工作办公室', '郎溪县')]));
    expect(new Set(names.values()).size).toBe(PLAN_2019.units.length);
    const targets = PLAN_2019.categories.flatMap((c) => c.tasks.flatMap((t) => t.indicators.map((i) => ({ task: t.no, indicator: i.no, value: i.target }))));
    expect(planProblems(officePlan(PLAN_2019, targets, names, '市民生工作办公室'))).toEqual([]);
  });
});

describe('subordinatePhrase: what the office calls its own subordinates', () => {
  it.each([
    ['各县、市、区政府', '市民生工作办公室', '各乡镇人民政府'],
    ['各市人民政府', '安徽省民生工作办公室', '各县、市、区政府'],
    ['各乡镇人民政府', '郎溪县民生工作办公室', '各乡镇人民政府'],
  ])('%s under %s → %s', (phrase, parent, expected) => {
    expect(subordinatePhrase(phrase, parent)).toBe(expected);
  });
});

describe('officePlan: the parent’s plan with the office’s targets', () => {
  const parent: PlanDef = {
    id: 'city-2019', year: 2019, title: '2019年全市民生工作要点', issuedOn: '2019-04-24', issuer: '市人民政府', revision: 3, frequency: 'monthly',
    categories: [{
      no: '一', seq: 1, name: '就业',
      tasks: [
        {
          no: 1, title: '技能培训', text: '开展技能培训。', leadUnits: ['市人社局'], coUnits: ['市教体厅'], coUnitsOpenEnded: false, leader: null,
          subordinates: { role: 'co', phrase: '各县、市、区政府' },
          indicators: [
            { no: 1, name: '技能脱贫培训', comparator: '>=', target: 250, targetMax: null, unit: '人', additive: true, kind: 'cumulative', deadline: null, source: '培训250人' },
            { no: 2, name: '新技工培养', comparator: '>=', target: 1100, targetMax: null, unit: '人', additive: true, kind: 'cumulative', deadline: null, source: '培养1100人' },
            { no: 3, name: '返乡创业示范园', comparator: 'range', target: 1, targetMax: 2, unit: '个', additive: true, kind: 'cumulative', deadline: null, source: '1-2个' },
          ],
        },
        {
          no: 2, title: '毛入学率', text: '毛入学率达到96%以上。', leadUnits: ['市教体局'], coUnits: [], coUnitsOpenEnded: false, leader: null, subordinates: null,
          indicators: [{ no: 1, name: '毛入学率', comparator: '>=', target: 96, targetMax: null, unit: '%', additive: false, kind: 'level', deadline: null, source: '达到96%以上' }],
        },
      ],
    }],
    units: [{ name: '市人社局', aliases: [], kind: 'unit' }, { name: '市教体局', aliases: ['市教体厅'], kind: 'unit' }],
  };
  const names = new Map([['市人社局', '郎溪县人力资源和社会保障局'], ['市教体局', '郎溪县教体局']]);
  const county = officePlan(parent, [
    { task: 1, indicator: 1, value: 40 }, { task: 1, indicator: 2, value: null }, { task: 1, indicator: 3, value: 1 }, { task: 2, indicator: 1, value: 96 },
  ], names, '市民生工作办公室');
  const [t1, t2] = county.categories[0]!.tasks;

  it('a quota is the target; 无任务 is left out and the other indicators keep their numbers', () => {
    expect(t1!.indicators.map((i) => [i.no, i.name, i.target])).toEqual([[1, '技能脱贫培训', 40], [3, '返乡创业示范园', 1]]);
  });

  it('a range allotted one figure is "at least" it; a level target allotted as it is stays as it is', () => {
    expect(t1!.indicators[1]).toMatchObject({ comparator: '>=', target: 1, targetMax: null });
    expect(t2!.indicators[0]).toBe(parent.categories[0]!.tasks[1]!.indicators[0]);
  });

  it('units are the office’s own, a task naming one by an alias included; the plan keeps its id, year and numbers', () => {
    expect(county.units).toEqual([{ name: '郎溪县人力资源和社会保障局', aliases: [], kind: 'unit' }, { name: '郎溪县教体局', aliases: [], kind: 'unit' }]);
    expect([t1!.leadUnits, t1!.coUnits, t2!.leadUnits]).toEqual([['郎溪县人力资源和社会保障局'], ['郎溪县教体局'], ['郎溪县教体局']]);
    expect(t1!.subordinates).toEqual({ role: 'co', phrase: '各乡镇人民政府' });
    expect({ id: county.id, year: county.year, revision: county.revision, tasks: county.categories[0]!.tasks.map((t) => t.no) }).toEqual({ id: 'city-2019', year: 2019, revision: 3, tasks: [1, 2] });
    expect(planProblems(county)).toEqual([]);
  });
});
