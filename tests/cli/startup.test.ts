/**
 * The built command line (scripts/ledger.mjs → dist/cli): a command evaluates only what it uses, a build
 * older than its sources is rebuilt before it runs, so `npm run -s ledger` never runs stale code, and V8's
 * code cache (scripts/code-cache.cjs) is used from a command's second run, never for another build.
 * How fast it starts is measured by `npm run bench` (docs/performance.md), not asserted here.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/ledger';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'scripts', 'ledger.mjs');
const INPUTS = join(ROOT, 'dist', 'cli', 'inputs.json');

/**
 * Runs the launcher with a hook that logs every module it requires, and V8's coverage of the bundle: the
 * bundle heads each module's code with a function named by its path (esbuild), called when it is evaluated.
 */
async function ledgerLoading(dir: string, ...argv: string[]): Promise<{ stdout: string; required: string[]; evaluated: string[] }> {
  const log = join(dir, 'required.txt');
  writeFileSync(log, '');
  const hook = join(dir, 'hook.cjs');
  writeFileSync(hook, `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  appendFileSync(${JSON.stringify(log)}, request + '\\n');
  return load.call(this, request, parent, isMain);
};\n`);
  const coverage = join(dir, `coverage-${argv[0]}`);
  const done = await exec(process.execPath, ['--require', hook, LAUNCHER, ...argv], { cwd: ROOT, env: { ...process.env, NODE_V8_COVERAGE: coverage } })
    .catch((err: { stdout: string; code: number }) => err);
  const evaluated = readdirSync(coverage).flatMap((f) => (JSON.parse(readFileSync(join(coverage, f), 'utf8')) as { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] }).result)
    .filter((script) => script.url.endsWith('/dist/cli/ledger.cjs'))
    .flatMap((script) => script.functions.filter((fn) => /\.[cm]?[jt]s$/.test(fn.functionName) && fn.ranges[0]!.count > 0).map((fn) => fn.functionName));
  return { stdout: done.stdout, required: readFileSync(log, 'utf8').split('\n').filter(Boolean), evaluated };
}

