/**
 * Worker thread that reads and verifies package files, so a large or hostile file never blocks
 * the main process's event loop (the window stays responsive during an import), and the importing
 * thread spends its time merging. The file's bytes go back transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../../../shared/errors';
import { finish, takeInWorker, type Claim } from './claims';
import { readVerifiedFile } from './package-format';

const claims = (workerData as { claims?: Int32Array } | null)?.claims;

parentPort?.on('message', (msg: { id: number; file: string; slot?: number }) => {
  const claim: Claim | null = claims && msg.slot !== undefined ? { slot: msg.slot, id: msg.id } : null;
  // Verified on the importing thread while it waited (worker-verifier.ts help): nothing to answer.
  if (claim && !takeInWorker(claims!, claim)) return;
  try {
    const read = readVerifiedFile(msg.file);
    // A buffer of its own (a small file may share Node's pool), so it can be handed over whole.
    const bytes = read.bytes.byteOffset === 0 && read.bytes.byteLength === read.bytes.buffer.byteLength ? read.bytes : Uint8Array.from(read.bytes);
    if (claim) finish(claims!, claim);
    parentPort!.postMessage({ id: msg.id, ok: true, file: { ...read, bytes } }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    if (claim) finish(claims!, claim);
    parentPort!.postMessage({ id: msg.id, ok: false, error: toErrorInfo(err) });
  }
});
