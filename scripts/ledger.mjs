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
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
