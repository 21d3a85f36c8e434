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

const newestQuery = compiled((db) => db.selectFrom('packages').select(['revision', 'created_at'])
  .where('unit_id', '=', P).where('kind', '=', P).where('direction', '=', P).where('period', '=', P).where('signer', '=', P)
  .orderBy('revision', 'desc').limit(P));

const newestOfOfficeQuery = compiled((db) => db.selectFrom('packages').select(['revision', 'created_at'])
  .where('office_id', '=', P).where('kind', '=', P).where('direction', '=', P).where('period', '=', P).where('signer', '=', P)
  .orderBy('revision', 'desc').limit(P));

/**
 * The highest revision of a unit's report (or, with `office`, a subordinate office's roll-up) for a period
 * received so far from the key `signer` (a fingerprint), 0 before the first. By key: a sender that reinstalls
 * starts again at 第1版 under its new key, which the office accepted on purpose; a package of an older key is
 * refused before its revision is looked at, as that key is no longer the sender's.
 * @example await newestRevision(db, { unitId }, '2019-06', 'AB12-…') // { revision: 2, createdAt: '2019-07-03T…' }
 */
export async function newestRevision(db: Tx, of: { unitId: number } | { officeId: number }, period: string, signer: string): Promise<{ revision: number; createdAt: string | null }> {
  const [row] = 'unitId' in of
    ? await newestQuery.run(db, [of.unitId, 'report', 'in', period, signer, 1])
    : await newestOfOfficeQuery.run(db, [of.officeId, 'rollup', 'in', period, signer, 1]);
  return { revision: row?.revision ?? 0, createdAt: row?.created_at ?? null };
}

/**
 * What to say of a refused older revision that was made after the newest one imported (by the sender's own
 * clock): the sender restored a backup of its computer, so its numbering went back. Exporting again counts on.
 */
export function restoredHint(newest: { revision: number; createdAt: string | null }, createdAt: string): string {
  if (newest.createdAt === null || createdAt <= newest.createdAt) return '';
  return `这个文件比已导入的第${newest.revision}版生成得晚,对方可能从备份恢复过数据:请对方再导出,版本号高于第${newest.revision}版(每导出一次加1)的文件才能导入。`;
}
