/**
 * IPC registration: one `ledger:invoke` handler that checks the sender is the app's own page and
 * the channel is in the contract, then runs the same `dispatch` as the test bridge.
 */
import { ipcMain, type WebContents } from 'electron';
import type { EventMap, Result } from '../shared/api';
import { dispatch, isChannel, type Emit, type Handlers } from './services/api';
import { isAppPage } from './window-options';

export function registerIpc(handlers: Handlers, indexFileUrl: string): void {
  ipcMain.handle('ledger:invoke', async (e, channel: unknown, request: unknown): Promise<Result<unknown>> => {
    const frame = e.senderFrame;
    if (!frame || frame.parent !== null || !isAppPage(frame.url, indexFileUrl)) {
      return { ok: false, error: { code: 'E_USAGE', message: '拒绝来自未知页面的请求。' } };
    }
    if (!isChannel(channel)) {
      return { ok: false, error: { code: 'E_USAGE', message: `没有名为「${String(channel).slice(0, 60)}」的接口。` } };
    }
    return dispatch(handlers, channel, request);
  });
}

/** Events go to the app window only. */
export function emitter(target: () => WebContents | null): Emit {
  return <E extends keyof EventMap>(event: E, payload: EventMap[E]) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send('ledger:event', event, payload);
  };
}
