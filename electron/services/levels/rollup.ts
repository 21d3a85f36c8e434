/**
 * The 汇总包 (kind `rollup`): a subordinate office's figures for one period, signed and addressed to the key
 * of the parent it was set up from (docs/package-format.md §10). The figures are areaFigures' (figures.ts),
 * the same numbers its own summaries and the parent's view show.
 */
import { LIGHT_LABELS, VALUE_WORDS } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { percent, targetFigure } from '../../../shared/format';
import { COMPARATOR_WORDS } from '../../../shared/plan-diff';
import { requireStarted } from '../../../shared/rules/periods';
import { completion } from '../../../shared/rules/progress';
import { rollupDataSchema } from '../../../shared/rollup';
import { getParent, type ParentRow } from '../../../db/queries/rollups';
import { activePlan, officeName, requireRole, today, type Ctx } from '../context';
import { resolvePeriod } from '../entry/entry';
import type { CellValue } from '../packages/package-format';
import { periodFileTag, safeName, signAndWrite, signingKey, type Destination, type ExportedPackage } from '../packages/packages';
import { areaFigures, rollupDataOf } from './figures';

export interface ExportedRollup extends ExportedPackage {
  /** What the parent calls this office (郎溪县), and the parent's name. */
  readonly office: string;
  readonly parent: string;
}

/** The parent this office rolls up to, or a refusal that says why there is none (asked before a folder is). */
export async function requireParent(ctx: Ctx): Promise<ParentRow> {
  const parent = await getParent(ctx.db);
  if (parent) return parent;
  throw new LedgerError('E_NOT_FOUND', `本汇总端(${await officeName(ctx)})没有上级汇总端,不能生成汇总包。汇总包由下级汇总端报给上级:`
    + '只有按上级发来的下达包建立的汇总端(ledger init --from 下达包.xlsx)才有上级。本机是最高一级的,请直接查看汇总和生成汇总表。');
}

/**
 * Writes the office's 汇总包 for a period to its parent; revisions 1, 2, 3 … per period.
 * @example await exportRollup(ctx, { period: '2019-06', outDir: '/media/usb' })
 */
export async function exportRollup(ctx: Ctx, opts: { readonly period: string } & Destination): Promise<ExportedRollup> {
  await requireRole(ctx, 'summary', '生成汇总包');
  const parent = await requireParent(ctx);
  const plan = await activePlan(ctx);
  const period = await resolvePeriod(ctx, plan, opts.period);
  requireStarted(period.period, today(ctx), plan.frequency, '生成汇总包');
  const figures = await areaFigures(ctx, period.period);
  const key = await signingKey(ctx);
  // The writer never signs what the parent would refuse.
  const checked = rollupDataSchema.safeParse(rollupDataOf(figures, { name: parent.officeName, publicKey: key.publicKey }));
  if (!checked.success) throw new LedgerError('E_INTERNAL', `汇总包内容不符合格式,未生成:${checked.error.issues.slice(0, 3).map((i) => `${i.path.join('.')} ${i.message}`).join(';')}`);
  const { data } = checked;
  const last = await ctx.db.selectFrom('packages').select((eb) => eb.fn.max('revision').as('r'))
    .where('kind', '=', 'rollup').where('direction', '=', 'out').where('period', '=', period.period).executeTakeFirst();
  const revision = (last?.r ?? 0) + 1;
  const tasks = new Map(plan.tasks.map((t) => [t.no, t]));

  const figureRows: CellValue[][] = [['序号', '任务', '指标', '目标', '计量单位', '填报口径', '进展情况', '汇总方式', '完成率']];
  for (const a of figures.indicators) {
    const i = a.indicator;
    figureRows.push([
      a.task.no, a.task.title, i.name, `${COMPARATOR_WORDS[i.comparator]}${targetFigure(i)}`, i.unit, VALUE_WORDS[i.kind].value, a.value,
      a.basis === 'sum' ? `${a.units}个单位合计` : '牵头单位的数值', a.value === null ? '' : percent(completion(i, a.value)),
    ]);
  }
  const taskRows: CellValue[][] = [['序号', '任务', '牵头单位', '推进状态', '灯号', '工作进展', '存在问题', '下步措施']];
  for (const t of data.tasks) {
    taskRows.push([t.task, tasks.get(t.task)?.title ?? '', t.lead ?? '', t.status ?? '未报送', LIGHT_LABELS[t.light], t.progress, t.problems, t.nextSteps]);
  }
  const c = data.completeness;
  const laggingRows: CellValue[][] = [
    ['报送情况', `${c.units} 个单位牵头任务 ${c.due} 项:按时 ${c.onTime},逾期 ${c.late},未报送 ${c.missing},待报送(未到截止日期)${c.waiting}`],
    [],
    ['序号', '任务', '指标', '单位', '情况'],
    ...data.lagging.map((l): CellValue[] => [l.task, tasks.get(l.task)?.title ?? '', l.indicator === null ? '' : tasks.get(l.task)?.indicators.find((i) => i.no === l.indicator)?.name ?? '', l.unit, l.reason]),
  ];
  const self = await officeName(ctx);
  const exported = await signAndWrite(ctx, {
    // Addressed to the parent's plan: this office's plan is the parent's with its quotas as targets.
    kind: 'rollup', plan: { ...plan, id: parent.planId }, from: self, to: parent.name, recipient: parent.fingerprint,
    unit: parent.officeName, unitId: null, periods: [period.period], revision,
    sheets: [
      { name: '汇总数据', rows: figureRows, colWidths: [6, 28, 26, 14, 8, 12, 12, 14, 8] },
      { name: '任务进展', rows: taskRows, colWidths: [6, 28, 20, 8, 6, 40, 30, 30] },
      { name: '报送及滞后事项', rows: laggingRows, colWidths: [8, 28, 26, 20, 40] },
    ],
    data,
    fileName: opts.fileName ?? `汇总包-${safeName(parent.officeName)}-${periodFileTag(period.period, plan.frequency)}-第${revision}版.xlsx`,
  }, opts.outDir, key);
  return { ...exported, office: parent.officeName, parent: parent.name };
}