describe('the built ledger command', () => {
  it('`ledger keys` evaluates neither SheetJS, ExcelJS, mammoth, pg, zod nor the verifier worker; `ledger import` neither SheetJS, ExcelJS, mammoth, pg nor the typed API’s or the plan’s schemas; `ledger report` does load ExcelJS, `plan parse` of a .docx mammoth', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    await exec(process.execPath, [LAUNCHER, 'init', '--db', db], { cwd: ROOT });

    const keys = await ledgerLoading(dir, 'keys', '--db', db);
    expect(keys.stdout).toMatch(/本机密钥指纹:[0-9A-F]{4}(-[0-9A-F]{4}){3}/);
    expect(keys.required).toContain('better-sqlite3'); // the hook saw the modules
    expect(keys.evaluated).toContain('electron/services/keys/keys.ts'); // and the coverage the bundle's
    expect(keys.required.filter((r) => /^(xlsx|exceljs|mammoth|pg)$|verif/.test(r))).toEqual([]);
    // Nor zod: building its schemas was a fifth of the command's start.
    expect(keys.evaluated.filter((m) => m.startsWith('node_modules/zod/'))).toEqual([]);

    // An import of report packages never writes one: neither SheetJS nor ExcelJS (a 下达包 evaluates its module when one comes).
    const drive = join(dir, 'U盘');
    mkdirSync(drive);
    writeFileSync(join(drive, '不是数据包.xlsx'), 'not a zip');
    const imported = await ledgerLoading(dir, 'import', '--db', db, drive);
    expect(imported.stdout).toContain('拒收 1');
    expect(imported.evaluated).toContain('electron/services/import/import.ts');
    expect(imported.required.filter((r) => /^(xlsx|exceljs|mammoth|pg)$/.test(r))).toEqual([]);
    // Nor the typed API's, the plan's or a roll-up's schemas: built at load, they were 20–40 ms of the
    // import's start, and a batch of reports checks none of them.
    expect(imported.evaluated).toContain('shared/domain.ts'); // the shared modules the import does evaluate are seen
    expect(imported.evaluated.filter((m) => /shared\/(api|plan|rollup)\.ts$/.test(m))).toEqual([]);

    const report = await ledgerLoading(dir, 'report', '--db', db, '--period', '2019-06', '--out', join(dir, '汇总表.xlsx'));
    expect(report.stdout).toContain('已生成汇总表');
    expect(report.required).toContain('exceljs');
    // A .docx notice is read with mammoth, required from node_modules by the one command that reads one.
    const parsed = await ledgerLoading(dir, 'plan', 'parse', join(ROOT, 'tests', 'fixtures', 'plans', 'county-plan-projects-table.docx'));
    expect(parsed.stdout).toContain('城南小学新建工程');
    expect(parsed.required).toContain('mammoth');
  }, 60_000);

  it('uses a command’s code cache from its second run, and never the cache of another build of the same length', async () => {
    // A copy of the project's built command line, so that its bundle can be rebuilt by hand.
    const root = tempDir();
    for (const d of ['electron', 'shared', 'db', 'seeds', 'node_modules']) symlinkSync(join(ROOT, d), join(root, d));
    cpSync(join(ROOT, 'scripts'), join(root, 'scripts'), { recursive: true });
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    for (const f of ['ledger.cjs', 'verifier.cjs', 'verify-worker.cjs', 'inputs.json']) cpSync(join(ROOT, 'dist', 'cli', f), join(root, 'dist', 'cli', f));
    const help = async () => {
      const { stdout, stderr } = await exec(process.execPath, [join(root, 'scripts', 'ledger.mjs'), '--help'], { cwd: root, env: { ...process.env, LEDGER_CODE_CACHE_TRACE: '1' } });
      return { title: stdout.split('\n')[0], cache: stderr.trim() };
    };
    expect(await help()).toEqual({ title: expect.stringContaining('民生工作督办台账 命令行'), cache: '[code cache] other: none' });
    expect(await help()).toEqual({ title: expect.stringContaining('民生工作督办台账 命令行'), cache: '[code cache] other: used' });

    // Another build whose bundle has the very same length: V8 itself checks no more than the length.
    const bundle = join(root, 'dist', 'cli', 'ledger.cjs');
    const text = readFileSync(bundle, 'utf8');
    const rebuilt = text.replaceAll('\\u547D\\u4EE4\\u884C', '\\u547D\\u4EE4\\u5217'); // 命令行 → 命令列
    expect(rebuilt).not.toBe(text);
    expect(rebuilt.length).toBe(text.length);
    writeFileSync(`${bundle}.tmp`, rebuilt);
    renameSync(`${bundle}.tmp`, bundle);
    expect(await help()).toEqual({ title: expect.stringContaining('民生工作督办台账 命令列'), cache: '[code cache] other: none' });
    expect(await help()).toEqual({ title: expect.stringContaining('民生工作督办台账 命令列'), cache: '[code cache] other: used' });
    // One cache per command is kept: the earlier build's went.
    expect(readdirSync(join(root, 'dist', 'cli', '.v8-cache'))).toHaveLength(1);

    // Where no cache can be written (here its folder is a file), the command runs as ever, compiling each time.
    rmSync(join(root, 'dist', 'cli', '.v8-cache'), { recursive: true });
    writeFileSync(join(root, 'dist', 'cli', '.v8-cache'), '');
    expect(await help()).toEqual({ title: expect.stringContaining('民生工作督办台账 命令列'), cache: '[code cache] other: none' });
    expect(await help()).toEqual({ title: expect.stringContaining('民生工作督办台账 命令列'), cache: '[code cache] other: none' });
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

  it('is the package’s `ledger` command: linked by npm into a prefix it runs without npm, and its advice names `ledger`, or `npm run -s ledger --` when npm started it', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(pkg.bin?.ledger && join(ROOT, pkg.bin.ledger)).toBe(LAUNCHER);
    const prefix = tempDir();
    // What `npm link` does, into a prefix of the test's own instead of the machine's.
    await exec('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, ROOT], { cwd: ROOT });
    const bin = join(prefix, 'bin', 'ledger');
    const { stdout } = await exec(bin, ['help'], { cwd: prefix, env: { ...process.env, npm_lifecycle_event: '' } });
    expect(stdout).toContain('用法: ledger <命令>');

    // A damaged database's advice: the command to restore, as the user would type it.
    const dir = tempDir();
    const db = join(dir, 'S.db');
    await exec(bin, ['init', '--db', db], { cwd: dir, env: { ...process.env, npm_lifecycle_event: '' } });
    await exec(bin, ['backup', '--db', db], { cwd: dir, env: { ...process.env, npm_lifecycle_event: '' } });
    writeFileSync(db, 'not a database any more');
    const advice = (env: Record<string, string>) => exec(bin, ['backups', '--db', db], { cwd: dir, env: { ...process.env, ...env } })
      .then((r) => r.stdout, (err: { stdout: string }) => err.stdout);
    expect(await advice({ npm_lifecycle_event: '' })).toMatch(/恢复:ledger restore --db /);
    expect(await advice({ npm_lifecycle_event: 'ledger' })).toMatch(/恢复:npm run -s ledger -- restore --db /);
  });
});
