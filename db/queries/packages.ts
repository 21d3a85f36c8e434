import { compiled, P } from '../compiled';
import type { PackageKindColumn, Tx } from '../schema';

/** One package sent or received: what the manifest says, and the file as it was written or read. */
export interface PackageRecord {
  readonly packageId: string;
  readonly kind: PackageKindColumn;
  readonly direction: 'in' | 'out';
  readonly unitId: number | null;
  /** The subordinate office a 下达包 went to or a 汇总包 came from (migration 007); null for a unit's packages. */
  readonly officeId?: number | null;
  /** The manifest's periods; the first is recorded (report packages have exactly one). */
  readonly periods: readonly string[];
  readonly revision: number;
  readonly signer: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly size: number;
  /** The file's bytes, kept for received packages (the archive); null for sent ones. */
  readonly bytes: Uint8Array | null;
  readonly createdAt: string;
  readonly receivedAt: string;
  readonly receivedOn: string | null;
}

const insertQuery = compiled((db) => db.insertInto('packages').values({
  package_id: P, kind: P, direction: P, unit_id: P, office_id: P, period: P, revision: P, signer: P, file_name: P, sha256: P, size: P,
  bytes: P, created_at: P, received_at: P, received_on: P,
}));

/** Records a package in the packages table (sent by this computer, or received and merged). */
export async function insertPackage(db: Tx, p: PackageRecord): Promise<void> {
  await insertQuery.run(db, [
    p.packageId, p.kind, p.direction, p.unitId, p.officeId ?? null, p.periods[0] ?? null, p.revision, p.signer, p.fileName, p.sha256, p.size,
    p.bytes, p.createdAt, p.receivedAt, p.receivedOn,
  ]);
}

const existsQuery = compiled((db) => db.selectFrom('packages').select('package_id').where('package_id', '=', P));

/** Whether a package with this id is already recorded (sent or received). */
export async function hasPackage(db: Tx, packageId: string): Promise<boolean> {
  return (await existsQuery.run(db, [packageId])).length > 0;
}

const newestQuery = compiled((db) => db.selectFrom('packages').select((eb) => eb.fn.max('revision').as('r'))
  .where('unit_id', '=', P).where('kind', '=', P).where('direction', '=', P).where('period', '=', P).where('signer', '=', P));

const newestOfOfficeQuery = compiled((db) => db.selectFrom('packages').select((eb) => eb.fn.max('revision').as('r'))
  .where('office_id', '=', P).where('kind', '=', P).where('direction', '=', P).where('period', '=', P).where('signer', '=', P));

/**
 * The highest revision of a unit's report (or, with `office`, a subordinate office's roll-up) for a period
 * received so far from the key `signer` (a fingerprint), 0 before the first. By key: a sender that reinstalls
 * starts again at 第1版 under its new key, which the office accepted on purpose; a package of an older key is
 * refused before its revision is looked at, as that key is no longer the sender's.
 * @example await newestRevision(db, { unitId }, '2019-06', 'AB12-…') // 2
 */
export async function newestRevision(db: Tx, of: { unitId: number } | { officeId: number }, period: string, signer: string): Promise<number> {
  const [row] = 'unitId' in of
    ? await newestQuery.run(db, [of.unitId, 'report', 'in', period, signer])
    : await newestOfOfficeQuery.run(db, [of.officeId, 'rollup', 'in', period, signer]);
  return row?.r ?? 0;
}
