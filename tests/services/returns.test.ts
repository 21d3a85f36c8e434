import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { closeReturn, listReturns, returnTask } from '../../electron/services/entry/returns';
import { importFiles } from '../../electron/services/import/import';
import { exportFeedback } from '../../electron/services/packages/packages';
import { entryForm } from '../../electron/services/views';
import { lockPeriod } from '../../electron/services/entry/periods';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

/** 市残联's June with the figures of task 24 raised after the office's return. */
const CANLIAN_JUNE_CORRECTED = CANLIAN_JUNE.map((i) => (i.task === 24 && i.indicator === 1 ? { ...i, value: 1700 } : i));

describe('what cannot be returned', () => {
  it('refuses a task the unit has not reported, a task already returned and not yet answered, and a task of a locked period', async () => {
    const loop = await createLoop();
    await expect(returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实' })).rejects.toMatchObject({
      code: 'E_VALIDATION', message: '市残联还没有报来2019年6月的任务24,没有可退回的内容。',
    });
    const unit = await loop.unit('市残联');
    await importFiles(loop.office, [await loop.report(unit, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实' });
    await expect(returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '再补一句' })).rejects.toMatchObject({
      code: 'E_EXISTS', message: expect.stringContaining('任务24已经退回,尚未重报'),
    });
    await lockPeriod(loop.office, '2019-06');
    await expect(returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 23, comment: '协办情况请写具体' })).rejects.toMatchObject({
      code: 'E_PERIOD_LOCKED', message: expect.stringContaining('2019年6月已关账锁定,退回后市残联的重报无法导入'),
    });
    expect(await listReturns(loop.office)).toHaveLength(1);
  });
});

describe('a return followed through: 已退回 → 已发反馈包 → 已重报 (第2版) → 已关闭', () => {
  it('the corrected 第2版 marks it 已重报 with its revision at the office; the office closes it; every step audited', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    await importFiles(loop.office, [await loop.report(unit, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });

    const made = await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '药费补助人数与民政口径不一致,请核实' });
    expect(made).toMatchObject({ stage: '已退回', answeredRevision: null, closedAt: null });
    // Closing before the unit answered is refused with what to wait for.
    await expect(closeReturn(loop.office, made.id)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('还是「已退回」:市残联还没有报来改正后的新版本') });

    const out = join(loop.dir, 'feedback');
    mkdirSync(out);
    const feedback = await exportFeedback(loop.office, { unit: '市残联', outDir: out });
    expect((await listReturns(loop.office))[0]).toMatchObject({ id: made.id, stage: '已发反馈包' });

    // The unit sees it returned until it exports the correction.
    await importFiles(unit, [feedback.file]);
    expect((await listReturns(unit))[0]).toMatchObject({ stage: '已退回', task: 24 });
    expect((await entryForm(unit, { period: '2019-06' })).tasks.find((t) => t.no === 24)!.returnComment).toBe('药费补助人数与民政口径不一致,请核实');
    const second = await loop.report(unit, '2019-06', CANLIAN_JUNE_CORRECTED);
    expect((await listReturns(unit))[0]).toMatchObject({ stage: '已重报', answeredRevision: 2 });

    const [imported] = await importFiles(loop.office, [second]);
    expect(imported).toMatchObject({ status: 'accepted', revision: 2, message: expect.stringContaining('退回的任务24已重报,请核对后关闭退回') });
    const answered = (await listReturns(loop.office, { period: '2019-06' }))[0]!;
    expect(answered).toMatchObject({ id: made.id, stage: '已重报', answeredRevision: 2, answeredAt: expect.any(String), closedAt: null });
    expect((await listAudit(loop.office.db, { action: 'return.answered' }))[0]).toMatchObject({
      entityId: String(made.id), before: { stage: '已发反馈包' }, after: { stage: '已重报', unit: '市残联', period: '2019-06', task: 24, revision: 2 },
    });

    const closed = await closeReturn(loop.office, made.id);
    expect(closed).toMatchObject({ stage: '已关闭', answeredRevision: 2, closedAt: expect.any(String) });
    expect((await listAudit(loop.office.db, { action: 'return.close' }))[0]).toMatchObject({ before: { stage: '已重报' }, after: { stage: '已关闭', revision: 2 } });
    await expect(closeReturn(loop.office, made.id)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('已经关闭') });
    await expect(closeReturn(unit, made.id)).rejects.toMatchObject({ code: 'E_WRONG_ROLE' });
  });

  it('a feedback package lost on the way is made good by the next, which carries every open return again; the unit takes each return once, and an old package arriving late does not return a corrected task again', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    await importFiles(loop.office, [await loop.report(unit, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实' });
    const out = join(loop.dir, 'feedback');
    mkdirSync(out);
    const lost = await exportFeedback(loop.office, { unit: '市残联', outDir: out });
    const again = await exportFeedback(loop.office, { unit: '市残联', outDir: out });
    const [second] = await importFiles(unit, [again.file]);
    expect(second!.message).toContain('1 项任务被退回');
    expect(await listReturns(unit)).toHaveLength(1);
    const corrected = await loop.report(unit, '2019-06', CANLIAN_JUNE_CORRECTED);
    // The first package turns up after the correction: nothing is returned a second time.
    const [late] = await importFiles(unit, [lost.file]);
    expect(late!.message).toContain('没有新的退回任务(另有 1 项此前的反馈包已送达,不重复记录)');
    expect((await listReturns(unit)).map((r) => r.stage)).toEqual(['已重报']);
    // Once the office has the correction, the next feedback package returns nothing.
    await importFiles(loop.office, [corrected]);
    const after = await exportFeedback(loop.office, { unit: '市残联', outDir: out });
    expect((await importFiles(unit, [after.file]))[0]!.message).toContain('没有新的退回任务');
  });

  it('a return that reaches the unit after it exported the period again says the new version may already answer it', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联', { clock: '2019-07-05T10:00:00' });
    await importFiles(loop.office, [await loop.report(unit, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实' }); // at 07-04 09:00
    await loop.report(unit, '2019-06', CANLIAN_JUNE_CORRECTED); // 07-05: told by phone, corrected before the package came
    const out = join(loop.dir, 'feedback');
    mkdirSync(out);
    const [r] = await importFiles(unit, [(await exportFeedback(loop.office, { unit: '市残联', outDir: out })).file]);
    expect(r!.message).toContain('注意:任务24在退回之后本机已导出过该期的填报包;如已按退回意见改正,无需再报。');
  });

  it('a report of another period does not answer it', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    await importFiles(loop.office, [await loop.report(unit, '2019-06', CANLIAN_JUNE)], { acceptNewKeys: true });
    const made = await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 23, comment: '协办情况请写具体' });
    // May's report is another period: the June return stays open.
    await importFiles(loop.office, [await loop.report(unit, '2019-05', CANLIAN_JUNE)]);
    expect((await listReturns(loop.office))[0]).toMatchObject({ id: made.id, stage: '已退回', answeredRevision: null });
  });
});
