/**
 * Issue 10 item 6: a key pinned to one unit is not a new key when another unit offers it. Accepting
 * new keys does not take it; only a deliberate choice for that file (ledger keys --accept-from FILE
 * --shared-key, or the import page's dialog) does, with a warning naming its unit, audited.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../electron/cli';
import { isOfficeHolder } from '../../shared/levels';
import { listAudit } from '../../db/queries/audit';
import { acceptKeyFromFile, importFiles } from '../../electron/services/import/import';
import { keyFilePath, listKeys } from '../../electron/services/keys/keys';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { CANLIAN_JUNE, createLoop, snapshotData, type Loop } from '../helpers/loop';

const MINZHENG_JUNE = yearEntries(PLAN_2019, '市民政局', '2019-06');

async function ledger(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * 市残联 reporting with its key pinned at the office, and 市民政局 set up on a computer that signs
 * with that very key (its key file copied), as the tester did.
 */
async function sharedKeyLoop(): Promise<Loop & { canlianKey: string; minzheng: Awaited<ReturnType<Loop['unit']>> }> {
  const loop = await createLoop();
  const canlian = await loop.unit('市残联', { dbName: 'canlian.db' });
  const [first] = await importFiles(loop.office, [await loop.report(canlian, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
  expect(first!.status).toBe('accepted');
  copyFileSync(`${canlian.file}.key`, join(loop.dir, 'minzheng.db.key'));
  const minzheng = await loop.unit('市民政局', { dbName: 'minzheng.db' });
  const canlianKey = (await listKeys(canlian)).own;
  expect((await listKeys(minzheng)).own).toBe(canlianKey);
  return Object.assign(loop, { canlianKey, minzheng });
}

describe('an office\'s key is never a unit\'s', () => {
  it('a report signed with the office\'s own key (its key file copied to a unit) is refused with and without accept-new-keys, and `keys --accept-from … --shared-key` does not take it', async () => {
    const loop = await createLoop();
    const db = loop.office.handle.location;
    copyFileSync(keyFilePath(loop.office.file), join(loop.dir, 'minzheng.db.key'));
    const minzheng = await loop.unit('市民政局', { dbName: 'minzheng.db' });
    const file = await loop.report(minzheng, '2019-06', MINZHENG_JUNE);
    const before = await snapshotData(loop.office.db);
    for (const dryRun of [true, false]) {
      const [r] = await importFiles(loop.office, [file], { acceptNewKeys: true, dryRun });
      expect(r).toMatchObject({ status: 'rejected', code: 'E_KEY_OF_OTHER_UNIT', unit: '市民政局', holders: ['本机汇总端'] });
      expect(r!.message).toContain('却是本机汇总端的密钥,不是任何单位的密钥');
      // So the import page offers no "shared key" dialog for it (a unit's key would get one).
      expect(r!.holders!.every(isOfficeHolder)).toBe(true);
    }
    const shared = await ledger('keys', '--db', db, '--accept-from', file, '--shared-key');
    expect(shared.code).toBe(1);
    expect(shared.err).toContain('E_KEY_OF_OTHER_UNIT');
    expect(await snapshotData(loop.office.db)).toBe(before);
    expect((await listKeys(loop.office)).pinned).toEqual([]);
  });
});

describe('a key already the unit\'s', () => {
  it('`keys --accept-from` a file signed with the unit\'s present key changes nothing and says so (no key.replace in the audit log)', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const file = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    expect((await importFiles(loop.office, [file], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
    const before = await snapshotData(loop.office.db);
    const cli = await ledger('keys', '--db', loop.office.handle.location, '--accept-from', file);
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('E_EXISTS');
    expect(cli.err).toContain('市残联的现用密钥已经是');
    expect(await snapshotData(loop.office.db)).toBe(before);
    expect((await listAudit(loop.office.db, { limit: 5 })).some((a) => a.action === 'key.replace')).toBe(false);
  });
});

describe('a key that belongs to another unit', () => {
  it('the repro: 市残联’s pinned key offered as 市民政局’s first key is refused with E_KEY_OF_OTHER_UNIT, even with accept-new-keys, naming 市残联; nothing changes', async () => {
    const loop = await sharedKeyLoop();
    const file = await loop.report(loop.minzheng, '2019-06', MINZHENG_JUNE);
    const before = await snapshotData(loop.office.db);
    for (const dryRun of [true, false]) {
      const [r] = await importFiles(loop.office, [file], { acceptNewKeys: true, dryRun });
      expect(r).toMatchObject({ status: 'rejected', code: 'E_KEY_OF_OTHER_UNIT', unit: '市民政局', fingerprint: loop.canlianKey, holders: ['市残联'] });
      expect(r!.message).toContain(`签名密钥(${loop.canlianKey})却已登记为市残联(现用)的密钥`);
      expect(r!.message).toContain('--shared-key');
      expect(r!.holders!.some(isOfficeHolder)).toBe(false);
    }
    expect(await snapshotData(loop.office.db)).toBe(before);
    expect((await listKeys(loop.office)).pinned.map((k) => k.unit)).toEqual(['市残联']);
  });

  it('`keys --accept-from` alone refuses it too; with --shared-key it is registered for 市民政局 only, with a warning naming 市残联, audited; then the report comes in', async () => {
    const loop = await sharedKeyLoop();
    const file = await loop.report(loop.minzheng, '2019-06', MINZHENG_JUNE);
    const db = loop.office.handle.location;

    const plain = await ledger('keys', '--db', db, '--accept-from', file);
    expect(plain.code).toBe(1);
    expect(plain.err).toContain('E_KEY_OF_OTHER_UNIT');
    expect(plain.err).toContain('已登记为市残联(现用)的密钥');

    expect((await ledger('keys', '--db', db, '--shared-key')).code).toBe(2);
    const shared = await ledger('keys', '--db', db, '--accept-from', file, '--shared-key');
    expect(shared.code).toBe(0);
    expect(shared.out).toContain(`已登记 市民政局 的共用密钥 ${loop.canlianKey}`);
    expect(shared.err).toContain(`注意:密钥 ${loop.canlianKey} 同时是市残联(现用)的密钥`);

    const audit = await listAudit(loop.office.db, { limit: 1 });
    expect(audit[0]).toMatchObject({ action: 'key.accept-shared', entityId: '市民政局', after: expect.objectContaining({ fingerprint: loop.canlianKey, sharedWith: ['市残联'] }) });
    const pinned = (await listKeys(loop.office)).pinned;
    expect(pinned.filter((k) => k.fingerprint === loop.canlianKey).map((k) => k.unit).sort()).toEqual(['市民政局', '市残联'].sort());

    const [r] = await importFiles(loop.office, [file]);
    expect(r).toMatchObject({ status: 'accepted', unit: '市民政局' });
    // 市残联 keeps its key and still reports.
    expect(await listKeys(loop.office)).toMatchObject({ pinned: expect.arrayContaining([expect.objectContaining({ unit: '市残联', fingerprint: loop.canlianKey })]) });
  });

  it('a key retired from 市残联 (it reinstalled) offered as 市民政局’s is refused as well, named as 市残联’s former key', async () => {
    const loop = await sharedKeyLoop();
    // 市残联 reinstalls: its new key replaces the old one at the office, which is kept as retired.
    const reinstalled = await loop.unit('市残联', { dbName: 'canlian-new.db' });
    const fromNew = await loop.report(reinstalled, '2019-06', CANLIAN_JUNE);
    const accepted = await acceptKeyFromFile(loop.office, fromNew);
    expect(accepted).toMatchObject({ unit: '市残联', previous: loop.canlianKey, sharedWith: [], warning: null });

    const file = await loop.report(loop.minzheng, '2019-06', MINZHENG_JUNE);
    const before = await snapshotData(loop.office.db);
    const [r] = await importFiles(loop.office, [file], { acceptNewKeys: true });
    expect(r).toMatchObject({ status: 'rejected', code: 'E_KEY_OF_OTHER_UNIT' });
    expect(r!.message).toContain('已登记为市残联(已停用)的密钥');
    expect(await snapshotData(loop.office.db)).toBe(before);

    // Registered on purpose as 市民政局's shared key, the warning does not promise 市残联 can still use it.
    const shared = await acceptKeyFromFile(loop.office, file, { sharedKey: true });
    expect(shared.warning).toContain('今后用这个密钥签名的数据包只能是市民政局的');
    expect(shared.warning).toContain('市残联用它签名的数据包仍会被拒收');
  });

  it('two units new to the office with one key in the same batch: the second is refused, in the preview as in the import', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联', { dbName: 'canlian.db' });
    copyFileSync(`${canlian.file}.key`, join(loop.dir, 'minzheng.db.key'));
    const minzheng = await loop.unit('市民政局', { dbName: 'minzheng.db' });
    const files = [await loop.report(canlian, '2019-06', CANLIAN_JUNE), await loop.report(minzheng, '2019-06', MINZHENG_JUNE)];
    const outcome = (r: { status: string; code?: string }) => [r.status, r.code ?? null];
    const preview = await importFiles(loop.office, files, { acceptNewKeys: true, dryRun: true });
    expect(preview.map(outcome)).toEqual([['accepted', null], ['rejected', 'E_KEY_OF_OTHER_UNIT']]);
    expect(preview[1]!.message).toContain('已登记为市残联(现用)的密钥');
    const real = await importFiles(loop.office, files, { acceptNewKeys: true });
    expect(real.map(outcome)).toEqual(preview.map(outcome));
  });

  it('a unit’s own retired key is still a mismatch, not another unit’s', async () => {
    const loop = await sharedKeyLoop();
    const old = await loop.report(await createCanlianAgain(loop), '2019-06', CANLIAN_JUNE);
    const [r] = await importFiles(loop.office, [old]);
    expect(r).toMatchObject({ status: 'rejected', code: 'E_KEY_MISMATCH' });
    // Said to be its retired key, replaced by which and when; not the advice to register it, which is refused.
    expect(r!.message).toMatch(/这个填报包是用市残联已停用的旧密钥\(指纹 [0-9A-F-]+,\d{4}-\d{2}-\d{2} \d{2}:\d{2} 已由.+登记的新密钥 [0-9A-F-]+ 替换\)签名的,未导入。/);
    expect(r!.message).not.toContain('登记新密钥」选这个文件');
    const before = await snapshotData(loop.office.db);
    await expect(acceptKeyFromFile(loop.office, old)).rejects.toMatchObject({ code: 'E_KEY_MISMATCH', message: expect.stringContaining('不能把它重新登记为现用密钥,未做任何修改') });
    expect(await snapshotData(loop.office.db)).toBe(before);
  });
});

/** 市残联 replaced its key at the office; then its old computer (the old key) sends a report again. */
async function createCanlianAgain(loop: Loop & { canlianKey: string }) {
  const reinstalled = await loop.unit('市残联', { dbName: 'canlian-new.db' });
  await acceptKeyFromFile(loop.office, await loop.report(reinstalled, '2019-06', CANLIAN_JUNE));
  copyFileSync(join(loop.dir, 'canlian.db.key'), join(loop.dir, 'canlian-old-again.db.key'));
  return loop.unit('市残联', { dbName: 'canlian-old-again.db' });
}
