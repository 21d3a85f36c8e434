/**
 * The renderer's one way to the data: `window.ledger` from the Electron preload, or the same
 * `LedgerApi` over the loopback bridge when the page runs in a plain browser (the tests).
 */
import type { Channel, EventMap, LedgerApi, RequestOf, ResponseOf, Result } from '../shared/api';
import type { ErrorInfo } from '../shared/errors';

declare global {
  interface Window {
    readonly ledger?: LedgerApi;
  }
}

const TOKEN_KEY = 'minsheng-ledger-token';

/** The bridge's token: from the URL fragment (#token=…) on first load, then kept for reloads of this tab. */
function bridgeToken(): string {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]!));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function bridgeApi(): LedgerApi {
  const token = bridgeToken();
  let events: EventSource | null = null;
  return {
    async invoke(channel, request) {
      try {
        const res = await fetch('/api/invoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-ledger-token': token },
          body: JSON.stringify({ channel, request }),
        });
        return (await res.json()) as Result<never>;
      } catch (err) {
        return { ok: false, error: { code: 'E_INTERNAL', message: `无法连接本机服务:${(err as Error).message}` } };
      }
    },
    on(event, listener) {
      events ??= new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      const handler = (e: MessageEvent<string>) => listener(JSON.parse(e.data));
      events.addEventListener(event, handler);
      return () => events?.removeEventListener(event, handler);
    },
  };
}

export const ledger: LedgerApi = window.ledger ?? bridgeApi();

/** An error answer of the API, thrown so callers can `try`/`catch` it like any other. */
export class ApiError extends Error implements ErrorInfo {
  readonly code: ErrorInfo['code'];
  readonly details?: unknown;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.code = info.code;
    this.details = info.details;
  }
}

/** Calls a channel; resolves with the value or throws an ApiError. */
export async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const r = await ledger.invoke(channel, request);
  if (!r.ok) throw new ApiError(r.error);
  return r.value;
}

export function onEvent<E extends keyof EventMap>(event: E, listener: (payload: EventMap[E]) => void): () => void {
  return ledger.on(event, listener);
}
