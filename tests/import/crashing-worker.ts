/**
 * A verify worker that dies outright on a file starting with "CRASH", as a worker stopped by its
 * memory limit on a hostile file would (tests/import/worker.test.ts); any other file it reads, verifies
 * and answers as electron/services/packages/verify-worker.ts does.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../shared/errors';
import { readVerifiedFile } from '../../electron/services/packages/package-format';

parentPort?.on('message', (msg: { id: number; file: string }) => {
  if (readFileSync(msg.file).subarray(0, 5).toString('latin1') === 'CRASH') process.exit(70);
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, file: readVerifiedFile(msg.file) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: toErrorInfo(err) });
  }
});
