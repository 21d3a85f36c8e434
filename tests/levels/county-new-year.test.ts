/**
 * A county's new year: the city starts 2020 from its 2019 ledger (its counties and their keys carried) and sends
 * each county its 2020 下达包; the county starts 2020 with `ledger init --from 下达包 --carry-from 上年台账`. Its
 * key, its names for the city's units, its units' keys and its own settings carry over, so neither the city nor the
 * units check a fingerprint by phone again, and its first 2020 汇总包 goes into the city's ledger with no key
 * accepted by hand. A 下达包 from another key than the parent it pinned, or addressed to another office's key, is
 * refused and nothing is created.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAN_2019 } from '../../seeds/plan2019';
import { getSetting, setSetting } from '../../db/queries/settings';
import { getParent } from '../../db/queries/rollups';
import { loadParentUnits } from '../../db/queries/parent-units';
import { listTrustedKeys } from '../../db/queries/keys';
import { activePlan, openLedger, type OpenLedger } from '../../electron/services/context';
import { planModelToDef } from '../../db/queries/plan';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAllocation, initOfficeFromAllocation } from '../../electron/services/levels/allocation';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { exportRollup } from '../../electron/services/levels/rollup';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { yearEntries } from '../../scripts/bench-setup';
import { runLedger as ledger } from '../helpers/cli';
import { closeAfterTest as keep, fixedClock, tempDir } from '../helpers/ledger';
import { editPlan } from '../plan/county-plan';
import { applyPlanEdit } from '../../shared/plan-edit';
import { revisePlan } from '../../electron/services/plan/revise';
import type { Channel, RequestOf, ResponseOf } from '../../shared/api';
import { createHandlers, dispatch, LedgerSession, type Dialogs, type Handlers } from '../../electron/services/api';
import { yearFile } from '../../electron/services/plan/years';
import { setOffices } from './levels-loop';

const PLAN_2020 = editPlan(PLAN_2019, (p) => {
  Object.assign(p, { id: 'xuancheng-2020', year: 2020, title: '2020年全市民生工作要点', issuedOn: '2020-04-10' });
});
const in2019 = fixedClock('2019-07-04T09:00:00');
const in2020 = fixedClock('2020-07-04T09:00:00');
const LOCAL_RSJ = '郎溪县人力资源和社会保障局';

function folder(dir: string, name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** The unit enters June of `year` and exports it; the office imports it (pinning the unit's key in 2019). */
async function reportJune(office: OpenLedger, unit: OpenLedger, year: number, dir: string): Promise<void> {
  const period = `${year}-06`;
  await enterReports(unit, { unit: LOCAL_RSJ, period, items: yearEntries(planModelToDef(await activePlan(unit)), LOCAL_RSJ, period) });
  const file = (await exportReport(unit, { period, outDir: folder(dir, `reports-${year}`) })).file;
  const [r] = await importFiles(office, [file], { acceptNewKeys: year === 2019 });
  expect(r).toMatchObject({ status: 'accepted', period });
}

/** 2019 as the city and 郎溪县 left it: county set up from its 下达包 with its own name for 市人社局, one roll-up imported by the city. */
async function year2019(dir: string) {
  const city = keep(await initSummary(join(dir, 'city-2019.db'), { now: in2019, actor: '市民生办' }));
  await setOffices(city, ['郎溪县', '宣州区']);
  await saveQuotas(city, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 40 }, { task: 1, indicator: 1, office: '宣州区', value: 30 }], reasons: [] });
  const allocation = await exportAllocation(city, { office: '郎溪县', outDir: folder(dir, 'to-counties-2019') });
  const countyFile = join(dir, 'langxi-2019.db');
  const county = keep(await initOfficeFromAllocation(countyFile, allocation.file, { now: in2019, officeName: '郎溪县民生办', names: { 市人社局: LOCAL_RSJ } }));
  await setSetting(county.db, 'due_day', '8');
  await setOffices(county, ['建平镇']);
  const assignment = await exportAssignment(county, { unit: LOCAL_RSJ, outDir: folder(dir, 'county-units-2019') });
  const unit = keep(await initUnitFromAssignment(join(dir, 'rsj-2019.db'), assignment.file, { now: fixedClock('2019-07-02T15:00:00'), actor: LOCAL_RSJ }));
  await reportJune(county, unit, 2019, dir);
  const rollup = await exportRollup(county, { period: '2019-06', outDir: folder(dir, 'to-city-2019') });
  expect((await importFiles(city, [rollup.file], { acceptNewKeys: true })).map((r) => r.status)).toEqual(['accepted']);
  return { city, county, countyFile, unit };
}

