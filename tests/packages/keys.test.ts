import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../shared/errors';
import { fingerprint, generateKeyPair, keyFilePath, loadKey, loadOrCreateKey, sign, verify } from '../../electron/services/keys/keys';
import { FIXTURES, tempDir, testKey } from './helpers';

const FINGERPRINT = /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/;

describe('Ed25519 keys', () => {
  it('encodes the public key as base64 of its 32 raw bytes', () => {
    const pair = generateKeyPair();
    expect(Buffer.from(pair.publicKey, 'base64')).toHaveLength(32);
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('fingerprints as the first 8 bytes of SHA-256 of the raw key, in four groups', () => {
    const pair = generateKeyPair();
    const fp = fingerprint(pair.publicKey);
    expect(fp).toMatch(FINGERPRINT);
    const expected = createHash('sha256').update(Buffer.from(pair.publicKey, 'base64')).digest('hex').slice(0, 16).toUpperCase();
    expect(fp.replaceAll('-', '')).toBe(expected);
    // The committed test-only key states its fingerprint; it must still match.
    const json = JSON.parse(readFileSync(path.join(FIXTURES, 'test-only-unit-key.json'), 'utf8')) as { fingerprint: string };
    expect(fingerprint(testKey('unit').publicKey)).toBe(json.fingerprint);
  });

  it('refuses a malformed public key when fingerprinting', () => {
    expect(() => fingerprint('not a key')).toThrow(LedgerError);
    expect(() => fingerprint(Buffer.alloc(31).toString('base64'))).toThrow(LedgerError);
  });

  it('verifies its own signatures, over strings as UTF-8 and over bytes', () => {
    const { publicKey, privateKeyPem } = generateKeyPair();
    const sig = sign(privateKeyPem, '市人社局 2019-03');
    expect(Buffer.from(sig, 'base64')).toHaveLength(64);
    expect(verify(publicKey, '市人社局 2019-03', sig)).toBe(true);
    expect(verify(publicKey, Buffer.from('市人社局 2019-03', 'utf8'), sig)).toBe(true);
  });

  it('says false, and never throws, for a wrong or malformed anything', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    const sig = sign(a.privateKeyPem, 'data');
    const flipped = Buffer.from(sig, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(verify(a.publicKey, 'Data', sig)).toBe(false);
    expect(verify(b.publicKey, 'data', sig)).toBe(false);
    expect(verify(a.publicKey, 'data', flipped.toString('base64'))).toBe(false);
    for (const [key, signature] of [
      ['', sig], [a.publicKey, ''], ['%%%', sig], [a.publicKey, '%%%'],
      [Buffer.alloc(31).toString('base64'), sig], [a.publicKey, sig.slice(0, -4)],
      [`${a.publicKey}\n`, sig], [a.publicKey, `${sig} `],
    ] as const) {
      expect(verify(key, 'data', signature)).toBe(false);
    }
    expect(verify(null as unknown as string, 'data', sig)).toBe(false);
    expect(verify(a.publicKey, 'data', 42 as unknown as string)).toBe(false);
  });
});

describe('key file', () => {
  it('lives next to the database', () => {
    expect(keyFilePath('/data/ledger.db')).toBe('/data/ledger.db.key');
  });

  it('is created readable by its owner only, and reloads as the same key', () => {
    const dir = tempDir();
    const db = path.join(dir, 'ledger.db');
    const created = loadOrCreateKey(db);
    if (process.platform !== 'win32') expect(statSync(keyFilePath(db)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['ledger.db.key']); // no temporary file left behind
    const again = loadOrCreateKey(db);
    expect(again.publicKey).toBe(created.publicKey);
    expect(fingerprint(loadKey(db).publicKey)).toBe(fingerprint(created.publicKey));
    expect(verify(again.publicKey, 'x', sign(created.privateKeyPem, 'x'))).toBe(true);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    const dir = tempDir();
    const db = path.join(dir, 'ledger.db');
    writeFileSync(keyFilePath(db), 'garbage');
    expect(() => loadOrCreateKey(db)).toThrow(expect.objectContaining({ code: 'E_KEY_FILE' }));
    expect(readFileSync(keyFilePath(db), 'utf8')).toBe('garbage');
  });

  it('refuses a key file that is not an Ed25519 private key', () => {
    const dir = tempDir();
    const db = path.join(dir, 'ledger.db');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(keyFilePath(db), privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(() => loadKey(db)).toThrow(/Ed25519/);
    expect(() => loadOrCreateKey(db)).toThrow(expect.objectContaining({ code: 'E_KEY_FILE' }));
  });

  it('refuses a key file it cannot read', () => {
    const dir = tempDir();
    const db = path.join(dir, 'ledger.db');
    mkdirSync(keyFilePath(db)); // unreadable as a file, even for root
    expect(() => loadOrCreateKey(db)).toThrow(expect.objectContaining({ code: 'E_KEY_FILE' }));
    expect(() => loadKey(path.join(dir, 'missing.db'))).toThrow(/文件不存在/);
  });
});
