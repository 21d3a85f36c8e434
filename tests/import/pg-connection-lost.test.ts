/**
 * The PostgreSQL server goes away in the middle of `ledger import` (an administrator restarting it, or ending
 * the session). The clerk is told in Chinese which files are in (they were committed) and which are not, with
 * the advice that importing the same files again is safe; no Node stack trace. The session is ended while the
 * importer's transaction sits between two packages, where its connection has no query to report to.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ImportFileResult } from '../../shared/api';
import { readPackage } from '../../electron/services/packages/package-format';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop } from '../helpers/loop';
import { testDialect } from '../helpers/ledger';
import { spawnLedger } from '../helpers/cli';

const MONTHS = ['2019-01', '2019-02', '2019-03', '2019-04', '2019-05'];
const UNITS = PLAN_2019.units.filter((u) => u.kind === 'unit' && PLAN_2019.categories.some((c) => c.tasks.some((t) => t.leadUnits.includes(u.name))))
  .slice(0, 6).map((u) => u.name);

describe.skipIf(testDialect() !== 'postgres')('the server ends the session in the middle of `ledger import`', () => {
  it('says in Chinese which files are in and which are not, and importing them again brings in the rest once', async () => {
    const loop = await createLoop();
    const drive = join(loop.dir, 'drive');
    mkdirSync(drive);
    const ids = new Map<string, string>();
    for (const name of UNITS) {
      const unit = await loop.unit(name);
      for (const period of MONTHS) {
        const path = await loop.report(unit, period, yearEntries(PLAN_2019, name, period));
        copyFileSync(path, join(drive, basename(path)));
        ids.set(basename(path), readPackage(readFileSync(path)).manifest.packageId);
      }
    }
    const db = loop.office.handle.location;
    const admin = new pg.Client({ connectionString: db });
    await admin.connect();
    try {
      const run = spawnLedger(['import', '--db', db, '--accept-new-keys', '--received', '2019-07-04', '--json', drive]);
      let ended = false;
      const watch = (async () => {
        const stop = Date.now() + 120_000;
        while (!ended && Date.now() < stop) {
          // The importer's transaction between two packages: pg_terminate_backend is what `pg_ctl stop -m fast` does to it.
          const { rows } = await admin.query<{ n: number }>(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'
              AND EXISTS (SELECT 1 FROM packages)`);
          if (rows[0]!.n > 0) ended = true;
          else await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const end = await run.exit;
      await watch;
      expect(ended, 'the importer was caught between two packages').toBe(true);

      expect(end.stderr).not.toMatch(/Unhandled|ECONNRESET|Connection terminated|\n\s+at /);
      expect(end.code).toBe(1);
      const results = JSON.parse(end.stdout) as ImportFileResult[];
      expect(results.map((r) => r.file).sort()).toEqual([...ids.keys()].sort());
      const stored = (await admin.query<{ package_id: string }>(`SELECT package_id FROM packages WHERE direction = 'in'`)).rows.map((r) => r.package_id);
      // Reported as imported: exactly the packages committed before the session ended.
      const accepted = results.filter((r) => r.status === 'accepted');
      expect(accepted.map((r) => ids.get(r.file)).sort()).toEqual([...stored].sort());
      const left = results.filter((r) => r.status !== 'accepted');
      expect(left.length).toBeGreaterThan(0);
      for (const r of left) {
        expect(r.code, r.message).toBe('E_DB_UNREACHABLE');
        expect(r.message).toContain('连接中断');
        expect(r.message).toContain('重新导入同一批文件是安全的');
      }

      // Importing the drive again: what was in is a duplicate, the rest comes in.
      const again = await spawnLedger(['import', '--db', db, '--accept-new-keys', '--received', '2019-07-04', '--json', drive]).exit;
      expect(again.code, again.stderr).toBe(0);
      const second = JSON.parse(again.stdout) as ImportFileResult[];
      expect(second.filter((r) => r.status === 'duplicate').map((r) => r.file).sort()).toEqual(accepted.map((r) => r.file).sort());
      expect(second.filter((r) => r.status === 'accepted').map((r) => r.file).sort()).toEqual(left.map((r) => r.file).sort());
    } finally {
      await admin.end();
    }
  }, 300_000);
});
