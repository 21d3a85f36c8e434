import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LedgerError, type ErrorInfo } from '../../../shared/errors';
import type { VerifiedFile } from './package-format';

export interface WorkerVerifier {
  /** Reads and verifies a package file in the worker (package-format.ts readVerifiedFile). */
  read(file: string): Promise<VerifiedFile>;
  /** Starts the worker now rather than at the first file, so that its start overlaps the caller's own. */
  warm(): void;
  /**
   * Starts reading these files now, before anyone asks: `read` of one of them later takes what was
   * read (once). The caller bounds how many and how large (import/files.ts readAheadCount).
   */
  readAhead(files: readonly string[]): void;
  close(): Promise<void>;
}

/**
 * Runs readVerifiedFile in a worker thread. `workerFile` is the built verify-worker.js in the app, or
 * the .ts source under tests and the command line (then tsx is registered inside the worker, since
 * Node 20 does not pass `--import` loaders on to workers).
 * A worker that dies (out of memory on a hostile file) fails the file in hand and is restarted.
 */
/** A hostile file may take the worker's heap to this, never the app's. */
const WORKER_HEAP_MB = 512;

export function createWorkerVerifier(workerFile: URL | string): WorkerVerifier {
  const href = workerFile instanceof URL ? workerFile.href : pathToFileURL(workerFile).href;
  const fromSource = href.endsWith('.ts');
  let worker: Worker | null = null;
  let nextId = 1;
  // In the order posted: the worker answers one message at a time, in that order.
  const pending = new Map<number, { file: string; resolve: (p: VerifiedFile) => void; reject: (e: Error) => void }>();
  /** Files read ahead and not yet asked for. */
  const early = new Map<string, Promise<VerifiedFile>>();

  const start = (): Worker => {
    const w = new Worker(fromSource ? tsBootstrap(href) : new URL(href), {
      eval: fromSource,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    w.on('message', (msg: { id: number; ok: boolean; file?: VerifiedFile; error?: ErrorInfo }) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.file!);
      else p.reject(new LedgerError(msg.error!.code, msg.error!.message, msg.error!.details));
      if (pending.size === 0) w.unref();
    });
    const died = (why: string) => {
      if (worker !== w) return; // 'error' and then 'exit' of the same death, or a worker closed on purpose
      worker = null;
      // It died on the oldest file it was given; the files queued behind that one (the importer
      // reads ahead) did nothing wrong and go to a fresh worker.
      const [first] = pending;
      if (first) {
        pending.delete(first[0]);
        first[1].reject(new LedgerError('E_UNREADABLE', `文件无法处理(${why})`));
      }
      if (pending.size > 0) {
        const fresh = (worker = start());
        for (const [id, p] of pending) fresh.postMessage({ id, file: p.file });
      }
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`校验进程退出,代码 ${code}`));
    return w;
  };

  const post = (file: string) => {
    const w = (worker ??= start());
    const id = nextId++;
    return new Promise<VerifiedFile>((resolve, reject) => {
      pending.set(id, { file, resolve, reject });
      w.ref();
      w.postMessage({ id, file });
    });
  };

  return {
    read(file) {
      const ready = early.get(file);
      if (!ready) return post(file);
      early.delete(file);
      return ready;
    },
    readAhead(files) {
      for (const file of files) {
        if (early.has(file)) continue;
        const p = post(file);
        p.catch(() => undefined); // a refusal is the file's, given to whoever asks for it; never unhandled meanwhile
        early.set(file, p);
      }
    },
    warm() {
      // Unreferenced while idle: a warm worker never keeps the process alive by itself.
      (worker ??= start()).unref();
    },
    async close() {
      const w = worker;
      worker = null;
      early.clear();
      for (const p of pending.values()) p.reject(new LedgerError('E_UNREADABLE', '文件无法处理(校验已停止)'));
      pending.clear();
      if (w) await w.terminate();
    },
  };
}

/** Worker source that registers tsx's ESM loader, then loads the TypeScript worker. */
function tsBootstrap(href: string): string {
  const require = createRequire(fileURLToPath(href));
  const api = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(href)}); })`;
}
