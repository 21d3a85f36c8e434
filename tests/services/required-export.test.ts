/**
 * The export enforces what the form marks 必填 and nothing it marks 选填 (shared/rules/required.ts): a
 * cooperating task with its 协办情况 but no 推进状态 goes out and is imported; a lead task without its
 * status is refused, naming the task and the field.
 */
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

describe('required fields at export', () => {
  it('a co-task without 推进状态 (选填) is exported and imported; a lead task without it (必填) is refused', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    const withoutCoStatus = CANLIAN_JUNE.map((i) => (i.task === 23 ? { task: 23, progress: '配合开展残疾人补贴发放' } : i));
    await loop.report(unit, '2019-06', withoutCoStatus);
    const [r] = await importFiles(loop.office, [loop.usb], { acceptNewKeys: true });
    expect(r).toMatchObject({ status: 'accepted' });
    const co = await loop.office.db.selectFrom('reports').innerJoin('tasks', 'tasks.id', 'reports.task_id')
      .select(['reports.status', 'reports.progress']).where('tasks.no', '=', 23).executeTakeFirstOrThrow();
    expect(co).toEqual({ status: null, progress: '配合开展残疾人补贴发放' });

    const withoutLeadStatus = CANLIAN_JUNE.map((i) => (i.task === 24 && i.indicator === undefined ? { ...i, status: null } : i));
    await expect(loop.report(unit, '2019-06', withoutLeadStatus)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('任务24「推进贫困残疾人康复」还没有选择「推进状态」') });
  });
});
