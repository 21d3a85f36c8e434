// Builds the `ledger` command line into dist/cli with esbuild, as the main process is built:
//   ledger.cjs         the CLI, one bundle: a command's services are evaluated only when that command runs;
//   verify-worker.cjs  the package verifier's worker thread (scripts/verify-worker.cjs runs it);
//   verifier.cjs       what starts that worker, loaded first by scripts/ledger.mjs for `ledger import`;
//   inputs.json        the source files it was built from, so scripts/ledger.mjs can tell when it is stale.
// Run by `npm ci`/`npm install` (prepare) and, when a source file changed since, by scripts/ledger.mjs.
// Kysely and zod are bundled (hundreds of small modules: resolving them cost more than the command);
// better-sqlite3 (native), SheetJS, ExcelJS, mammoth (.docx notices) and pg (PostgreSQL) stay in node_modules
// and load only where imported: bundled, mammoth and pg were a third of the bundle every command reads.
// Reading a .docx notice resolves mammoth's modules, about 60 ms, once a year.
// CommonJS, one file per entry: Node 20 keeps V8's code cache for a script it is given (vm.Script,
// scripts/code-cache.cjs), not for ES modules; one file is also one cache. The cost of parsing what a
// command does not run is the cache's to save.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = join(root, 'dist', 'cli');
export const inputsFile = join(outDir, 'inputs.json');

export const EXTERNAL = ['better-sqlite3', 'xlsx', 'exceljs', 'electron', 'mammoth', 'pg'];
// The sources' import.meta.url (the worker's file beside the bundle, createRequire) is the bundle's own.
const IMPORT_META_BANNER = "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/**
 * Builds dist/cli; returns the project-relative source files it read. Safe while another process runs
 * the CLI: every file is written under a temporary name and renamed, and an older build's files are
 * left for a while.
 */
export async function buildCli() {
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: { ledger: 'electron/cli.ts', 'verify-worker': 'electron/services/packages/verify-worker.ts', verifier: 'electron/services/packages/worker-verifier.ts' },
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    external: EXTERNAL,
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: IMPORT_META_BANNER },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(outDir, { recursive: true });
  for (const f of result.outputFiles) writeAtomic(f.path, f.contents);
  pruneOldBuilds(new Set(result.outputFiles.map((f) => f.path)));
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/')).sort();
  writeAtomic(inputsFile, JSON.stringify({ builtAt: startedAt, inputs }));
  return inputs;
}

function writeAtomic(file, contents) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

/** Files of earlier builds, once no CLI started before this build can still be loading them. */
function pruneOldBuilds(current) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(outDir)) {
    const file = join(outDir, name);
    if (!current.has(file) && name !== 'inputs.json' && name !== '.v8-cache' && statSync(file).mtimeMs < hourAgo) rmSync(file, { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const inputs = await buildCli();
  console.log(`已构建命令行 dist/cli/ledger.cjs(${inputs.length} 个源文件)`);
}
