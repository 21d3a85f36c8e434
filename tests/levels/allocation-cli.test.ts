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

/** Quotas set as `ledger quota --from` would, through the service. */
async function setQuotas(city: string, quotas: readonly { task: number; indicator: number; office: string; value: number }[]): Promise<void> {
  const { saveQuotas } = await import('../../electron/services/levels/quotas');
  const { openLedger } = await import('../../electron/services/context');
  const l = await openLedger(city);
  try {
    await saveQuotas(l, { quotas, reasons: [] });
  } finally {
    await l.close();
  }
}

async function cityWithAllocation(): Promise<{ dir: string; city: string; file: string }> {
  const dir = tempDir();
  const city = await testLocation('city.db');
  expect((await runLedger('init', '--db', city)).code).toBe(0);
  await setQuotas(city, [{ task: 1, indicator: 1, office: '郎溪县', value: 40 }]);
  const r = await runLedger('assign', '--db', city, '--office', '郎溪县', '--out', dir, '--json');
  expect(r.code).toBe(0);
  return { dir, city, file: JSON.parse(r.out).file as string };
}

describe('ledger assign --office', () => {
  it('writes the 下达包 and says how many indicators carry a task, warning of the cumulative ones left 无任务', async () => {
    const { dir, city } = await cityWithAllocation();
    await setQuotas(city, [{ task: 1, indicator: 2, office: '宣州区', value: 2000 }, { task: 4, indicator: 2, office: '宣州区', value: 3 }]);
    const r = await runLedger('assign', '--db', city, '--office', '宣州区', '--out', join(dir, '宣州区.xlsx'));
    expect(r).toEqual({
      code: 0, out: `已生成「宣州区」的下达包 ${join(dir, '宣州区.xlsx')}(计划第1版;本地任务 19 个指标,无任务 43 个)。\n请用U盘交给下级汇总端,并电话告知本机密钥指纹。`,
      err: '提醒:「宣州区」还有 43 个累计类指标没有分解任务(共 45 个),下达包里这些指标将是「无任务」,不计入宣州区的完成情况。如是遗漏,请在「任务分解」页补上后重新生成下达包。',
    });
  });

  it('an office with no quota at all: the warning, exit 1 and no file; --no-quotas-ok writes it, still saying so', async () => {
    const { dir, city } = await cityWithAllocation();
    const out = join(dir, 'gd');
    mkdirSync(out);
    const refused = await runLedger('assign', '--db', city, '--office', '广德市', '--out', out);
    expect(refused).toEqual({
      code: 1, out: '',
      err: '错误 [E_VALIDATION]:「广德市」还没有分解任何任务:45 个累计类指标都没有填广德市的任务,下达包里它们都将是「无任务」,广德市将没有任何累计类目标(水平类、增幅类、节点类指标沿用原目标)。'
        + '请先在「任务分解」页填好广德市的任务再生成下达包。确实要这样下达的,请确认后再生成(命令行加 --no-quotas-ok)。',
    });
    expect(readdirSync(out)).toEqual([]);
    const json = await runLedger('assign', '--db', city, '--office', '广德市', '--out', out, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ error: { code: 'E_VALIDATION', details: { noQuotas: ['广德市'] } } });

    const r = await runLedger('assign', '--db', city, '--office', '广德市', '--out', out, '--no-quotas-ok');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(计划第1版;本地任务 17 个指标,无任务 45 个)');
    expect(r.err).toContain('提醒:「广德市」还没有分解任何任务');
    expect(readdirSync(out).filter((f) => f.startsWith('下达包-广德市'))).toHaveLength(1);
  });

  it('--all-offices: refused while any office has no quota, naming them all; --no-quotas-ok writes one per office', async () => {
    const { dir, city } = await cityWithAllocation();
    const all = join(dir, 'all');
    mkdirSync(all);
    const refused = await runLedger('assign', '--db', city, '--all-offices', '--out', all);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('错误 [E_VALIDATION]:6 个下级汇总端还没有分解任何任务:宣州区、广德市、宁国市、泾县、绩溪县、旌德县。下达包里它们的 45 个累计类指标都将是「无任务」');
    expect(readdirSync(all)).toEqual([]);
    const r = await runLedger('assign', '--db', city, '--all-offices', '--out', all, '--no-quotas-ok');
    expect(r.code).toBe(0);
    expect(readdirSync(all).filter((f) => f.startsWith('下达包-'))).toHaveLength(7);
    // Every office short of quotas is named: 郎溪县 with 44 left, the six with none.
    expect(r.err.split('\n')).toHaveLength(7);
    expect(r.err).toContain('提醒:「郎溪县」还有 44 个累计类指标没有分解任务(共 45 个)');
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
    await setQuotas(city, [{ task: 4, indicator: 2, office: '郎溪县', value: 3 }]);
    const a = JSON.parse((await runLedger('assign', '--db', city, '--office', '郎溪县', '--out', join(later, 'x.xlsx'), '--json')).out).file as string;
    const r = await runLedger('import', '--db', county, a);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[已导入] 已按上级下达包把工作计划从第1版更新到第2版:1 处变化。任务有变化的单位(1 个)需要新的任务包:郎溪县商务局');
  });

  it('two 下达包 for one county written the same day into one folder are two files; the older one, imported last, is stale with two different times', async () => {
    const { dir, city, file } = await cityWithAllocation();
    const county = await testLocation('lx.db');
    expect((await runLedger('init', '--db', county, '--from', file)).code).toBe(0);
    const out = join(dir, 'same-day');
    mkdirSync(out);
    const assign = async () => JSON.parse((await runLedger('assign', '--db', city, '--office', '郎溪县', '--out', out, '--json')).out).file as string;
    const older = await assign();
    await setQuotas(city, [{ task: 1, indicator: 1, office: '郎溪县', value: 45 }]);
    const newer = await assign();
    expect(newer).not.toBe(older);
    expect(readdirSync(out).sort()).toEqual([older, newer].map((f) => f.slice(out.length + 1)).sort());
    expect(older.slice(out.length + 1)).toMatch(/^下达包-郎溪县-2019-第1版-\d{8}-\d{4}(-2)?\.xlsx$/);
    expect((await runLedger('import', '--db', county, newer)).code).toBe(0);
    const stale = await runLedger('import', '--db', county, older);
    const times = [...stale.out.matchAll(/(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{3})?) 生成/g)].map((x) => x[1]);
    expect(stale.out).toContain('E_STALE_REVISION');
    expect(times).toHaveLength(2);
    expect(times[0]).not.toBe(times[1]);
  });

  it('a unit’s database has no subordinate offices: offices and summary --by office are refused (E_WRONG_ROLE), not shown with a bogus 本级 line', async () => {
    const { dir, city } = await cityWithAllocation();
    const a = JSON.parse((await runLedger('assign', '--db', city, '--unit', '市人社局', '--out', dir, '--json')).out).file as string;
    // A unit's ledger is a file on its own computer, whichever store the office uses.
    const unit = join(dir, 'unit.db');
    expect((await runLedger('init', '--db', unit, '--from', a)).code).toBe(0);
    expect(await runLedger('offices', '--db', unit)).toMatchObject({ code: 1, out: '', err: '错误 [E_WRONG_ROLE]:只有汇总端可以查看和设置下级汇总端。' });
    expect(await runLedger('summary', '--db', unit, '--period', '2019-06', '--by', 'office')).toMatchObject({ code: 1, out: '', err: expect.stringContaining('E_WRONG_ROLE') });
  });
});
