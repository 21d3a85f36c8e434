/**
 * Issue 15: several clerks importing at once into one PostgreSQL office. Four separate `ledger import`
 * processes, on overlapping folders of ~40 report packages from eight units and five months (some packages
 * on two folders, and a second revision of one report), all start before any of them may write: this
 * process holds the office's write lock (the advisory lock every write transaction takes) until the four
 * are waiting on it, then lets go, and they race each other package by package. Then every table is
 * checked: each package in once, each report once at its newest revision, the replaced revision in the
 * history, one audit line per package, each unit's key pinned once, and no importer failed.
 *
 * PostgreSQL only: a SQLite office lets one import write at a time (tests/faults/concurrent-import.test.ts).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ImportFileResult } from '../../shared/api';
import { WRITE_LOCK_KEY } from '../../db/dialect/postgres';
import { readPackage } from '../../electron/services/packages/package-format';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop } from '../helpers/loop';
import { testDialect } from '../helpers/ledger';
import { spawnLedger } from '../helpers/cli';

const IMPORTERS = 4;
const MONTHS = ['2019-01', '2019-02', '2019-03', '2019-04', '2019-05'];
/** Eight units that lead tasks of the 2019 plan: their packages carry every kind of report. */
const UNITS = PLAN_2019.units.filter((u) => u.kind === 'unit' && PLAN_2019.categories.some((c) => c.tasks.some((t) => t.leadUnits.includes(u.name))))
  .slice(0, 8).map((u) => u.name);

interface Package {
  readonly path: string;
  readonly id: string;
  readonly unit: string;
  readonly period: string;
  readonly revision: number;
  readonly reports: number;
}

function describePackage(path: string): Package {
  const { manifest, content } = readPackage(readFileSync(path));
  return {
    path, id: manifest.packageId, unit: manifest.unit, period: manifest.periods[0]!, revision: manifest.revision,
    reports: (content.data as { reports: unknown[] }).reports.length,
  };
}

/** One real `ledger import` in a process of its own, as a clerk runs it. */
function ledgerImport(db: string, folder: string, actor: string) {
  return spawnLedger(['import', '--db', db, '--accept-new-keys', '--received', '2019-07-04', '--json', folder], { LEDGER_ACTOR: actor }).exit;
}

