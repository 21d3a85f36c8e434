import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256, the hash every archived file and package content is known by. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
