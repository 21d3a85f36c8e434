/**
 * Two imports at once (issue 10, item 5): the attack started a second `ledger import` on the same
 * database while one ran, and the second failed almost every file at once with E_WRITE_FAILED and the
 * advice to check the disk space. Now a second import waits for the first (the writer lock beside the
 * database), saying "另一个导入正在进行,请稍候", then imports: both finish, every package is in once.
 *
 * Two real `ledger import` processes on overlapping folders. So that both of them wait whatever the
 * load on the machine, the app is importing when they start (this process holds the same lock); they
 * start together, are told to wait, and once the app is done they race each other for the database.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PLAN_2019 } from '../../seeds/plan2019';
import { listBackups } from '../../electron/services/backup/backup';
import { readPackage } from '../../electron/services/packages/package-format';
import { withWriterLock } from '../../electron/services/import/writer-lock';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop } from '../helpers/loop';
import { spawnLedger } from '../helpers/cli';

const UNITS = ['市人社局', '市残联', '市教体局'];
const MONTHS = ['2019-02', '2019-03', '2019-04', '2019-05'];
const WAITING = '另一个导入正在进行,请稍候';

interface Run {
  readonly actor: string;
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function ledgerImport(db: string, folder: string, actor: string): Run {
  return { actor, ...spawnLedger(['import', '--db', db, '--accept-new-keys', '--received', '2019-06-10', '--json', folder], { LEDGER_ACTOR: actor }) };
}

/** Polls until `check` holds; fails (never hangs) after `ms`, saying what was awaited. */
async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('two `ledger import` at once on one database', () => {
  it('both wait while another import runs, are told so, then both finish: overlapping packages in once, each process\'s lines together', async () => {
    const loop = await createLoop();
    const a = join(loop.dir, 'usb-a');
    const b = join(loop.dir, 'usb-b');
    mkdirSync(a);
    mkdirSync(b);
    for (const [i, name] of UNITS.entries()) {
      const unit = await loop.unit(name);
      for (const period of MONTHS) {
        const file = await loop.report(unit, period, yearEntries(PLAN_2019, name, period));
        // Unit 0 on stick A, unit 2 on stick B, unit 1 on both.
        if (i <= 1) copyFileSync(file, join(a, basename(file)));
        if (i >= 1) copyFileSync(file, join(b, basename(file)));
      }
    }
    const ids = new Set(readdirSync(loop.usb).map((f) => readPackage(readFileSync(join(loop.usb, f))).manifest.packageId));
    expect(ids.size).toBe(UNITS.length * MONTHS.length);
    const db = loop.office.file;
    await loop.office.close();

    let appDone!: () => void;
    const app = withWriterLock(db, 'import', {}, () => new Promise<void>((r) => { appDone = r; }));
    const runs = [ledgerImport(db, a, '导入A'), ledgerImport(db, b, '导入B')];
    try {
      await until('both imports told to wait', () => runs.every((r) => r.stderr().includes(WAITING)), 90_000);
    } finally {
      appDone();
      await app;
    }
    const ends = await Promise.all(runs.map((r) => r.exit));
    for (const [i, end] of ends.entries()) {
      expect({ run: runs[i]!.actor, code: end.code, stderr: end.stderr.split('\n').filter((l) => !l.includes(WAITING)).join('\n') })
        .toEqual({ run: runs[i]!.actor, code: 0, stderr: '' });
      expect(end.stderr).toMatch(/^另一个导入正在进行,请稍候……\(进程 \d+,已进行 \d+ 秒;已等待 0 秒,最多等待 600 秒\)$/m);
    }
    const results = ends.map((e) => JSON.parse(e.stdout) as { status: string; code?: string }[]);
    const all = results.flat();
    expect(all.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(all.filter((r) => r.status === 'accepted')).toHaveLength(ids.size);
    // The overlap: whichever came second found the shared unit's packages already in.
    expect(all.filter((r) => r.status === 'duplicate')).toHaveLength(MONTHS.length);

    const sqlite = new BetterSqlite3(db, { readonly: true });
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const imported = sqlite.prepare(`SELECT entity_id AS id, actor FROM audit_log WHERE action = 'package.import' ORDER BY id`).all() as { id: string; actor: string }[];
      expect(imported.map((l) => l.id).sort()).toEqual([...ids].sort());
      expect((sqlite.prepare(`SELECT count(*) AS n FROM packages WHERE direction = 'in'`).get() as { n: number }).n).toBe(ids.size);
      expect((sqlite.prepare('SELECT count(*) AS n FROM report_history').get() as { n: number }).n).toBe(0);
      // One import after the other: each process's audit lines form one unbroken run.
      const actors = (sqlite.prepare(`SELECT actor FROM audit_log WHERE actor IN ('导入A', '导入B') ORDER BY id`).all() as { actor: string }[]).map((r) => r.actor);
      const runsOfActors = actors.filter((x, i) => i === 0 || x !== actors[i - 1]);
      expect(runsOfActors.sort()).toEqual(['导入A', '导入B']);
      // Every report line belongs to a package that is in.
      const orphans = sqlite.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'report.import'
        AND json_extract("after", '$.packageId') NOT IN (SELECT package_id FROM packages)`).get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      sqlite.close();
    }
    // Each import wrote, so each made its one backup first.
    expect(listBackups(db).map((x) => x.reason)).toEqual(['before-import', 'before-import']);
  }, 180_000);
});
