/** Entering a period's progress, the periods themselves, and returns of a task to its unit. */
import { type DomainHandlers, type HandlerDeps } from '../host';
import { entryForm, periodViews } from '../views';
import { enterReports } from './entry';
import { lockPeriod, reopenPeriod, setPeriodDue } from './periods';
import { closeReturn, listReturns, returnTask } from './returns';
import { setOpeningValues, setUnitStart } from './starts';

export function entryHandlers(deps: HandlerDeps) {
  const { session } = deps;
  return {
    'entry:get': async (req) => entryForm(await session.require(), req),
    'entry:save': async (req) => {
      const r = await enterReports(await session.require(), { unit: req.unit, period: req.period, items: req.items, receivedOn: req.receivedOn, replace: req.replace, filledBy: req.filledBy });
      return { tasks: r.tasks, warnings: r.warnings };
    },
    'periods:list': async () => periodViews(await session.require()),
    'periods:lock': async (req) => lockPeriod(await session.require(), req.period),
    'periods:reopen': async (req) => reopenPeriod(await session.require(), req.period, req.reason),
    'periods:setDue': async (req) => setPeriodDue(await session.require(), req),
    'returns:create': async (req) => returnTask(await session.require(), req),
    'returns:list': async (req) => listReturns(await session.require(), req.period ? { period: req.period } : {}),
    'returns:close': async (req) => closeReturn(await session.require(), req.id),
    'units:setStart': async (req) => setUnitStart(await session.require(), req),
    'units:setOpening': async (req) => setOpeningValues(await session.require(), req),
  } satisfies DomainHandlers<'entry:get' | 'entry:save' | 'periods:list' | 'periods:lock' | 'periods:reopen' | 'periods:setDue' | 'returns:create' | 'returns:list' | 'returns:close' | 'units:setStart' | 'units:setOpening'>;
}
