/**
 * Worker thread that parses and verifies package bytes, so a large or hostile file never blocks
 * the main process's event loop (the window stays responsive during an import).
 */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../shared/errors';
import { readPackage } from './package-format';

parentPort?.on('message', (msg: { id: number; bytes: Uint8Array }) => {
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, pkg: readPackage(msg.bytes) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: toErrorInfo(err) });
  }
});
