import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { exportFeedback } from '../../electron/services/packages/packages';
import { importFiles } from '../../electron/services/import/import';
import { listKeys } from '../../electron/services/keys/keys';
import { listReturns, returnTask } from '../../electron/services/entry/returns';
import { loadPeriodData, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { enterReports } from '../../electron/services/entry/entry';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';
import { testDialect } from '../helpers/ledger';

describe('the whole loop on real files', () => {
  it('assignment → unit → entry → report package → import → summary; feedback returns a task; the corrected re-export replaces the values', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const keys = await listKeys(canlian);
    expect(keys.office).toBe((await listKeys(loop.office)).own);

    const rev1 = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    expect(rev1).toMatch(/填报包-市残联-2019-06-第1版\.xlsx$/);

    // First package: the office is shown the fingerprint and must accept it.
    const [first] = await importFiles(loop.office, [loop.usb]);
    expect(first).toMatchObject({ status: 'rejected', code: 'E_UNKNOWN_KEY', fingerprint: keys.own });
    const dry = await importFiles(loop.office, [loop.usb], { dryRun: true, acceptNewKeys: true });
    expect(dry[0]).toMatchObject({ status: 'accepted' });
    expect(dry[0]!.changes).toContainEqual({ task: 24, indicator: 2, field: '累计完成', before: null, after: 214 });
    expect((await listKeys(loop.office)).pinned).toHaveLength(0); // a dry run writes nothing

    const [merged] = await importFiles(loop.office, [loop.usb], { acceptNewKeys: true, receivedOn: '2019-07-04' });
    expect(merged).toMatchObject({ status: 'accepted', unit: '市残联', period: '2019-06', revision: 1 });
    expect((await listKeys(loop.office)).pinned).toEqual([expect.objectContaining({ unit: '市残联', fingerprint: keys.own })]);

    let d = await loadPeriodData(loop.office, '2019-06');
    expect(summaryByUnit(d).find((r) => r.unit === '市残联')).toMatchObject({ onTime: 1, missing: 0, completion: 0.5, green: 1, state: '已报送' });
    expect(summaryByTask(d).find((t) => t.no === 24)!.indicators.map((i) => i.value)).toEqual([1632, 214, 30]);
    const report24 = [...d.reports.values()].find((r) => r.taskId === d.plan.tasks.find((t) => t.no === 24)!.id)!;
    expect(report24).toMatchObject({ source: 'package', revision: 1, receivedOn: '2019-07-04', proxy: false });

    // Importing the same file again changes nothing.
    const [again] = await importFiles(loop.office, [rev1]);
    expect(again).toMatchObject({ status: 'duplicate' });

    // The office returns task 24; the unit imports the feedback and sees the comment.
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '康复训练人数与年报不一致,请核实' });
    const fb = await exportFeedback(loop.office, { unit: '市残联', outDir: loop.dir });
    const [fbResult] = await importFiles(canlian, [fb.file]);
    expect(fbResult).toMatchObject({ status: 'accepted', kind: 'feedback' });
    expect(await listReturns(canlian)).toEqual([expect.objectContaining({ task: 24, comment: '康复训练人数与年报不一致,请核实', done: false })]);

    // Corrected and exported again: revision 2 replaces revision 1, which stays in the history.
    await enterReports(canlian, { unit: '市残联', period: '2019-06', items: [{ task: 24, indicator: 2, value: 230 }] });
    const rev2 = await loop.report(canlian, '2019-06', []);
    expect(rev2).toMatch(/第2版/);
    expect((await listReturns(canlian))[0]!.done).toBe(true);
    const results = await importFiles(loop.office, [rev2, rev1]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate']);
    expect(results[0]!.changes).toEqual([{ task: 24, indicator: 2, field: '累计完成', before: 214, after: 230 }]);
    d = await loadPeriodData(loop.office, '2019-06');
    expect(summaryByTask(d).find((t) => t.no === 24)!.indicators.map((i) => i.value)).toEqual([1632, 230, 30]);
    const history = await loop.office.db.selectFrom('report_history').selectAll().execute();
    expect(history.length).toBeGreaterThan(0);
    expect(JSON.parse(history.find((h) => JSON.parse(h.snapshot).values.some((v: { value: number }) => v.value === 214))!.snapshot).revision).toBe(1);

    // Every imported file is archived with its bytes and hash.
    const archived = await loop.office.db.selectFrom('packages').select(['file_name', 'sha256', 'size', 'revision']).where('direction', '=', 'in').orderBy('received_at').execute();
    expect(archived.map((a) => a.revision)).toEqual([1, 2]);
    expect(archived.every((a) => /^[0-9a-f]{64}$/.test(a.sha256) && a.size > 1000)).toBe(true);

    const actions = (await listAudit(loop.office.db)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['key.accept-first', 'report.import', 'package.import', 'report.return', 'package.export.feedback']));
    expect(readdirSync(loop.usb).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a unit cannot export an incomplete lead task, and says which', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    await expect(loop.report(canlian, '2019-06', CANLIAN_JUNE.slice(0, 2))).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringContaining('指标「残疾儿童康复训练」的「累计完成」还没有填写'),
    });
    expect(readdirSync(loop.usb)).toEqual([]);
  });

  it('a later assignment updates the unit’s targets only when signed by the pinned office key', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    await loop.office.db.updateTable('indicators').set({ target: 500 }).where('source', 'like', '%428名%').execute();
    await loop.office.db.updateTable('plans').set({ revision: 2 }).execute();
    const { exportAssignment } = await import('../../electron/services/packages/packages');
    const a2 = await exportAssignment(loop.office, { unit: '市残联', outDir: loop.usb });
    const [r] = await importFiles(canlian, [a2.file]);
    expect(r).toMatchObject({ status: 'accepted', kind: 'assignment', changes: [{ task: 24, indicator: 2, field: '目标', before: 428, after: 500 }] });
    const t = await canlian.db.selectFrom('indicators').select('target').where('source', 'like', '%428名%').executeTakeFirstOrThrow();
    expect(t.target).toBe(500);

    const stranger = await loop.otherOffice({ name: 'stranger.db' });
    const fake = await exportAssignment(stranger, { unit: '市残联', outDir: join(loop.dir) });
    const [refused] = await importFiles(canlian, [fake.file]);
    expect(refused).toMatchObject({ status: 'rejected', code: 'E_KEY_MISMATCH' });
  });
});

describe('a backup before every import batch', () => {
  // A SQLite office copies its file before a batch; on PostgreSQL the server's own backups stand for it (import.ts).
  it.skipIf(testDialect() === 'postgres')('keeps the database as it was before the batch, and a dry run makes none', async () => {
    const { listBackups, checkBackupFile } = await import('../../electron/services/backup/backup');
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    await importFiles(loop.office, [loop.usb], { dryRun: true, acceptNewKeys: true });
    expect(listBackups(loop.office.file)).toHaveLength(0);
    await importFiles(loop.office, [loop.usb], { acceptNewKeys: true });
    const backups = listBackups(loop.office.file);
    expect(backups).toEqual([expect.objectContaining({ reason: 'before-import' })]);
    await checkBackupFile(backups[0]!.file);
    const copy = new BetterSqlite3(backups[0]!.file, { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM reports').get()).toEqual({ n: 0 });
    copy.close();
    const audit = await listAudit(loop.office.db, { action: 'package.import' });
    expect(audit[0]!.after).toMatchObject({ backup: expect.stringContaining('before-import') });
  });
});
