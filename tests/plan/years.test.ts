// A new year starts a new ledger file (`init --carry-from`), the year before stays readable with `--db` as it
// was: the office keeps its key, name and settings, the units' pinned keys and its counties with theirs carry
// over (no new phone check),
// and a unit starts the new year from the new assignment package, keeping its own key.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAN_2019 } from '../../seeds/plan2019';
import { getSetting } from '../../db/queries/settings';
import type { Channel, RequestOf, ResponseOf } from '../../shared/api';
import { createHandlers, dispatch, LedgerSession, type Dialogs, type Handlers } from '../../electron/services/api';
import { openLedger, type OpenLedger } from '../../electron/services/context';
import { initSummary } from '../../electron/services/plan/setup';
import { latestYearFile, yearFile } from '../../electron/services/plan/years';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { listKeys } from '../../electron/services/keys/keys';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { yearEntries } from '../../scripts/bench-setup';
import { runLedger as ledger } from '../helpers/cli';
import { fixedClock } from '../helpers/ledger';
import { CANLIAN_JUNE, createLoop, snapshotData } from '../helpers/loop';
import { editPlan } from './county-plan';
import { setOffices } from '../levels/levels-loop';
import { listOffices } from '../../db/queries/levels';
import { pinOfficeKey } from '../../db/queries/rollups';
import { fingerprint } from '../../electron/services/keys/signing';
import { testKey } from '../packages/helpers';

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
    // Two counties on the list, 郎溪县's key pinned when it rolled up (here pinned directly).
    await setOffices(loop.office, ['郎溪县', '广德市']);
    const county = testKey('other');
    const langxi = (await listOffices(loop.office.db)).find((o) => o.name === '郎溪县')!;
    await pinOfficeKey(loop.office.db, { officeId: langxi.id, publicKey: county.publicKey, fingerprint: fingerprint(county.publicKey), at: '2019-07-04T01:00:00.000Z', by: '市民生办' });
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
      // The counties go on as they were: the list in its order (not the plan's default seven), 郎溪县's key kept.
      expect((await listOffices(office.db)).map((o) => o.name)).toEqual(['郎溪县', '广德市']);
      expect((await listKeys(office)).offices).toEqual(office2019.offices);
      expect(office2019.offices).toEqual([expect.objectContaining({ office: '郎溪县', fingerprint: fingerprint(county.publicKey) })]);

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
      // Last year's report brought to the new year's ledger says which ledger takes it.
      const [lastYear] = await importFiles(office, [loop.usb]);
      expect(lastYear).toMatchObject({ status: 'rejected', code: 'E_WRONG_PLAN', message: expect.stringContaining('它是 2019 年的填报包,本机是 2020 年的台账;请在 2019 年的台账中导入') });
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

    // Next year's plan made by editing last year's, its year and title changed but not its id: refused, with the id to use.
    const keptId = join(loop.dir, 'kept-id.json');
    writeFileSync(keptId, JSON.stringify({ ...PLAN_2020, id: PLAN_2019.id }));
    const k = join(loop.dir, 'S2020-kept-id.db');
    const kept = await ledger('init', '--db', k, '--plan', keptId, '--carry-from', loop.office.file);
    expect([kept.code, kept.err]).toEqual([1, expect.stringContaining(`的编号(id)「${PLAN_2019.id}」与上年的计划相同`)]);
    expect(kept.err).toContain('「xuancheng-2020」');
    expect(existsSync(k)).toBe(false);

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

