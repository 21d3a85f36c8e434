/**
 * The loopback bridge: the built renderer and the same API map as the desktop app, served over
 * HTTP on 127.0.0.1 so the UI runs in plain Chromium (the end-to-end tests, `npm run serve`).
 *
 * - Listens on 127.0.0.1 only, on a random port unless told.
 * - Every API request carries the per-run token (`x-ledger-token` header; `?token=` for the event
 *   stream, which cannot send headers); without it: 401. The page gets the token in the URL fragment,
 *   which browsers never send to a server.
 * - Host and Origin must be loopback with this port (no DNS rebinding, no other site calling in): 403.
 * - The static files of the renderer need no token: they hold no data.
 * - File dialogs are a scripted queue filled through `POST /__test/dialog` (token-protected, only
 *   with `testHooks`): paths still never come from the renderer's API calls.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { LedgerError } from '../../shared/errors';
import type { EventMap } from '../../shared/api';
import { createWorkerVerifier } from '../services/packages/worker-verifier';
import { createHandlers, dispatch, LedgerSession, type DialogOptions, type Dialogs, type Emit, type PrintPdf } from '../services/api';

/** One scripted answer: a path, several paths, or null for "cancelled". */
export type DialogAnswer = string | readonly string[] | null;

/** Dialogs answered from a queue, in order; an empty queue answers "cancelled". */
export class ScriptedDialogs implements Dialogs {
  private readonly queue: DialogAnswer[] = [];
  /** Titles of the dialogs shown, for tests and for `npm run serve`'s log. */
  readonly shown: string[] = [];

  push(...answers: DialogAnswer[]): void {
    this.queue.push(...answers);
  }

  private next(opts: DialogOptions): DialogAnswer {
    this.shown.push(opts.title);
    return this.queue.length > 0 ? this.queue.shift()! : null;
  }

  async openFiles(opts: DialogOptions): Promise<string[] | null> {
    const a = this.next(opts);
    return a === null ? null : typeof a === 'string' ? [a] : [...a];
  }

  private async one(opts: DialogOptions): Promise<string | null> {
    const a = this.next(opts);
    return a === null ? null : typeof a === 'string' ? a : (a[0] ?? null);
  }

  openFolder(opts: DialogOptions): Promise<string | null> {
    return this.one(opts);
  }

  chooseFolder(opts: DialogOptions): Promise<string | null> {
    return this.one(opts);
  }

  saveFile(opts: DialogOptions): Promise<string | null> {
    return this.one(opts);
  }
}

export interface BridgeOptions {
  /** The database file (created at first start through the UI if it does not exist). */
  readonly dbFile: string;
  /** The built renderer; dist/renderer by default. */
  readonly staticDir?: string;
  readonly port?: number;
  readonly token?: string;
  /** Enables `POST /__test/dialog`. */
  readonly testHooks?: boolean;
  /** Who answers file dialogs: the scripted queue (tests, `npm run serve`) unless given. */
  readonly dialogs?: Dialogs;
  readonly now?: () => Date;
  readonly actor?: string;
  readonly version?: string;
  readonly printPdf?: PrintPdf;
  /**
   * Where a PostgreSQL store chosen in the settings is remembered (store/store.ts); without it the store cannot
   * be switched. Switching back to the own ledger opens `localDbFile`.
   */
  readonly storeChoiceFile?: string;
  /** This computer's own ledger file, opened when the settings switch back from a server; `dbFile` by default. */
  readonly localDbFile?: () => Promise<string>;
}

