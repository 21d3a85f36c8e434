/** Subordinate offices (下级汇总端) and the decomposition of targets into their quotas (任务分解). */
import { type DomainHandlers, type HandlerDeps } from '../host';
import { addOffice, moveOffice, officesView, removeOffice, renameOfficeNamed } from './offices';
import { quotaGrid, saveQuotas } from './quotas';

export function levelHandlers(deps: HandlerDeps) {
  const { session } = deps;
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
  } satisfies DomainHandlers<'offices:list' | 'offices:add' | 'offices:remove' | 'offices:rename' | 'offices:move' | 'quotas:get' | 'quotas:save'>;
}
