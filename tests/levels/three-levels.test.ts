/**
 * Three levels (issue 13 item 6) with real files and real databases: a county rolls up to its city, the city
 * rolls up to the province with the same package kind, and the province sees the city's figure as 市本级 +
 * the county for a cumulative indicator, and the city's own lead unit's figure for a rate.
 */
import { describe, expect, it } from 'vitest';
import { ScriptedDialogs } from '../../electron/bridge/server';
import { createHandlers, dispatch, LedgerSession } from '../../electron/services/api';
import { importFiles } from '../../electron/services/import/import';
import { summaryByOffice } from '../../electron/services/levels/figures';
import { exportRollup } from '../../electron/services/levels/rollup';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { readPackageFile } from '../../electron/services/packages/package-data';
import { rollupDataSchema } from '../../shared/rollup';
import { cityWithCounties, pinParent, rsjEntries, setOffices } from './levels-loop';

describe('county → city → province', () => {
  it('the same 汇总包 carries each level’s figures up; each parent checks its own key and office list', async () => {
    const lv = await cityWithCounties(['郎溪县']);
    const province = await lv.loop.otherOffice({ name: 'province.db', officeName: '安徽省民生工作办公室' });
    await setOffices(province, ['宣城市']);
    await pinParent(lv.city, province, '宣城市');
    await saveQuotas(province, { quotas: [{ task: 1, indicator: 1, office: '宣城市', value: 250 }], reasons: [] });

    const county = lv.counties.get('郎溪县')!;
    await lv.report(county, await lv.loop.unit('市人社局', { office: county }), '2019-06', rsjEntries('2019-06', { '1.1': 40, '20.2': 97 }));
    await lv.report(lv.city, await lv.loop.unit('市人社局'), '2019-06', rsjEntries('2019-06', { '1.1': 35, '20.2': 99 }));
    const countyRollup = await lv.rollup(county, '2019-06');

    // The county's 汇总包 is for the city, not the province (the province's key is not its recipient).
    const misdelivered = await importFiles(province, [countyRollup], { acceptNewKeys: true });
    expect(misdelivered[0]).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect((await importFiles(lv.city, [countyRollup], { acceptNewKeys: true }))[0]!.status).toBe('accepted');

    const cityRollup = (await exportRollup(lv.city, { period: '2019-06', outDir: lv.toCity, fileName: '汇总包-宣城市-2019-06.xlsx' })).file;
    const { pkg } = readPackageFile(cityRollup);
    expect(pkg.manifest).toMatchObject({ kind: 'rollup', from: '市民生工作办公室', to: '安徽省民生工作办公室', unit: '宣城市' });
    const sent = rollupDataSchema.parse(pkg.data);
    expect(sent.indicators.find((i) => i.task === 1 && i.indicator === 1)).toMatchObject({ value: 35 + 40, basis: 'sum', units: 2 });
    // A rate is the city's own lead unit's figure (99), not an average with the county's (97).
    expect(sent.indicators.find((i) => i.task === 20 && i.indicator === 2)).toMatchObject({ value: 99, basis: 'lead', units: 1 });

    // The city cannot take its own 汇总包 back in: it is addressed to the province.
    expect((await importFiles(lv.city, [cityRollup]))[0]).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect((await importFiles(province, [cityRollup], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted', unit: '宣城市' });

    const atProvince = await summaryByOffice(province, '2019-06');
    expect(atProvince.offices.map((o) => [o.office, o.revision])).toEqual([['宣城市', 1]]);
    expect(atProvince.own.office).toBe('省本级');
    const training = atProvince.indicators.find((i) => i.task === 1 && i.indicator === 1)!;
    expect(training.offices).toEqual([{ target: 250, value: 75 }]);
    expect(training.total).toBe(75);
    expect(atProvince.indicators.find((i) => i.task === 20 && i.indicator === 2)!.offices).toEqual([{ target: 100, value: 99 }]);

    // The county's later revision changes the city's figures, and so the city's next 汇总包 to the province.
    await lv.report(county, await lv.loop.unit('市残联', { office: county }), '2019-06', [{ task: 24, status: '推进中', progress: '补报', problems: '无', nextSteps: '继续' }, { task: 24, indicator: 1, value: 1632 }, { task: 24, indicator: 2, value: 214 }, { task: 24, indicator: 3, value: 30 }]);
    expect((await importFiles(lv.city, [await lv.rollup(county, '2019-06')]))[0]!.status).toBe('accepted');
    const second = (await exportRollup(lv.city, { period: '2019-06', outDir: lv.toCity, fileName: '汇总包-宣城市-2019-06-2.xlsx' })).file;
    expect((await importFiles(province, [second]))[0]).toMatchObject({ status: 'accepted', revision: 2 });
    const after = await summaryByOffice(province, '2019-06');
    expect(after.indicators.find((i) => i.task === 24 && i.indicator === 1)!.offices[0]!.value).toBe(1632);
  });
});

describe('the app’s channels', () => {
  it('levels:rollup refuses an office at the top before asking for a folder; a county writes where the dialog says; summary:byOffice answers the city’s view', async () => {
    const lv = await cityWithCounties(['郎溪县']);
    const county = lv.counties.get('郎溪县')!;
    await lv.report(county, await lv.loop.unit('市人社局', { office: county }), '2019-06', rsjEntries('2019-06', { '1.1': 40 }));
    const sessions = [new LedgerSession(lv.city.file, { now: lv.city.now }), new LedgerSession(county.file, { now: county.now })];
    try {
      const [atCity, atCounty] = sessions.map((session) => {
        const dialogs = new ScriptedDialogs();
        return { dialogs, handlers: createHandlers({ session, dialogs, emit: () => {} }) };
      });
      atCity!.dialogs.push(lv.toCity);
      const top = await dispatch(atCity!.handlers, 'levels:rollup', { period: '2019-06' });
      expect(top).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', message: expect.stringContaining('没有上级汇总端') } });
      expect(atCity!.dialogs.shown).toEqual([]);

      atCounty!.dialogs.push(lv.toCity);
      const sent = await dispatch(atCounty!.handlers, 'levels:rollup', { period: '2019-06' });
      expect(sent).toMatchObject({ ok: true, value: { office: '郎溪县', parent: '市民生工作办公室', revision: 1, folder: lv.toCity } });
      expect(atCounty!.dialogs.shown).toEqual(['选择保存2019年6月汇总包的文件夹(U盘)']);
      expect((await dispatch(atCounty!.handlers, 'offices:list', {}))).toMatchObject({ ok: true, value: { parent: { name: '市民生工作办公室', officeName: '郎溪县' } } });

      expect((await importFiles(lv.city, [lv.toCity], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
      const view = await dispatch(atCity!.handlers, 'summary:byOffice', { period: '2019-06' });
      if (!view.ok) throw new Error(view.error.message);
      const v = view.value as Awaited<ReturnType<typeof summaryByOffice>>;
      expect(v.parent).toBeNull();
      expect(v.offices.map((o) => [o.office, o.revision])).toEqual([['郎溪县', 1]]);
      expect(v.indicators.find((i) => i.task === 1 && i.indicator === 1)!.offices).toEqual([{ target: null, value: 40 }]);
    } finally {
      for (const s of sessions) await s.close();
    }
  });
});
