/**
 * Between levels (migration 007): the parent this office was set up from, the pinned keys of its subordinate
 * offices, and the roll-ups (汇总包) they sent. Roll-up data is stored as the JSON the package carried, already
 * checked against shared/rollup.ts; readers parse it with rollupDataSchema again (a stored row is never trusted
 * to be newer than the code).
 */
import type { Tx } from '../schema';
import { retirementOf, type Retirement } from './keys';

/** The parent office (上级汇总端), pinned when this office was set up from its 下达包. */
export interface ParentRow {
  readonly name: string;
  readonly publicKey: string;
  readonly fingerprint: string;
  /** The parent's plan id (this office's plan is that plan with its quotas as targets). */
  readonly planId: string;
  /** What the parent calls this office in its list (郎溪县): the name its 汇总包 are sent under. */
  readonly officeName: string;
  readonly pinnedAt: string;
}

export async function getParent(db: Tx): Promise<ParentRow | null> {
  const r = await db.selectFrom('parent_office').selectAll().where('id', '=', 1).executeTakeFirst();
  return r ? { name: r.name, publicKey: r.public_key, fingerprint: r.fingerprint, planId: r.plan_id, officeName: r.office_name, pinnedAt: r.pinned_at } : null;
}

/** Pins the parent (replacing one pinned before: the caller audits it). */
export async function setParent(db: Tx, p: ParentRow): Promise<void> {
  const row = { name: p.name, public_key: p.publicKey, fingerprint: p.fingerprint, plan_id: p.planId, office_name: p.officeName, pinned_at: p.pinnedAt };
  await db.insertInto('parent_office').values({ id: 1, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
}

/** A subordinate office's key as pinned here. */
export interface OfficeKeyRow {
  readonly officeId: number;
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly status: 'trusted' | 'retired';
}

/** Every key pinned to any subordinate office, trusted and retired (a key is never another office's). */
export async function listOfficeKeys(db: Tx): Promise<OfficeKeyRow[]> {
  const rows = await db.selectFrom('office_keys').select(['office_id', 'public_key', 'fingerprint', 'status']).orderBy('id').execute();
  return rows.map((r) => ({ officeId: r.office_id, publicKey: r.public_key, fingerprint: r.fingerprint, status: r.status }));
}

/** Each subordinate office's trusted key, by the office's name, in the list's order: what `keys` shows. */
export async function listTrustedOfficeKeys(db: Tx): Promise<{ office: string; publicKey: string; fingerprint: string; acceptedAt: string; acceptedBy: string }[]> {
  const rows = await db.selectFrom('office_keys as k').innerJoin('offices as o', 'o.id', 'k.office_id')
    .select(['o.name', 'k.public_key', 'k.fingerprint', 'k.accepted_at', 'k.accepted_by']).where('k.status', '=', 'trusted').orderBy('o.seq').execute();
  return rows.map((r) => ({ office: r.name, publicKey: r.public_key, fingerprint: r.fingerprint, acceptedAt: r.accepted_at, acceptedBy: r.accepted_by }));
}

/** Pins a key as the office's trusted one, retiring the one it replaces. */
export async function pinOfficeKey(db: Tx, k: { officeId: number; publicKey: string; fingerprint: string; at: string; by: string }): Promise<void> {
  await db.updateTable('office_keys').set({ status: 'retired' }).where('office_id', '=', k.officeId).where('status', '=', 'trusted').execute();
  await db.insertInto('office_keys').values({
    office_id: k.officeId, public_key: k.publicKey, fingerprint: k.fingerprint, status: 'trusted', accepted_at: k.at, accepted_by: k.by,
  }).onConflict((oc) => oc.columns(['office_id', 'public_key']).doUpdateSet({ status: 'trusted', accepted_at: k.at, accepted_by: k.by })).execute();
}

/** A stored roll-up: the current revision of one office's figures for one period. */
export interface RollupRow {
  readonly id: number;
  readonly officeId: number;
  readonly period: string;
  readonly revision: number;
  readonly packageId: string;
  readonly receivedOn: string | null;
  readonly createdAt: string;
  /** RollupData as JSON. */
  readonly data: string;
}

type RollupColumns = 'id' | 'office_id' | 'period' | 'revision' | 'package_id' | 'received_on' | 'created_at' | 'data';
const COLUMNS: readonly RollupColumns[] = ['id', 'office_id', 'period', 'revision', 'package_id', 'received_on', 'created_at', 'data'];

function toRow(r: { id: number; office_id: number; period: string; revision: number; package_id: string; received_on: string | null; created_at: string; data: string }): RollupRow {
  return { id: r.id, officeId: r.office_id, period: r.period, revision: r.revision, packageId: r.package_id, receivedOn: r.received_on, createdAt: r.created_at, data: r.data };
}

export async function getRollup(db: Tx, officeId: number, period: string): Promise<RollupRow | null> {
  const r = await db.selectFrom('rollups').select(COLUMNS).where('office_id', '=', officeId).where('period', '=', period).executeTakeFirst();
  return r ? toRow(r) : null;
}

/** The current roll-up of every office that sent one for the period. */
export async function listRollups(db: Tx, period: string): Promise<RollupRow[]> {
  const rows = await db.selectFrom('rollups').select(COLUMNS).where('period', '=', period).orderBy('office_id').execute();
  return rows.map(toRow);
}

/**
 * Stores a roll-up as the office's current one for its period; the one it replaces goes to rollup_history.
 * The caller has checked that the revision is higher than any stored from the same key (newestRevision).
 * @returns the revision it replaced, or null for the office's first of the period
 */
export async function storeRollup(db: Tx, r: Omit<RollupRow, 'id'>, replacedAt: string): Promise<number | null> {
  const old = await getRollup(db, r.officeId, r.period);
  const values = { revision: r.revision, package_id: r.packageId, received_on: r.receivedOn, created_at: r.createdAt, data: r.data };
  if (!old) {
    await db.insertInto('rollups').values({ office_id: r.officeId, period: r.period, ...values }).execute();
    return null;
  }
  await db.insertInto('rollup_history').values({ rollup_id: old.id, revision: old.revision, package_id: old.packageId, data: old.data, replaced_at: replacedAt }).execute();
  await db.updateTable('rollups').set(values).where('id', '=', old.id).execute();
  return old.revision;
}

/** The office's retirement of `publicKey`, or null when it is not one of its retired keys. */
export async function officeKeyRetirement(db: Tx, officeId: number, publicKey: string): Promise<Retirement | null> {
  const rows = await db.selectFrom('office_keys').select(['public_key', 'fingerprint', 'status', 'accepted_at', 'accepted_by']).where('office_id', '=', officeId).orderBy('id').execute();
  return retirementOf(rows, publicKey);
}
