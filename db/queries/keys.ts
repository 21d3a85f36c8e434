import { sql } from 'kysely';
import { compiled, P } from '../compiled';
import type { Tx } from '../schema';

export interface PinnedKey {
  readonly unitId: number;
  readonly unit: string;
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly acceptedAt: string;
  readonly acceptedBy: string;
}

/**
 * Trusted keys with their unit's name; narrowed by the two readers below. 'trusted' is written into
 * the SQL: bound as a parameter, the partial index unit_keys_one_trusted made SQLite prepare the
 * statement again on every run (most of an import's key lookup).
 */
const trustedKeys = (db: Tx) => db
  .selectFrom('unit_keys')
  .innerJoin('units', 'units.id', 'unit_keys.unit_id')
  .select(['unit_keys.unit_id', 'units.name', 'unit_keys.public_key', 'unit_keys.fingerprint', 'unit_keys.accepted_at', 'unit_keys.accepted_by'])
  .where('unit_keys.status', '=', sql.lit('trusted'));

type TrustedRow = Awaited<ReturnType<ReturnType<typeof trustedKeys>['executeTakeFirstOrThrow']>>;

const trustedOfUnit = compiled((db) => trustedKeys(db).where('unit_keys.unit_id', '=', P));

const toPinned = (r: TrustedRow): PinnedKey => ({
  unitId: r.unit_id, unit: r.name, publicKey: r.public_key, fingerprint: r.fingerprint, acceptedAt: r.accepted_at, acceptedBy: r.accepted_by,
});

/** The key currently trusted for a unit, or null before its first accepted package. */
export async function trustedKey(db: Tx, unitId: number): Promise<PinnedKey | null> {
  const [r] = await trustedOfUnit.run(db, [unitId]);
  return r ? toPinned(r) : null;
}

/** Every trusted key, in the fixed unit order. */
export async function listTrustedKeys(db: Tx): Promise<PinnedKey[]> {
  return (await trustedKeys(db).orderBy('units.seq').execute()).map(toPinned);
}

const retireTrusted = compiled((db) => db.updateTable('unit_keys').set({ status: sql.lit('retired') }).where('unit_id', '=', P).where('status', '=', sql.lit('trusted')));
const insertTrusted = compiled((db) => db
  .insertInto('unit_keys')
  .values({ unit_id: P, public_key: P, fingerprint: P, status: sql.lit('trusted'), accepted_at: P, accepted_by: P })
  .onConflict((oc) => oc.columns(['unit_id', 'public_key']).doUpdateSet({ status: sql.lit('trusted'), accepted_at: P, accepted_by: P })));

/** Pins a key for a unit, retiring the one it replaces (kept, never deleted). */
export async function pinKey(db: Tx, k: { unitId: number; publicKey: string; fingerprint: string; at: string; by: string }): Promise<void> {
  await retireTrusted.run(db, [k.unitId]);
  await insertTrusted.run(db, [k.unitId, k.publicKey, k.fingerprint, k.at, k.by, k.at, k.by]);
}

export interface KeyHolder {
  readonly unitId: number;
  readonly unit: string;
  /** retired: the unit used it before its present key. */
  readonly status: 'trusted' | 'retired';
}

/**
 * Every unit this key is or was pinned to, in the fixed unit order: a key belongs to one unit, so
 * another unit offering it is refused (import.ts).
 * @example await holdersOfKey(db, key) // [{ unitId: 24, unit: '市残联', status: 'trusted' }]
 */
const holdersQuery = compiled((db) => db.selectFrom('unit_keys').innerJoin('units', 'units.id', 'unit_keys.unit_id')
  .select(['unit_keys.unit_id', 'units.name', 'unit_keys.status'])
  .where('unit_keys.public_key', '=', P).orderBy('units.seq'));

export async function holdersOfKey(db: Tx, publicKey: string): Promise<KeyHolder[]> {
  const rows = await holdersQuery.run(db, [publicKey]);
  return rows.map((r) => ({ unitId: r.unit_id, unit: r.name, status: r.status === 'trusted' ? 'trusted' : 'retired' }));
}

/** A key a unit or office used before: when it was replaced, and by which key (the next one accepted). */
export interface Retirement {
  readonly fingerprint: string;
  /** When the key that replaced it was accepted, and by whom; null if no later key is on record. */
  readonly replacedAt: string | null;
  readonly replacedBy: { readonly fingerprint: string; readonly acceptedBy: string } | null;
}

/** The rows of one holder's keys in the order they were accepted, to find a retired one's successor. */
export function retirementOf(rows: readonly { public_key: string; fingerprint: string; status: string; accepted_at: string; accepted_by: string }[], publicKey: string): Retirement | null {
  const k = rows.findIndex((r) => r.public_key === publicKey);
  if (k < 0 || rows[k]!.status === 'trusted') return null;
  const next = rows[k + 1] ?? rows.find((r) => r.status === 'trusted');
  return { fingerprint: rows[k]!.fingerprint, replacedAt: next?.accepted_at ?? null, replacedBy: next ? { fingerprint: next.fingerprint, acceptedBy: next.accepted_by } : null };
}

/** The unit's retirement of `publicKey`, or null when it is not one of its retired keys. */
export async function unitKeyRetirement(db: Tx, unitId: number, publicKey: string): Promise<Retirement | null> {
  const rows = await db.selectFrom('unit_keys').select(['public_key', 'fingerprint', 'status', 'accepted_at', 'accepted_by']).where('unit_id', '=', unitId).orderBy('id').execute();
  return retirementOf(rows, publicKey);
}
