/**
 * The built command line (scripts/ledger.mjs → dist/cli): a command loads only what it uses, and a
 * build older than its sources is rebuilt before it runs, so `npm run -s ledger` never runs stale code.
 * How fast it starts is measured by `npm run bench` (docs/performance.md), not asserted here.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/ledger';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'scripts', 'ledger.mjs');
const INPUTS = join(ROOT, 'dist', 'cli', 'inputs.json');

/** Runs the launcher with a module-resolution hook that logs every module it loads. */
async function ledgerLoading(dir: string, ...argv: string[]): Promise<{ stdout: string; loaded: string[] }> {
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  const { stdout } = await exec(process.execPath, ['--import', register, LAUNCHER, ...argv], { cwd: ROOT });
  return { stdout, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('the built ledger command', () => {
  it('`ledger keys` loads neither SheetJS, ExcelJS, zod nor the verifier worker; `ledger import` neither SheetJS, ExcelJS nor the typed API’s or the plan’s schemas; `ledger report` does load ExcelJS', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    await exec(process.execPath, [LAUNCHER, 'init', '--db', db], { cwd: ROOT });

    const keys = await ledgerLoading(dir, 'keys', '--db', db);
    expect(keys.stdout).toMatch(/本机密钥指纹:[0-9A-F]{4}(-[0-9A-F]{4}){3}/);
    expect(keys.loaded.some((u) => u.includes('/node_modules/better-sqlite3/'))).toBe(true); // the hook saw the modules
    expect(keys.loaded.filter((u) => /\/node_modules\/(xlsx|exceljs)\//.test(u) || /verify-worker/.test(u))).toEqual([]);
    // Nor zod, bundled into a chunk of its own: building its schemas was a fifth of the command's start.
    expect(keys.loaded.filter((u) => u.startsWith('file:') && u.endsWith('.mjs') && readFileSync(fileURLToPath(u), 'utf8').includes('inst._zod'))).toEqual([]);

    // An import of report packages never writes one: neither SheetJS nor ExcelJS (a 下达包 loads its module when one comes).
    const drive = join(dir, 'U盘');
    mkdirSync(drive);
    writeFileSync(join(drive, '不是数据包.xlsx'), 'not a zip');
    const imported = await ledgerLoading(dir, 'import', '--db', db, drive).catch((err: { stdout: string; code: number }) => ({ ...err, loaded: readFileSync(join(dir, 'loaded.txt'), 'utf8').split('\n').filter(Boolean) }));
    expect(imported.stdout).toContain('拒收 1');
    expect(imported.loaded.some((u) => /\/dist\/cli\/import-[^/]+\.mjs$/.test(u))).toBe(true);
    expect(imported.loaded.filter((u) => /\/node_modules\/(xlsx|exceljs)\//.test(u))).toEqual([]);
    // Nor the typed API's, the plan's or a roll-up's schemas (esbuild heads each module in a chunk with its path):
    // built at load, they were 20–40 ms of the import's start, and a batch of reports checks none of them.
    const modules = imported.loaded.filter((u) => u.startsWith('file:') && u.endsWith('.mjs'))
      .flatMap((u) => readFileSync(fileURLToPath(u), 'utf8').match(/^\/\/ shared\/[\w/-]+\.ts$/gm) ?? []);
    expect(modules).toContain('// shared/domain.ts'); // the scan sees the shared modules the import does load
    expect(modules.filter((m) => /shared\/(api|plan|rollup)\.ts$/.test(m))).toEqual([]);

    const report = await ledgerLoading(dir, 'report', '--db', db, '--period', '2019-06', '--out', join(dir, '汇总表.xlsx'));
    expect(report.stdout).toContain('已生成汇总表');
    expect(report.loaded.some((u) => u.includes('/node_modules/exceljs/'))).toBe(true);
  }, 60_000);

  it('rebuilds itself first when a source file is newer than the build', async () => {
    const before = JSON.parse(readFileSync(INPUTS, 'utf8')) as { builtAt: number; inputs: string[] };
    expect(before.inputs).toContain('electron/cli.ts');
    // As if electron/cli.ts had been edited after the last build.
    const temp = `${INPUTS}.test.tmp`;
    writeFileSync(temp, JSON.stringify({ ...before, builtAt: 0 }));
    renameSync(temp, INPUTS);
    const startedAt = Date.now();
    const { stdout } = await exec(process.execPath, [LAUNCHER, '--help'], { cwd: ROOT });
    expect(stdout).toContain('民生工作督办台账 命令行');
    const after = JSON.parse(readFileSync(INPUTS, 'utf8')) as { builtAt: number };
    expect(after.builtAt).toBeGreaterThanOrEqual(startedAt);
  }, 60_000);
});
