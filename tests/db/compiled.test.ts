/**
 * Queries compiled once (db/compiled.ts) run on SQLite without Kysely's driver inside an open transaction
 * (dialect/sqlite.ts directRunner). What a caller sees must not change: inside the transaction its own
 * writes, outside it nothing until the commit, and the store's own refusals worded as before. Both projects
 * run it: on PostgreSQL every query goes through Kysely, and the answers are the same.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { compiled, P } from '../../db/compiled';
import { createTestDb } from '../helpers/ledger';

const settingOf = compiled((db) => db.selectFrom('settings').select('value').where('key', '=', P));
const putSetting = compiled((db) => db.insertInto('settings').values({ key: P, value: P }));

describe('a compiled query', () => {
  it('inside a transaction sees what the transaction wrote, and its write is the transaction’s', async () => {
    const { db } = await createTestDb();
    const trx = await db.startTransaction().execute();
    await putSetting.run(trx, ['probe', 'in the transaction']);
    expect(await settingOf.run(trx, ['probe'])).toEqual([{ value: 'in the transaction' }]);
    await trx.rollback().execute();
    expect(await settingOf.run(db, ['probe'])).toEqual([]);

    await db.transaction().execute(async (t) => {
      await putSetting.run(t, ['probe', 'kept']);
    });
    expect(await settingOf.run(db, ['probe'])).toEqual([{ value: 'kept' }]);
  });

  it('outside a transaction waits for one that is open, then sees what it committed, never what it had not', async () => {
    const { db } = await createTestDb();
    const trx = await db.startTransaction().execute();
    await putSetting.run(trx, ['probe', 'uncommitted']);
    let answered: unknown = 'not yet';
    const outside = settingOf.run(db, ['probe']).then((rows) => (answered = rows));
    await sleep(100);
    // SQLite: queued behind the transaction, which holds the store's one connection. PostgreSQL: another
    // connection, answered at once, without the uncommitted row.
    expect(answered === 'not yet' || (Array.isArray(answered) && answered.length === 0)).toBe(true);
    await trx.commit().execute();
    const rows = await outside;
    if (answered !== 'not yet' && Array.isArray(rows) && rows.length === 0) return; // PostgreSQL, read before the commit
    expect(rows).toEqual([{ value: 'uncommitted' }]);
  });

  it('on a transaction already committed is refused by Kysely, not run', async () => {
    const { db } = await createTestDb();
    const trx = await db.startTransaction().execute();
    await trx.commit().execute();
    await expect(putSetting.run(trx, ['probe', 'late'])).rejects.toThrow(/committed/i);
    expect(await settingOf.run(db, ['probe'])).toEqual([]);
  });

  it('gives the store’s refusal inside a transaction as it does outside: a duplicate key is the database’s own error', async () => {
    const { db } = await createTestDb();
    await putSetting.run(db, ['probe', 'first']);
    const outside = await putSetting.run(db, ['probe', 'again']).catch((e: Error) => e);
    const inside = await db.transaction().execute((t) => putSetting.run(t, ['probe', 'again'])).catch((e: Error) => e);
    expect(inside).toBeInstanceOf(Error);
    expect(outside).toBeInstanceOf(Error);
    expect((inside as Error).constructor).toBe((outside as Error).constructor);
    expect((inside as Error).message).toBe((outside as Error).message);
  });
});
