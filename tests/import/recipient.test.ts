/**
 * Issue 10 item 1: a package is bound to its recipient's key, never to a name. Offices A and B may
 * both keep the default name 市民生工作办公室; a unit set up from B's assignment reports to B only.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../electron/cli';
import { listAudit } from '../../db/queries/audit';
import { getSetting } from '../../db/queries/settings';
import { enterReports } from '../../electron/services/entry/entry';
import { acceptKeyFromFile, importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { listKeys } from '../../electron/services/keys/keys';
import { keyFilePath, loadKey } from '../../electron/services/keys/keys';
import { readPackage } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { exportAssignment, exportFeedback, exportReport } from '../../electron/services/packages/packages';
import { DEFAULT_OFFICE_NAME, initSummary } from '../../electron/services/plan/setup';
import { settingsView, updateSettings } from '../../electron/services/views';
import { CANLIAN_JUNE, createLoop, snapshotData, snapshotOf } from '../helpers/loop';
import { fixedClock, tempDir, testLocation } from '../helpers/ledger';
import { openDatabase } from '../../db/open';

async function ledger(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}


/** The cover sheet's rows as label → value. */
function cover(file: string): Map<string, unknown> {
  const rows = readPackage(readFileSync(file)).content.sheets[0]!.rows;
  return new Map(rows.filter((r) => r.length >= 2).map((r) => [r[0] as string, r[1]]));
}

