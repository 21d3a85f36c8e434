/** Subordinate offices (下级汇总端), the decomposition of targets into their quotas (任务分解), and roll-ups (汇总包, 分县区). */
import { type DomainHandlers, type HandlerDeps } from '../host';
import { addOffice, moveOffice, officesView, removeOffice, renameOfficeNamed } from './offices';
import { quotaGrid, saveQuotas } from './quotas';
import { summaryByOffice } from './figures';
import { exportRollup, requireParent } from './rollup';
import { periodLabel } from '../../../shared/rules/periods';
import { activeFrequency } from '../context';

export function levelHandlers(deps: HandlerDeps) {
  const { session, dialogs } = deps;
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
      return { changes: saved.changes, grid: await quotaGrid(ctx) };
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
  } satisfies DomainHandlers<'offices:list' | 'offices:add' | 'offices:remove' | 'offices:rename' | 'offices:move' | 'quotas:get' | 'quotas:save' | 'summary:byOffice' | 'levels:rollup'>;
}