export interface Bridge {
  /** http://127.0.0.1:PORT/ */
  readonly origin: string;
  /** The address to open: origin with the token in the fragment. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  readonly dialogs: ScriptedDialogs;
  readonly session: LedgerSession;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/** The same policy as the page's meta tag, also sent as a header. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function defaultStaticDir(): string {
  return resolve(import.meta.dirname, '../../dist/renderer');
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  send(res, status, { ok: false, error: { code: 'E_USAGE', message } });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new LedgerError('E_TOO_LARGE', '请求过大。');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new LedgerError('E_USAGE', '请求不是有效的 JSON。');
  }
}

/** Starts the bridge; resolves once it listens. */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticDir = resolve(opts.staticDir ?? defaultStaticDir());
  const dialogs = new ScriptedDialogs();
  const session = new LedgerSession(opts.dbFile, { ...(opts.now ? { now: opts.now } : {}), actor: opts.actor ?? '本机用户' });
  const streams = new Set<ServerResponse>();
  const emit: Emit = <E extends keyof EventMap>(event: E, payload: EventMap[E]) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const s of streams) s.write(frame);
  };
  // Verification in a worker thread, as the app does (electron/main.ts); here from the TypeScript source.
  const verifier = createWorkerVerifier(new URL('../services/packages/verify-worker.ts', import.meta.url));
  const handlers = createHandlers({
    session, dialogs: opts.dialogs ?? dialogs, emit, verifier,
    ...(opts.storeChoiceFile ? { store: { choiceFile: opts.storeChoiceFile, localDbFile: opts.localDbFile ?? (async () => opts.dbFile) } } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.actor ? { actor: opts.actor } : {}),
    version: opts.version ?? packageVersion(),
    printPdf: opts.printPdf ?? printWithChromium,
  });

  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'E_INTERNAL', message: `程序内部错误:${(err as Error).message}` } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 403, '只接受本机回环地址的访问。');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuse(res, 403, '不接受其他网页的请求。');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const given = (req.headers['x-ledger-token'] as string | undefined) ?? url.searchParams.get('token');

    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/__test/')) {
      if (!sameToken(given, token)) return refuse(res, 401, '缺少或错误的访问令牌。');
      if (url.pathname === '/api/invoke' && req.method === 'POST') {
        const body = (await readJson(req)) as { channel?: unknown; request?: unknown };
        return send(res, 200, await dispatch(handlers, body?.channel, body?.request));
      }
      if (url.pathname === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (url.pathname === '/__test/dialog' && req.method === 'POST' && opts.testHooks) {
        const body = (await readJson(req)) as { answers?: unknown };
        const answers = Array.isArray(body?.answers) ? body.answers : null;
        const valid = answers?.every((a) => a === null || typeof a === 'string' || (Array.isArray(a) && a.every((x) => typeof x === 'string')));
        if (!answers || !valid) return refuse(res, 400, 'answers 应为路径、路径数组或 null 的数组。');
        dialogs.push(...(answers as DialogAnswer[]));
        return send(res, 200, { ok: true, value: { queued: answers.length } });
      }
      return refuse(res, 404, '没有这个接口。');
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, '不支持的请求方法。');
    return serveStatic(url.pathname, res, req.method === 'HEAD');
  }

  function serveStatic(pathname: string, res: ServerResponse, headOnly: boolean): void {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return refuse(res, 400, '地址不正确。');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = resolve(staticDir, '.' + rel);
    if (file !== staticDir && !file.startsWith(staticDir + sep)) return refuse(res, 404, '没有这个文件。');
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (rel === '/index.html') return refuse(res, 404, `界面尚未构建:${join(staticDir, 'index.html')} 不存在,请先运行 npm run build:renderer。`);
      return refuse(res, 404, '没有这个文件。');
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'cache-control': 'no-store',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(headOnly ? undefined : body);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: `${origin}/#token=${token}`,
    token,
    port,
    dialogs,
    session,
    async close() {
      for (const s of streams) s.end();
      streams.clear();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await verifier.close();
      await session.close();
    },
  };
}

/** Debian's Chromium, as in the tests; the desktop app prints with Electron instead. */
export const CHROMIUM_PATH = process.env.LEDGER_CHROMIUM ?? '/usr/bin/chromium';

/** Prints with headless Chromium through playwright-core (a dev dependency: the harness only). */
export const printWithChromium: PrintPdf = async (html, file, { footerTemplate }) => {
  if (!existsSync(CHROMIUM_PATH)) throw new LedgerError('E_USAGE', `找不到 Chromium(${CHROMIUM_PATH}),无法打印PDF。`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path: file, format: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate, margin: { top: '20mm', bottom: '20mm', left: '18mm', right: '18mm' } });
  } finally {
    await browser.close();
  }
};
