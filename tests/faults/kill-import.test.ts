/**
 * Faults: an import killed outright (SIGKILL, as a power cut or the task manager would) at random
 * points of a batch, and exports to a place that cannot be written.
 *
 * After every kill the database passes PRAGMA integrity_check and each package is either wholly in
 * (its packages row, every report and value it carries, its audit line) or wholly out; the next run
 * opens the database without help and completes the batch, every package in exactly once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { planPeriods } from '../../shared/rules/periods';
import { PLAN_2019 } from '../../seeds/plan2019';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { readPackage } from '../../electron/services/packages/package-format';
import { exportReport, writeFailure } from '../../electron/services/packages/packages';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop, snapshotData } from '../helpers/loop';
import { makeReadOnly } from '../helpers/read-only';
import { rng } from '../fuzz/mutate';

const CHILD = fileURLToPath(new URL('./import-child.ts', import.meta.url));
const UNITS = ['市人社局', '市残联', '市教体局', '市住建局'];
const ROUNDS = 5;

interface Expected {
  readonly file: string;
  readonly packageId: string;
  readonly reports: number;
  readonly values: number;
}

interface ChildRun {
  readonly killed: boolean;
  /** Files the child had started on when it died (or all of them). */
  readonly started: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the import child; with `killAt`, SIGKILLs it `delayMs` after it starts on file `killAt`. */
function runChild(db: string, folder: string, kill?: { atFile: number; delayMs: number }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = 0;
    let armed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      started = (stdout.match(/^file \d+$/gm) ?? []).length;
      const reached = kill && (kill.atFile < 0 ? stdout.includes('ready\n') : started > kill.atFile);
      if (reached && !armed) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`import child failed (${code}): ${stderr}`));
      else resolve({ killed: signal === 'SIGKILL', started, stdout, stderr });
    });
  });
}

/** Each package wholly in or wholly out; returns how many are in. */
function checkAllOrNothing(db: string, expected: readonly Expected[], where: string): number {
  const sqlite = new BetterSqlite3(db, { fileMustExist: true });
  try {
    expect(sqlite.pragma('integrity_check', { simple: true }), where).toBe('ok');
    expect(sqlite.pragma('foreign_key_check'), where).toEqual([]);
    const one = (q: string, id: string) => (sqlite.prepare(q).get(id) as { n: number }).n;
    let inside = 0;
    for (const e of expected) {
      const found = [
        one('SELECT count(*) AS n FROM packages WHERE package_id = ?', e.packageId),
        one('SELECT count(*) AS n FROM reports WHERE package_id = ?', e.packageId),
        one('SELECT count(*) AS n FROM report_values v JOIN reports r ON r.id = v.report_id WHERE r.package_id = ?', e.packageId),
        one(`SELECT count(*) AS n FROM audit_log WHERE action = 'package.import' AND entity_id = ?`, e.packageId),
        one(`SELECT count(*) AS n FROM audit_log WHERE action = 'report.import' AND json_extract("after", '$.packageId') = ?`, e.packageId),
      ];
      const all = [1, e.reports, e.values, 1, e.reports];
      expect([[0, 0, 0, 0, 0], all], `${where}: ${e.file} is partly in: ${JSON.stringify(found)}`).toContainEqual(found);
      if (found[0] === 1) inside++;
    }
    return inside;
  } finally {
    sqlite.close();
  }
}

describe('an import killed with SIGKILL', () => {
  it(`leaves every package fully in or fully out over ${ROUNDS} kills; the next run completes the batch exactly once`, async () => {
    const loop = await createLoop();
    const batch = join(loop.dir, 'batch');
    mkdirSync(batch);
    const firsts: string[] = [];
    for (const name of UNITS) {
      // The units export January … November, so their clocks read December.
      const unit = await loop.unit(name, { clock: '2019-12-02T15:00:00' });
      // January pins the unit's key at the office; February … November make the batch.
      for (const period of planPeriods(2019, 'monthly').slice(0, 11)) {
        await enterReports(unit, { unit: name, period, items: yearEntries(PLAN_2019, name, period) });
        const { file } = await exportReport(unit, { period, outDir: period === '2019-01' ? loop.usb : batch });
        if (period === '2019-01') firsts.push(file);
      }
    }
    const pinned = await importFiles(loop.office, firsts, { acceptNewKeys: true });
    expect(pinned.map((r) => r.status)).toEqual(UNITS.map(() => 'accepted'));
    const files = readdirSync(batch).sort();
    expect(files).toHaveLength(40);
    const expected: Expected[] = files.map((f) => {
      const pkg = readPackage(readFileSync(join(batch, f)));
      const data = pkg.content.data as { reports: { values: unknown[] }[] };
      return { file: f, packageId: pkg.manifest.packageId, reports: data.reports.length, values: data.reports.reduce((s, r) => s + r.values.length, 0) };
    });
    const db = loop.office.file;
    const reportsBefore = (loop.office.handle.sqlite!.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
    await loop.office.close(); // the office program is closed; only the child touches the file

    const r = rng(20190704);
    const kills: string[] = [];
    let inside = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Round 0 dies during start-up (the backup before the batch); the others mid-batch, at a
      // random file not yet in (files go in name order), a few milliseconds into it (reading,
      // verifying or merging it).
      const kill = round === 0 ? { atFile: -1, delayMs: r.between(0, 40) } : { atFile: inside + r.int(Math.max(1, files.length - inside - 1)), delayMs: r.between(0, 12) };
      const run = await runChild(db, batch, kill);
      const now = checkAllOrNothing(db, expected, `after kill ${round}`);
      kills.push(`kill ${round}: ${run.killed ? `SIGKILL at file ${kill.atFile} + ${kill.delayMs} ms` : 'finished before the kill'}, ${now} of ${files.length} in`);
      expect(now, kills.at(-1)).toBeGreaterThanOrEqual(inside);
      inside = now;
    }
    console.log(`kill test:\n  ${kills.join('\n  ')}`);

    // The next start recovers without help and completes the batch.
    const last = await runChild(db, batch);
    expect(last.killed).toBe(false);
    const statuses = JSON.parse(/^done (.*)$/m.exec(last.stdout)![1]!) as string[];
    expect(statuses).toHaveLength(files.length);
    expect(statuses.filter((s) => s === 'rejected')).toEqual([]);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(files.length - inside);
    expect(checkAllOrNothing(db, expected, 'after the last run')).toBe(files.length);

    const sqlite = new BetterSqlite3(db, { readonly: true });
    try {
      const n = (q: string) => (sqlite.prepare(q).get() as { n: number }).n;
      expect(n(`SELECT count(*) AS n FROM packages WHERE direction = 'in'`)).toBe(files.length + UNITS.length);
      expect(n('SELECT count(*) AS n FROM reports')).toBe(reportsBefore + expected.reduce((s, e) => s + e.reports, 0));
      expect(n(`SELECT count(*) AS n FROM audit_log WHERE action = 'package.import'`)).toBe(files.length + UNITS.length);
      expect(n('SELECT count(*) AS n FROM report_history')).toBe(0); // nothing merged twice
    } finally {
      sqlite.close();
    }
    const backups = `${loop.office.file}.backups`;
    expect(readdirSync(backups).filter((f) => f.endsWith('.tmp') || f.includes('.tmp-'))).toEqual([]);
  }, 120_000);
});

