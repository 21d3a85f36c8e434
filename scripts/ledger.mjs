#!/usr/bin/env node
// `npm run -s ledger -- …`: runs the built command line (dist/cli, scripts/build-cli.mjs). It is built
// by `npm ci`/`npm install`; when a source file it was built from has changed since, it is built again
// first (about a second), so the command never runs stale code. Plain JavaScript: nothing to compile
// before it starts. The bundle runs through V8's code cache (code-cache.cjs): from a command's second
// run on, what it compiled the first time is not compiled again.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'ledger.cjs');

function isStale() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'inputs.json'), 'utf8'));
    statSync(entry);
    return inputs.some((f) => statSync(join(root, f)).mtimeMs > builtAt);
  } catch {
    return true; // not built yet, or a source file it was built from is gone
  }
}

if (isStale()) {
  const { buildCli } = await import('./build-cli.mjs');
  await buildCli();
}
const command = process.argv[2] ?? '';
// `ledger import` verifies each file in a worker thread. Started here, before the command line itself
// loads, the worker is ready about when the import is and verifies the first files meanwhile
// (docs/performance.md); any other command never starts it.
const started = {};
if (command === 'import') {
  const { createWorkerVerifier, tuneV8ForBatches } = require(join(root, 'dist', 'cli', 'verifier.cjs'));
  tuneV8ForBatches();
  started.verifier = createWorkerVerifier(pathToFileURL(join(root, 'scripts', 'verify-worker.cjs')));
  started.verifier.warm();
}
const { runCached } = require('./code-cache.cjs');
// The import's own cache: a batch compiles far more than any other command, whose cache is shared.
const cli = runCached(entry, command === 'import' ? 'import' : 'other');
await cli.exports.main(process.argv.slice(2), started);
cli.save();
