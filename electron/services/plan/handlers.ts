/** First start (either side), the plan and the office's settings. */
import { basename, dirname } from 'node:path';
import type { ReportingFrequency } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { parsePeriod, planPeriods } from '../../../shared/rules/periods';
import type { RevisionView } from '../../../shared/api';
import { listPlanRevisions, planModelToDef } from '../../../db/queries/plan';
import { getParent } from '../../../db/queries/rollups';
import { activePlan } from '../context';
import { fillDemo } from '../entry/demo';
import { initUnitFromAssignment } from '../import/import';
import { PACKAGE_FILTER, type DomainHandlers, type FileFilter, type HandlerDeps } from '../host';
import { appInfo, planView, settingsView, updateSettings } from '../views';
import { parseNoticeText } from './notice';
import { readPlanFile, withPlanProblems } from './read';
import { revisePlan, type RevisionResult } from './revise';
import { exportPlanWorkbook } from './template';
import { initSummary } from './setup';
import { ledgerYears, openYear, previewNewYear, startNewYear } from './years';

/**
 * The demo fills the periods already over by the clock, at most the first half year (the first period
 * at least): a new installation has something to show and the rest of the year is left to enter.
 */
function demoThrough(year: number, frequency: ReportingFrequency, now: Date): string {
  const month = now.getFullYear() > year ? 6 : now.getFullYear() < year ? 1 : Math.min(6, Math.max(1, now.getMonth()));
  const periods = planPeriods(year, frequency);
  return periods.filter((p) => parsePeriod(p)!.month <= month).at(-1) ?? periods[0]!;
}

const PLAN_FILTER: readonly FileFilter[] = [{ name: '工作计划 (*.docx, *.txt, *.xlsx, *.json)', extensions: ['docx', 'txt', 'xlsx', 'json'] }];

function revisionView(r: RevisionResult): RevisionView {
  return { from: r.from, to: r.to, dryRun: r.dryRun, changes: r.diff.changes.map((c) => c.words), units: r.diff.units, notes: r.notes };
}

export function planHandlers(deps: HandlerDeps) {
  const { session, dialogs, now, actor, version } = deps;
  return {
    'app:info': async () => appInfo(await session.current(), version, session.readOnlyYear),
    'app:setupSummary': async (req) => {
      const ledger = await session.create((file) => initSummary(file, {
        now, actor, ...(req.frequency ? { frequency: req.frequency } : {}), ...(req.plan ? { plan: req.plan } : {}), ...(req.officeName ? { officeName: req.officeName } : {}),
      }));
      if (req.withDemo) {
        const plan = await activePlan(ledger);
        await fillDemo(ledger, demoThrough(plan.year, plan.frequency, now()));
      }
      return appInfo(ledger, version);
    },
    'app:setupUnit': async () => {
      if (await session.current()) throw new LedgerError('E_EXISTS', '本机已经完成首次设置,不能再次设置。');
      const files = await dialogs.openFiles({ title: '选择汇总端发来的任务包', filters: PACKAGE_FILTER });
      const file = files?.[0];
      if (!file) return null;
      const ledger = await session.create((dbFile) => initUnitFromAssignment(dbFile, file, { now, actor }));
      return appInfo(ledger, version);
    },
    'plan:get': async () => planView(await session.require()),
    'plan:def': async () => planModelToDef(await activePlan(await session.require())),
    'plan:parseFile': async () => {
      const file = (await dialogs.openFiles({ title: '选择工作计划:通知(.docx、.txt)、责任分解表(.xlsx)或计划文件(.json)', filters: PLAN_FILTER }))?.[0];
      if (!file) return null;
      return { fileName: basename(file), parsed: await readPlanFile(file) };
    },
    'plan:parseText': async (req) => ({ fileName: '粘贴的通知文字', parsed: withPlanProblems(parseNoticeText(req.text)) }),
    'plan:exportTemplate': async () => {
      const ctx = await session.require();
      const plan = await activePlan(ctx);
      const name = `责任分解表-${plan.title}-第${plan.revision}版.xlsx`;
      const file = await dialogs.saveFile({ title: '保存责任分解表(可在 WPS 中修改后用于修订计划)', defaultName: name, filters: [{ name: 'Excel 表格 (*.xlsx)', extensions: ['xlsx'] }] });
      if (!file) return null;
      await exportPlanWorkbook(ctx, file);
      return { fileName: basename(file), folder: dirname(file) };
    },
    'plan:revisePreview': async () => {
      const ctx = await session.require();
      const file = (await dialogs.openFiles({ title: '选择修订后的工作计划:责任分解表(.xlsx)、通知(.docx、.txt)或计划文件(.json)', filters: PLAN_FILTER }))?.[0];
      if (!file) return null;
      const parsed = await readPlanFile(file);
      const revision = parsed.errors.length > 0 ? null : revisionView(await revisePlan(ctx, parsed.plan, { dryRun: true }));
      return { fileName: basename(file), parsed, revision };
    },
    'plan:revise': async (req) => revisionView(await revisePlan(await session.require(), req.plan)),
    'plan:previewEdit': async (req) => revisionView(await revisePlan(await session.require(), req.plan, { dryRun: true })),
    'plan:history': async () => {
      const ctx = await session.require();
      const plan = await activePlan(ctx);
      return (await listPlanRevisions(ctx.db, plan.id)).reverse()
        .map((r) => ({ revision: r.revision, at: r.at, actor: r.actor, changes: r.diff?.changes.map((c) => c.words) ?? [] }));
    },
    'years:list': async () => ledgerYears(session),
    'years:open': async (req) => {
      await openYear(session, req.year);
      return appInfo(await session.require(), version, session.readOnlyYear);
    },
    'years:preview': async () => {
      const county = (await getParent((await session.require()).db)) !== null;
      const file = (await dialogs.openFiles({ title: county ? '选择上级发来的新一年的下达包(.xlsx)' : '选择新一年的工作计划:通知(.docx、.txt)或责任分解表(.xlsx)', filters: PLAN_FILTER }))?.[0];
      return file ? previewNewYear(session, file) : null;
    },
    'years:start': async (req) => {
      await startNewYear(session, req.plan, { now, actor });
      return appInfo(await session.require(), version, session.readOnlyYear);
    },
    'settings:get': async () => settingsView(await session.require()),
    'settings:update': async (req) => updateSettings(await session.require(), req),
  } satisfies DomainHandlers<'app:info' | 'app:setupSummary' | 'app:setupUnit' | 'plan:get' | 'plan:def' | 'plan:parseFile' | 'plan:parseText' | 'plan:exportTemplate' | 'plan:revisePreview' | 'plan:revise' | 'plan:previewEdit' | 'plan:history' | 'years:list' | 'years:open' | 'years:preview' | 'years:start' | 'settings:get' | 'settings:update'>;
}