describe('exporting to a place that cannot be written', () => {
  async function unitWithJune() {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    await enterReports(unit, { unit: '市残联', period: '2019-06', items: yearEntries(PLAN_2019, '市残联', '2019-06') });
    return { loop, unit };
  }

  const noTemps = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp'));

  it('a folder path that is a file, or a folder that does not exist: E_WRITE_FAILED naming the file, nothing left, nothing recorded', async () => {
    const { loop, unit } = await unitWithJune();
    const before = await snapshotData(unit.db);
    const aFile = join(loop.dir, 'not-a-folder.txt');
    writeFileSync(aFile, 'x');
    for (const outDir of [join(aFile, 'usb'), join(loop.dir, 'no-such-usb', 'sub')]) {
      const err = await exportReport(unit, { period: '2019-06', outDir }).then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_WRITE_FAILED', message: expect.stringContaining(join(outDir, '填报包-市残联-2019-06-第1版.xlsx')) });
      expect((err as Error).message).toContain('文件夹不存在');
    }
    expect(noTemps(loop.dir)).toEqual([]);
    expect(await snapshotData(unit.db)).toBe(before); // no revision used up, nothing recorded
    const ok = await exportReport(unit, { period: '2019-06', outDir: loop.usb });
    expect(ok.fileName).toBe('填报包-市残联-2019-06-第1版.xlsx');
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk (the temporary file on /dev/full): E_WRITE_FAILED 磁盘空间不足, no half-written file', async () => {
    const { loop, unit } = await unitWithJune();
    const before = await snapshotData(unit.db);
    const target = join(loop.usb, '填报包-市残联-2019-06-第1版.xlsx');
    // writeFileAtomic writes `<file>.<pid>.tmp` first: point that name at a device that is always full.
    symlinkSync('/dev/full', `${target}.${process.pid}.tmp`);
    await expect(exportReport(unit, { period: '2019-06', outDir: loop.usb })).rejects.toMatchObject({
      code: 'E_WRITE_FAILED', message: expect.stringMatching(/无法写入 .*填报包-市残联-2019-06-第1版\.xlsx:磁盘空间不足/),
    });
    expect(readdirSync(loop.usb)).toEqual([]);
    expect(await snapshotData(unit.db)).toBe(before);
  });

  it('a read-only folder: E_WRITE_FAILED 只读, nothing left, nothing recorded', async (t) => {
    const { loop, unit } = await unitWithJune();
    const before = await snapshotData(unit.db);
    const undo = makeReadOnly(loop.usb);
    if (!undo) return t.skip();
    try {
      await expect(exportReport(unit, { period: '2019-06', outDir: loop.usb })).rejects.toMatchObject({
        code: 'E_WRITE_FAILED', message: expect.stringContaining('文件夹只读或没有写入权限'),
      });
      expect(readdirSync(loop.usb)).toEqual([]);
      expect(await snapshotData(unit.db)).toBe(before);
    } finally {
      undo();
    }
  });

  it('every errno a USB stick gives maps to a message a clerk can act on', () => {
    const file = '/media/usb/填报包-市残联-2019-06-第1版.xlsx';
    const cases: [string, string][] = [
      ['ENOSPC', '磁盘空间不足'], ['EROFS', '文件夹只读或没有写入权限'], ['EACCES', '文件夹只读或没有写入权限'],
      ['EPERM', '文件夹只读或没有写入权限'], ['ENOENT', '文件夹不存在'], ['ENOTDIR', '文件夹不存在'],
    ];
    for (const [code, words] of cases) {
      const e = writeFailure(file, Object.assign(new Error(`${code}: fake`), { code }));
      expect(e).toMatchObject({ code: 'E_WRITE_FAILED' });
      expect(e.message).toBe(`无法写入 ${file}:${words}。请换一个文件夹或U盘后重试,未留下不完整的文件。`);
    }
    expect(writeFailure(file, Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' })).message).toContain('EIO: i/o error');
  });
});
