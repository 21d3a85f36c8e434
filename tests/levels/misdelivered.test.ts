/**
 * Packages carried to the wrong office between neighbours: a county's 汇总包 at a neighbouring county, a
 * neighbouring county's unit's 填报包, the city's own 下达包 back at the city. Each is refused (nothing changes),
 * and the words say where the file belongs, not that the two offices have the same name when they do not.
 */
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
import { exportAllocation } from '../../electron/services/levels/allocation';
import { snapshotData } from '../helpers/loop';
import { cityWithCounties, rsjEntries } from './levels-loop';

describe('a package brought to a neighbour', () => {
  it('says where it belongs', async () => {
    const lv = await cityWithCounties(['郎溪县', '广德市']);
    const langxi = lv.counties.get('郎溪县')!;
    const guangde = lv.counties.get('广德市')!;
    await lv.report(langxi, await lv.loop.unit('市人社局', { office: langxi }), '2019-06', rsjEntries('2019-06'));
    const rollup = await lv.rollup(langxi, '2019-06');
    const before = await snapshotData(guangde.db);

    const [atNeighbour] = await importFiles(guangde, [rollup], { acceptNewKeys: true });
    expect(atNeighbour).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect(atNeighbour!.message).toBe('文件「汇总包-郎溪县-2019-06-1.xlsx」被拒收:这个汇总包是郎溪县报给上级汇总端「市民生工作办公室」的,本机「广德市民生工作办公室」与郎溪县同级,不是它的上级,未导入。请把这个文件交给上级汇总端「市民生工作办公室」导入。');
    expect(await snapshotData(guangde.db)).toBe(before);

    // 郎溪县's unit's report at 广德市: named for where it goes, not "even with the same name".
    const report = await lv.loop.report(await lv.loop.unit('市人社局', { office: langxi, dbName: 'lx-rsj-2.db' }), '2019-06', rsjEntries('2019-06'));
    const [unitReport] = await importFiles(guangde, [report], { acceptNewKeys: true });
    expect(unitReport).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect(unitReport!.message).toContain('本机汇总端(「广德市民生工作办公室」)的指纹是');
    expect(unitReport!.message).toContain('不是同一个汇总端,未导入。请把这个文件交给「郎溪县民生工作办公室」导入。');
    expect(unitReport!.message).not.toContain('即使名称相同');

    // The city's own 下达包 at the city.
    const own = await exportAllocation(lv.city, { office: '郎溪县', outDir: lv.toCity, noQuotasOk: true });
    const [atCity] = await importFiles(lv.city, [own.file]);
    expect(atCity).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT', message: '文件「' + own.fileName + '」被拒收:这是本机自己生成的下达包(发给「郎溪县」的),应由郎溪县的汇总端导入(新建时 ledger init --from 该下达包),不需要在本机导入,未导入。' });
  });
});
