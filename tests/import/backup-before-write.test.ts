/**
 * The backup an import makes (electron/services/import/import.ts with backupWhenNeeded): taken just before
 * the batch's first write, so a batch that writes nothing leaves no file behind and pushes no older
 * backup out of the rotation; a batch that writes is preceded by a copy holding none of it.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { defaultBackupDir, listBackups } from '../../electron/services/backup/backup';
import { importFiles } from '../../electron/services/import/import';
import { readPackage } from '../../electron/services/packages/package-format';
import { exportFeedback } from '../../electron/services/packages/packages';
import { returnTask } from '../../electron/services/entry/returns';
import { CANLIAN_JUNE, createLoop, snapshotData } from '../helpers/loop';

const NOT_A_PACKAGE = new URL('../fixtures/packages/not-a-package-text-renamed.xlsx', import.meta.url).pathname;
const TAMPERED = new URL('../fixtures/packages/report-visible-cell-edited-and-resaved.xlsx', import.meta.url).pathname;

function count(file: string, sql: string, ...params: unknown[]): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the backup before an import', () => {
  it('a batch that writes nothing makes none: every file refused, every file a duplicate, a dry run', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    expect(await importFiles(loop.office, [june], { acceptNewKeys: true })).toEqual([expect.objectContaining({ status: 'accepted' })]);
    const before = listBackups(loop.office.file);
    expect(before.map((b) => b.reason)).toEqual(['before-import']);

    const refused = await importFiles(loop.office, [NOT_A_PACKAGE, TAMPERED]);
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const duplicates = await importFiles(loop.office, [june, june]);
    expect(duplicates.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    const preview = await importFiles(loop.office, [june], { dryRun: true });
    expect(preview.map((r) => r.status)).toEqual(['duplicate']);
    expect(listBackups(loop.office.file)).toEqual(before);
  });

  it('a batch that writes is preceded by one copy holding none of it, which each merged package names', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const may = await loop.report(canlian, '2019-05', CANLIAN_JUNE);
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    // Refused files first: the backup is made at the first file that writes, not before.
    const results = await importFiles(loop.office, [NOT_A_PACKAGE, TAMPERED, may, june], { acceptNewKeys: true });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'accepted', 'accepted']);
    const [backup, ...others] = listBackups(loop.office.file);
    expect(others).toEqual([]);
    expect(backup).toMatchObject({ reason: 'before-import' });
    const incoming = `SELECT count(*) AS n FROM packages WHERE direction = 'in'`;
    expect(count(backup!.file, incoming)).toBe(0);
    expect(count(backup!.file, 'SELECT count(*) AS n FROM unit_keys')).toBe(0);
    expect(count(loop.office.file, incoming)).toBe(2);
    const lines = await listAudit(loop.office.db, { action: 'package.import' });
    expect(lines.map((l) => (l.after as { backup: string }).backup)).toEqual([basename(backup!.file), basename(backup!.file)]);
  });

  it('at a unit: a feedback package already imported makes none, a new one makes one first', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    await importFiles(loop.office, [await loop.report(canlian, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实康复训练人数' });
    const fb = await exportFeedback(loop.office, { unit: '市残联', outDir: loop.dir });
    expect(listBackups(canlian.file)).toEqual([]);

    expect(await importFiles(canlian, [fb.file, NOT_A_PACKAGE])).toMatchObject([{ status: 'accepted' }, { status: 'rejected' }]);
    const [backup, ...others] = listBackups(canlian.file);
    expect(others).toEqual([]);
    expect(count(backup!.file, 'SELECT count(*) AS n FROM returns')).toBe(0);
    expect(count(canlian.file, 'SELECT count(*) AS n FROM returns')).toBe(1);

    expect(await importFiles(canlian, [fb.file])).toMatchObject([{ status: 'duplicate' }]);
    expect(listBackups(canlian.file)).toEqual([backup]);
  });

  it('when the backup cannot be made nothing is imported; a batch that writes nothing does not need one', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    // Where the backups go is a file, not a folder.
    writeFileSync(defaultBackupDir(loop.office.file), '不是文件夹');
    const before = await snapshotData(loop.office.db);
    const err = await importFiles(loop.office, [june], { acceptNewKeys: true }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_WRITE_FAILED', message: expect.stringMatching(/^无法在备份文件夹 .*office\.db\.backups 中写入备份:文件夹路径无效.*数据库本身没有改动。$/) });
    expect(await snapshotData(loop.office.db)).toBe(before);
    expect(loop.office.handle.sqlite!.inTransaction).toBe(false);

    expect((await importFiles(loop.office, [NOT_A_PACKAGE])).map((r) => r.code)).toEqual(['E_NOT_A_PACKAGE']);
    expect(await snapshotData(loop.office.db)).toBe(before);
  });

  it('the copy is made from what is committed, though the batch holds its first package uncommitted meanwhile', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    // The same package twice under two names: the second is a duplicate of the first within one
    // group, so it is checked against the open transaction, while the backup must not see that.
    const copy = join(loop.dir, 'copy-of-june.xlsx');
    copyFileSync(june, copy);
    const results = await importFiles(loop.office, [june, copy], { acceptNewKeys: true });
    expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate']);
    const [backup] = listBackups(loop.office.file);
    const id = readPackage(readFileSync(june)).manifest.packageId;
    expect(count(backup!.file, 'SELECT count(*) AS n FROM packages WHERE package_id = ?', id)).toBe(0);
    expect(count(loop.office.file, 'SELECT count(*) AS n FROM packages WHERE package_id = ?', id)).toBe(1);
  });
});
