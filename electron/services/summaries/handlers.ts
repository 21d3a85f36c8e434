/** Summaries on screen, the summary workbook and the bulletin. */
import { join } from 'node:path';
import { BULLETIN_FOOTER } from '../../../shared/bulletin';
import { LedgerError } from '../../../shared/errors';
import { periodLabel } from '../../../shared/rules/periods';
import { activePlan } from '../context';
import { type DomainHandlers, type HandlerDeps } from '../host';
import { trendView, unitDetail } from '../views';
import { draftBulletin, renderBulletin } from './bulletin';
import { tableFileName, writeSummaryWorkbook, writeTableWorkbook } from './reports';
import { header, loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } from './summaries';

export function summaryHandlers(deps: HandlerDeps) {
  const { session, dialogs } = deps;

  async function periodSummary(period: string) {
    return loadPeriodData(await session.require(), period);
  }

  return {
    'summary:byUnit': async (req) => {
      const d = await periodSummary(req.period);
      return { header: header(d), rows: summaryByUnit(d) };
    },
    'summary:byTask': async (req) => {
      const d = await periodSummary(req.period);
      return { header: header(d), rows: summaryByTask(d) };
    },
    'summary:byCategory': async (req) => {
      const d = await periodSummary(req.period);
      return { header: header(d), rows: summaryByCategory(d) };
    },
    'summary:unitDetail': async (req) => unitDetail(await session.require(), req),
    'summary:trend': async () => trendView(await session.require()),
    'reports:exportWorkbook': async (req) => {
      const ctx = await session.require();
      const name = `民生工作汇总表-${periodLabel(req.period, (await activePlan(ctx)).frequency)}.xlsx`;
      const folder = await dialogs.chooseFolder({ title: '选择保存汇总表的文件夹', defaultName: name });
      if (!folder) return null;
      await writeSummaryWorkbook(ctx, { period: req.period, out: join(folder, name) });
      return { fileName: name, folder };
    },
    'reports:exportTable': async (req) => {
      const ctx = await session.require();
      const name = tableFileName(req.table, req.period, (await activePlan(ctx)).frequency);
      const folder = await dialogs.chooseFolder({ title: '选择保存表格的文件夹', defaultName: name });
      if (!folder) return null;
      const r = await writeTableWorkbook(ctx, { period: req.period, table: req.table, keys: req.keys, ...(req.note === undefined ? {} : { note: req.note }), out: join(folder, name) });
      return { fileName: name, folder, rows: r.rows };
    },
    'reports:bulletinDraft': async (req) => {
      const draft = await draftBulletin(await session.require(), { period: req.period });
      return { bulletin: draft.bulletin, timeProgress: draft.timeProgress, html: renderBulletin(draft) };
    },
    'reports:printBulletin': async (req) => {
      const ctx = await session.require();
      if (!deps.printPdf) throw new LedgerError('E_USAGE', '当前运行方式不能打印PDF,请在桌面程序中打印。');
      const draft = await draftBulletin(ctx, { period: req.period });
      const edited = { ...draft, bulletin: { ...draft.bulletin, ...req.edits } };
      const name = `督查通报-${periodLabel(req.period, (await activePlan(ctx)).frequency)}.pdf`;
      const folder = await dialogs.chooseFolder({ title: '选择保存通报PDF的文件夹', defaultName: name });
      if (!folder) return null;
      await deps.printPdf(renderBulletin(edited), join(folder, name), { footerTemplate: BULLETIN_FOOTER });
      return { fileName: name, folder };
    },
  } satisfies DomainHandlers<'summary:byUnit' | 'summary:byTask' | 'summary:byCategory' | 'summary:unitDetail' | 'summary:trend' | 'reports:exportWorkbook' | 'reports:exportTable' | 'reports:bulletinDraft' | 'reports:printBulletin'>;
}
