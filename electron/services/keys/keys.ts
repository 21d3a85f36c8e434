/**
 * Ed25519 signing keys (Node's built-in crypto). Plain Node: never imports `electron`.
 *
 * A public key travels as base64 of its raw 32 bytes (RFC 8032 encoding); a private key is
 * kept as PKCS#8 PEM in `<database file>.key`, readable by its owner only.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { KeysView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { listTrustedKeys } from '../../../db/queries/keys';
import { getSetting } from '../../../db/queries/settings';
import type { Ctx } from '../context';

export interface KeyPair {
  /** base64 of the raw 32-byte Ed25519 public key. */
  readonly publicKey: string;
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
}

const RAW_PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A new random key pair. */
export function generateKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return keyPairFromPrivate(privateKey);
}

/**
 * The short form people compare by eye or read over the phone: the first 8 bytes of
 * SHA-256 of the raw public key, uppercase hex, in groups of four: `3F9A-1C22-7B40-9D11`.
 */
export function fingerprint(publicKeyB64: string): string {
  const raw = decodeBase64Exact(publicKeyB64, RAW_PUBLIC_KEY_BYTES);
  if (!raw) throw new LedgerError('E_VALIDATION', '公钥格式不正确(应为32字节Ed25519公钥的base64)');
  const hex = createHash('sha256').update(raw).digest('hex').slice(0, 16).toUpperCase();
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

/** Where the private key of a database lives: next to it, `<dbPath>.key`. */
export function keyFilePath(dbPath: string): string {
  return `${dbPath}.key`;
}

/**
 * The key pair of this database, created on first use. An existing key file that cannot be
 * read is an error, never silently replaced: a new key would make every unit refuse us.
 */
export function loadOrCreateKey(dbPath: string): KeyPair {
  const file = keyFilePath(dbPath);
  if (existsSync(file)) return loadKey(dbPath);
  const pair = generateKeyPair();
  // Created 0600 from the first byte, written fully, then renamed into place so a crash
  // never leaves a half-written key under the real name.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, pair.privateKeyPem);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (existsSync(file)) {
      // Someone created it meanwhile: theirs wins, ours is discarded.
      unlinkSync(temp);
      return loadKey(dbPath);
    }
    renameSync(temp, file);
  } catch (err) {
    try { unlinkSync(temp); } catch { /* already gone */ }
    if (err instanceof LedgerError) throw err;
    throw new LedgerError('E_KEY_FILE', `无法创建签名密钥文件 ${file}:${(err as Error).message}`);
  }
  return pair;
}

/** The key pair stored for this database; E_KEY_FILE if missing, unreadable or not an Ed25519 key. */
export function loadKey(dbPath: string): KeyPair {
  const file = keyFilePath(dbPath);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? '文件不存在' : code === 'EACCES' || code === 'EPERM' ? '没有读取权限' : (err as Error).message;
    throw new LedgerError('E_KEY_FILE', `无法读取签名密钥文件 ${file}:${reason}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new LedgerError('E_KEY_FILE', `签名密钥文件 ${file} 已损坏,不是有效的私钥。请从备份恢复;不要删除后重建,否则各单位会拒收本机的数据包。`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new LedgerError('E_KEY_FILE', `签名密钥文件 ${file} 不是 Ed25519 私钥`);
  }
  return keyPairFromPrivate(key);
}

function keyPairFromPrivate(privateKey: KeyObject): KeyPair {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x as string, 'base64url').toString('base64');
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { publicKey, privateKeyPem };
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

/** This installation's fingerprint, the pinned office key (unit side) and the units' keys (office side). */
export async function listKeys(ctx: Ctx): Promise<KeysView> {
  const pinned = await listTrustedKeys(ctx.db);
  return {
    own: (await getSetting(ctx.db, 'fingerprint')) ?? '',
    office: await getSetting(ctx.db, 'office_fingerprint'),
    pinned: pinned.map((k) => ({ unit: k.unit, fingerprint: k.fingerprint, acceptedAt: k.acceptedAt, acceptedBy: k.acceptedBy })),
  };
}
