/**
 * A county's plan composed for the tests of `init --plan` and of revisions: 县 units, 各乡镇人民政府 named
 * as subordinates, a task of every indicator kind (cumulative, level, growth, milestone) and one without
 * a number, a cooperating group (县安委会成员单位) and an alias (县教育局 for 县教体局).
 */
import type { IndicatorDef, PlanDef, TaskDef } from '../../shared/domain';

const cumulative = (no: number, name: string, target: number, unit: string, source: string): IndicatorDef => ({
  no, name, comparator: '>=', target, targetMax: null, unit, additive: true, kind: 'cumulative', deadline: null, source,
});

const task = (t: Partial<TaskDef> & Pick<TaskDef, 'no' | 'title' | 'leadUnits'>): TaskDef => ({
  text: `${t.title}。`, coUnits: [], coUnitsOpenEnded: false, leader: null, subordinates: null, indicators: [], ...t,
});

export const COUNTY_PLAN: PlanDef = {
  id: 'langxi-2020',
  year: 2020,
  title: '2020年全县民生工作要点',
  issuedOn: '2020-03-20',
  issuer: '郎溪县人民政府',
  revision: 1,
  frequency: 'monthly',
  categories: [
    {
      no: '一', seq: 1, name: '稳定和扩大就业',
      tasks: [
        task({
          no: 1, title: '开展职业技能培训', leadUnits: ['县人社局'], coUnits: ['县农业农村局'], leader: '副县长 张三',
          subordinates: { role: 'co', phrase: '各乡镇人民政府' },
          indicators: [cumulative(1, '职业技能培训', 1200, '人', '开展职业技能培训1200人'), cumulative(2, '新增城镇就业', 3000, '人', '新增城镇就业3000人')],
        }),
        task({
          no: 2, title: '提高城乡居民收入', leadUnits: ['县人社局'], coUnits: ['县民政局'],
          indicators: [{ no: 1, name: '城乡居民人均可支配收入增长', comparator: '~', target: 9, targetMax: null, unit: '%', additive: false, kind: 'growth', deadline: null, source: '城乡居民人均可支配收入增长9%左右' }],
        }),
      ],
    },
    {
      no: '二', seq: 2, name: '发展教育事业',
      tasks: [
        task({
          no: 3, title: '巩固学前教育', leadUnits: ['县教体局'], coUnits: ['县住建局'],
          indicators: [{ no: 1, name: '学前三年毛入学率', comparator: '>=', target: 95, targetMax: null, unit: '%', additive: false, kind: 'level', deadline: null, source: '学前三年毛入学率达到95%以上' }],
        }),
        task({
          no: 4, title: '建成县第二幼儿园', leadUnits: ['县住建局'], coUnits: ['县教体局'],
          indicators: [{ no: 1, name: '建成县第二幼儿园', comparator: '>=', target: 1, targetMax: null, unit: '所', additive: true, kind: 'milestone', deadline: 10, source: '10月底前建成县第二幼儿园' }],
        }),
      ],
    },
    {
      no: '三', seq: 3, name: '加强社会保障',
      tasks: [
        task({
          no: 5, title: '做好困难群众救助', leadUnits: ['县民政局'], coUnits: ['县残联', '县安委会成员单位'], coUnitsOpenEnded: true,
          subordinates: { role: 'co', phrase: '各乡镇人民政府' },
          indicators: [cumulative(1, '临时救助', 800, '人次', '临时救助800人次')],
        }),
        task({ no: 6, title: '推进残疾人康复服务', leadUnits: ['县残联'], coUnits: ['县民政局'] }),
      ],
    },
  ],
  units: [
    { name: '县人社局', aliases: [], kind: 'unit' },
    { name: '县农业农村局', aliases: [], kind: 'unit' },
    { name: '县民政局', aliases: [], kind: 'unit' },
    { name: '县教体局', aliases: ['县教育局'], kind: 'unit' },
    { name: '县住建局', aliases: [], kind: 'unit' },
    { name: '县残联', aliases: [], kind: 'unit' },
    { name: '县安委会成员单位', aliases: [], kind: 'group' },
  ],
};

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

/** A copy of a plan changed by `edit`, as a person edits a plan file for a revision. */
export function editPlan(plan: PlanDef, edit: (p: Mutable<PlanDef>) => void): PlanDef {
  const copy = structuredClone(plan) as Mutable<PlanDef>;
  edit(copy);
  return copy;
}

/** Task `no` of a plan being edited. */
export function taskOf(p: Mutable<PlanDef>, no: number): Mutable<TaskDef> {
  const t = p.categories.flatMap((c) => c.tasks).find((x) => x.no === no);
  if (!t) throw new Error(`no task ${no}`);
  return t;
}