/** The city's 2020 ledger, carried from 2019 (its counties with their keys), and its 2020 下达包 for 郎溪县. */
async function city2020(dir: string, city2019: OpenLedger) {
  const city = keep(await initSummary(join(dir, 'city-2020.db'), { plan: PLAN_2020, carryFrom: city2019.file, now: in2020, actor: '市民生办' }));
  await saveQuotas(city, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 45 }, { task: 1, indicator: 1, office: '宣州区', value: 35 }], reasons: [] });
  return { city, allocation: await exportAllocation(city, { office: '郎溪县', outDir: folder(dir, 'to-counties-2020') }) };
}

describe('a county starts a new year from the city’s new 下达包 and last year’s ledger', () => {
  it('carries its key, unit names, units’ keys and settings: the city takes its 2020 roll-up and the unit its 2020 report with no fingerprint checked again', async () => {
    const dir = tempDir('county-year-');
    const y2019 = await year2019(dir);
    const { city, allocation } = await city2020(dir, y2019.city);
    // The city knows 郎溪县's key: the 2020 下达包 is addressed to it.
    expect(allocation).toMatchObject({ office: '郎溪县' });

    const countyFile = join(dir, 'langxi-2020.db');
    const made = await ledger('init', '--db', countyFile, '--from', allocation.file, '--carry-from', y2019.countyFile);
    expect(made.code, made.err).toBe(0); console.log(made.out);
    expect(made.out).toContain('(与上年登记的相同,无需再核对)');
    expect(made.out).toContain(`市人社局=${LOCAL_RSJ}`);
    expect(made.out).toContain('下级汇总端:建平镇(接续上年)');
    expect(made.out).toMatch(/已接续上年台账 .*langxi-2019\.db.*1 个单位的密钥已登记/);
    expect(made.err).not.toContain('提醒');

    const county = keep(await openLedger(countyFile, { now: in2020, actor: '郎溪县民生办' }));
    expect(await getSetting(county.db, 'fingerprint')).toBe(await getSetting(y2019.county.db, 'fingerprint'));
    expect(await getSetting(county.db, 'office_name')).toBe('郎溪县民生办');
    expect(await getSetting(county.db, 'due_day')).toBe('8');
    expect((await loadParentUnits(county.db)).get('市人社局')).toBe(LOCAL_RSJ);
    expect((await getParent(county.db))?.fingerprint).toBe(await getSetting(city.db, 'fingerprint'));
    expect((await listTrustedKeys(county.db)).map((k) => k.unit)).toEqual([LOCAL_RSJ]);

    // The unit starts 2020 from the county's new 任务包, keeping its key; its June report goes in without --accept-new-keys.
    const assignment = await exportAssignment(county, { unit: LOCAL_RSJ, outDir: folder(dir, 'county-units-2020') });
    const unitFile = join(dir, 'rsj-2020.db');
    expect((await ledger('init', '--db', unitFile, '--from', assignment.file, '--carry-from', y2019.unit.file)).code).toBe(0);
    const unit = keep(await openLedger(unitFile, { now: fixedClock('2020-07-02T15:00:00'), actor: LOCAL_RSJ }));
    await reportJune(county, unit, 2020, dir);

    // Its roll-up is signed by the key the city carried: taken without accepting a key.
    const rollup = await exportRollup(county, { period: '2020-06', outDir: folder(dir, 'to-city-2020') });
    const [taken] = await importFiles(city, [rollup.file]);
    expect(taken).toMatchObject({ status: 'accepted', kind: 'rollup' });
  });

  it('a year’s package in the other year’s ledger says so: the 2020 下达包 in the county’s 2019 ledger points to init --carry-from, a 2019 汇总包 at the city’s 2020 ledger to 2019’s; the county’s own 汇总包 at the county is its own', async () => {
    const dir = tempDir('county-year-mixed-');
    const y2019 = await year2019(dir);
    const { city, allocation } = await city2020(dir, y2019.city);
    const [next] = await importFiles(y2019.county, [allocation.file]);
    expect(next).toMatchObject({ status: 'rejected', code: 'E_WRONG_PLAN' });
    expect(next!.message).toContain('它是 2020 年「2020年全市民生工作要点」的下达包:新一年请新建本级汇总端的台账');
    expect(next!.message).toContain('ledger init --db 新文件.db --from 该下达包 --carry-from langxi-2019.db');

    const old = await exportRollup({ ...y2019.county, now: fixedClock('2019-08-04T09:00:00') }, { period: '2019-07', outDir: folder(dir, 'late-2019') });
    const [late] = await importFiles(city, [old.file]);
    expect(late).toMatchObject({ status: 'rejected', code: 'E_WRONG_PLAN' });
    expect(late!.message).toContain('它报送的是 2019 年的报送期(2019-07),属于 2019 年的工作计划,本机是 2020 年的台账:请导入 2019 年的台账');

    const [own] = await importFiles(y2019.county, [old.file]);
    expect(own).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect(own!.message).toContain('这是本机自己生成的汇总包(郎溪县报送上级「市民生工作办公室」的),不需要在本机导入');
    expect(own!.message).not.toContain('即使名称相同');
  });

  it('refuses a 下达包 signed by another key than last year’s parent, or addressed to another office’s key, creating nothing', async () => {
    const dir = tempDir('county-year-refused-');
    const y2019 = await year2019(dir);
    const { city, allocation } = await city2020(dir, y2019.city);

    // Someone else's "city" (its own key) sends a 下达包 for 郎溪县.
    const stranger = keep(await initSummary(join(dir, 'stranger.db'), { plan: PLAN_2020, now: in2020 }));
    await setOffices(stranger, ['郎溪县']);
    const forged = await exportAllocation(stranger, { office: '郎溪县', outDir: folder(dir, 'stranger-out'), noQuotasOk: true });
    const target = join(dir, 'langxi-2020.db');
    const refused = await ledger('init', '--db', target, '--from', forged.file, '--carry-from', y2019.countyFile);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/E_KEY_MISMATCH.*不是上年台账「langxi-2019\.db」登记的上级汇总端「市民生工作办公室」的密钥/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.key`)).toBe(false);

    // The city's real 下达包 is addressed to 郎溪县's key: carried from another county's ledger it is refused.
    const other = keep(await initOfficeFromAllocation(join(dir, 'xuanzhou-2019.db'),
      (await exportAllocation(y2019.city, { office: '宣州区', outDir: folder(dir, 'to-xz') })).file, { now: in2019 }));
    const wrong = await ledger('init', '--db', target, '--from', allocation.file, '--carry-from', other.file);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/^错误 \[E_WRONG_RECIPIENT\]:下达包「.+」是发给密钥指纹为 [0-9A-F-]+ 的汇总端.「郎溪县」.的,上年台账「xuanzhou-2019\.db」的密钥指纹是 [0-9A-F-]+\(上级名单中的「宣州区」\):不是发给这个台账的,未新建。/);
    expect(existsSync(target)).toBe(false);

    // 宣州区 never sent a 汇总包: its 2020 下达包 is addressed to no key. Carried from 郎溪县's ledger, the names differ.
    const toXuanzhou = await exportAllocation(city, { office: '宣州区', outDir: folder(dir, 'to-xz-2020') });
    const otherCounty = await ledger('init', '--db', target, '--from', toXuanzhou.file, '--carry-from', y2019.countyFile);
    expect(otherCounty.code).not.toBe(0);
    expect(otherCounty.err).toContain('是「市民生工作办公室」发给「宣州区」的,上年台账「langxi-2019.db」是「郎溪县」的汇总端(上级名单中的名称):不是同一个汇总端,未新建。');
    expect(existsSync(target)).toBe(false);
    // The city's own 2019 ledger: the signer's own, never a county's.
    const cityOwn = await ledger('init', '--db', target, '--from', toXuanzhou.file, '--carry-from', y2019.city.file);
    expect(cityOwn.code).not.toBe(0);
    expect(cityOwn.err).toMatch(/^错误 \[E_WRONG_RECIPIENT\]:上年台账「city-2019\.db」是签发下达包「.+」的上级汇总端「市民生工作办公室」自己的台账\(密钥指纹同为 [0-9A-F-]+\),不是「宣州区」的台账,未新建。/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.key`)).toBe(false);
    // An office ledger not set up from a 下达包: nothing tells it is 宣州区's.
    const plain = keep(await initSummary(join(dir, 'plain-2019.db'), { now: in2019 }));
    const notFromParent = await ledger('init', '--db', target, '--from', toXuanzhou.file, '--carry-from', plain.file);
    expect(notFromParent.err).toContain('上年台账「plain-2019.db」不是按上级下达包建立的汇总端台账(没有登记上级汇总端),无法确认它是「宣州区」的台账,未新建。');
    expect(existsSync(target)).toBe(false);

    // The same year's 下达包 carried from that year's ledger: it is imported there, not set up from.
    const again = await exportAllocation(y2019.city, { office: '郎溪县', outDir: folder(dir, 'to-counties-2019-again') });
    const sameYear = await ledger('init', '--db', target, '--from', again.file, '--carry-from', y2019.countyFile);
    expect(sameYear.err).toMatch(/^错误 \[E_WRONG_PLAN\]:「langxi-2019\.db」是 2019 年的台账.*只能从往年的台账接续到新一年。同一年上级发来的新下达包请导入本年的台账\(ledger import --db langxi-2019\.db 下达包\)。$/);
    expect(existsSync(target)).toBe(false);

    // Set up anew without carrying: made, with a reminder that the city knows another key for this county.
    const fresh = await ledger('init', '--db', target, '--from', allocation.file);
    expect(fresh.code, fresh.err).toBe(0); console.log(fresh.out, fresh.err);
    expect(fresh.out).toContain('(请与上级电话核对)');
    expect(fresh.err).toContain('请加 --carry-from 上年台账.db 接续');
  });

  it('in the app: the county chooses the city’s 2020 下达包 to start 2020 and works in it carried over; a plan file is refused for a county, and a 下达包 for a city', async () => {
    const dir = tempDir('county-year-app-');
    const y2019 = await year2019(dir);
    const { city, allocation } = await city2020(dir, y2019.city);
    const notice = join(dir, '2020年民生工作要点.json');
    writeFileSync(notice, JSON.stringify(PLAN_2020));
    const titles: string[] = [];
    const answers = [notice, allocation.file];
    const dialogs: Dialogs = { openFiles: async (o) => { titles.push(o.title ?? ''); return [answers.shift()!]; }, openFolder: async () => null, chooseFolder: async () => null, saveFile: async () => null };
    const session = new LedgerSession(y2019.countyFile, { now: in2020, actor: '郎溪县民生办' });
    const app: Handlers = createHandlers({ session, dialogs, emit: () => undefined, now: in2020, actor: '郎溪县民生办' });
    const call = async <C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> => {
      const r = await dispatch(app, channel, req);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value as ResponseOf<C>;
    };
    try {
      // A plan file would make 郎溪县 an office of its own plan, cut off from the city: shown with the reason, refused if sent anyway.
      const wrong = await call('years:preview', {});
      expect(titles[0]).toBe('选择上级发来的新一年的下达包(.xlsx)');
      expect(wrong!.parsed.errors).toEqual([{ where: '文件', message: '本级汇总端是按上级「市民生工作办公室」的下达包建立的:新的一年请选择上级发来的新一年的下达包(.xlsx),本级的单位名称、密钥和设置会接续过去。' }]);
      expect(await dispatch(app, 'years:start', { plan: PLAN_2020 })).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });

      const preview = await call('years:preview', {});
      expect(preview).toMatchObject({ ledgerFileName: 'langxi-2020.db', parsed: { errors: [], plan: { year: 2020 } } });
      expect(preview!.carried).toContain('上年给上级各单位定的本地名称');
      expect(preview!.carried).toContain('报送频率和各期截止日按上级的下达包');
      expect(preview!.parsed.plan.units.map((u) => u.name)).toContain(LOCAL_RSJ);
      const started = await call('years:start', { plan: preview!.parsed.plan });
      expect(started).toMatchObject({ year: 2020, readOnlyYear: null, officeName: '郎溪县民生办', fingerprint: await getSetting(y2019.county.db, 'fingerprint') });
      expect(session.dbFile).toBe(yearFile(y2019.countyFile, 2020));
      expect((await call('keys:list', {})).pinned.map((k) => k.unit)).toEqual([LOCAL_RSJ]);
      // Its first 2020 汇总包 goes into the city's 2020 ledger under the key the city carried.
      const county = await session.require();
      const rollup = await exportRollup(county, { period: '2020-01', outDir: folder(dir, 'to-city-2020') });
      expect((await importFiles(city, [rollup.file]))[0]).toMatchObject({ status: 'accepted', kind: 'rollup' });
    } finally {
      await session.close();
    }

    // The city choosing a 下达包 for its new year: not a plan.
    const cityAnswers = [allocation.file];
    const citySession = new LedgerSession(city.file, { now: fixedClock('2021-04-10T09:00:00'), actor: '市民生办' });
    const cityApp = createHandlers({ session: citySession, dialogs: { ...dialogs, openFiles: async () => [cityAnswers.shift()!] }, emit: () => undefined, now: fixedClock('2021-04-10T09:00:00'), actor: '市民生办' });
    try {
      const r = await dispatch(cityApp, 'years:preview', {});
      expect(r).toMatchObject({ ok: true, value: { parsed: { errors: [{ where: '文件', message: expect.stringContaining('这是上级发给下级汇总端的下达包,不是工作计划') }] } } });
    } finally {
      await citySession.close();
    }
  });

  it('a unit the county renamed during the year keeps its new name in a later 下达包 and in next year’s ledger', async () => {
    const dir = tempDir('county-year-renamed-');
    const y2019 = await year2019(dir);
    const plan = planModelToDef(await activePlan(y2019.county));
    const r = await revisePlan(y2019.county, applyPlanEdit(plan, { kind: 'rename-unit', from: LOCAL_RSJ, to: '郎溪县人社局' }));
    expect(r.diff.changes.map((c) => c.kind)).toContain('unit-renamed');
    expect((await loadParentUnits(y2019.county.db)).get('市人社局')).toBe('郎溪县人社局');

    // The city's later 2019 下达包 changes no name back.
    await saveQuotas(y2019.city, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 41 }], reasons: [] });
    const later = await exportAllocation(y2019.city, { office: '郎溪县', outDir: folder(dir, 'to-counties-2019-later') });
    const [taken] = await importFiles(y2019.county, [later.file]);
    expect(taken).toMatchObject({ status: 'accepted' });
    expect(JSON.stringify(taken!.changes ?? [])).not.toContain('改名');
    expect(planModelToDef(await activePlan(y2019.county)).units.map((u) => u.name)).toContain('郎溪县人社局');

    // Next year carries the new name, and the unit's key pinned under it.
    const { allocation } = await city2020(dir, y2019.city);
    const countyFile = join(dir, 'langxi-2020.db');
    const made = await ledger('init', '--db', countyFile, '--from', allocation.file, '--carry-from', y2019.countyFile);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toContain('市人社局=郎溪县人社局\n');
    const county = keep(await openLedger(countyFile, { now: in2020 }));
    expect((await listTrustedKeys(county.db)).map((k) => k.unit)).toEqual(['郎溪县人社局']);
  });
});
