import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LedgerError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { CLAIM_SLOTS, isDone, newClaims, offer, takeHere, type Claim } from './claims';
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
  /**
   * Called by an importer about to wait for `file`: while the worker has not finished it, verifies one
   * file sent to the worker and not yet started (that one, or the next) with `readHere` on this thread,
   * so that both cores verify instead of one waiting. True when it verified one; false when there is
   * nothing to do but wait. `readHere` gives null for a file it leaves to the worker (too large to hold
   * this thread up with: package-format.ts readVerifiedSmallFile).
   * @example while (verifier.help(file, readVerifiedSmallFile)) continue; // one more verified here each time
   */
  help(file: string, readHere: (file: string) => VerifiedFile | null): boolean;
  close(): Promise<void>;
}

interface Pending {
  readonly file: string;
  readonly resolve: (p: VerifiedFile) => void;
  readonly reject: (e: Error) => void;
  /** Absent when this thread may not take the file over (help). */
  readonly claim: Claim | undefined;
}

/** A hostile file may take the worker's heap to this, never the app's. */
const WORKER_HEAP_MB = 512;

/**
 * Runs readVerifiedFile in a worker thread. `workerFile` is the built verify-worker.js in the app, or
 * the .ts source under tests and the command line (then tsx is registered inside the worker, since
 * Node 20 does not pass `--import` loaders on to workers).
 * A worker that dies (out of memory on a hostile file) fails the file in hand and is restarted.
 */
export function createWorkerVerifier(workerFile: URL | string): WorkerVerifier {
  const href = workerFile instanceof URL ? workerFile.href : pathToFileURL(workerFile).href;
  const fromSource = href.endsWith('.ts');
  let worker: Worker | null = null;
  let nextId = 1;
  // In the order posted: the worker answers one message at a time, in that order (skipping the files
  // verified here meanwhile, which leave this map when taken).
  const pending = new Map<number, Pending>();
  const claims = newClaims();
  /** Slots of the files in flight: a slot is offered again only once its file has left. */
  const slots = new Map<number, number>();
  const settle = (id: number) => {
    const p = pending.get(id);
    pending.delete(id);
    if (p?.claim && slots.get(p.claim.slot) === id) slots.delete(p.claim.slot);
    if (pending.size === 0) worker?.unref();
    return p;
  };
  /** Files read ahead and not yet asked for. */
  const early = new Map<string, Promise<VerifiedFile>>();

  const start = (): Worker => {
    const w = new Worker(fromSource ? tsBootstrap(href) : new URL(href), {
      eval: fromSource,
      workerData: { claims },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    w.on('message', (msg: { id: number; ok: boolean; file?: VerifiedFile; error?: ErrorInfo }) => {
      const p = settle(msg.id);
      if (!p) return;
      if (msg.ok) p.resolve(msg.file!);
      else p.reject(new LedgerError(msg.error!.code, msg.error!.message, msg.error!.details));
    });
    const died = (why: string) => {
      if (worker !== w) return; // 'error' and then 'exit' of the same death, or a worker closed on purpose
      worker = null;
      // It died on the oldest file it was given; the files queued behind that one (the importer
      // reads ahead) did nothing wrong and go to a fresh worker.
      const [first] = pending;
      if (first) settle(first[0])!.reject(new LedgerError('E_UNREADABLE', `文件无法处理(${why})`));
      if (pending.size > 0) {
        const fresh = (worker = start());
        for (const [id, p] of pending) {
          // Offered anew: a file the dead worker finished, its answer lost with it, is verified again.
          if (p.claim) offer(claims, p.claim);
          fresh.postMessage({ id, file: p.file, slot: p.claim?.slot });
        }
      }
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`校验进程退出,代码 ${code}`));
    return w;
  };

  /** `claimable`: this thread may take the file over while it waits (help). */
  const post = (file: string, claimable = true) => {
    const w = (worker ??= start());
    const id = nextId++;
    const slot = id % CLAIM_SLOTS;
    const claim: Claim | undefined = claimable && !slots.has(slot) ? { slot, id } : undefined;
    if (claim) {
      slots.set(slot, id);
      offer(claims, claim);
    }
    return new Promise<VerifiedFile>((resolve, reject) => {
      pending.set(id, { file, resolve, reject, claim });
      w.ref();
      w.postMessage({ id, file, slot: claim?.slot });
    });
  };

  /** Verifies here a file the worker has not started; a file readHere declines goes back to the worker. */
  const verifyHere = (p: Pending, readHere: (file: string) => VerifiedFile | null) => {
    let read: VerifiedFile | null;
    try {
      read = readHere(p.file);
    } catch (err) {
      // Worded and coded exactly as the worker's refusal of the same file would be.
      const info = toErrorInfo(err);
      p.reject(new LedgerError(info.code, info.message, info.details));
      return;
    }
    if (read) p.resolve(read);
    else post(p.file, false).then(p.resolve, p.reject);
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
    help(file, readHere) {
      let waitingFor: Pending | undefined;
      for (const p of pending.values()) {
        if (p.file === file) {
          waitingFor = p;
          break;
        }
      }
      if (!waitingFor?.claim || isDone(claims, waitingFor.claim)) return false;
      for (const [id, p] of pending) {
        if (!p.claim || !takeHere(claims, p.claim)) continue;
        settle(id);
        verifyHere(p, readHere);
        return true;
      }
      return false;
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

/**
 * Tunes V8 for importing batches, in the app and in `ledger import` alike; called before the verifier's
 * worker starts, so both threads have it. A batch is over in a second or two: V8's default tiers hot
 * functions up after ~66 KB of bytecode run, and optimizing them on the same two cores cost more than it
 * gave back before the batch ended. 15 times later (swept 66K–10M: 1M best): `ledger import` of 500
 * packages 1.67 → 1.51 s, in-process 1,000 1.89 → 1.65 s; 5,000 unchanged (docs/performance.md).
 */
export function tuneV8ForBatches(): void {
  setFlagsFromString('--interrupt-budget=1000000');
}

/** Worker source that registers tsx's ESM loader, then loads the TypeScript worker. */
function tsBootstrap(href: string): string {
  const require = createRequire(fileURLToPath(href));
  const api = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(href)}); })`;
}
