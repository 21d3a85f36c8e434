import { sql } from 'kysely';
import { LedgerError } from '../../shared/errors';
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

const ownerQuery = compiled((db) => db.selectFrom('packages').select(['unit_id', 'office_id', 'signer', 'kind', 'direction']).where('package_id', '=', P));

/** Who a recorded package of this id came from or went to, and who signed it; null when none is recorded. */
export interface PackageOwner {
  readonly unitId: number | null;
  readonly officeId: number | null;
  readonly signer: string;
  readonly kind: string;
  readonly direction: string;
}

async function packageOwner(db: Tx, packageId: string): Promise<PackageOwner | null> {
  const [r] = await ownerQuery.run(db, [packageId]);
  return r ? { unitId: r.unit_id, officeId: r.office_id, signer: r.signer, kind: r.kind, direction: r.direction } : null;
}

/**
 * Whether this package was received before, by its id: true for the same package again (a duplicate, nothing to do),
 * false for a new one. An id already another package's is refused (E_EXISTS, idTakenWords), never taken for a
 * duplicate. `inBatch`: the package of this id a preview met earlier in its batch, which answers without the store;
 * `holder`: how the refusal names the package recorded under the id.
 * @example if (await receivedBefore(trx, m, m.unit, { from: { unitId } })) return duplicate
 */
export async function receivedBefore(
  db: Tx, m: { readonly packageId: string; readonly kind: string; readonly signer: string }, sender: string,
  opts: { readonly from?: { readonly unitId?: number; readonly officeId?: number }; readonly inBatch?: { readonly file: string; readonly signer: string }; readonly holder?: (o: PackageOwner) => string } = {},
): Promise<boolean> {
  if (opts.inBatch !== undefined) {
    if (opts.inBatch.signer !== m.signer) throw new LedgerError('E_EXISTS', idTakenWords(m.packageId, `本批的「${opts.inBatch.file}」`, sender));
    return true;
  }
  const owner = await packageOwner(db, m.packageId);
  if (owner === null) return false;
  if (!isSamePackage(owner, m, opts.from)) throw new LedgerError('E_EXISTS', idTakenWords(m.packageId, opts.holder?.(owner) ?? '本机的另一个数据包', sender));
  return true;
}

/**
 * Whether a recorded package is this one received again (a copy, or the same package re-saved by an office suite):
 * received, of the same kind, signed by the same key and from the same sender. Anything else under the same id is
 * another package: ids never repeat, so one was made to hide the other, and it is refused, not taken as a duplicate.
 * @example isSamePackage(await packageOwner(db, m.packageId), { kind: 'report', signer: m.signer }, { unitId })
 */
function isSamePackage(o: PackageOwner, m: { readonly kind: string; readonly signer: string }, from: { readonly unitId?: number; readonly officeId?: number } = {}): boolean {
  return o.direction === 'in' && o.kind === m.kind && o.signer === m.signer
    && (from.unitId === undefined || o.unitId === from.unitId) && (from.officeId === undefined || o.officeId === from.officeId);
}

/**
 * A package whose id is already another package's: refused, not skipped as a duplicate, since the one recorded
 * may have been made to hide this one. The sender exports again (a new package, a new id).
 */
function idTakenWords(packageId: string, holder: string, sender: string): string {
  return `这个数据包的编号(${packageId})已被${holder}使用,两者不是同一个数据包,未导入。数据包编号不会重复,其中一个可能是伪造或被改动过的:`
    + `请电话与${sender}核实,并请${sender}重新导出一次(新导出的数据包有新的编号)后再导入。`;
}

/**
 * The most a package's revision may run ahead of the newest one imported from its sender for the period: a program
 * counts one up per export, so a clerk exporting drafts never gets near it, while a revision near 2^53 would leave
 * no revision the sender could ever export after it.
 */
const MAX_REVISION_STEP = 1000;

/**
 * Refuses (E_VALIDATION) a revision more than MAX_REVISION_STEP ahead of `newest`, the highest imported (or met in
 * the batch) from this sender for the period.
 * @example refuseRevisionJump(m.unit, '2019年6月', m.revision, highest)
 */
export function refuseRevisionJump(sender: string, label: string, revision: number, newest: number): void {
  if (revision <= newest + MAX_REVISION_STEP) return;
  throw new LedgerError('E_VALIDATION', `${sender} ${label} 的这个数据包是第${revision}版,${newest === 0 ? '本机还没有导入过这一期的数据包' : `本机已导入的最新是第${newest}版`}:程序每导出一次版本号只加1,`
    + `不会一下跳过${MAX_REVISION_STEP}版以上,这个文件可能是伪造或被改动过的,未导入。请电话与${sender}核实,并请它用本程序重新导出。`);
}

/** Whether a package with this id is already recorded (sent or received). */
export async function hasPackage(db: Tx, packageId: string): Promise<boolean> {
  return (await existsQuery.run(db, [packageId])).length > 0;
}

// LIMIT written into the text: SQLite took 7–35 µs more per query with it bound as a parameter (`limit ?`), on every package imported.
const newestQuery = compiled((db) => db.selectFrom('packages').select(['revision', 'created_at'])
  .where('unit_id', '=', P).where('kind', '=', P).where('direction', '=', P).where('period', '=', P).where('signer', '=', P)
  .orderBy('revision', 'desc').limit(sql.lit(1)));

const newestOfOfficeQuery = compiled((db) => db.selectFrom('packages').select(['revision', 'created_at'])
  .where('office_id', '=', P).where('kind', '=', P).where('direction', '=', P).where('period', '=', P).where('signer', '=', P)
  .orderBy('revision', 'desc').limit(sql.lit(1)));

/**
 * The highest revision of a unit's report (or, with `office`, a subordinate office's roll-up) for a period
 * received so far from the key `signer` (a fingerprint), 0 before the first. By key: a sender that reinstalls
 * starts again at 第1版 under its new key, which the office accepted on purpose; a package of an older key is
 * refused before its revision is looked at, as that key is no longer the sender's.
 * @example await newestRevision(db, { unitId }, '2019-06', 'AB12-…') // { revision: 2, createdAt: '2019-07-03T…' }
 */
export async function newestRevision(db: Tx, of: { unitId: number } | { officeId: number }, period: string, signer: string): Promise<{ revision: number; createdAt: string | null }> {
  const [row] = 'unitId' in of
    ? await newestQuery.run(db, [of.unitId, 'report', 'in', period, signer])
    : await newestOfOfficeQuery.run(db, [of.officeId, 'rollup', 'in', period, signer]);
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
