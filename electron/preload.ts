/**
 * The preload (sandboxed, bundled as CommonJS): exposes one narrow object, `window.ledger`, typed
 * from shared/api.ts. One invoke channel and one event channel; never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { LedgerApi } from '../shared/api';

const api = {
  invoke: (channel, request) => ipcRenderer.invoke('ledger:invoke', channel, request),
  on: (event, listener) => {
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on('ledger:event', handler);
    return () => {
      ipcRenderer.removeListener('ledger:event', handler);
    };
  },
} satisfies LedgerApi;

contextBridge.exposeInMainWorld('ledger', api);
