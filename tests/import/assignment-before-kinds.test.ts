/**
 * An assignment package written before indicators had kinds (no `kind`, `deadline` or `frequency` in its
 * plan) still sets up a unit: it verifies as signed, and its indicators get the kinds migration 003
 * gives a stored plan, which for the 2019 plan are the hand-checked ones.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initUnitFromAssignment } from '../../electron/services/import/import';
import { loadKey } from '../../electron/services/keys/keys';
import { writePackage } from '../../electron/services/packages/package-writer';
import { initSummary } from '../../electron/services/plan/setup';
import { activePlan } from '../../electron/services/context';
import { planPeriods, dueDate } from '../../shared/rules/periods';
import { PLAN_2019 } from '../../seeds/plan2019';
import { tempDir, testLocation } from '../helpers/ledger';

describe('an assignment package from before indicator kinds', () => {
  it('sets up the unit, with every indicator of the 2019 plan given its hand-checked kind', async () => {
    const dir = tempDir();
    const office = await initSummary(await testLocation('S.db'));
    const key = loadKey(office.file);
    await office.close();
    const { frequency: _frequency, ...planWithoutFrequency } = PLAN_2019;
    const olderPlan = {
      ...planWithoutFrequency,
      categories: PLAN_2019.categories.map((c) => ({
        ...c, tasks: c.tasks.map((t) => ({ ...t, indicators: t.indicators.map(({ kind: _k, deadline: _d, ...i }) => i) })),
      })),
    };
    const bytes = writePackage({
      manifest: {
        kind: 'assignment', packageId: 'older-assignment-1', planId: PLAN_2019.id, planRevision: 1, from: '市民生工作办公室',
        to: '市残联', recipient: null, unit: '市残联', periods: [], revision: 1, createdAt: '2019-05-01T08:00:00.000Z',
      },
      sheets: [{ name: '封面', rows: [['民生工作督办台账 · 任务包']] }],
      data: {
        plan: olderPlan,
        periods: planPeriods(2019, 'monthly').map((p) => ({ period: p, dueOn: dueDate(p) })),
        unit: '市残联',
        office: { name: '市民生工作办公室', publicKey: key.publicKey },
      },
      key,
    });
    const file = join(dir, '任务包-市残联-2019-第1版.xlsx');
    writeFileSync(file, bytes);

    const unit = await initUnitFromAssignment(join(dir, 'U.db'), file);
    try {
      const plan = await activePlan(unit);
      expect(plan.frequency).toBe('monthly');
      const seedKinds = PLAN_2019.categories.flatMap((c) => c.tasks.flatMap((t) => t.indicators.map((i) => `${t.no}.${i.no}:${i.kind}`)));
      expect(plan.tasks.flatMap((t) => t.indicators.map((i) => `${t.no}.${i.no}:${i.kind}`))).toEqual(seedKinds);
      expect(plan.tasks.flatMap((t) => t.indicators).every((i) => i.deadline === null)).toBe(true);
    } finally {
      await unit.close();
    }
  });
});
