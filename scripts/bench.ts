/**
 * `npm run bench`: the figures of docs/performance.md. Prints them; asserts nothing (not run in CI).
 *
 *  1. Generates a year of report packages with the app's own services: 440 units (the 2019 plan's
 *     37 reporting units and 11 county copies, scripts/bench-setup.ts), each set up from its
 *     assignment package with its own key, entering and exporting all 12 periods: 5,280 packages.
 *  2. Imports batches of 100, 1,000 and 5,000 of them, each into a fresh summary office, each in a
 *     fresh child process (same start for all three; peak RSS is the child's own high-water mark),
 *     as the app and `ledger import` do: verification in a worker thread, overlapping the merge.
 *  3. The same on PostgreSQL (issue 15), measured right after SQLite's: the import batches in-process;
 *     `ledger import` of the 1,000 as a whole process on both stores, alternating; and the 1,000 split
 *     between 4 `ledger import` processes importing at once into one PostgreSQL office (each package
 *     must be there once). The server: LEDGER_BENCH_PG=postgres://user@host:port/db (its user may
 *     CREATE DATABASE; the bench's databases are dropped afterwards), else a throw-away cluster with
 *     PostgreSQL's durable defaults (scripts/pg-cluster.ts), else the section says why it is skipped.
 *  4. Fills a summary database with ≥ 1,000,000 indicator values directly (many plan years, ~900
 *     units, every month), the same way on SQLite and on PostgreSQL, and times loadPeriodData +
 *     summaryByUnit / ByTask / ByCategory, summaryByOffice and the period's summary workbook.
 *  5. Runs the same 1,000 packages through a floor in a child process (the faster of SheetJS and
 *     the app's own reader, parse only, + raw rows into SQLite, committed in groups as the app
 *     commits, no verification), each run beside an import as the app does and one verified on the
 *     importing thread; prints the median ratios.
 *  6. Beside a clerk's pandas script (scripts/peer-pandas.py, when Debian's python3-pandas is
 *     installed): both as whole processes on the same 500 packages, alternating; and the command
 *     line's start-up (`ledger keys` minus `npm -v`).
 *  7. Times exporting one unit's report package (市人社局, the unit with the most lead tasks).
 *
 * Import batches and whole processes run BENCH_REPEAT times (3 by default), the floor section at least 7, and the median is reported: the
 * machine may be shared. Peak RSS is the highest of the runs.
 *
 * Options (environment): BENCH_DIR=folder keeps everything there (else a temp folder, removed);
 * BENCH_REUSE=<a kept run folder> measures again without generating the packages; BENCH_JSON=file
 * writes the figures as JSON too.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpus, freemem, totalmem, tmpdir } from 'node:os';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import * as XLSX from 'xlsx';
import { planPeriods } from '../shared/rules/periods';
import { sql } from 'kysely';
import { compiledRows, P } from '../db/compiled';
import { localBase, parseLocation, shownLocation } from '../db/location';
import { setSetting } from '../db/queries/settings';
import { keyFilePath, loadKey } from '../electron/services/keys/keys';
import { fingerprint } from '../electron/services/keys/signing';
import { insertPlan } from '../db/queries/plan';
import type { Database, Tx } from '../db/schema';
import { ruleDueOf } from '../electron/services/deadlines';
import { openLedger } from '../electron/services/context';
import { GROUP_FILES, importFiles, verifyingWith } from '../electron/services/import/import';
import { exportReport } from '../electron/services/packages/packages';
import { initSummary } from '../electron/services/plan/setup';
import { createWorkerVerifier, tuneV8ForBatches } from '../electron/services/packages/worker-verifier';
import { readWorkbookFile } from '../electron/services/packages/package-format';
import { loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } from '../electron/services/summaries/summaries';
import { buildSummaryWorkbook } from '../electron/services/summaries/reports';
import { summaryByOffice } from '../electron/services/levels/figures';
import { benchValue, countyPlan, exportYear, reportingUnits, setUpUnit } from './bench-setup';
import { createDatabase, serverBin, startCluster } from './pg-cluster';

const SELF = fileURLToPath(import.meta.url);
/** This file runs as its source (the parent, under tsx) or built (the children: buildChildren). */
const BUILT = !SELF.endsWith('.ts');
const ROOT = resolve(dirname(SELF), BUILT ? '../..' : '..');
/**
 * The children run this file bundled by esbuild as the app and `ledger` are built, not its source under tsx: tsx
 * keeps every inner function's name by wrapping it at each call (`__name`) and loads modules through a hooks thread,
 * work the shipped program does not do (docs/performance.md, 2026-12-01 night).
 */
const CHILD = join(ROOT, 'dist', 'bench', 'bench.mjs');
/** Debian's own Python, where python3-pandas and python3-openpyxl are installed. */
const PYTHON = '/usr/bin/python3';
/** BENCH_QUICK=1: a small run to check the script itself, not for the figures. */
const QUICK = process.env.BENCH_QUICK === '1';
const BATCHES = QUICK ? [20, 100, 500] : [100, 1000, 5000];
const FLOOR_BATCH = BATCHES[1]!;
const PEER_BATCH = QUICK ? 100 : 500;
const BIG_BATCH = BATCHES[2]!;
const IMPORT_COPIES = QUICK ? 1 : 11;
const SUMMARY_COPIES = 24;
const SUMMARY_VALUES = QUICK ? 100_000 : 1_000_000;
const RUNS = 9;
const WORKBOOK_RUNS = 5;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
/**
 * Rounds of the floor section (floor, app, one thread side by side): one round's ratio moved by ±0.3 from one to the
 * next on this VM in a slow phase (1.34–2.16× in six rounds), so its median takes more rounds than the batches'.
 */
const FLOOR_ROUNDS = QUICK ? REPEAT : Math.max(REPEAT, 7);

interface ImportFigures {
  readonly files: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly values: number;
  readonly ms: number;
  /** CPU time of the whole process (every thread) over the same span as `ms`: above `ms`, the work ran side by side. */
  readonly cpuMs: number;
  readonly baseRssMb: number;
  readonly maxRssMb: number;
  /** Starting the verification worker, before the clock (the app keeps it for the session). */
  readonly workerStartMs?: number;
}

