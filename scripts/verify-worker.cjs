// The verifier's worker thread of `ledger import` (started by scripts/ledger.mjs, or by the command line
// itself): dist/cli/verify-worker.cjs run through V8's code cache (code-cache.cjs). Its cache is written once
// the worker has verified 64 files, by when what verifying uses has been compiled.
'use strict';
const { join } = require('node:path');
const { parentPort } = require('node:worker_threads');
const { runCached } = require('./code-cache.cjs');

const SAVE_AFTER_FILES = 64;
const worker = runCached(join(__dirname, '..', 'dist', 'cli', 'verify-worker.cjs'), 'verify-worker');
if (!worker.used && parentPort) {
  let files = 0;
  // Registered after the bundle's own listener, so it runs once the 64th file has been verified.
  parentPort.on('message', function count() {
    if (++files < SAVE_AFTER_FILES) return;
    parentPort.off('message', count);
    worker.save();
  });
}
