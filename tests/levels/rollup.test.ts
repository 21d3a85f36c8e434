/**
 * 汇总包 (issue 13 item 4) on real files and databases: a county's figures from its units' reports, signed for
 * its parent's key; the city imports it with the same import as reports (keys pinned per office, revisions,
 * duplicates, dry run, audit, archive) and refuses what is not for it.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { getRollup, listOfficeKeys } from '../../db/queries/rollups';
import { listOffices } from '../../db/queries/levels';
import { acceptKeyFromFile, importFiles } from '../../electron/services/import/import';
import { exportRollup } from '../../electron/services/levels/rollup';
import { removeOffice, renameOfficeNamed } from '../../electron/services/levels/offices';
import { listKeys } from '../../electron/services/keys/keys';
import { readPackage } from '../../electron/services/packages/package-format';
import { readPackageFile } from '../../electron/services/packages/package-data';
import { rollupDataSchema } from '../../shared/rollup';
import { initSummary } from '../../electron/services/plan/setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { fixedClock } from '../helpers/ledger';
import { editWithSheetJS, setCell } from '../packages/helpers';
import { CANLIAN_JUNE, snapshotData } from '../helpers/loop';
import { cityWithCounties, pinParent, rsjEntries, setOffices } from './levels-loop';

const dataOf = (file: string) => rollupDataSchema.parse(readPackageFile(file).pkg.data);
const indicatorOf = (file: string, task: number, indicator: number) => dataOf(file).indicators.find((i) => i.task === task && i.indicator === indicator)!;

describe('ledger rollup: the county’s 汇总包', () => {
  it('sums cumulative values over the county’s lead units, takes a level figure from its lead unit, and is addressed to the parent’s key', async () => {
    const lv = await cityWithCounties(['郎溪县']);
    const county = lv.counties.get('郎溪县')!;
    // Task 5 (农村常住居民人均可支配收入增长, growth) has two leads: 市人社局 and 市农业农村局. Only 市人社局 reports it here.
    const rsj = await lv.loop.unit('市人社局', { office: county });
    await lv.report(county, rsj, '2019-06', rsjEntries('2019-06', { '1.1': 40, '20.2': 98.5, '5.1': 8.2 }));
    const file = await lv.rollup(county, '2019-06');

    const { pkg } = readPackageFile(file);
    const cityPrint = (await lv.city.db.selectFrom('settings').select('value').where('key', '=', 'fingerprint').executeTakeFirstOrThrow()).value;
    expect(pkg.manifest).toMatchObject({
      kind: 'rollup', planId: PLAN_2019.id, from: '郎溪县民生工作办公室', to: '市民生工作办公室', unit: '郎溪县', recipient: cityPrint,
      periods: ['2019-06'], revision: 1,
    });
    const data = dataOf(file);
    expect(data.office.name).toBe('郎溪县');
    expect(indicatorOf(file, 1, 1)).toEqual({ task: 1, indicator: 1, target: 250, value: 40, basis: 'sum', units: 1 });
    expect(indicatorOf(file, 20, 2)).toMatchObject({ value: 98.5, basis: 'lead', units: 1 });
    expect(indicatorOf(file, 5, 1)).toMatchObject({ value: 8.2, basis: 'lead' });
    // Nobody else of the county reported: a task of another unit has no figure; on 07-04, before June's due date,
    // it is not lagging as 未报送 yet (tests/levels/waiting.test.ts has the day after).
    expect(indicatorOf(file, 24, 1)).toMatchObject({ value: null, units: 0 });
    expect(data.tasks.find((t) => t.task === 1)).toMatchObject({ lead: '市人社局', status: '推进中' });
    expect(data.tasks.find((t) => t.task === 24)).toMatchObject({ lead: '市残联', status: null, light: 'red' });
    expect(data.lagging.filter((l) => l.reason === '未报送')).toEqual([]);
    // Written on 07-04, before June's due date (07-05): what the others have not sent is 待报, not 未报.
    expect(data.completeness).toMatchObject({ onTime: 7, late: 0, missing: 0 });
    expect(data.completeness.waiting).toBe(data.completeness.due - 7);

    // People read it in the visible sheets: one row per indicator, with how the figure was made.
    const { content } = readPackage(readFileSync(file));
    const sheet = content.sheets.find((s) => s.name === '汇总数据')!;
    expect(sheet.rows[0]).toEqual(['序号', '任务', '指标', '目标', '计量单位', '填报口径', '进展情况', '汇总方式', '完成率']);
    expect(sheet.rows[1]).toEqual([1, '实施技工大省技能培训工程', '技能脱贫培训', '不低于250', '人', '累计完成', 40, '1个单位合计', '16.0%']);
    expect(content.sheets.map((s) => s.name)).toEqual(['封面', '汇总数据', '任务进展', '报送及滞后事项']);

    // Revisions grow per period, recorded as sent.
    expect(readPackageFile(await lv.rollup(county, '2019-06')).pkg.manifest.revision).toBe(2);
    expect(readPackageFile(await lv.rollup(county, '2019-05')).pkg.manifest.revision).toBe(1);
    expect(county.handle.sqlite!.prepare(`SELECT kind, direction, period, revision, unit_id, office_id FROM packages WHERE kind = 'rollup' ORDER BY rowid`).all()).toEqual([
      { kind: 'rollup', direction: 'out', period: '2019-06', revision: 1, unit_id: null, office_id: null },
      { kind: 'rollup', direction: 'out', period: '2019-06', revision: 2, unit_id: null, office_id: null },
      { kind: 'rollup', direction: 'out', period: '2019-05', revision: 1, unit_id: null, office_id: null },
    ]);
    expect((await listAudit(county.db)).filter((a) => a.action === 'package.export.rollup')).toHaveLength(3);
  });

  it('an office with no parent gets a plain refusal, and nothing is written', async () => {
    const lv = await cityWithCounties([]);
    const err = await exportRollup(lv.city, { period: '2019-06', outDir: lv.toCity }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining('没有上级汇总端,不能生成汇总包') });
    expect(lv.city.handle.sqlite!.prepare(`SELECT count(*) AS n FROM packages WHERE kind = 'rollup'`).get()).toEqual({ n: 0 });
  });
});

describe('importing 汇总包 at the city', () => {
  it('two counties: first keys need accepting; imported, pinned per office, archived and audited; a second revision replaces the first, with history', async () => {
    const lv = await cityWithCounties(['郎溪县', '广德市']);
    const langxi = lv.counties.get('郎溪县')!;
    const guangde = lv.counties.get('广德市')!;
    await lv.report(langxi, await lv.loop.unit('市人社局', { office: langxi }), '2019-06', rsjEntries('2019-06', { '1.1': 40 }));
    await lv.report(guangde, await lv.loop.unit('市人社局', { office: guangde }), '2019-06', rsjEntries('2019-06', { '1.1': 30 }));
    const files = [await lv.rollup(langxi, '2019-06'), await lv.rollup(guangde, '2019-06')];

    const before = await snapshotData(lv.city.db);
    const unknown = await importFiles(lv.city, files);
    expect(unknown.map((r) => [r.status, r.code, r.unit])).toEqual([['rejected', 'E_UNKNOWN_KEY', '郎溪县'], ['rejected', 'E_UNKNOWN_KEY', '广德市']]);
    expect(unknown[0]!.message).toContain('这是郎溪县的第一个汇总包');

    const preview = await importFiles(lv.city, [...files, files[0]!], { dryRun: true, acceptNewKeys: true });
    expect(preview.map((r) => r.status)).toEqual(['accepted', 'accepted', 'duplicate']);
    expect(preview[0]!.message).toMatch(/^\(预览\)将导入 郎溪县 2019年6月 汇总包第1版:.*将接受新密钥/);
    expect(await snapshotData(lv.city.db)).toBe(before);

    const done = await importFiles(lv.city, files, { acceptNewKeys: true });
    expect(done.map((r) => [r.status, r.kind, r.unit, r.revision])).toEqual([['accepted', 'rollup', '郎溪县', 1], ['accepted', 'rollup', '广德市', 1]]);
    const offices = new Map((await listOffices(lv.city.db)).map((o) => [o.name, o.id]));
    expect((await listOfficeKeys(lv.city.db)).map((k) => [k.officeId, k.status])).toEqual([[offices.get('郎溪县'), 'trusted'], [offices.get('广德市'), 'trusted']]);
    const stored = await getRollup(lv.city.db, offices.get('郎溪县')!, '2019-06');
    expect(JSON.parse(stored!.data).indicators[0]).toMatchObject({ task: 1, indicator: 1, value: 40 });
    const archived = lv.city.handle.sqlite!.prepare(`SELECT office_id, unit_id, bytes FROM packages WHERE kind = 'rollup' AND direction = 'in' ORDER BY rowid`).all() as { office_id: number; unit_id: null; bytes: Buffer }[];
    expect(archived.map((a) => a.office_id)).toEqual([offices.get('郎溪县'), offices.get('广德市')]);
    expect(Buffer.compare(archived[0]!.bytes, readFileSync(files[0]!))).toBe(0);
    const actions = (await listAudit(lv.city.db)).map((a) => a.action);
    expect(actions.filter((a) => a === 'office-key.accept-first')).toHaveLength(2);
    expect(actions.filter((a) => a === 'rollup.import')).toHaveLength(2);

    // Again: a duplicate. A second revision replaces the first (kept in history); the first after it is stale.
    expect((await importFiles(lv.city, [files[0]!]))[0]).toMatchObject({ status: 'duplicate' });
    await lv.report(langxi, await lv.loop.unit('市残联', { office: langxi }), '2019-06', CANLIAN_JUNE);
    const second = await lv.rollup(langxi, '2019-06');
    const replaced = await importFiles(lv.city, [second]);
    expect(replaced[0]).toMatchObject({ status: 'accepted', revision: 2, message: expect.stringContaining('替换第1版') });
    const now = await getRollup(lv.city.db, offices.get('郎溪县')!, '2019-06');
    expect(now!.revision).toBe(2);
    expect(JSON.parse(now!.data).indicators.find((i: { task: number }) => i.task === 24).value).toBe(1632);
    expect(lv.city.handle.sqlite!.prepare('SELECT revision FROM rollup_history').all()).toEqual([{ revision: 1 }]);
    const audit = (await listAudit(lv.city.db)).find((a) => a.action === 'rollup.import')!;
    expect(audit).toMatchObject({ entityId: '郎溪县', before: { revision: 1 }, after: { revision: 2, period: '2019-06' } });

    const third = await lv.rollup(langxi, '2019-06');
    const fourth = await lv.rollup(langxi, '2019-06');
    const batch = [fourth, third];
    expect((await importFiles(lv.city, batch, { dryRun: true })).map((r) => [r.status, r.code])).toEqual([['accepted', undefined], ['rejected', 'E_STALE_REVISION']]);
    const late = await importFiles(lv.city, batch);
    expect(late.map((r) => [r.status, r.code])).toEqual([['accepted', undefined], ['rejected', 'E_STALE_REVISION']]);
    expect(late[1]!.message).toContain('郎溪县 2019年6月 的汇总包已导入第4版,这个文件是第3版,较旧,未导入');
  });

  it('a county that reinstalled: its new key is accepted from its 汇总包 on purpose (audited), and its 第1版 replaces the old key\'s 第2版', async () => {
    const lv = await cityWithCounties(['郎溪县']);
    const langxi = lv.counties.get('郎溪县')!;
    await lv.report(langxi, await lv.loop.unit('市人社局', { office: langxi }), '2019-06', rsjEntries('2019-06', { '1.1': 40 }));
    expect((await importFiles(lv.city, [await lv.rollup(langxi, '2019-06')], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
    expect((await importFiles(lv.city, [await lv.rollup(langxi, '2019-06')]))[0]).toMatchObject({ status: 'accepted', revision: 2 });

    // The county's computer reinstalled: a new office, a new key, its units' reports again.
    const again = await lv.loop.otherOffice({ name: '郎溪县-重装.db', officeName: '郎溪县民生工作办公室' });
    await setOffices(again, []);
    await pinParent(again, lv.city, '郎溪县');
    await lv.report(again, await lv.loop.unit('市人社局', { office: again, dbName: '郎溪县人社局-重装.db' }), '2019-06', rsjEntries('2019-06', { '1.1': 55 }));
    const fromNew = await lv.rollup(again, '2019-06');
    const refused = (await importFiles(lv.city, [fromNew], { acceptNewKeys: true }))[0]!;
    expect(refused).toMatchObject({ status: 'rejected', code: 'E_KEY_MISMATCH' });
    expect(refused.message).toContain('点「从填报包登记新密钥…」选这个汇总包(下级汇总端的密钥也在这里登记;命令行:keys --accept-from 该汇总包)');

    const accepted = await acceptKeyFromFile(lv.city, fromNew);
    expect(accepted).toMatchObject({ unit: '郎溪县', fingerprint: refused.fingerprint, previous: expect.stringMatching(/^[0-9A-F]{4}-/) });
    await expect(acceptKeyFromFile(lv.city, fromNew)).rejects.toMatchObject({ code: 'E_EXISTS' });
    expect((await listAudit(lv.city.db)).filter((a) => a.action === 'office-key.replace')).toMatchObject([{ entityId: '郎溪县', before: { fingerprint: accepted.previous }, after: { fingerprint: accepted.fingerprint } }]);

    // Both ends can read the fingerprints they hold, to compare over the phone.
    expect((await listKeys(lv.city)).offices).toEqual([{ office: '郎溪县', fingerprint: accepted.fingerprint, acceptedAt: expect.any(String), acceptedBy: expect.any(String) }]);
    expect((await listKeys(again)).parent).toEqual({ name: '市民生工作办公室', fingerprint: (await listKeys(lv.city)).own });

    const r = (await importFiles(lv.city, [fromNew]))[0]!;
    expect(r).toMatchObject({ status: 'accepted', revision: 1, message: expect.stringContaining('替换第2版') });
    const office = (await listOffices(lv.city.db)).find((o) => o.name === '郎溪县')!;
    expect(JSON.parse((await getRollup(lv.city.db, office.id, '2019-06'))!.data).indicators[0]).toMatchObject({ task: 1, indicator: 1, value: 55 });
    // The old computer's roll-ups no longer count, whatever their number.
    const fromOld = await lv.rollup(langxi, '2019-06');
    const old = (await importFiles(lv.city, [fromOld]))[0]!;
    expect(old).toMatchObject({ status: 'rejected', code: 'E_KEY_MISMATCH' });
    expect(old.message).toContain(`这个汇总包是用郎溪县已停用的旧密钥(指纹 ${accepted.previous},`);
    expect(old.message).toContain(`登记的新密钥 ${accepted.fingerprint} 替换)签名的,未导入。`);
    expect(old.message).not.toContain('选这个汇总包');
    // Its advice is not to register it again, and registering it is refused: the old 第3版 never replaces the new 第1版.
    await expect(acceptKeyFromFile(lv.city, fromOld)).rejects.toMatchObject({ code: 'E_KEY_MISMATCH', message: expect.stringContaining('不能把它重新登记为现用密钥,未做任何修改') });
    expect((await importFiles(lv.city, [fromOld]))[0]).toMatchObject({ status: 'rejected', code: 'E_KEY_MISMATCH' });
    expect(JSON.parse((await getRollup(lv.city.db, office.id, '2019-06'))!.data).indicators[0]).toMatchObject({ value: 55 });
  });

  it('after the city renamed a county, the county\'s 汇总包 under its old name is refused saying so and what to do (not "add it to the list")', async () => {
    const lv = await cityWithCounties(['郎溪县']);
    const langxi = lv.counties.get('郎溪县')!;
    await lv.report(langxi, await lv.loop.unit('市人社局', { office: langxi }), '2019-06', rsjEntries('2019-06'));
    expect((await importFiles(lv.city, [await lv.rollup(langxi, '2019-06')], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
    await renameOfficeNamed(lv.city, '郎溪县', '郎溪县(含经开区)');
    const [r] = await importFiles(lv.city, [await lv.rollup(langxi, '2019-06')]);
    expect(r).toMatchObject({ status: 'rejected', code: 'E_UNKNOWN_OFFICE' });
    expect(r!.message).toContain('本机已把它改名为「郎溪县(含经开区)」,未导入。请为「郎溪县(含经开区)」重新生成下达包交给它');
  });

  it('an office that has sent a roll-up cannot be removed from the list (its records are kept): a plain refusal, nothing changed', async () => {
    const lv = await cityWithCounties(['郎溪县']);
    const langxi = lv.counties.get('郎溪县')!;
    await lv.report(langxi, await lv.loop.unit('市人社局', { office: langxi }), '2019-06', rsjEntries('2019-06'));
    expect((await importFiles(lv.city, [await lv.rollup(langxi, '2019-06')], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
    const before = await snapshotData(lv.city.db);
    await expect(removeOffice(lv.city, '郎溪县')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('已有1 份汇总数据、1 个收发的数据包、已登记的密钥') });
    expect(await snapshotData(lv.city.db)).toBe(before);
  });

  it('refuses what is not a roll-up of one of its offices for its plan, naming why, and changes nothing', async () => {
    const lv = await cityWithCounties(['郎溪县', '广德市'], { cityOffices: ['郎溪县'] });
    const langxi = lv.counties.get('郎溪县')!;
    await lv.report(langxi, await lv.loop.unit('市人社局', { office: langxi }), '2019-06', rsjEntries('2019-06'));
    const good = await lv.rollup(langxi, '2019-06');
    expect((await importFiles(lv.city, [good], { acceptNewKeys: true }))[0]!.status).toBe('accepted');

    // An office not in the list (广德市 was never added at this city).
    const notListed = await lv.rollup(lv.counties.get('广德市')!, '2019-06');
    // For another city: the county pinned another office's key.
    const otherCity = await lv.loop.otherOffice({ name: 'chizhou.db', officeName: '池州市民生工作办公室' });
    const stray = await lv.loop.otherOffice({ name: 'stray.db', officeName: '东至县民生工作办公室' });
    await pinParent(stray, otherCity, '郎溪县');
    const forOtherCity = await lv.rollup(stray, '2019-06');
    // The same key as this city, but another plan (a city set up again for 2019 under another plan id).
    const samekeyOtherPlan = await lv.loop.otherOffice({ name: 'replan.db', sameKey: true, plan: { ...PLAN_2019, id: 'xuancheng-2019-b' } });
    await pinParent(stray, samekeyOtherPlan, '郎溪县');
    const otherPlan = await lv.rollup(stray, '2019-06');
    // 郎溪县 again, from a reinstalled computer (another key), and a cell edited in a real one.
    const reinstalled = await lv.loop.otherOffice({ name: 'langxi-again.db', officeName: '郎溪县民生工作办公室' });
    await pinParent(reinstalled, lv.city, '郎溪县');
    const newKey = await lv.rollup(reinstalled, '2019-06');
    const edited = join(lv.toCity, '汇总包-郎溪县-改过数字.xlsx');
    writeFileSync(edited, editWithSheetJS(readFileSync(good), (wb) => setCell(wb.Sheets['汇总数据']!, 'G2', { t: 'n', v: 9999 })));
    // A report of one of 郎溪县's units, brought to the city by mistake.
    const unitReport = await lv.loop.report(await lv.loop.unit('市残联', { office: langxi }), '2019-06', CANLIAN_JUNE);

    // 郎溪县 signing with the key of one of the city's own units (pinned here when it reported).
    const cityUnit = await lv.loop.unit('市人社局');
    await lv.report(lv.city, cityUnit, '2019-06', rsjEntries('2019-06'));
    const before = await snapshotData(lv.city.db);
    copyFileSync(`${cityUnit.file}.key`, join(lv.loop.dir, 'impostor.db.key'));
    const impostor = await initSummary(join(lv.loop.dir, 'impostor.db'), { now: fixedClock('2019-07-04T09:00:00'), officeName: '郎溪县民生工作办公室' });
    await pinParent(impostor, lv.city, '郎溪县');
    const unitKey = await lv.rollup(impostor, '2019-06');
    await impostor.close();

    const r = await importFiles(lv.city, [notListed, forOtherCity, otherPlan, newKey, edited, unitReport, unitKey], { acceptNewKeys: true });
    expect(r.map((x) => x.code)).toEqual(['E_UNKNOWN_OFFICE', 'E_WRONG_RECIPIENT', 'E_WRONG_PLAN', 'E_KEY_MISMATCH', 'E_TAMPERED', 'E_WRONG_RECIPIENT', 'E_KEY_OF_OTHER_UNIT']);
    expect(r[6]!.message).toContain('却已登记为市人社局的密钥');
    expect(r[0]!.message).toContain('「广德市」不是本机的下级汇总端');
    expect(r[1]!.message).toContain('不是同一个汇总端');
    expect(r[2]!.message).toContain('属于另一个工作计划(xuancheng-2019-b)');
    expect(r[3]!.message).toContain('郎溪县的密钥与本机登记的不一致');
    expect(r[5]!.message).toContain('这个填报包是郎溪县的单位(市残联)报给郎溪县汇总端(「郎溪县民生工作办公室」)的,不是报给本机的');
    expect(await snapshotData(lv.city.db)).toBe(before);

    // A county refuses its own unit's report only when it is not its own: the same file imports there.
    expect((await importFiles(langxi, [unitReport], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
  });
});
