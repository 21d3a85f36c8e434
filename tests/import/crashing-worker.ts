/**
 * A verify worker that dies outright on a file starting with "CRASH", as a worker stopped by its
 * memory limit on a hostile file would (tests/import/worker.test.ts); any other file it verifies
 * and answers as electron/services/verify-worker.ts does.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../shared/errors';
import { readPackage } from '../../electron/services/package-format';

parentPort?.on('message', (msg: { id: number; bytes: Uint8Array }) => {
  if (Buffer.from(msg.bytes.subarray(0, 5)).toString('latin1') === 'CRASH') process.exit(70);
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, pkg: readPackage(msg.bytes) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: toErrorInfo(err) });
  }
});
