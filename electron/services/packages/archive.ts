/** Keeping what was received: every merged package's file, its bytes and SHA-256, in the packages table. */
import { insertPackage } from '../../../db/queries/packages';
import type { Tx } from '../../../db/schema';
import type { PackageFile } from './package-format';

/**
 * Records a received package with its bytes (the archive); `officeId` for a 汇总包 from a subordinate office.
 * @example await archive(trx, received, '填报包-市残联-2019-06-第1版.xlsx', unitId, at, '2019-07-04')
 */
export async function archive(db: Tx, { pkg, bytes, sha256 }: PackageFile, fileName: string, unitId: number | null, at: string, receivedOn: string | null, officeId: number | null = null): Promise<void> {
  const m = pkg.manifest;
  await insertPackage(db, {
    packageId: m.packageId, kind: m.kind, direction: 'in', unitId, officeId, periods: m.periods, revision: m.revision, signer: m.signer,
    fileName, sha256, size: bytes.byteLength, bytes, createdAt: m.createdAt, receivedAt: at, receivedOn,
  });
}
