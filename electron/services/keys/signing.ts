/**
 * Ed25519 signatures and key fingerprints (Node's built-in crypto), without the database: the
 * package verifier's worker thread loads this, and nothing of the store (keys.ts has the rest).
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LedgerError } from '../../../shared/errors';
import { sha256Hex } from '../packages/hash';

const RAW_PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The short form people compare by eye or read over the phone: the first 8 bytes of
 * SHA-256 of the raw public key, uppercase hex, in groups of four: `3F9A-1C22-7B40-9D11`.
 */
export function fingerprint(publicKeyB64: string): string {
  const raw = decodeBase64Exact(publicKeyB64, RAW_PUBLIC_KEY_BYTES);
  if (!raw) throw new LedgerError('E_VALIDATION', '公钥格式不正确(应为32字节Ed25519公钥的base64)');
  const hex = sha256Hex(raw).slice(0, 16).toUpperCase();
  return hex.match(/.{4}/g)!.join('-');
}

/** Ed25519 signature (base64) over `data` (a string is signed as its UTF-8 bytes). */
export function sign(privateKeyPem: string, data: Buffer | string): string {
  const key = createPrivateKey(privateKeyPem);
  return cryptoSign(null, toBytes(data), key).toString('base64');
}

/** True only for a well-formed key and a valid signature; malformed input gives false, never throws. */
export function verify(publicKeyB64: string, data: Buffer | string, signatureB64: string): boolean {
  try {
    if (typeof publicKeyB64 !== 'string' || typeof signatureB64 !== 'string') return false;
    const sig = decodeBase64Exact(signatureB64, SIGNATURE_BYTES);
    const key = sig && publicKeyOf(publicKeyB64);
    if (!key) return false;
    return cryptoVerify(null, toBytes(data), key, sig);
  } catch {
    return false;
  }
}

/**
 * Verifying keys by their base64 text. An office checks hundreds of packages from the same few
 * hundred units in a batch; building the key object each time was a tenth of verifying.
 * Bounded: emptied when full (a batch has one key per unit).
 */
const KEY_CACHE_SIZE = 2048;
const verifyingKeys = new Map<string, KeyObject>();

function publicKeyOf(publicKeyB64: string): KeyObject | null {
  let key = verifyingKeys.get(publicKeyB64);
  if (key === undefined) {
    const raw = decodeBase64Exact(publicKeyB64, RAW_PUBLIC_KEY_BYTES);
    if (!raw) return null;
    key = publicKeyFromRaw(raw);
    if (verifyingKeys.size >= KEY_CACHE_SIZE) verifyingKeys.clear();
    verifyingKeys.set(publicKeyB64, key);
  }
  return key;
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** Strict base64 (Node's decoder silently skips junk): the exact length, and it must re-encode the same. */
function decodeBase64Exact(text: string, bytes: number): Buffer | null {
  if (typeof text !== 'string' || !BASE64.test(text)) return null;
  const buf = Buffer.from(text, 'base64');
  if (buf.length !== bytes || buf.toString('base64') !== text) return null;
  return buf;
}

function toBytes(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
