import type { PackageKindColumn, Tx } from '../schema';

/** One package sent or received: what the manifest says, and the file as it was written or read. */
export interface PackageRecord {
  readonly packageId: string;
  readonly kind: PackageKindColumn;
  readonly direction: 'in' | 'out';
  readonly unitId: number | null;
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

/** Records a package in the packages table (sent by this computer, or received and merged). */
export async function insertPackage(db: Tx, p: PackageRecord): Promise<void> {
  await db.insertInto('packages').values({
    package_id: p.packageId, kind: p.kind, direction: p.direction, unit_id: p.unitId, period: p.periods[0] ?? null,
    revision: p.revision, signer: p.signer, file_name: p.fileName, sha256: p.sha256, size: p.size,
    bytes: p.bytes, created_at: p.createdAt, received_at: p.receivedAt, received_on: p.receivedOn,
  }).execute();
}