describe('a report is for the office whose key it names', () => {
  it('the repro: A and B both keep the default name; a unit assigned by B reports; `ledger import --db A.db --accept-new-keys` refuses it with E_WRONG_RECIPIENT and changes nothing; B takes it', async () => {
    const dir = tempDir();
    const [A, B] = [await testLocation('A.db'), await testLocation('B.db')];
    const U = join(dir, 'U.db');
    const usb = join(dir, 'usb');
    mkdirSync(usb);
    expect((await ledger('init', '--db', A)).code).toBe(0);
    expect((await ledger('init', '--db', B)).code).toBe(0);
    const keysOf = async (db: string) => JSON.parse((await ledger('keys', '--db', db, '--json')).out) as { own: string; office: string | null };
    const [a, b] = [(await keysOf(A)).own, (await keysOf(B)).own];
    expect(a).not.toBe(b);

    expect((await ledger('assign', '--db', B, '--unit', '市残联', '--out', usb)).code).toBe(0);
    expect((await ledger('init', '--db', U, '--from', join(usb, '任务包-市残联-2019-第1版.xlsx'))).code).toBe(0);
    expect((await keysOf(U)).office).toBe(b);
    const values = join(dir, 'canlian.json');
    writeFileSync(values, JSON.stringify(CANLIAN_JUNE));
    expect((await ledger('enter', '--db', U, '--unit', '市残联', '--period', '2019-06', '--values', values)).code).toBe(0);
    // A folder that is not there (`usb2/`), or a name without .xlsx, is a usage error: no file without an extension on the drive.
    for (const out of [join(dir, 'usb2') + '/', join(dir, 'usb2')]) {
      const wrong = await ledger('export', '--db', U, '--period', '2019-06', '--out', out);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toContain('--out 应是一个已有的文件夹,或以 .xlsx 结尾的文件名');
    }
    expect(existsSync(join(dir, 'usb2'))).toBe(false);
    expect((await ledger('export', '--db', U, '--period', '2019-06', '--out', usb)).code).toBe(0);
    const report = join(usb, '填报包-市残联-2019-06-第1版.xlsx');

    // The names say nothing: both offices and the package carry the same one.
    const m = readPackage(readFileSync(report)).manifest;
    expect(m).toMatchObject({ to: DEFAULT_OFFICE_NAME, recipient: b });
    expect(cover(report).get('接收方')).toBe(DEFAULT_OFFICE_NAME);
    expect(cover(report).get('接收方密钥指纹')).toBe(b);

    const before = await snapshotOf(A);
    const refused = await ledger('import', '--db', A, '--accept-new-keys', report);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('(E_WRONG_RECIPIENT)');
    expect(refused.out).toContain(`发给密钥指纹为 ${b} 的汇总端`);
    expect(refused.out).toContain(`本机汇总端(「${DEFAULT_OFFICE_NAME}」)的指纹是 ${a}`);
    expect(refused.out).toContain('即使名称相同,也不是同一个汇总端');
    expect(await snapshotOf(A)).toBe(before);
    expect((await keysOf(A)).own).toBe(a);
    expect(JSON.parse((await ledger('keys', '--db', A, '--json')).out).pinned).toEqual([]);

    const taken = await ledger('import', '--db', B, '--accept-new-keys', report);
    expect(taken.code).toBe(0);
    expect(taken.out).toContain('[已导入]');
  }, 60_000);

  it('office → unit packages carry the unit’s pinned key, or null before its first report; the covers say which', async () => {
    const loop = await createLoop();
    const first = await exportAssignment(loop.office, { unit: '市残联', outDir: loop.dir });
    expect(readPackage(readFileSync(first.file)).manifest.recipient).toBeNull();
    expect(cover(first.file).get('接收方密钥指纹')).toBe('(尚未登记:该单位还没有报送过)');
    const canlian = await loop.unit('市残联');
    const unitKey = (await listKeys(canlian)).own;
    await importFiles(loop.office, [await loop.report(canlian, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });

    const again = await exportAssignment(loop.office, { unit: '市残联', outDir: loop.dir });
    const feedback = await exportFeedback(loop.office, { unit: '市残联', outDir: loop.dir });
    for (const f of [again.file, feedback.file]) {
      expect(readPackage(readFileSync(f)).manifest.recipient).toBe(unitKey);
      expect(cover(f).get('接收方密钥指纹')).toBe(unitKey);
    }
    const [r] = await importFiles(canlian, [feedback.file]);
    expect(r).toMatchObject({ status: 'accepted', kind: 'feedback' });
  });

  it('a unit accepts a feedback package with no recipient key from its pinned office (sent before its first report)', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const feedback = await exportFeedback(loop.office, { unit: '市残联', outDir: loop.dir });
    expect(readPackage(readFileSync(feedback.file)).manifest.recipient).toBeNull();
    const [r] = await importFiles(canlian, [feedback.file]);
    expect(r).toMatchObject({ status: 'accepted', kind: 'feedback' });
  });

  it('a unit that reinstalled refuses a package made for its old key (E_WRONG_RECIPIENT), saying both fingerprints and what to do', async () => {
    const loop = await createLoop();
    const old = await loop.unit('市残联', { dbName: 'canlian-old.db' });
    await importFiles(loop.office, [await loop.report(old, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    const oldKey = (await listKeys(old)).own;
    // Reinstalled: a new database and a new key, set up from the office's assignment again.
    const reinstalled = await loop.unit('市残联', { dbName: 'canlian-new.db' });
    const newKey = (await listKeys(reinstalled)).own;
    const feedback = await exportFeedback(loop.office, { unit: '市残联', outDir: loop.dir });
    const before = await snapshotData(reinstalled.db);
    const [r] = await importFiles(reinstalled, [feedback.file]);
    expect(r).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect(r!.message).toContain(`发给密钥指纹为 ${oldKey} 的市残联填报端`);
    expect(r!.message).toContain(`本机的指纹是 ${newKey}`);
    expect(r!.message).toContain('登记本机的新密钥');
    expect(await snapshotData(reinstalled.db)).toBe(before);
  });

  it('the office name is settable (init, settings; audited), goes on the packages it sends, and a renamed office still receives reports bound to its key', async () => {
    const dir = tempDir();
    const office = await initSummary(await testLocation('S.db'), { officeName: '郎溪县民生工作办公室', now: fixedClock('2019-07-04T09:00:00') });
    try {
      expect(await getSetting(office.db, 'office_name')).toBe('郎溪县民生工作办公室');
      const usb = join(dir, 'usb');
      mkdirSync(usb);
      const a = await exportAssignment(office, { unit: '市残联', outDir: usb });
      expect(readPackage(readFileSync(a.file)).manifest.from).toBe('郎溪县民生工作办公室');
      expect(cover(a.file).get('发送方')).toBe('郎溪县民生工作办公室');
      const unit = await initUnitFromAssignment(join(dir, 'U.db'), a.file, { now: fixedClock('2019-07-02T15:00:00') });
      try {
        await enterReports(unit, { period: '2019-06', items: CANLIAN_JUNE });
        const report = await exportReport(unit, { period: '2019-06', outDir: usb });

        await expect(updateSettings(office, { officeName: '  ' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('不能为空') });
        await expect(updateSettings(office, { officeName: '民生办\u001b[31m' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('控制字符') });
        expect((await updateSettings(office, { officeName: ' 郎溪县民生办 ' })).officeName).toBe('郎溪县民生办');
        expect(await settingsView(office)).toMatchObject({ officeName: '郎溪县民生办' });
        const audit = await listAudit(office.db, { limit: 1 });
        expect(audit[0]).toMatchObject({ action: 'settings.update', before: expect.objectContaining({ officeName: '郎溪县民生工作办公室' }), after: expect.objectContaining({ officeName: '郎溪县民生办' }) });

        // The report still says the old name; the key is what counts.
        expect(readPackage(readFileSync(report.file)).manifest.to).toBe('郎溪县民生工作办公室');
        const [r] = await importFiles(office, [report.file], { acceptNewKeys: true });
        expect(r).toMatchObject({ status: 'accepted' });
        const feedback = await exportFeedback(office, { unit: '市残联', outDir: usb });
        expect(cover(feedback.file).get('发送方')).toBe('郎溪县民生办');
      } finally {
        await unit.close();
      }
    } finally {
      await office.close();
    }
  });

  it('`ledger init --office` names the office; a name with control characters is refused before any file is made', async () => {
    const ok = await ledger('init', '--db', await testLocation('S.db'), '--office', '宣州区民生工作办公室');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('汇总单位:宣州区民生工作办公室');
    const T = await testLocation('T.db');
    const bad = await ledger('init', '--db', T, '--office', 'a\rb');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('E_VALIDATION');
    // No file made, or on PostgreSQL no ledger in the database.
    await expect(openDatabase(T, { mustExist: true })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('a report for another office cannot be used to register a key either', async () => {
    const loop = await createLoop();
    const other = await loop.otherOffice({ name: 'other.db' });
    const unit = await loop.unit('市残联', { office: other });
    const file = await loop.report(unit, '2019-06', CANLIAN_JUNE);
    const before = await snapshotData(loop.office.db);
    await expect(acceptKeyFromFile(loop.office, file)).rejects.toMatchObject({ code: 'E_WRONG_RECIPIENT' });
    expect(await snapshotData(loop.office.db)).toBe(before);
  });

  it('an office whose key file was replaced by another office\'s signs nothing: assign refuses (E_KEY_MISMATCH), writes no file', async () => {
    const loop = await createLoop();
    const other = await initSummary(join(loop.dir, 'other.db'));
    await other.close();
    const db = loop.office.handle.location;
    writeFileSync(keyFilePath(loop.office.file), readFileSync(join(loop.dir, 'other.db.key')));
    const out = join(loop.dir, 'usb-of-the-wrong-key');
    mkdirSync(out);
    const cli = await ledger('assign', '--db', db, '--unit', '市残联', '--out', out);
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('E_KEY_MISMATCH');
    expect(cli.err).toContain('不是这个数据库建立时的密钥');
    expect(readdirSync(out)).toEqual([]);
  });

  it('a report that names no recipient is refused by the office', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const good = readPackage(readFileSync(await loop.report(canlian, '2019-06', CANLIAN_JUNE)));
    const file = join(loop.dir, 'report-without-recipient.xlsx');
    writeFileSync(file, writePackage({ manifest: { ...good.manifest, recipient: null }, sheets: good.content.sheets, data: good.content.data, key: loadKey(canlian.file) }));
    const [r] = await importFiles(loop.office, [file], { acceptNewKeys: true });
    expect(r).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect(r!.message).toContain('没有写明接收方汇总端的密钥指纹');
  });
});
