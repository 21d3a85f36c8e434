// Builds the `ledger` command line into dist/cli with esbuild, as the main process is built:
//   ledger.mjs         the CLI; each command's services are a chunk loaded only when that command runs;
//   verify-worker.mjs  the package verifier's worker thread;
//   verifier.mjs       what starts that worker, loaded first by scripts/ledger.mjs for `ledger import`;
//   inputs.json        the source files it was built from, so scripts/ledger.mjs can tell when it is stale.
// Run by `npm ci`/`npm install` (prepare) and, when a source file changed since, by scripts/ledger.mjs.
// Kysely and zod are bundled (hundreds of small modules: resolving them cost more than the command);
// better-sqlite3 (native), SheetJS and ExcelJS stay in node_modules and load only where imported.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = join(root, 'dist', 'cli');
export const inputsFile = join(outDir, 'inputs.json');

const REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const EXTERNAL = ['better-sqlite3', 'xlsx', 'exceljs', 'electron'];

/**
 * Builds dist/cli; returns the project-relative source files it read. Safe while another process runs
 * the CLI: every file is written under a temporary name and renamed, chunks (content-hashed names)
 * before the entries that import them, and an older build's chunks are left for a while.
 */
export async function buildCli() {
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: { ledger: 'electron/cli.ts', 'verify-worker': 'electron/services/packages/verify-worker.ts', verifier: 'electron/services/packages/worker-verifier.ts' },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    external: EXTERNAL,
    banner: { js: REQUIRE_BANNER },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(outDir, { recursive: true });
  const isEntry = (path) => /[\\/](ledger|verify-worker|verifier)\.mjs(\.map)?$/.test(path);
  const files = [...result.outputFiles].sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)));
  for (const f of files) writeAtomic(f.path, f.contents);
  pruneOldChunks(new Set(files.map((f) => f.path)));
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/')).sort();
  writeAtomic(inputsFile, JSON.stringify({ builtAt: startedAt, inputs }));
  return inputs;
}

function writeAtomic(file, contents) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

/** Chunks of earlier builds, once no CLI started before this build can still be loading them. */
function pruneOldChunks(current) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(outDir)) {
    const file = join(outDir, name);
    if (!current.has(file) && name !== 'inputs.json' && statSync(file).mtimeMs < hourAgo) rmSync(file, { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const inputs = await buildCli();
  console.log(`已构建命令行 dist/cli/ledger.mjs(${inputs.length} 个源文件)`);
}
