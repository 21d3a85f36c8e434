/** Keeping a received package: every package merged is recorded with its bytes (the archive of what arrived). */
import { insertPackage } from '../../../db/queries/packages';
import type { Tx } from '../../../db/schema';
import type { PackageFile } from './package-format';

/**
 * Records a received package in the packages table, its bytes kept; `unitId` is the unit it came from or is
 * for (null for one between offices).
 * @example await archive(trx, received, '填报包-市残联-2019-06-第1版.xlsx', unitId, at, '2019-07-04')
 */
export async function archive(db: Tx, { pkg, bytes, sha256 }: PackageFile, fileName: string, unitId: number | null, at: string, receivedOn: string | null): Promise<void> {
  const m = pkg.manifest;
  await insertPackage(db, {
    packageId: m.packageId, kind: m.kind, direction: 'in', unitId, periods: m.periods, revision: m.revision, signer: m.signer,
    fileName, sha256, size: bytes.byteLength, bytes, createdAt: m.createdAt, receivedAt: at, receivedOn,
  });
}
