/**
 * Issue 10 item 7: the dry run. It says what *would* happen, on both sides and for every outcome;
 * within one batch it judges later files as a real import would (the same package twice, an older
 * revision after a newer one); and its changes include an indicator's note (说明).
 */
import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportFileResult } from '../../shared/api';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { exportAssignment, exportFeedback } from '../../electron/services/packages/packages';
import { returnTask } from '../../electron/services/entry/returns';
import { yearEntries } from '../../scripts/bench-setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { CANLIAN_JUNE, createLoop, snapshotData } from '../helpers/loop';

/**
 * A preview message that states something was done: 已导入 / 已登记 / 已更新 / 已接受 / 被拒收. What
 * is a fact about the past stays: 已导入过 (a duplicate), 已导入第N版 (why a file is stale).
 */
const DONE = /已导入(?!过|第)|已登记|已更新|已接受|(?<!将)被拒收|^\(预览\)已/;

const outcome = (r: ImportFileResult) => [r.file, r.status, r.code ?? null];

describe('the dry run', () => {
  it('at the office: every message says what would happen, the batch is judged as a real import judges it, and nothing is written', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const first = await loop.report(canlian, '2019-05', CANLIAN_JUNE);
    expect((await importFiles(loop.office, [first], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
    const rev1 = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const rev2 = await loop.report(canlian, '2019-06', [{ task: 24, indicator: 2, value: 220 }]);
    const rsj = await loop.unit('市人社局');
    await loop.report(rsj, '2019-06', yearEntries(PLAN_2019, '市人社局', '2019-06'));
    // The batch, in name order: June's revision 2, the same package under a second name, the older
    // revision 1 of June under a name that sorts after them, and a broken file.
    copyFileSync(rev2, join(loop.usb, '填报包-市残联-2019-06-第2版_副本.xlsx'));
    renameSync(rev1, join(loop.usb, '填报包-市残联-2019-06-第9版-其实是第1版.xlsx'));
    writeFileSync(join(loop.usb, '填报包-坏文件.xlsx'), 'not a package');

    const before = await snapshotData(loop.office.db);
    const preview = await importFiles(loop.office, [loop.usb], { dryRun: true, acceptNewKeys: true });
    expect(await snapshotData(loop.office.db)).toBe(before);
    const byFile = new Map(preview.map((r) => [r.file, r]));
    expect(byFile.get('填报包-市残联-2019-05-第1版.xlsx')).toMatchObject({ status: 'duplicate', message: expect.stringContaining('已导入过') });
    expect(byFile.get('填报包-市残联-2019-06-第2版.xlsx')).toMatchObject({ status: 'accepted', message: expect.stringMatching(/^\(预览\)将导入 市残联 2019年6月 第2版/) });
    expect(byFile.get('填报包-市残联-2019-06-第2版_副本.xlsx')).toMatchObject({
      status: 'duplicate', message: '文件「填报包-市残联-2019-06-第2版_副本.xlsx」与本批的「填报包-市残联-2019-06-第2版.xlsx」是同一个数据包(市残联 2019年6月 第2版),将作为重复跳过。',
    });
    expect(byFile.get('填报包-市残联-2019-06-第9版-其实是第1版.xlsx')).toMatchObject({ status: 'rejected', code: 'E_STALE_REVISION', message: expect.stringContaining('本批中已有第2版,这个文件是第1版,较旧,将不导入') });
    expect(byFile.get('填报包-坏文件.xlsx')).toMatchObject({ status: 'rejected', message: expect.stringMatching(/^文件「填报包-坏文件.xlsx」将被拒收:/) });
    expect(byFile.get('填报包-市人社局-2019-06-第1版.xlsx')).toMatchObject({ status: 'accepted', message: expect.stringContaining(';将接受新密钥 ') });
    for (const r of preview) expect(r.message, r.file).not.toMatch(DONE);

    // The real import of the same batch gives the same outcome, file by file.
    const real = await importFiles(loop.office, [loop.usb], { acceptNewKeys: true });
    expect(real.map(outcome)).toEqual(preview.map(outcome));
    expect(real.find((r) => r.file === '填报包-市残联-2019-06-第2版_副本.xlsx')!.message).toContain('已导入过');
  });

  it('a unit’s first key is accepted once in a preview: a second file signed with another key for that unit is refused as a real import would', async () => {
    const loop = await createLoop();
    const a = await loop.unit('市残联', { dbName: 'a.db' });
    const b = await loop.unit('市残联', { dbName: 'b.db' });
    const fromA = await loop.report(a, '2019-05', CANLIAN_JUNE);
    const fromB = await loop.report(b, '2019-06', CANLIAN_JUNE);
    const preview = await importFiles(loop.office, [fromA, fromB, fromA], { dryRun: true, acceptNewKeys: true });
    expect(preview.map((r) => [r.status, r.code ?? null])).toEqual([['accepted', null], ['rejected', 'E_KEY_MISMATCH'], ['duplicate', null]]);
    const real = await importFiles(loop.office, [fromA, fromB, fromA], { acceptNewKeys: true });
    expect(real.map((r) => [r.status, r.code ?? null])).toEqual(preview.map((r) => [r.status, r.code ?? null]));
  });

  it('at a unit: the feedback and assignment previews say 将, the same feedback twice is a duplicate, nothing is written', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    await importFiles(loop.office, [await loop.report(canlian, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实' });
    const feedback = await exportFeedback(loop.office, { unit: '市残联', outDir: loop.dir });
    const copy = join(loop.dir, '反馈包-副本.xlsx');
    copyFileSync(feedback.file, copy);
    await loop.office.db.updateTable('indicators').set({ target: 500 }).where('source', 'like', '%428名%').execute();
    await loop.office.db.updateTable('plans').set({ revision: 2 }).execute();
    const assignment = await exportAssignment(loop.office, { unit: '市残联', outDir: loop.dir });

    const before = await snapshotData(canlian.db);
    const preview = await importFiles(canlian, [feedback.file, copy, assignment.file, join(loop.dir, 'missing.xlsx')], { dryRun: true });
    expect(await snapshotData(canlian.db)).toBe(before);
    expect(preview.map((r) => r.status)).toEqual(['accepted', 'duplicate', 'accepted', 'rejected']);
    expect(preview[0]!.message).toBe('(预览)将导入反馈包:1 项任务将被退回,导入后请修改并重新导出。回执 1 份。');
    expect(preview[1]!.message).toContain('与本批的「');
    expect(preview[2]!.message).toBe('(预览)将更新工作计划到第2版:1 处变化。');
    expect(preview[3]!.message).toMatch(/^文件「missing.xlsx」将被拒收:/);
    for (const r of preview) expect(r.message, r.file).not.toMatch(DONE);

    const real = await importFiles(canlian, [feedback.file, copy, assignment.file]);
    expect(real.map((r) => r.status)).toEqual(['accepted', 'duplicate', 'accepted']);
    expect(real[0]!.message).toMatch(/^已导入反馈包/);
  });

  it('the changes include an indicator’s note (说明), before and after', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    await importFiles(loop.office, [await loop.report(canlian, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    await enterReports(canlian, { period: '2019-06', items: [{ task: 24, indicator: 2, value: 214, note: '补录5月漏报16人' }] });
    const rev2 = await loop.report(canlian, '2019-06', []);
    const [r] = await importFiles(loop.office, [rev2], { dryRun: true });
    expect(r!.changes).toEqual([{ task: 24, indicator: 2, field: '说明', before: null, after: '补录5月漏报16人' }]);
    expect(r!.message).toContain('1 处变化');
  });
});
