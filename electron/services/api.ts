/**
 * The handlers behind every channel of `shared/api.ts`, shared by the Electron main process
 * (ipc.ts) and the loopback test bridge (bridge/server.ts): one map, so a channel cannot exist on
 * one side only. Plain Node, no `electron` import: file dialogs come in as `Dialogs`, events go out
 * through `emit`. Every request is checked against its zod schema in `dispatch` before a handler runs,
 * and every answer is a `Result`; thrown errors become `{ code, message }` in Chinese.
 */
import * as z from 'zod';
import { CHANNELS, requestSchemas, type Channel, type Result } from '../../shared/api';
import { toErrorInfo } from '../../shared/errors';
import { backupHandlers } from './backup/handlers';
import { entryHandlers } from './entry/handlers';
import type { ApiDeps, Handlers, HandlerDeps } from './host';
import { importHandlers } from './import/handlers';
import { levelHandlers } from './levels/handlers';
import { packageHandlers } from './packages/handlers';
import { planHandlers } from './plan/handlers';
import { refusingWritesToEarlierYears } from './plan/years';
import { storeHandlers } from './store/handlers';
import { summaryHandlers } from './summaries/handlers';

export { defaultDbFile, LedgerSession, type ApiDeps, type DialogOptions, type Dialogs, type Emit, type FileFilter, type Handlers, type PrintPdf } from './host';

/** One map from every domain's handlers: `satisfies Handlers` fails to compile if a channel has none. */
export function createHandlers(api: ApiDeps): Handlers {
  const deps: HandlerDeps = { ...api, now: api.now ?? (() => new Date()), actor: api.actor ?? '本机用户', version: api.version ?? '0.0.0' };
  return refusingWritesToEarlierYears(api.session, {
    ...planHandlers(deps),
    ...entryHandlers(deps),
    ...packageHandlers(deps),
    ...importHandlers(deps),
    ...summaryHandlers(deps),
    ...backupHandlers(deps),
    ...levelHandlers(deps),
    ...storeHandlers(deps),
  } satisfies Handlers);
}

// ---------------------------------------------------------------------------------------------
// Dispatch

const zhCN = z.locales.zhCN().localeError;

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);

export function isChannel(channel: unknown): channel is Channel {
  return typeof channel === 'string' && CHANNEL_SET.has(channel);
}

/**
 * Validates the request of a channel, runs its handler and wraps the answer. Never throws: an
 * unknown channel or a bad argument is `E_USAGE`, anything thrown becomes its `ErrorInfo`.
 * @example await dispatch(handlers, 'summary:byUnit', { period: '2019-06' })
 */
export async function dispatch(handlers: Handlers, channel: unknown, raw: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'E_USAGE', message: `没有名为「${String(channel).slice(0, 60)}」的接口。` } };
  }
  const parsed = requestSchemas[channel].safeParse(raw ?? {}, { error: zhCN });
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join('.')}:` : '') + i.message);
    return { ok: false, error: { code: 'E_USAGE', message: `接口 ${channel} 的参数不正确:${where.join(';')}` } };
  }
  try {
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}
