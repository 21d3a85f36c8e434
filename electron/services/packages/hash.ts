import { hash } from 'node:crypto';

/**
 * Lowercase hex SHA-256, the hash every archived file and package content is known by. Node's one-shot
 * `hash` (20.12+): a verified package is hashed three times, and a Hash object for each cost more than the
 * hashing of a small part.
 */
export function sha256Hex(bytes: Uint8Array | string): string {
  return hash('sha256', bytes, 'hex');
}
