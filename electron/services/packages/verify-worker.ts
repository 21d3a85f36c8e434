/**
 * Worker thread that reads and verifies package files, so a large or hostile file never blocks
 * the main process's event loop (the window stays responsive during an import), and the importing
 * thread spends its time merging. The file's bytes go back transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../../shared/errors';
import { readVerifiedFile } from './package-format';

parentPort?.on('message', (msg: { id: number; file: string }) => {
  try {
    const read = readVerifiedFile(msg.file);
    // A buffer of its own (a small file may share Node's pool), so it can be handed over whole.
    const bytes = read.bytes.byteOffset === 0 && read.bytes.byteLength === read.bytes.buffer.byteLength ? read.bytes : Uint8Array.from(read.bytes);
    parentPort!.postMessage({ id: msg.id, ok: true, file: { ...read, bytes } }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: toErrorInfo(err) });
  }
});