/** Polls until `check` holds; fails (never hangs) after `ms`, saying what was awaited. */
async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(testDialect() !== 'postgres')('four `ledger import` processes at once into one PostgreSQL office', () => {
  it('every package in exactly once, every report at its newest revision, the replaced one in the history, each key pinned once, no importer failed', async () => {
    const loop = await createLoop();
    const packages: Package[] = [];
    for (const name of UNITS) {
      const unit = await loop.unit(name);
      for (const period of MONTHS) packages.push(describePackage(await loop.report(unit, period, yearEntries(PLAN_2019, name, period))));
      if (name !== UNITS[0]) continue;
      // The first unit corrects May after sending it: its revision 2 replaces revision 1.
      const value = yearEntries(PLAN_2019, name, '2019-05').find((e) => e.indicator !== undefined && typeof e.value === 'number')!;
      packages.push(describePackage(await loop.report(unit, '2019-05', [{ task: value.task, indicator: value.indicator!, value: (value.value as number) + 1 }])));
    }
    const rev1 = packages.find((p) => p.unit === UNITS[0] && p.period === '2019-05' && p.revision === 1)!;
    const rev2 = packages.find((p) => p.unit === UNITS[0] && p.period === '2019-05' && p.revision === 2)!;
    expect(rev2).toBeDefined();

    // Four USB drives: package k on drive k mod 4, every third one on the next drive too; revision 1 of the
    // corrected report on two drives, revision 2 after it (by name) on one of them. Each unit's packages are
    // spread over all four, so the importers race to pin each unit's first key.
    const drives = Array.from({ length: IMPORTERS }, (_, i) => join(loop.dir, `drive-${i}`));
    for (const d of drives) mkdirSync(d);
    const given: Package[][] = drives.map(() => []);
    const put = (p: Package, k: number) => {
      copyFileSync(p.path, join(drives[k % IMPORTERS]!, basename(p.path)));
      given[k % IMPORTERS]!.push(p);
    };
    const firsts = packages.filter((p) => p !== rev2);
    firsts.forEach((p, k) => {
      put(p, k);
      if (k % 3 === 0 || p === rev1) put(p, k + 1);
    });
    put(rev2, firsts.indexOf(rev1));
    const db = loop.office.handle.location;

    // This process holds the write lock until all four importers wait on it (each has read its first file).
    const holder = new pg.Client({ connectionString: db });
    await holder.connect();
    const started = performance.now();
    let runs: ReturnType<typeof ledgerImport>[] = [];
    let released = 0;
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [WRITE_LOCK_KEY]);
      runs = drives.map((d, i) => ledgerImport(db, d, `导入${i + 1}`));
      await until(`${IMPORTERS} importers waiting for the write lock`, async () => {
        const { rows } = await holder.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
        return rows[0]!.n === IMPORTERS;
      }, 240_000);
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [WRITE_LOCK_KEY]);
      released = performance.now();
      await holder.end();
    }
    const ends = await Promise.all(runs);
    const finished = performance.now();
    console.info(`pg-concurrent: ${IMPORTERS} importers, ${packages.length} packages (${given.flat().length} files): `
      + `${Math.round(released - started)} ms until all waited, ${Math.round(finished - released)} ms of racing imports`);

    // No importer failed: every file accepted, or reported as already imported by another.
    for (const [i, end] of ends.entries()) expect({ importer: i + 1, code: end.code, stderr: end.stderr }).toEqual({ importer: i + 1, code: 0, stderr: '' });
    const results = ends.map((e) => JSON.parse(e.stdout) as ImportFileResult[]);
    results.forEach((r, i) => expect(r.map((x) => x.file).sort(), `importer ${i + 1}`).toEqual(given[i]!.map((p) => basename(p.path)).sort()));
    const all = results.flat();
    expect(all.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(all.filter((r) => r.status === 'accepted')).toHaveLength(packages.length);
    for (const r of all.filter((x) => x.status === 'duplicate')) expect(r.message).toContain('已导入过');

    const office = loop.office.db;
    // Each package exactly once.
    const stored = await office.selectFrom('packages').select(['package_id', 'revision']).where('direction', '=', 'in').execute();
    expect(stored.map((p) => p.package_id).sort()).toEqual(packages.map((p) => p.id).sort());

    // Each report once, from the newest package of its unit and month.
    const newest = packages.filter((p) => p !== rev1);
    const reports = await office.selectFrom('reports').innerJoin('units', 'units.id', 'reports.unit_id').innerJoin('periods', 'periods.id', 'reports.period_id')
      .select(['units.name as unit', 'periods.period', 'reports.task_id', 'reports.package_id', 'reports.revision']).execute();
    expect(reports).toHaveLength(newest.reduce((n, p) => n + p.reports, 0));
    expect(new Set(reports.map((r) => `${r.unit}|${r.period}|${r.task_id}`)).size).toBe(reports.length);
    for (const p of newest) {
      const mine = reports.filter((r) => r.unit === p.unit && r.period === p.period);
      expect(mine.map((r) => [r.package_id, r.revision]), `${p.unit} ${p.period}`).toEqual(mine.map(() => [p.id, p.revision]));
      expect(mine).toHaveLength(p.reports);
    }

    // The history holds exactly the replaced revision.
    const history = await office.selectFrom('report_history').select(['revision', 'snapshot']).execute();
    expect(history).toHaveLength(rev1.reports);
    for (const h of history) expect([h.revision, (JSON.parse(h.snapshot) as { packageId: string }).packageId]).toEqual([1, rev1.id]);

    // One merge line per package, one report line per report merged, one first-key line per unit.
    const audit = await office.selectFrom('audit_log').select(['action', 'entity_id', 'actor']).orderBy('id').execute();
    expect(audit.filter((a) => a.action === 'package.import').map((a) => a.entity_id).sort()).toEqual(packages.map((p) => p.id).sort());
    expect(audit.filter((a) => a.action === 'report.import')).toHaveLength(packages.reduce((n, p) => n + p.reports, 0));
    expect(audit.filter((a) => a.action === 'key.accept-first').map((a) => a.entity_id).sort()).toEqual([...UNITS].sort());

    // Keys pinned once: one trusted key per unit, none retired.
    const keys = await office.selectFrom('unit_keys').innerJoin('units', 'units.id', 'unit_keys.unit_id').select(['units.name', 'unit_keys.status']).execute();
    expect(keys.map((k) => `${k.name}:${k.status}`).sort()).toEqual(UNITS.map((u) => `${u}:trusted`).sort());

    // How the four took turns: the number of runs of one importer's merges in the audit log.
    const actors = audit.filter((a) => a.action === 'package.import').map((a) => a.actor);
    const merged = results.map((r) => r.filter((x) => x.status === 'accepted').length);
    console.info(`pg-concurrent: merges per importer ${JSON.stringify(merged)}, ${actors.filter((x, i) => i === 0 || x !== actors[i - 1]).length} turns`);
  }, 600_000);
});
