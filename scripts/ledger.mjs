// `npm run -s ledger -- …`: runs the built command line (dist/cli, scripts/build-cli.mjs). It is built
// by `npm ci`/`npm install`; when a source file it was built from has changed since, it is built again
// first (about a second), so the command never runs stale code. Plain JavaScript: nothing to compile
// before it starts.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'ledger.mjs');

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
// `ledger import` verifies each file in a worker thread. Started here, before the command line itself
// loads, the worker is ready about when the import is and verifies the first files meanwhile
// (docs/performance.md); any other command never starts it.
const started = {};
if (process.argv[2] === 'import') {
  const { createWorkerVerifier, tuneV8ForBatches } = await import(pathToFileURL(join(root, 'dist', 'cli', 'verifier.mjs')).href);
  tuneV8ForBatches();
  started.verifier = createWorkerVerifier(pathToFileURL(join(root, 'dist', 'cli', 'verify-worker.mjs')));
  started.verifier.warm();
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2), started);