/** How the child verifies: in a worker thread as the app and the CLI do, or on the importing thread. */
type VerifyMode = 'worker' | 'inline';

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (s: string) => process.stdout.write(`${s}\n`);

// ---------------------------------------------------------------------------------------------
// Child processes: one import batch, or the floor, measured alone.

async function childImport(db: string, dir: string, mode: VerifyMode): Promise<ImportFigures> {
  const ledger = await openLedger(db, { actor: '基准测试' });
  // The worker `ledger import` starts (the built verifier through V8's code cache, scripts/verify-worker.cjs), started
  // before the clock and its start printed apart, as the app starts it when the import page opens. As the app
  // imports (electron/main.ts); the floor keeps V8's defaults, which suit it better.
  if (mode === 'worker') tuneV8ForBatches();
  const workerFile = BUILT ? pathToFileURL(join(ROOT, 'scripts', 'verify-worker.cjs')) : new URL('../electron/services/packages/verify-worker.ts', import.meta.url);
  const verifier = mode === 'worker' ? createWorkerVerifier(workerFile) : null;
  const w0 = performance.now();
  await verifier?.read(join(dir, 'no-such-file.xlsx')).catch(() => undefined); // refused at once: only the worker's start is timed
  const workerStartMs = verifier ? performance.now() - w0 : undefined;
  const baseRssMb = mb(process.memoryUsage().rss);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const results = await importFiles(ledger, [dir], { acceptNewKeys: true, receivedOn: '2020-01-05', ...(verifier ? verifyingWith(verifier) : {}) });
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(c0);
  await verifier?.close();
  const values = await countRows(ledger.db, 'report_values');
  await ledger.close();
  return {
    files: results.length, accepted: results.filter((r) => r.status === 'accepted').length,
    rejected: results.filter((r) => r.status === 'rejected').length, values, ms, cpuMs, baseRssMb,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...(workerStartMs !== undefined ? { workerStartMs } : {}),
  };
}

/** The process's CPU time (user and system, all threads) since `start`, in ms. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Parsers the floor can use: SheetJS, or the app's own reader (zip walk and XML, nothing verified). */
type FloorParser = 'sheetjs' | 'reader';

const SHEETJS_OPTIONS: XLSX.ParsingOptions = {
  type: 'buffer', cellFormula: false, cellHTML: false, cellStyles: false, cellDates: false, cellText: false, cellNF: false, dense: true,
};

/** Every row of every sheet as an array of values, by the chosen parser. */
function parseRows(bytes: Buffer, parser: FloorParser): { sheet: string; rows: unknown[][] }[] {
  if (parser === 'sheetjs') {
    const wb = XLSX.read(bytes, SHEETJS_OPTIONS);
    return wb.SheetNames.map((name) => ({ sheet: name, rows: XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[name]!, { header: 1, raw: true }) }));
  }
  return readWorkbookFile(bytes).sheets.map((s) => ({ sheet: s.name, rows: s.rows.filter((row) => row !== undefined).map((row) => Array.from(row!, (c) => c?.value ?? null)) }));
}

/** Parse only, both parsers, the same files: the floor uses the faster (docs/performance.md). */
function childParsers(dir: string): Record<FloorParser, number> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.xlsx')).sort().map((f) => readFileSync(join(dir, f)));
  const out = { sheetjs: 0, reader: 0 };
  for (const parser of ['sheetjs', 'reader', 'sheetjs', 'reader'] as const) {
    const t0 = performance.now();
    for (const b of files) parseRows(b, parser);
    out[parser] = (performance.now() - t0) / files.length; // the second, warm, run counts
  }
  return out;
}

