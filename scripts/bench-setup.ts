/**
 * Setting up benchmark data with the app's own services (no vitest: tests/helpers register
 * vitest hooks). Used by scripts/bench.ts; see docs/performance.md for what is measured and why.
 *
 * The embedded 2019 plan has 37 reporting units, so a real year is 37 × 12 = 444 report packages.
 * To import 5,000 distinct packages into ONE summary office, `countyPlan(k)` adds k county copies of
 * every reporting unit (郎溪县人社局 beside 市人社局, with the same lead and cooperating tasks): the
 * same tasks, indicators and package sizes as the real plan, just more units reporting.
 */
import { mkdirSync } from 'node:fs';
import type { PlanDef, TaskDef, UnitDef } from '../shared/domain';
import { parsePeriod, planPeriods } from '../shared/rules/periods';
import { isWholeMeasure } from '../shared/rules/kinds';
import { PLAN_2019 } from '../seeds/plan2019';
import { getSetting } from '../db/queries/settings';
import type { OpenLedger } from '../electron/services/context';
import { enterReports, type EntryItem } from '../electron/services/entry/entry';
import { initUnitFromAssignment } from '../electron/services/import/import';
import { exportAssignment, exportReport } from '../electron/services/packages/packages';

/** Counties and districts of 宣城, then development zones: names for the unit copies. */
export const COUNTIES = ['宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县', '宣城经开区', '宣城高新区', '郎溪经开区', '广德经开区', '宁国经开区', '泾县经开区', '绩溪经开区', '旌德经开区'];

/** The cap on cooperating units per task that an assignment package allows (shared/plan.ts planSchema). */
export const ASSIGNMENT_MAX_CO_UNITS = 100;

function countyName(county: string, unit: string): string {
  return unit.startsWith('市') ? `${county}${unit.slice(1)}` : `${county}${unit}`;
}

/** Names for `n` county copies: the real ones first, then numbered. */
function countyNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => COUNTIES[i] ?? `县区${i + 1}`);
}

/**
 * The 2019 plan with `copies` county copies of every reporting unit (groups stay shared).
 * A unit left without any task by the cap on cooperating units is left out.
 * @example countyPlan(11) // 440 reporting units: 5,280 (unit, period) pairs a year
 */
export function countyPlan(copies: number, opts: { id?: string; year?: number; maxCoUnits?: number } = {}): PlanDef {
  const year = opts.year ?? PLAN_2019.year;
  const counties = countyNames(copies);
  const maxCo = opts.maxCoUnits ?? ASSIGNMENT_MAX_CO_UNITS;
  const reporting = PLAN_2019.units.filter((u) => u.kind === 'unit').map((u) => u.name);
  const isReporting = new Set(reporting);
  const expand = (names: readonly string[]) => [...names, ...counties.flatMap((c) => names.filter((n) => isReporting.has(n)).map((n) => countyName(c, n)))];
  const categories = PLAN_2019.categories.map((c) => ({
    ...c,
    tasks: c.tasks.map((t): TaskDef => ({ ...t, leadUnits: expand(t.leadUnits), coUnits: expand(t.coUnits).slice(0, maxCo) })),
  }));
  const withRole = new Set(categories.flatMap((c) => c.tasks.flatMap((t) => [...t.leadUnits, ...t.coUnits])));
  const units: UnitDef[] = [
    ...PLAN_2019.units,
    ...counties.flatMap((c) => reporting.map((n): UnitDef => ({ name: countyName(c, n), aliases: [], kind: 'unit' }))),
  ].filter((u) => u.kind === 'group' || withRole.has(u.name));
  return {
    ...PLAN_2019,
    id: opts.id ?? `bench-${year}-x${copies + 1}`,
    year,
    title: `${year}年全市民生工作要点(含${copies}个县区)`,
    categories,
    units,
  };
}

/** Reporting units of a plan, in the fixed order. */
export function reportingUnits(plan: PlanDef): string[] {
  return plan.units.filter((u) => u.kind === 'unit').map((u) => u.name);
}

/**
 * What a diligent clerk enters for one period: every lead task with a status, every indicator's
 * cumulative value (growing month by month, never over 3× target), progress, problems and next
 * steps (so no warning holds the export up), contact; every cooperating task with its contribution.
 */
export function yearEntries(plan: PlanDef, unit: string, period: string): EntryItem[] {
  const month = parsePeriod(period)!.month;
  const items: EntryItem[] = [];
  for (const task of plan.categories.flatMap((c) => c.tasks)) {
    const lead = task.leadUnits.includes(unit);
    if (!lead && !task.coUnits.includes(unit)) continue;
    if (!lead) {
      items.push({
        task: task.no, status: '推进中',
        progress: `配合牵头单位推进「${task.title}」:本月参与专题会商${month}次,按分工提供相关数据和材料,协同开展督查调研。`,
      });
      continue;
    }
    const done = month === 12;
    items.push({
      task: task.no, status: done ? '已完成' : '推进中',
      progress: `截至${month}月底,${task.title}按年度计划推进。已召开专题推进会,细化任务分解,落实责任人和时间节点,各项指标按月调度,完成情况见附表。`,
      problems: month % 3 === 0 ? '部分项目前期手续办理周期较长,配套资金到位偏慢。' : '个别乡镇进度不平衡。',
      nextSteps: '加强调度督查,协调解决资金和用地问题,确保按序时进度完成全年目标。',
      contact: '张某', phone: '0563-3021234',
    });
    for (const ind of task.indicators) {
      items.push({ task: task.no, indicator: ind.no, value: benchValue(ind, month) });
    }
  }
  return items;
}

export function benchValue(ind: TaskDef['indicators'][number], month: number): number {
  if (ind.comparator === '<=') return isWholeMeasure(ind.unit) ? Math.floor(ind.target / 2) : Math.round(ind.target * 50) / 100; // a ceiling, kept well under
  const goal = ind.comparator === 'range' && ind.targetMax !== null ? ind.targetMax : ind.target;
  if (!ind.additive) return Math.round(goal * (0.9 + (0.1 * month) / 12) * 100) / 100; // a rate
  const whole = !['%', '‰', '公里', '亩'].includes(ind.unit);
  const v = (goal * month) / 12;
  return whole ? Math.floor(v) : Math.round(v * 100) / 100;
}

/**
 * Sets one unit up from the office's assignment package, as its clerk would: its own database and
 * signing key, the office's key pinned.
 */
export async function setUpUnit(office: OpenLedger, name: string, dbFile: string, assignDir: string, now: () => Date): Promise<OpenLedger> {
  mkdirSync(assignDir, { recursive: true });
  const a = await exportAssignment(office, { unit: name, outDir: assignDir });
  return initUnitFromAssignment(dbFile, a.file, { now, actor: name });
}

/** Enters and exports each period's report package of the unit into `outDir`; returns the files. */
export async function exportYear(unit: OpenLedger, plan: PlanDef, outDir: string, periods: readonly string[] = planPeriods(plan.year, plan.frequency)): Promise<string[]> {
  const self = (await getSetting(unit.db, 'self_unit'))!;
  const files: string[] = [];
  for (const period of periods) {
    await enterReports(unit, { unit: self, period, items: yearEntries(plan, self, period) });
    files.push((await exportReport(unit, { period, outDir })).file);
  }
  return files;
}
