/**
 * Ed25519 signing keys (Node's built-in crypto). Plain Node: never imports `electron`.
 *
 * A public key travels as base64 of its raw 32 bytes (RFC 8032 encoding); a private key is
 * kept as PKCS#8 PEM in `<database file>.key`, readable by its owner only.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { KeysView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { listTrustedKeys, type Retirement } from '../../../db/queries/keys';
import { localDate } from '../../../shared/format';
import { getParent, listTrustedOfficeKeys } from '../../../db/queries/rollups';
import { getSetting } from '../../../db/queries/settings';
import type { Ctx } from '../context';

// Signing and verifying live apart from the database (signing.ts): the verifier's worker loads them without Kysely.
export { fingerprint, sign, verify } from './signing';

export interface KeyPair {
  /** base64 of the raw 32-byte Ed25519 public key. */
  readonly publicKey: string;
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
}

/** A new random key pair. */
export function generateKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return keyPairFromPrivate(privateKey);
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

/** This installation's fingerprint, the pinned office key (unit side) and the units' keys (office side). */
export async function listKeys(ctx: Ctx): Promise<KeysView> {
  const pinned = await listTrustedKeys(ctx.db);
  const parent = await getParent(ctx.db);
  return {
    own: (await getSetting(ctx.db, 'fingerprint')) ?? '',
    office: await getSetting(ctx.db, 'office_fingerprint'),
    pinned: pinned.map((k) => ({ unit: k.unit, fingerprint: k.fingerprint, acceptedAt: k.acceptedAt, acceptedBy: k.acceptedBy })),
    offices: (await listTrustedOfficeKeys(ctx.db)).map((k) => ({ office: k.office, fingerprint: k.fingerprint, acceptedAt: k.acceptedAt, acceptedBy: k.acceptedBy })),
    parent: parent && { name: parent.name, fingerprint: parent.fingerprint },
  };
}

/**
 * A retired key in words, for the refusals of a file signed with it and of registering it again:
 * 郎溪县已停用的旧密钥(指纹 …,2019-07-05 10:00 已由 市民生办 登记的新密钥 … 替换).
 */
export function retiredKeyWords(holder: string, r: Retirement): string {
  const by = r.replacedBy && r.replacedAt
    ? `,${localDate(new Date(r.replacedAt), 'minutes')} 已由${r.replacedBy.acceptedBy}登记的新密钥 ${r.replacedBy.fingerprint} 替换`
    : '';
  return `${holder}已停用的旧密钥(指纹 ${r.fingerprint}${by})`;
}

/** Why a retired key is not taken back, and what to do: the files signed with it stay refused. */
export function retiredKeyAdvice(holder: string, pkg: '汇总包' | '填报包'): string {
  return `旧密钥停用后,用它签名的文件一律拒收,也不能用 keys --accept-from 重新登记(否则旧电脑上的旧数据会替换现在的数据,旧电脑转给别人时还可被用来冒名)。`
    + `请电话与${holder}核实:需要报送的数据,请它用现在的程序(现用密钥)重新生成${pkg}。`;
}
