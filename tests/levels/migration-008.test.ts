/** Migration 008 (parent_units): a version-7 database keeps its rows, and the new table refuses a blank name. */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, openDatabase } from '../../db/open';
import { LATEST_VERSION, MIGRATIONS } from '../../db/migrations';
import { loadParentUnits, saveParentUnits } from '../../db/queries/parent-units';
import { tempDir } from '../helpers/ledger';

describe('migration 008', () => {
  it('migrates a version-7 database with a pinned parent: its rows stay, the own names of the parent’s units are kept and replaced by name', async () => {
    const file = join(tempDir(), 'v7.db');
    const raw = new BetterSqlite3(file);
    const { Kysely, SqliteDialect, sql } = await import('kysely');
    const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: raw }) });
    for (const m of MIGRATIONS.filter((x) => x.version <= 7)) await m.up(db);
    await sql.raw(`PRAGMA application_id = ${APPLICATION_ID}`).execute(db);
    await sql.raw('PRAGMA user_version = 7').execute(db);
    raw.exec(`INSERT INTO parent_office (id, name, public_key, fingerprint, plan_id, office_name, pinned_at) VALUES (1, '市民生工作办公室', 'k', 'F', 'xuancheng-2019', '郎溪县', 'now')`);
    await db.destroy();

    const h = await openDatabase(file);
    expect(h.sqlite!.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(h.sqlite!.prepare('SELECT office_name FROM parent_office').all()).toEqual([{ office_name: '郎溪县' }]);
    await saveParentUnits(h.db, new Map([['市人社局', '郎溪县人社局'], ['团市委', '团县委']]));
    await saveParentUnits(h.db, new Map([['市人社局', '郎溪县人力资源和社会保障局']]));
    expect(await loadParentUnits(h.db)).toEqual(new Map([['市人社局', '郎溪县人力资源和社会保障局'], ['团市委', '团县委']]));
    expect(() => h.sqlite!.exec(`INSERT INTO parent_units (parent_name, name) VALUES ('市妇联', ' ')`)).toThrow(/CHECK/);
    await h.close();
  });
});