/** The floor: what any importer must do at least. Parse, insert every row as it is. */
function childFloor(db: string, dir: string, parser: FloorParser): ImportFigures {
  const sqlite = new BetterSqlite3(db);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL'); // as the app: a committed group survives a power cut
  sqlite.exec('CREATE TABLE raw_rows (file TEXT NOT NULL, sheet TEXT NOT NULL, r INTEGER NOT NULL, cells TEXT NOT NULL) STRICT');
  const insert = sqlite.prepare('INSERT INTO raw_rows (file, sheet, r, cells) VALUES (?, ?, ?, ?)');
  const files = readdirSync(dir).filter((f) => f.endsWith('.xlsx')).sort();
  const baseRssMb = mb(process.memoryUsage().rss);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  files.forEach((f, i) => {
    const sheets = parseRows(readFileSync(join(dir, f)), parser);
    // Committed as the app commits: GROUP_FILES files per transaction, one fsync each.
    if (i % GROUP_FILES === 0) {
      if (sqlite.inTransaction) sqlite.exec('COMMIT');
      sqlite.exec('BEGIN');
    }
    for (const { sheet, rows } of sheets) rows.forEach((row, r) => insert.run(f, sheet, r, JSON.stringify(row)));
  });
  if (sqlite.inTransaction) sqlite.exec('COMMIT');
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(c0);
  sqlite.close();
  return { files: files.length, accepted: files.length, rejected: 0, values: 0, ms, cpuMs, baseRssMb, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

/**
 * Builds what the children run: the command line (dist/cli: its verifier's worker, and `ledger` for sections 3 and 6)
 * and this file as one ES module (CHILD), with the same externals as the command line's bundle.
 */
async function buildChildren(): Promise<void> {
  const { buildCli, EXTERNAL } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-cli.mjs')).href)) as { buildCli: () => Promise<unknown>; EXTERNAL: string[] };
  await buildCli();
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: ROOT, entryPoints: [SELF], outfile: CHILD, bundle: true, format: 'esm', platform: 'node', target: 'node20',
    external: [...EXTERNAL, 'esbuild', 'tsx'],
    // Bundled CommonJS (Kysely's, zod's helpers) may call require: an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

function runChild<T = ImportFigures>(mode: 'import-worker' | 'import-inline' | 'floor' | 'parsers' | 'summaries', db: string, arg: string, extra = ''): T {
  const r = spawnSync(process.execPath, [CHILD, '--child', mode, db, arg, extra], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`child ${mode} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(last) as T;
}

// ---------------------------------------------------------------------------------------------
// Parent: generate, measure, print.

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGb: Math.round(totalmem() / 1024 ** 3), freeGb: Math.round(freemem() / 1024 ** 3),
    node: process.version, platform: `${process.platform} ${process.arch}`, date: new Date().toISOString(),
  };
}

async function generate(dir: string) {
  const plan = countyPlan(IMPORT_COPIES);
  const units = reportingUnits(plan);
  const issuing = await initSummary(join(dir, 'issuing-office.db'), { plan });
  const out = join(dir, 'packages');
  mkdirSync(out);
  const t0 = performance.now();
  let rsjDb = '';
  for (const [i, name] of units.entries()) {
    const dbFile = join(dir, 'units', `unit-${String(i).padStart(4, '0')}.db`);
    mkdirSync(join(dir, 'units'), { recursive: true });
    const unit = await setUpUnit(issuing, name, dbFile, join(dir, 'assignments'), () => new Date());
    await exportYear(unit, plan, out);
    await unit.close();
    if (name === '市人社局') rsjDb = dbFile;
    if ((i + 1) % 40 === 0) log(`  … ${i + 1}/${units.length} units, ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  await issuing.close();
  const files = readdirSync(out).filter((f) => f.endsWith('.xlsx'));
  const bytes = files.reduce((s, f) => s + statSync(join(out, f)).size, 0);
  const gen = { units: units.length, out, files: files.length, bytes, ms: performance.now() - t0, rsjDb };
  writeFileSync(join(dir, 'generation.json'), JSON.stringify(gen));
  return { plan, ...gen };
}

/**
 * A fresh summary office database for an import run: the office that issued the assignments, so it
 * holds that office's key (every report names its recipient's key, and another office refuses it).
 */
async function summaryOffice(db: string, gen: { plan: ReturnType<typeof countyPlan>; out: string }): Promise<void> {
  const base = localBase(db); // the file, or on PostgreSQL its place under LEDGER_HOME
  mkdirSync(dirname(base), { recursive: true });
  // A new ledger makes its own key (and on a server never takes up a key file already there, plan/setup.ts); it is
  // replaced by the issuing office's, as an office moving its ledger to another PC or a server brings its key.
  const issuing = join(dirname(gen.out), 'issuing-office.db');
  const key = loadKey(issuing);
  await (await initSummary(db, {
    plan: gen.plan,
    within: async (trx) => {
      copyFileSync(keyFilePath(issuing), keyFilePath(base));
      await setSetting(trx, 'public_key', key.publicKey);
      await setSetting(trx, 'fingerprint', fingerprint(key.publicKey));
    },
  })).close();
}

/** A kept run's packages (BENCH_REUSE), measured again without making them anew. */
function reuseGeneration(runDir: string) {
  const gen = JSON.parse(readFileSync(join(runDir, 'generation.json'), 'utf8')) as Omit<Awaited<ReturnType<typeof generate>>, 'plan'>;
  return { plan: countyPlan(IMPORT_COPIES), ...gen };
}

/** The median run by time; peak RSS is the highest of all runs. */
function medianRun(runs: readonly ImportFigures[]): ImportFigures {
  const mid = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
  return { ...mid, maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)) };
}

/** Files in the order an office receives them: January's from every unit, then February's … */
function receivedOrder(out: string): string[] {
  const files = readdirSync(out).filter((f) => f.endsWith('.xlsx'));
  const period = (f: string) => /-(\d{4}-\d{2})-第/.exec(f)?.[1] ?? '';
  return files.sort((a, b) => period(a).localeCompare(period(b)) || a.localeCompare(b));
}

/** The first n packages received, linked into their own folder (made once: the peer may reuse an import batch's). */
function batchDir(dir: string, out: string, ordered: readonly string[], n: number): string {
  const d = join(dir, `batch-${n}`);
  if (existsSync(d)) return d;
  mkdirSync(d);
  for (const f of ordered.slice(0, n)) linkSync(join(out, f), join(d, f));
  return d;
}

async function timeExport(rsjDb: string, dir: string) {
  const ledger = await openLedger(rsjDb);
  const outDir = join(dir, 'export-timing');
  mkdirSync(outDir);
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t0 = performance.now();
    const r = await exportReport(ledger, { period: '2019-06', outDir });
    times.push(performance.now() - t0);
    if (i === 0) log(`  ${basename(r.file)} ${fmt(statSync(r.file).size / 1024)} KB`);
  }
  await ledger.close();
  return { firstMs: times[0]!, medianMs: median(times.slice(1)), maxMs: Math.max(...times.slice(1)) };
}

/** Every unit reports every indicator of each of its tasks (lead and cooperating), every month. */
function valuesPerPlanYear(plan: ReturnType<typeof countyPlan>): number {
  const reporting = new Set(reportingUnits(plan));
  return 12 * plan.categories.flatMap((c) => c.tasks).reduce((s, t) => s + [...t.leadUnits, ...t.coUnits].filter((u) => reporting.has(u)).length * t.indicators.length, 0);
}

/** A report of the filled summary database, row after row (the columns `reports` has no default for). */
const insertBenchReports = compiledRows((db, rows) => db.insertInto('reports').values(rows).returning(['id', 'unit_id', 'task_id']), {
  period_id: P, unit_id: P, task_id: P, role: P, status: P, progress: P, problems: P, next_steps: P, explanation: P,
  contact: P, phone: P, entered_by: P, proxy: P, source: P, revision: P, received_on: P, created_at: P, updated_at: P,
});
const insertBenchValues = compiledRows((db, rows) => db.insertInto('report_values').values(rows), { report_id: P, indicator_id: P, value: P, note: P });
/** Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const FILL_REPORTS = 500;
const FILL_VALUES = 2_000;

/** Rows of a table, on either store. */
async function countRows(db: Tx, table: keyof Database): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** The store's size on disk: the SQLite file, or PostgreSQL's database. */
async function storeBytes(office: Awaited<ReturnType<typeof openLedger>>): Promise<number> {
  if (office.handle.dialect === 'sqlite') return statSync(office.handle.file).size;
  const { rows } = await sql<{ n: number }>`SELECT pg_database_size(current_database()) AS n`.execute(office.db);
  return Number(rows[0]!.n);
}

/**
 * A summary office with ≥ SUMMARY_VALUES indicator values, the same on either store: the plans through the
 * app, then every period's reports and values in multi-row INSERTs in one transaction.
 */
async function buildSummaryDb(where: string) {
  const t0 = performance.now();
  const planOf = (year: number) => countyPlan(SUMMARY_COPIES, { id: `province-${year}`, year, maxCoUnits: Infinity });
  const active = planOf(2019);
  const years = Math.ceil(SUMMARY_VALUES / valuesPerPlanYear(active));
  const office = await initSummary(where, { plan: active, actor: '基准测试' });
  const createdAt = new Date().toISOString();
  await office.db.transaction().execute(async (trx) => {
    for (let y = 2019 - years + 1; y < 2019; y++) await insertPlan(trx, planOf(y), { createdAt, dueOn: ruleDueOf(5) });
  });
  await office.db.transaction().execute(async (trx) => {
    const units = new Map((await trx.selectFrom('units').select(['id', 'kind', 'name']).execute()).map((u) => [u.id, u]));
    for (const { id: planId } of await trx.selectFrom('plans').select('id').execute()) {
      const periods = await trx.selectFrom('periods').select(['id', 'month', 'due_on']).where('plan_id', '=', planId).execute();
      const roles = (await trx.selectFrom('task_units as tu').innerJoin('tasks as t', 't.id', 'tu.task_id')
        .select(['tu.task_id', 'tu.unit_id', 'tu.role', 't.title']).where('t.plan_id', '=', planId).execute())
        .filter((r) => units.get(r.unit_id)!.kind === 'unit');
      const inds = await trx.selectFrom('indicators as i').innerJoin('tasks as t', 't.id', 'i.task_id').selectAll('i').where('t.plan_id', '=', planId).execute();
      const indsOf = new Map<number, typeof inds>();
      for (const i of inds) indsOf.set(i.task_id, [...(indsOf.get(i.task_id) ?? []), i]);
      for (const p of periods) {
        const reportRows = roles.map((r) => [p.id, r.unit_id, r.task_id, r.role, p.month === 12 ? '已完成' : '推进中',
          `截至${p.month}月底,${r.title}按年度计划推进,各项指标按月调度。`, '部分项目前期手续办理周期较长。', '加强调度督查,确保按序时进度完成全年目标。', '',
          '张某', '0563-3021234', units.get(r.unit_id)!.name, 0, 'package', 1, p.due_on, createdAt, createdAt]);
        const values: unknown[][] = [];
        for (let k = 0; k < reportRows.length; k += FILL_REPORTS) {
          const part = reportRows.slice(k, k + FILL_REPORTS);
          for (const row of await insertBenchReports.query(part.length).run(trx, part.flat())) {
            for (const i of indsOf.get(row.task_id) ?? []) {
              values.push([row.id, i.id, benchValue({ ...i, targetMax: i.target_max, additive: i.additive === 1 }, p.month), '']);
            }
          }
        }
        for (let k = 0; k < values.length; k += FILL_VALUES) {
          const part = values.slice(k, k + FILL_VALUES);
          await insertBenchValues.query(part.length).run(trx, part.flat());
        }
      }
    }
  });
  const shape = {
    plans: await countRows(office.db, 'plans'),
    units: Number((await office.db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'unit').executeTakeFirstOrThrow()).n),
    periods: await countRows(office.db, 'periods'), reports: await countRows(office.db, 'reports'),
    values: await countRows(office.db, 'report_values'), bytes: await storeBytes(office), ms: performance.now() - t0,
  };
  return { office, shape };
}

