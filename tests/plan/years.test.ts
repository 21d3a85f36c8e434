// A new year starts a new ledger file (`init --carry-from`), the year before stays readable with `--db` as it
// was: the office keeps its key, name and settings, the units' pinned keys carry over (no new phone check),
// and a unit starts the new year from the new assignment package, keeping its own key.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAN_2019 } from '../../seeds/plan2019';
import { getSetting } from '../../db/queries/settings';
import { openLedger, type OpenLedger } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { listKeys } from '../../electron/services/keys/keys';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { yearEntries } from '../../scripts/bench-setup';
import { runLedger as ledger } from '../helpers/cli';
import { fixedClock } from '../helpers/ledger';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';
import { editPlan } from './county-plan';

const PLAN_2020 = editPlan(PLAN_2019, (p) => {
  Object.assign(p, { id: 'xuancheng-2020', year: 2020, title: '2020年全市民生工作要点', issuedOn: '2020-04-10' });
});

describe('a new year', () => {
  it('starts a new ledger from last year’s: the office key, name, settings and units’ keys carry over; the unit starts 2020 from its assignment with its own key; 2019 stays readable', async () => {
    const loop = await createLoop();
    await loop.office.db.updateTable('settings').set({ value: '15' }).where('key', '=', 'yellow_points').execute();
    const canlian = await loop.unit('市残联');
    await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    expect((await importFiles(loop.office, [loop.usb], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted' });
    const office2019 = await listKeys(loop.office);
    const unit2019 = await listKeys(canlian);
    const planFile = join(loop.dir, '2020.json');
    writeFileSync(planFile, JSON.stringify(PLAN_2020));

    const s2020 = join(loop.dir, 'S2020.db');
    const init = await ledger('init', '--db', s2020, '--plan', planFile, '--carry-from', loop.office.file);
    expect(init.err).toBe('');
    expect(init.code).toBe(0);
    expect(init.out).toContain(`本机密钥指纹:${office2019.own}`);
    expect(init.out).toContain('1 个单位的密钥已登记');
    const open: OpenLedger[] = [];
    try {
      const office = await openLedger(s2020, { now: fixedClock('2020-07-04T09:00:00'), actor: '汇总端测试' });
      open.push(office);
      expect(await getSetting(office.db, 'office_name')).toBe('市民生工作办公室');
      expect(await getSetting(office.db, 'yellow_points')).toBe('15');
      expect((await listKeys(office)).pinned).toEqual([expect.objectContaining({ unit: '市残联', fingerprint: unit2019.own, acceptedAt: office2019.pinned[0]!.acceptedAt })]);

      // The unit's 2019 ledger refuses the 2020 assignment, and says how to start the new year.
      const a2020 = await exportAssignment(office, { unit: '市残联', outDir: loop.dir });
      const [refused] = await importFiles(canlian, [a2020.file]);
      expect(refused).toMatchObject({ status: 'rejected', code: 'E_WRONG_PLAN', message: expect.stringContaining('--carry-from') });

      const u2020 = join(loop.dir, 'U2020.db');
      const unitInit = await ledger('init', '--db', u2020, '--from', a2020.file, '--carry-from', canlian.file);
      expect(unitInit.err).toBe('');
      expect(unitInit.out).toContain(`本机密钥指纹:${unit2019.own}(沿用上年的密钥)`);
      const unit = await openLedger(u2020, { now: fixedClock('2020-07-02T15:00:00'), actor: '市残联' });
      open.push(unit);
      await enterReports(unit, { period: '2020-06', items: yearEntries(PLAN_2020, '市残联', '2020-06') });
      const june = await exportReport(unit, { period: '2020-06', outDir: loop.dir });
      // No new key to accept: the office knows this unit's key from last year.
      const [merged] = await importFiles(office, [june.file]);
      expect(merged).toMatchObject({ status: 'accepted', unit: '市残联', period: '2020-06' });
    } finally {
      for (const l of open.reverse()) await l.close();
    }

    // Last year's files work unchanged.
    const old = await ledger('summary', '--db', loop.office.file, '--period', '2019-06', '--by', 'unit', '--json');
    expect(old.code).toBe(0);
    expect(JSON.stringify(JSON.parse(old.out))).toContain('市残联');
    expect((await ledger('plan', '--db', loop.office.file)).out).toContain('2019年全市民生工作要点');
  });

  it('refuses to carry a ledger of the same year, or a unit’s ledger to an assignment signed by another office key, creating nothing', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const same = join(loop.dir, 'again.json');
    writeFileSync(same, JSON.stringify({ ...PLAN_2019, id: 'xuancheng-2019b' }));
    const s = join(loop.dir, 'S2019b.db');
    const r = await ledger('init', '--db', s, '--plan', same, '--carry-from', loop.office.file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('只能从往年的台账接续到新一年');
    expect(existsSync(s)).toBe(false);
    expect(existsSync(`${s}.key`)).toBe(false);

    const planFile = join(loop.dir, '2020.json');
    writeFileSync(planFile, JSON.stringify(PLAN_2020));
    const stranger = join(loop.dir, 'stranger2020.db');
    expect((await ledger('init', '--db', stranger, '--plan', planFile)).code).toBe(0);
    const strangerLedger = await openLedger(stranger);
    const a = await exportAssignment(strangerLedger, { unit: '市残联', outDir: loop.dir }).finally(() => strangerLedger.close());
    const u = join(loop.dir, 'U2020.db');
    const refused = await ledger('init', '--db', u, '--from', a.file, '--carry-from', canlian.file);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('E_KEY_MISMATCH');
    expect(existsSync(u)).toBe(false);
    expect(existsSync(`${u}.key`)).toBe(false);
  });
});
