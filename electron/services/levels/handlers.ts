/** Subordinate offices (下级汇总端), the decomposition of targets into their quotas (任务分解), the 下达包, and roll-ups (汇总包, 分县区). */
import type { AllocationPreview } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { PACKAGE_FILTER, type DomainHandlers, type HandlerDeps } from '../host';
import { appInfo } from '../views';
import { exportAllocation, initOfficeFromAllocation, previewAllocation } from './allocation';
import { addOffice, moveOffice, officesView, removeOffice, renameOfficeNamed } from './offices';
import { quotaGrid, saveQuotas } from './quotas';
import { summaryByOffice } from './figures';
import { exportRollup, requireParent } from './rollup';
import { periodLabel } from '../../../shared/rules/periods';
import { activeFrequency } from '../context';

export function levelHandlers(deps: HandlerDeps) {
  const { session, dialogs, now, actor, version } = deps;
  // The 下达包 chosen at first start: confirmed by a second call, which never takes a path from the renderer.
  let chosenAllocation: string | null = null;
  return {
    'offices:list': async () => officesView(await session.require()),
    'offices:add': async (req) => addOffice(await session.require(), req.name),
    'offices:remove': async (req) => removeOffice(await session.require(), req.name),
    'offices:rename': async (req) => renameOfficeNamed(await session.require(), req.from, req.to),
    'offices:move': async (req) => moveOffice(await session.require(), req.name, req.position),
    'quotas:get': async () => quotaGrid(await session.require()),
    'quotas:save': async (req) => {
      const ctx = await session.require();
      const saved = await saveQuotas(ctx, req, { source: '任务分解页' });
      return { changes: saved.changes, notes: saved.notes, grid: await quotaGrid(ctx) };
    },
    'offices:exportAllocation': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: `选择保存${req.office}下达包的文件夹(如U盘)` });
      if (!folder) return null;
      const r = await exportAllocation(ctx, { office: req.office, outDir: folder, noQuotasOk: req.noQuotasOk ?? false });
      return { fileName: r.fileName, folder: r.folder, revision: r.revision, packageId: r.packageId, office: r.office, tasked: r.tasked, noTask: r.noTask, warning: r.warning };
    },
    'app:chooseAllocation': async () => {
      if (await session.current()) throw new LedgerError('E_EXISTS', '本机已经完成首次设置,不能再次设置。');
      const file = (await dialogs.openFiles({ title: '选择上级汇总端发来的下达包', filters: PACKAGE_FILTER }))?.[0];
      if (!file) return null;
      const preview = previewAllocation(file);
      chosenAllocation = file;
      return preview;
    },
    'app:setupOffice': async (req) => {
      const file = chosenAllocation;
      if (file === null) throw new LedgerError('E_NOT_FOUND', '请先选择上级汇总端发来的下达包。');
      let preview: AllocationPreview | null = null;
      const ledger = await session.create(async (dbFile) => {
        const made = await initOfficeFromAllocation(dbFile, file, { now, actor, names: req.names, ...(req.officeName ? { officeName: req.officeName } : {}) });
        preview = made.preview;
        return made;
      });
      chosenAllocation = null;
      return { info: await appInfo(ledger, version), preview: preview! };
    },
    'summary:byOffice': async (req) => summaryByOffice(await session.require(), req.period),
    'levels:rollup': async (req) => {
      const ctx = await session.require();
      await requireParent(ctx);
      const folder = await dialogs.chooseFolder({ title: `选择保存${periodLabel(req.period, await activeFrequency(ctx))}汇总包的文件夹(U盘)` });
      if (!folder) return null;
      const r = await exportRollup(ctx, { period: req.period, outDir: folder });
      return { fileName: r.fileName, folder: r.folder, revision: r.revision, packageId: r.packageId, office: r.office, parent: r.parent };
    },
  } satisfies DomainHandlers<'offices:list' | 'offices:add' | 'offices:remove' | 'offices:rename' | 'offices:move' | 'quotas:get' | 'quotas:save' | 'summary:byOffice' | 'levels:rollup' | 'offices:exportAllocation' | 'app:chooseAllocation' | 'app:setupOffice'>;
}