/** `loadMs`: the loadPeriodData part of it, for the summaries that are given the loaded data. */
interface SummaryFigures { medianMs: number; loadMs: number | null; firstMs: number; rows: number }

/** In a fresh process, like the import batches: the parent's heap (5,280 packages made) would skew it. */
async function childSummaries(db: string, period: string): Promise<Record<string, SummaryFigures>> {
  const office = await openLedger(db);
  try {
    return await timeSummaries(office, period);
  } finally {
    await office.close();
  }
}

async function timeSummaries(office: Awaited<ReturnType<typeof openLedger>>, period: string): Promise<Record<string, SummaryFigures>> {
  const kinds = {
    unit: (d: Awaited<ReturnType<typeof loadPeriodData>>) => summaryByUnit(d).length,
    task: (d: Awaited<ReturnType<typeof loadPeriodData>>) => summaryByTask(d).length,
    category: (d: Awaited<ReturnType<typeof loadPeriodData>>) => summaryByCategory(d).length,
  };
  const out: Record<string, SummaryFigures> = {};
  for (const [name, fn] of Object.entries(kinds)) {
    const total: number[] = [];
    const load: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const d = await loadPeriodData(office, period);
      const t1 = performance.now();
      rows = fn(d);
      total.push(performance.now() - t0);
      load.push(t1 - t0);
    }
    out[name] = { medianMs: median(total), loadMs: median(load), firstMs: total[0]!, rows };
  }
  // Each as the app asks for it: the view by office loads its period itself, the workbook every period to
  // this one (its trend sheet) and writes the .xlsx bytes.
  const whole = {
    office: async () => (await summaryByOffice(office, period)).indicators.length,
    workbook: async () => (await buildSummaryWorkbook(office, { period, generatedOn: '2019-07-03' })).length,
  };
  for (const [name, fn] of Object.entries(whole)) {
    const total: number[] = [];
    let rows = 0;
    for (let i = 0; i < (name === 'workbook' ? WORKBOOK_RUNS : RUNS); i++) {
      const t0 = performance.now();
      rows = await fn();
      total.push(performance.now() - t0);
    }
    out[name] = { medianMs: median(total), loadMs: null, firstMs: total[0]!, rows };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Whole processes: the clerk's pandas script and `ledger import`, timed from outside.

function hasPandas(): boolean {
  return spawnSync(PYTHON, ['-c', 'import pandas, openpyxl'], { stdio: 'ignore' }).status === 0;
}

/** Wall time of a whole process, start-up included; throws when it fails. */
function wall(command: string, args: readonly string[], ok: (r: SpawnSyncReturns<string>) => boolean): number {
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0 || !ok(r)) throw new Error(`${command} ${args.slice(0, 4).join(' ')} … failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return ms;
}

/** A PostgreSQL server to measure on, and the databases the bench made there (dropped by close). */
interface PgTarget {
  /** What the server is, for the output. */
  readonly about: string;
  /** A fresh empty database on it, as a postgres:// location. */
  create(name: string): Promise<string>;
  close(): Promise<void>;
}

/** LEDGER_BENCH_PG's server, else a throw-away durable cluster, else why PostgreSQL is skipped. */
async function postgresTarget(): Promise<PgTarget | { skipped: string }> {
  const given = process.env.LEDGER_BENCH_PG;
  let server: string;
  let about: string;
  let stop = () => undefined as void;
  if (given) {
    const loc = parseLocation(given); // refuses a password in the URL: PGPASSWORD or ~/.pgpass give it
    if (loc.dialect !== 'postgres') return { skipped: `LEDGER_BENCH_PG is not a postgres:// address: ${given}` };
    server = given;
    about = `the server LEDGER_BENCH_PG names, ${shownLocation(loc)}`;
  } else if (!serverBin()) {
    return { skipped: 'LEDGER_BENCH_PG is not set and no PostgreSQL server is installed here (Debian: apt-get install postgresql)' };
  } else {
    try {
      const cluster = await startCluster({ durable: true });
      server = cluster.url;
      about = `a throw-away PostgreSQL ${cluster.version} cluster on 127.0.0.1 (scripts/pg-cluster.ts), durable defaults (fsync, synchronous_commit, full_page_writes on), ${cluster.settings.trim()}`;
      stop = () => cluster.stop();
    } catch (err) {
      return { skipped: `LEDGER_BENCH_PG is not set and a throw-away cluster did not start: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  const admin = new pg.Pool({ connectionString: server, max: 1 });
  try {
    const { rows } = await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    about += `; server version ${rows[0]!.v}`;
  } catch (err) {
    await admin.end();
    stop();
    return { skipped: `cannot reach ${shownLocation(parseLocation(server))}: ${(err as Error).message}` };
  }
  const made: string[] = [];
  return {
    about,
    async create(name) {
      const db = `bench_${name.replace(/\W+/g, '_').toLowerCase()}_${process.pid}`;
      made.push(db);
      return createDatabase(admin, server, db);
    },
    async close() {
      try {
        for (const db of made) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
        await admin.end();
      } finally {
        stop();
      }
    },
  };
}

/** `ledger import` of a folder as a whole process (the built command, no npm in front), started now. */
function ledgerImport(db: string, folder: string): Promise<{ ms: number; out: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['scripts/ledger.mjs', 'import', '--db', db, '--accept-new-keys', folder], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, out }) : reject(new Error(`ledger import --db ${db} ${folder} failed (${code}): ${err.slice(-2000)}`))));
  });
}

/** Every package imported once: `已导入 n,` as the command says it, and n packages in the office. */
async function importedOnce(db: string, n: number, outs: readonly string[]) {
  const said = outs.reduce((sum, o) => sum + Number(/已导入 (\d+),/.exec(o)?.[1] ?? NaN), 0);
  const office = await openLedger(db);
  try {
    const counts = {
      packages: await countRows(office.db, 'packages'), reports: await countRows(office.db, 'reports'),
      values: await countRows(office.db, 'report_values'), audit: await countRows(office.db, 'audit_log'),
    };
    if (said !== n || counts.packages !== n) throw new Error(`${n} packages imported into ${db}, but the commands said ${said} and the office holds ${counts.packages}`);
    return counts;
  } finally {
    await office.close();
  }
}

/** What section 3 needs of main's: its import batches and fresh offices, on either store. */
interface SectionTools {
  importRuns(n: number, folder: string, mode: VerifyMode, on: PgTarget | null): Promise<ImportFigures>;
  freshOffice(name: string, on?: PgTarget | null): Promise<string>;
  /** The first n packages received, in a folder of their own. */
  batch(n: number): string;
  readonly ordered: readonly string[];
  readonly dir: string;
  readonly out: string;
}

/** Section 3: the import figures on PostgreSQL, and `ledger import` on both stores side by side. */
async function postgresImports(on: PgTarget, t: SectionTools) {
  log(`  in-process, as in [2/7], each batch into a fresh PostgreSQL database; median of ${REPEAT}:`);
  const imports: Record<number, ImportFigures> = {};
  for (const n of BATCHES) imports[n] = await t.importRuns(n, t.batch(n), 'worker', on);

  const folder = t.batch(FLOOR_BATCH);
  log(`  \`node scripts/ledger.mjs import\` of the same ${fmt(FLOOR_BATCH)} packages, whole processes, SQLite and PostgreSQL alternating; ${REPEAT} rounds:`);
  const wholeRounds: { sqliteMs: number; postgresMs: number }[] = [];
  let oneImporter: Awaited<ReturnType<typeof importedOnce>> | null = null;
  for (let r = 1; r <= REPEAT; r++) {
    const sqliteDb = await t.freshOffice(`office-whole-${r}.db`);
    const sqliteRun = await ledgerImport(sqliteDb, folder);
    await importedOnce(sqliteDb, FLOOR_BATCH, [sqliteRun.out]);
    const pgDb = await t.freshOffice(`office-whole-${r}`, on);
    const pgRun = await ledgerImport(pgDb, folder);
    oneImporter = await importedOnce(pgDb, FLOOR_BATCH, [pgRun.out]);
    wholeRounds.push({ sqliteMs: sqliteRun.ms, postgresMs: pgRun.ms });
    log(`    round ${r}: SQLite ${fmt(sqliteRun.ms / 1000, 2)} s, PostgreSQL ${fmt(pgRun.ms / 1000, 2)} s (${fmt(pgRun.ms / sqliteRun.ms, 2)}×)`);
  }
  const whole = { rounds: wholeRounds, sqliteMs: median(wholeRounds.map((x) => x.sqliteMs)), postgresMs: median(wholeRounds.map((x) => x.postgresMs)) };

  // As 4 clerks would share the day's packages: every fourth one received, each clerk's own `ledger import`.
  const parts = [0, 1, 2, 3].map((k) => {
    const d = join(t.dir, `batch-${FLOOR_BATCH}-part-${k + 1}-of-4`);
    mkdirSync(d);
    for (const f of t.ordered.slice(0, FLOOR_BATCH).filter((_, i) => i % 4 === k)) linkSync(join(t.out, f), join(d, f));
    return d;
  });
  log(`  the same ${fmt(FLOOR_BATCH)} packages split between 4 \`ledger import\` processes started at once into one fresh PostgreSQL office; ${REPEAT} rounds:`);
  const togetherRounds: { ms: number; each: number[] }[] = [];
  for (let r = 1; r <= REPEAT; r++) {
    const db = await t.freshOffice(`office-together-${r}`, on);
    const t0 = performance.now();
    const runs = await Promise.all(parts.map((d) => ledgerImport(db, d)));
    const ms = performance.now() - t0;
    const counts = await importedOnce(db, FLOOR_BATCH, runs.map((x) => x.out));
    const same = (['packages', 'reports', 'values'] as const).every((k) => counts[k] === oneImporter?.[k]);
    if (!same) throw new Error(`4 importers left ${JSON.stringify(counts)}, one importer ${JSON.stringify(oneImporter)}`);
    togetherRounds.push({ ms, each: runs.map((x) => x.ms) });
    log(`    round ${r}: ${fmt(ms / 1000, 2)} s in all (each ${runs.map((x) => fmt(x.ms / 1000, 2)).join(' / ')} s), ${fmt(FLOOR_BATCH / (ms / 1000), 1)} packages/s; ${fmt(counts.packages)} packages, ${fmt(counts.reports)} reports, ${fmt(counts.values)} values: the same as one importer's`);
  }
  const together = { rounds: togetherRounds, ms: median(togetherRounds.map((x) => x.ms)) };
  return { about: on.about, imports, whole, together };
}

async function main(): Promise<void> {
  const keep = process.env.BENCH_DIR;
  const dir = keep ? (mkdirSync(keep, { recursive: true }), mkdtempSync(join(keep, 'run-'))) : mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const m = machine();
  log(`民生工作督办台账 benchmark — ${m.date}`);
  log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}; work folder ${dir}`);
  await buildChildren();
  // PostgreSQL offices keep their keys under LEDGER_HOME (db/location.ts): the run's own, children included.
  process.env.LEDGER_HOME = join(dir, 'ledger-home');
  let pgt: PgTarget | null = null;
  try {
    const reuse = process.env.BENCH_REUSE;
    log(reuse ? `\n[1/7] reusing the packages of ${reuse}` : '\n[1/7] generating report packages with the app (setup from assignment, entry, signed export) …');
    const gen = reuse ? reuseGeneration(reuse) : await generate(dir);
    log(`  ${fmt(gen.files)} packages from ${gen.units} units × 12 periods, ${fmt(gen.bytes / 1024 / 1024, 1)} MB, made in ${fmt(gen.ms / 1000, 1)} s`);

    log(`\n[2/7] importing batches as the app and \`ledger import\` do (verification in a worker thread; each into a fresh summary office, in a fresh process; median of ${REPEAT}) …`);
    const ordered = receivedOrder(gen.out);
    const imports: Record<number, ImportFigures> = {};
    /** A fresh summary office: a SQLite file in the run's folder, or a new database on `on`. */
    const freshOffice = async (name: string, on: PgTarget | null = null) => {
      const db = on ? await on.create(name) : join(dir, name);
      await summaryOffice(db, gen);
      return db;
    };
    const importRuns = async (n: number, folder: string, mode: VerifyMode, on: PgTarget | null = null) => {
      const runs: ImportFigures[] = [];
      for (let r = 1; r <= REPEAT; r++) runs.push(runChild(`import-${mode}`, await freshOffice(`office-${n}-${mode}-${r}.db`, on), folder));
      const f = medianRun(runs);
      log(`  ${fmt(n).padStart(5)} packages: ${fmt(f.ms / 1000, 2)} s (runs ${runs.map((x) => fmt(x.ms / 1000, 2)).join(' / ')}), ${fmt(f.files / (f.ms / 1000), 1)} packages/s, ${fmt(f.values / (f.ms / 1000))} values/s (${fmt(f.values)} values), ${f.accepted} accepted, ${f.rejected} rejected, peak RSS ${f.maxRssMb} MB${f.workerStartMs !== undefined ? `; worker started in ${fmt(f.workerStartMs)} ms before the clock` : ''}`);
      return f;
    };
    for (const n of BATCHES) imports[n] = await importRuns(n, batchDir(dir, gen.out, ordered, n), 'worker');
    const marginal = (a: number, b: number) => (b - a) / ((imports[b]!.ms - imports[a]!.ms) / 1000);
    log(`  marginal: packages ${fmt(BATCHES[0]! + 1)}–${fmt(FLOOR_BATCH)} at ${fmt(marginal(BATCHES[0]!, FLOOR_BATCH), 1)}/s, ${fmt(FLOOR_BATCH + 1)}–${fmt(BIG_BATCH)} at ${fmt(marginal(FLOOR_BATCH, BIG_BATCH), 1)}/s`);

    const target = await postgresTarget();
    let pgImports: Awaited<ReturnType<typeof postgresImports>> | null = null;
    if ('skipped' in target) {
      log(`\n[3/7] PostgreSQL skipped: ${target.skipped}`);
    } else {
      pgt = target;
      log(`\n[3/7] the same on PostgreSQL: ${target.about} …`);
      // `scripts/ledger.mjs` builds the command line when a source is newer than its build: not in a timed run.
      wall(process.execPath, ['scripts/ledger.mjs', 'keys', '--db', await freshOffice('office-build.db')], () => true);
      pgImports = await postgresImports(target, { importRuns, freshOffice, batch: (n) => batchDir(dir, gen.out, ordered, n), ordered, dir, out: gen.out });
    }

    log(`\n[4/7] summaries on a database of ≥ ${fmt(SUMMARY_VALUES)} indicator values${pgt ? ', on SQLite, then on PostgreSQL' : ''} …`);
    const period = planPeriods(2019, 'monthly')[5]!;
    const summaries = async (where: string) => {
      const { office, shape } = await buildSummaryDb(where);
      log(`  filled in ${fmt(shape.ms / 1000, 1)} s: ${shape.plans} plans, ${fmt(shape.units)} units, ${fmt(shape.periods)} periods, ${fmt(shape.reports)} reports, ${fmt(shape.values)} values, ${fmt(shape.bytes / 1024 / 1024)} MB`);
      await office.close();
      const figures = runChild<Record<string, SummaryFigures>>('summaries', where, period);
      for (const [k, v] of Object.entries(figures)) {
        log(`  ${(k === 'workbook' ? 'workbook' : `by ${k}`).padEnd(11)} ${period}: median ${fmt(v.medianMs, 1)} ms${v.loadMs !== null ? ` (loadPeriodData ${fmt(v.loadMs, 1)} ms)` : ''}, first ${fmt(v.firstMs, 1)} ms, ${k === 'workbook' ? `${fmt(v.rows / 1024)} KB` : `${v.rows} rows`}`);
      }
      return { shape, figures };
    };
    const { shape, figures: sums } = await summaries(join(dir, 'summary.db'));

    let pgSums: Awaited<ReturnType<typeof summaries>> | null = null;
    if (pgt) {
      log('  on PostgreSQL, filled the same way:');
      pgSums = await summaries(await pgt.create('summary'));
      // Done with PostgreSQL: its autovacuum of the million-value database ran beside the floor section otherwise,
      // taking CPU from the two-threaded import more than from the one-threaded floor.
      await pgt.close();
      pgt = null;
    }

    // The ratio from runs side by side: floor, app, one thread, then again. Taken minutes apart, a
    // shared machine's drift showed up as ±10 % in the ratio.
    const folder = join(dir, `batch-${FLOOR_BATCH}`);
    const parsers = runChild<Record<FloorParser, number>>('parsers', '-', folder);
    const floorParser: FloorParser = parsers.reader <= parsers.sheetjs ? 'reader' : 'sheetjs';
    const parserName = { reader: 'the app\u2019s reader (zip walk and XML, no checks)', sheetjs: 'SheetJS' }[floorParser];
    log(`\n[5/7] floor on the same ${fmt(FLOOR_BATCH)} packages (parse with the faster of SheetJS ${fmt(parsers.sheetjs, 2)} ms and the app\u2019s reader ${fmt(parsers.reader, 2)} ms per package: ${parserName}; raw rows into SQLite, ${GROUP_FILES} files per transaction as the app, no verification), each run beside an import of them as the app does and one verified on the importing thread; median of ${FLOOR_ROUNDS} …`);
    const rounds: { floor: ImportFigures; app: ImportFigures; inline: ImportFigures }[] = [];
    for (let r = 1; r <= FLOOR_ROUNDS; r++) {
      const floorRun = runChild('floor', join(dir, `floor-${r}.db`), folder, floorParser);
      const app = runChild('import-worker', await freshOffice(`office-ratio-worker-${r}.db`), folder);
      const inlineRun = runChild('import-inline', await freshOffice(`office-ratio-inline-${r}.db`), folder);
      rounds.push({ floor: floorRun, app, inline: inlineRun });
      const cpu = (f: ImportFigures) => `CPU ${fmt(f.cpuMs / 1000, 2)} s`;
      log(`  round ${r}: floor ${fmt(floorRun.ms / 1000, 2)} s (${cpu(floorRun)}), app ${fmt(app.ms / 1000, 2)} s (${cpu(app)}; ${fmt(app.ms / floorRun.ms, 2)}×), one thread ${fmt(inlineRun.ms / 1000, 2)} s (${cpu(inlineRun)}; ${fmt(inlineRun.ms / floorRun.ms, 2)}×)`);
    }
    const ratio = median(rounds.map((x) => x.app.ms / x.floor.ms));
    const inlineRatio = median(rounds.map((x) => x.inline.ms / x.floor.ms));
    const floor = medianRun(rounds.map((x) => x.floor));
    const inline = medianRun(rounds.map((x) => x.inline));
    const perPackage = (f: ImportFigures) => fmt(f.ms / f.files, 2);
    log(`  median: floor ${perPackage(floor)} ms per package; import/floor = ${fmt(ratio, 2)}× as the app imports, ${fmt(inlineRatio, 2)}× verifying on the importing thread (${perPackage(inline)} ms per package, peak RSS ${inline.maxRssMb} MB)`);

    const peerFolder = batchDir(dir, gen.out, ordered, PEER_BATCH);
    const keysDb = await freshOffice('office-startup.db');
    const npmV = median(Array.from({ length: 5 }, () => wall('npm', ['-v'], () => true)));
    const keysMs = median(Array.from({ length: 5 }, () => wall('npm', ['run', '-s', 'ledger', '--', 'keys', '--db', keysDb], () => true)));
    const startupMs = keysMs - npmV;
    let peer: { rounds: { pandasMs: number; npmMs: number; linkedMs: number }[]; npmRatio: number; linkedRatio: number } | null = null;
    if (hasPandas()) {
      log(`\n[6/7] ${fmt(PEER_BATCH)} packages: the clerk\u2019s pandas script (scripts/peer-pandas.py) and \`ledger import\` into a fresh office, each a whole process timed from outside, alternating; ${REPEAT} rounds …`);
      const rounds: { pandasMs: number; npmMs: number; linkedMs: number }[] = [];
      for (let r = 1; r <= REPEAT; r++) {
        const pandasMs = wall(PYTHON, ['scripts/peer-pandas.py', peerFolder], (x) => x.stdout.includes(`"files": ${PEER_BATCH}`));
        // The command as `npm link` installs it (package.json bin): its own file, started by its #! line.
        const linkedDb = await freshOffice(`office-peer-linked-${r}.db`);
        const linkedMs = wall(join(ROOT, 'scripts', 'ledger.mjs'), ['import', '--db', linkedDb, '--accept-new-keys', peerFolder], (x) => x.stdout.includes(`已导入 ${PEER_BATCH},`));
        // The same through npm in the source folder: npm's own start (~0.15 s here) comes first.
        const npmDb = await freshOffice(`office-peer-${r}.db`);
        const npmMs = wall('npm', ['run', '-s', 'ledger', '--', 'import', '--db', npmDb, '--accept-new-keys', peerFolder], (x) => x.stdout.includes(`已导入 ${PEER_BATCH},`));
        rounds.push({ pandasMs, npmMs, linkedMs });
        log(`  round ${r}: pandas ${fmt(pandasMs / 1000, 2)} s, ledger import ${fmt(linkedMs / 1000, 2)} s (${fmt(pandasMs / linkedMs, 2)}× faster), npm run -s ledger -- import ${fmt(npmMs / 1000, 2)} s (${fmt(pandasMs / npmMs, 2)}×)`);
      }
      peer = { rounds, npmRatio: median(rounds.map((x) => x.pandasMs / x.npmMs)), linkedRatio: median(rounds.map((x) => x.pandasMs / x.linkedMs)) };
      log(`  median: ledger import is ${fmt(peer.linkedRatio, 2)}× as fast as the pandas script as the linked command, ${fmt(peer.npmRatio, 2)}× through npm run, whole process`);
    } else {
      log(`\n[6/7] the pandas peer skipped: ${PYTHON} cannot import pandas and openpyxl (Debian: apt-get install python3-pandas python3-openpyxl)`);
    }
    log(`  command line start-up: \`ledger keys\` ${fmt(keysMs)} ms − \`npm -v\` ${fmt(npmV)} ms = ${fmt(startupMs)} ms (median of 5)`);

    log('\n[7/7] exporting one unit’s report package (市人社局, 2019-06) …');
    const exp = await timeExport(gen.rsjDb, dir);
    log(`  first ${fmt(exp.firstMs, 1)} ms, then median ${fmt(exp.medianMs, 1)} ms, max ${fmt(exp.maxMs, 1)} ms (10 runs)`);

    const big = imports[BIG_BATCH]!;
    log('\nSummary (targets in brackets)');
    const rows: [string, string, string, boolean][] = [
      ...BATCHES.map((n): [string, string, string, boolean] => [`import ${n}`, `${fmt(imports[n]!.files / (imports[n]!.ms / 1000), 1)} packages/s, ${fmt(imports[n]!.values / (imports[n]!.ms / 1000))} values/s`, 'linear', true]),
      [`import / floor (${fmt(FLOOR_BATCH)}), app`, `${fmt(ratio, 2)}×`, '≤ 1.5×', ratio <= 1.5],
      [`import / floor, one thread`, `${fmt(inlineRatio, 2)}×`, '≤ 1.5×', inlineRatio <= 1.5],
      ...(peer ? [
        [`pandas / ledger import (${fmt(PEER_BATCH)})`, `${fmt(peer.linkedRatio, 2)}× as fast`, '≥ 5×', peer.linkedRatio >= 5],
        [`  the same through npm run`, `${fmt(peer.npmRatio, 2)}× as fast`, '', true],
      ] as [string, string, string, boolean][] : []),
      ['command line start-up', `${fmt(startupMs)} ms`, '< 300 ms', startupMs < 300],
      ...Object.entries(sums).map(([k, v]): [string, string, string, boolean] => (k === 'workbook'
        ? ['summary workbook', `${fmt(v.medianMs, 1)} ms`, '', true]
        : [`summary by ${k}`, `${fmt(v.medianMs, 1)} ms`, '< 100 ms', v.medianMs < 100])),
      [`peak RSS, ${fmt(BIG_BATCH)} import`, `${big.maxRssMb} MB`, '< 500 MB', big.maxRssMb < 500],
      ['export one report package', `${fmt(exp.medianMs, 1)} ms`, '< 200 ms', exp.medianMs < 200],
    ];
    for (const [what, value, want, ok] of rows) log(`  ${what.padEnd(30)} ${value.padEnd(40)} ${want ? `[${want}] ${ok ? 'met' : 'NOT MET'}` : '(no target)'}`);
    if (pgImports && pgSums) {
      const onPg = pgImports;
      const pgSummaries = pgSums.figures;
      log(`\nSQLite beside PostgreSQL (${onPg.about})`);
      const rate = (f: { files: number; ms: number }) => `${fmt(f.files / (f.ms / 1000), 1)} packages/s`;
      const side: [string, string, string][] = [
        ...BATCHES.map((n): [string, string, string] => [`import ${fmt(n)}, in-process`, rate(imports[n]!), rate(onPg.imports[n]!)]),
        [`\`ledger import\` ${fmt(FLOOR_BATCH)}, whole process`, rate({ files: FLOOR_BATCH, ms: onPg.whole.sqliteMs }), rate({ files: FLOOR_BATCH, ms: onPg.whole.postgresMs })],
        [`4 importers at once, ${fmt(FLOOR_BATCH)} in all`, '(one writer: not run)', rate({ files: FLOOR_BATCH, ms: onPg.together.ms })],
        ...Object.keys(sums).map((k): [string, string, string] => [k === 'workbook' ? 'summary workbook' : `summary by ${k}`, `${fmt(sums[k]!.medianMs, 1)} ms`, `${fmt(pgSummaries[k]!.medianMs, 1)} ms`]),
      ];
      log(`  ${''.padEnd(36)} ${'SQLite'.padEnd(22)} PostgreSQL`);
      for (const [what, a, b] of side) log(`  ${what.padEnd(36)} ${a.padEnd(22)} ${b}`);
    }
    if (process.env.BENCH_JSON) {
      writeFileSync(process.env.BENCH_JSON, JSON.stringify({ machine: m, generation: { files: gen.files, units: gen.units, bytes: gen.bytes, ms: gen.ms }, imports, ratioRounds: rounds, floor, floorParser, parsers, inline, ratio, inlineRatio, peer, startup: { npmMs: npmV, keysMs, ms: startupMs }, export: exp, summaryDb: shape, summaries: sums, postgres: pgImports && { ...pgImports, summaryDb: pgSums?.shape, summaries: pgSums?.figures } }, null, 2));
    }
  } finally {
    await pgt?.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [, mode, db, arg] = argv as [string, string, string, string];
  const figures = mode === 'floor' ? childFloor(db, arg, argv[4] as FloorParser)
    : mode === 'parsers' ? childParsers(arg)
      : mode === 'summaries' ? await childSummaries(db, arg) : await childImport(db, arg, mode === 'import-worker' ? 'worker' : 'inline');
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} else {
  await main();
}
