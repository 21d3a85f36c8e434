/**
 * `ledger assign --office`, `ledger init --from 下达包` and a later 下达包 through `ledger import` (issue 13 item 3)
 * on real stores (SQLite files, PostgreSQL in the postgres project): output, exit codes, the proposed names edited with --units and --rename, usage refused.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLedger } from '../helpers/cli';
import { tempDir, testLocation } from '../helpers/ledger';
import { parseLocation, shownLocation, typedStore } from '../../db/location';

async function cityWithAllocation(): Promise<{ dir: string; city: string; file: string }> {
  const dir = tempDir();
  const city = await testLocation('city.db');
  expect((await runLedger('init', '--db', city)).code).toBe(0);
  const r = await runLedger('assign', '--db', city, '--office', '郎溪县', '--out', dir, '--json');
  expect(r.code).toBe(0);
  return { dir, city, file: JSON.parse(r.out).file as string };
}

describe('ledger assign --office', () => {
  it('writes the 下达包 and says how many indicators carry a task; --all-offices writes one per office', async () => {
    const { dir, city } = await cityWithAllocation();
    const r = await runLedger('assign', '--db', city, '--office', '宣州区', '--out', join(dir, '宣州区.xlsx'));
    expect(r).toMatchObject({ code: 0, out: `已生成「宣州区」的下达包 ${join(dir, '宣州区.xlsx')}(计划第1版;本地任务 17 个指标,无任务 45 个)。\n请用U盘交给下级汇总端,并电话告知本机密钥指纹。` });
    const all = join(dir, 'all');
    mkdirSync(all);
    expect((await runLedger('assign', '--db', city, '--all-offices', '--out', all)).code).toBe(0);
    expect(readdirSync(all).filter((f) => f.startsWith('下达包-'))).toHaveLength(7);
  });

  it('exactly one of --unit, --office, --all-offices (exit 2); an office not in the list is named (exit 1)', async () => {
    const { dir, city } = await cityWithAllocation();
    expect(await runLedger('assign', '--db', city, '--unit', '市人社局', '--office', '郎溪县', '--out', dir)).toMatchObject({ code: 2, err: expect.stringContaining('--unit 单位(任务包)、--office 下级汇总端(下达包)或 --all-offices') });
    expect(await runLedger('assign', '--db', city, '--out', dir)).toMatchObject({ code: 2 });
    expect(await runLedger('assign', '--db', city, '--office', '郎溪', '--out', dir)).toMatchObject({ code: 1, err: expect.stringContaining('错误 [E_NOT_FOUND]:没有名为「郎溪」的下级汇总端。现有:宣州区、郎溪县') });
  });
});

describe('ledger init --from 下达包', () => {
  it('--dry-run lists the proposed names as a map file; --units and --rename edit them; the parent’s fingerprint is printed', async () => {
    const { dir, city, file } = await cityWithAllocation();
    const lx = await testLocation('lx.db');
    const preview = await runLedger('init', '--db', lx, '--from', file, '--dry-run');
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('(预览,未新建)');
    expect(preview.out).toContain('\n  市人社局=郎溪县人社局\n');
    expect(preview.out).toContain('\n  团市委=团县委\n');
    expect(await runLedger('plan', '--db', lx)).toMatchObject({ code: 1, err: expect.stringContaining('[E_NOT_FOUND]') });

    const map = join(dir, '单位对照.txt');
    writeFileSync(map, '\ufeff# 郎溪县的单位名称\n市人社局=郎溪县人力资源和社会保障局\n\n市妇联=郎溪县妇联\n');
    const r = await runLedger('init', '--db', lx, '--from', file, '--units', map, '--rename', '团市委=共青团郎溪县委,市妇联=县妇女联合会');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`已按上级下达包新建汇总端数据库 ${shownLocation(parseLocation(lx))}`);
    expect(r.out).toContain(`(ledger assign --db ${typedStore(lx)} --unit 单位 --out 文件夹)`);
    const cityPrint = JSON.parse((await runLedger('keys', '--db', city, '--json')).out).own as string;
    expect(r.out).toContain(`本级汇总单位:郎溪县民生工作办公室(上级列为「郎溪县」)\n上级汇总端:市民生工作办公室,密钥指纹 ${cityPrint}(请与上级电话核对)`);
    expect(r.out).toContain('\n  市人社局=郎溪县人力资源和社会保障局\n');
    expect(r.out).toContain('\n  团市委=共青团郎溪县委\n');
    expect(r.out).toContain('\n  市妇联=县妇女联合会\n');
    const plan = JSON.parse((await runLedger('plan', '--db', lx, '--json')).out) as { units: { name: string }[] };
    expect(plan.units.map((u) => u.name)).toEqual(expect.arrayContaining(['郎溪县人力资源和社会保障局', '共青团郎溪县委', '县妇女联合会']));
    expect((await runLedger('offices', '--db', lx)).out).toBe('本级:县本级(本单位各部门合计)\n下级汇总端:尚未设置。');
  });

  it('refuses options that do not fit a 下达包, and a bad pair', async () => {
    const { dir, file } = await cityWithAllocation();
    expect(await runLedger('init', '--db', join(dir, 'x.db'), '--from', file, '--frequency', 'quarterly')).toMatchObject({ code: 2, err: expect.stringContaining('--frequency 不用于按上级下达包新建汇总端') });
    expect(await runLedger('init', '--db', join(dir, 'x.db'), '--from', file, '--rename', '市人社局')).toMatchObject({ code: 2, err: expect.stringContaining('--rename「市人社局」应写成 上级名称=本地名称') });
    expect(await runLedger('init', '--db', join(dir, 'x.db'), '--rename', '市人社局=县人社局')).toMatchObject({ code: 2, err: expect.stringContaining('--units 和 --rename 只用于按上级下达包新建汇总端') });
  });

  it('a later 下达包 goes through ledger import: the plan’s next revision, the units to send new 任务包 named', async () => {
    const { dir, city, file } = await cityWithAllocation();
    const county = await testLocation('lx.db');
    expect((await runLedger('init', '--db', county, '--from', file)).code).toBe(0);
    const later = join(dir, 'later');
    mkdirSync(later);
    const { saveQuotas } = await import('../../electron/services/levels/quotas');
    const { openLedger } = await import('../../electron/services/context');
    const l = await openLedger(city);
    await saveQuotas(l, { quotas: [{ task: 4, indicator: 2, office: '郎溪县', value: 3 }], reasons: [] });
    await l.close();
    const a = JSON.parse((await runLedger('assign', '--db', city, '--office', '郎溪县', '--out', join(later, 'x.xlsx'), '--json')).out).file as string;
    const r = await runLedger('import', '--db', county, a);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[已导入] 已按上级下达包把工作计划从第1版更新到第2版:1 处变化。任务有变化的单位(1 个)需要新的任务包:郎溪县商务局');
  });
});