describe('years in the app', () => {
  /** Handlers over `session` whose open-file dialogs answer `answers`, one per dialog. */
  function appOn(session: LedgerSession, answers: string[]): Handlers {
    const dialogs: Dialogs = { openFiles: async () => [answers.shift()!], openFolder: async () => null, chooseFolder: async () => null, saveFile: async () => null };
    return createHandlers({ session, dialogs, emit: () => undefined, now: fixedClock('2020-04-10T09:00:00'), actor: '汇总端测试' });
  }
  /** A channel's answer through dispatch (its request checked as the app's are); a refusal fails the test. */
  async function call<C extends Channel>(app: Handlers, channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
    const r = await dispatch(app, channel, req);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value as ResponseOf<C>;
  }

  it('starts 2020 beside 2019 (key, name, units’ keys carried) and works in it; 2019 opens read-only from the year switcher, writes refused in Chinese', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    expect((await importFiles(loop.office, [loop.usb], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted' });
    const office2019 = await listKeys(loop.office);
    const notice = join(loop.dir, '2020年民生工作要点.json');
    writeFileSync(notice, JSON.stringify(PLAN_2020));
    const sameYear = join(loop.dir, '2019年修订.json');
    writeFileSync(sameYear, JSON.stringify({ ...PLAN_2019, id: 'again' }));

    const session = new LedgerSession(loop.office.file, { now: fixedClock('2020-04-10T09:00:00'), actor: '汇总端测试' });
    const app = appOn(session, [sameYear, notice]);
    try {
      expect(await call(app, 'years:list', {})).toEqual([{ year: 2019, title: '2019年全市民生工作要点', fileName: 'office.db', open: true, latest: true }]);

      // A plan of the same year cannot start a new year: it is shown with the reason, and refused if sent anyway.
      const same = await call(app, 'years:preview', {});
      expect(same!.parsed.errors).toEqual([{ where: '年度', message: '这是 2019 年的计划,本台账已是 2019 年的:新的一年须是 2020 年或以后。同一年的计划调整请用「编辑计划」。' }]);
      expect(await dispatch(app, 'years:start', { plan: same!.parsed.plan })).toMatchObject({ ok: false, error: { code: 'E_WRONG_PLAN' } });

      const preview = await call(app, 'years:preview', {});
      expect(preview).toMatchObject({ fileName: '2020年民生工作要点.json', ledgerFileName: 'office-2020.db', parsed: { errors: [] } });
      const before2019 = await snapshotData(loop.office.db);
      const started = await call(app, 'years:start', { plan: preview!.parsed.plan });
      expect(started).toMatchObject({ year: 2020, planTitle: '2020年全市民生工作要点', fingerprint: office2019.own, officeName: '市民生工作办公室', readOnlyYear: null });
      expect(session.dbFile).toBe(yearFile(loop.office.file, 2020));
      expect(basename(session.dbFile)).toBe('office-2020.db');
      expect((await call(app, 'keys:list', {})).pinned).toEqual([expect.objectContaining({ unit: '市残联', fingerprint: office2019.pinned[0]!.fingerprint })]);
      expect(await snapshotData(loop.office.db)).toBe(before2019);
      expect(await call(app, 'years:list', {})).toEqual([
        { year: 2020, title: '2020年全市民生工作要点', fileName: 'office-2020.db', open: true, latest: true },
        { year: 2019, title: '2019年全市民生工作要点', fileName: 'office.db', open: false, latest: false },
      ]);
      // At the next start the app opens the newest year.
      expect(await latestYearFile(loop.office.file)).toBe(session.dbFile);

      // 2019, read-only: its summary as it was; every write refused, naming the year and the way back.
      expect(await call(app, 'years:open', { year: 2019 })).toMatchObject({ year: 2019, readOnlyYear: 2019 });
      const june = await call(app, 'summary:byUnit', { period: '2019-06' });
      expect(june.rows.find((r) => r.unit === '市残联')).toMatchObject({ due: 1, missing: 0, state: '已报送' });
      const mtime = statSync(loop.office.file).mtimeMs;
      for (const [channel, req] of [['settings:update', { yellowPoints: 20 }], ['periods:lock', { period: '2019-06' }], ['plan:previewEdit', { plan: PLAN_2019 }], ['years:preview', {}]] as const) {
        expect(await dispatch(app, channel, req)).toEqual({ ok: false, error: { code: 'E_READ_ONLY', message: expect.stringMatching(/^正在查看 2019 年的台账:往年的台账只能查看、打印和导出,不能(修改|开始新的一年)。要继续工作,请在「工作计划」页的年度中选回今年的台账。$/) } });
      }
      expect(await snapshotData(loop.office.db)).toBe(before2019);
      expect(statSync(loop.office.file).mtimeMs).toBe(mtime);
      expect(await dispatch(app, 'years:open', { year: 2018 })).toEqual({ ok: false, error: { code: 'E_NOT_FOUND', message: '本机没有 2018 年的台账。可选的年度:2020、2019。' } });

      // Back to 2020: writable again.
      expect(await call(app, 'years:open', { year: 2020 })).toMatchObject({ year: 2020, readOnlyYear: null });
      expect(await dispatch(app, 'settings:update', { yellowPoints: 20 })).toMatchObject({ ok: true });
    } finally {
      await session.close();
    }
  });

  it('lists only this office’s ledgers: a file of another office beside them, named like a year, is neither listed nor opened at start', async () => {
    const loop = await createLoop();
    const stranger = await initSummary(join(loop.dir, 'office-2021.db'), { plan: { ...PLAN_2020, id: 'x-2021', year: 2021 }, now: fixedClock('2021-01-05T09:00:00') });
    await stranger.close();
    writeFileSync(join(loop.dir, 'office-2022.db'), 'not a database');
    expect(await latestYearFile(loop.office.file)).toBe(loop.office.file);
    const session = new LedgerSession(loop.office.file);
    try {
      expect((await call(appOn(session, []), 'years:list', {})).map((y) => y.fileName)).toEqual(['office.db']);
    } finally {
      await session.close();
    }
  });
});
