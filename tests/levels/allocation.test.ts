/**
 * Issue 13 items 3 and 7, the 下达包 (allocation), on real SQLite files and real xlsx files: the city sets quotas
 * for two counties (a blank among them), writes both 下达包, each county is set up from its own, its targets
 * are its quotas and a blank stays 无任务; the county runs its own units as any office does; a later 下达包
 * revises its plan; what is not for it (another key, another office, another parent, another plan, a tampered
 * file) is refused; a LibreOffice re-save still verifies.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { listOffices } from '../../db/queries/levels';
import { loadParentUnits } from '../../db/queries/parent-units';
import { planModelToDef } from '../../db/queries/plan';
import { getParent, pinOfficeKey } from '../../db/queries/rollups';
import { getSetting } from '../../db/queries/settings';
import { activePlan, type OpenLedger } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { acceptKeyFromFile, importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { fingerprint, generateKeyPair, loadKey } from '../../electron/services/keys/keys';
import { exportAllocation, exportAllocations, initOfficeFromAllocation, previewAllocation } from '../../electron/services/levels/allocation';
import { addOffice, renameOfficeNamed } from '../../electron/services/levels/offices';
import { exportRollup } from '../../electron/services/levels/rollup';
import { readPackageFile } from '../../electron/services/packages/package-data';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { draftBulletin } from '../../electron/services/summaries/bulletin';
import { writeSummaryWorkbook } from '../../electron/services/summaries/reports';
import { loadPeriodData, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { scopeWord } from '../../shared/levels';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { closeAfterTest, fixedClock, tempDir } from '../helpers/ledger';
import { snapshotData } from '../helpers/loop';

const keep = closeAfterTest;

const clock = fixedClock('2019-07-04T09:00:00');

/**
 * The city: 任务1 指标1 技能脱贫培训 (250人): 郎溪县 40, 宣州区 blank (无任务); 任务1 指标2 企业新录用人员培训: 郎溪县
 * 3000, 宣州区 2000; 任务10 毛入学率 (level, 96%): 郎溪县 97, 宣州区 none (the plan's target, as it is).
 */
async function city(dir: string): Promise<OpenLedger> {
  const c = keep(await initSummary(join(dir, 'city.db'), { now: clock, actor: '市民生办' }));
  await saveQuotas(c, { quotas: [
    { task: 1, indicator: 1, office: '郎溪县', value: 40 },
    { task: 1, indicator: 2, office: '郎溪县', value: 3000 },
    { task: 1, indicator: 2, office: '宣州区', value: 2000 },
    { task: 10, indicator: 1, office: '郎溪县', value: 97 },
  ], reasons: [] });
  return c;
}

function usb(dir: string, name = 'usb'): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** The visible 指标分解 sheet of a package file, as a person reads it. */
function quotaSheet(file: string): unknown[][] {
  const wb = XLSX.read(readFileSync(file), { type: 'buffer' });
  return XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['指标分解']!, { header: 1, defval: null });
}

const indicatorOf = (plan: Awaited<ReturnType<typeof activePlan>>, task: number, no: number) => plan.tasks.find((t) => t.no === task)!.indicators.find((i) => i.no === no);

describe('下达包: written by the city, each county set up from its own', () => {
  it('two counties, one blank: each county’s targets are its quotas, a blank stays 无任务, the parent is pinned', async () => {
    const dir = tempDir('allocation-');
    const c = await city(dir);
    const out = usb(dir);
    const langxi = await exportAllocation(c, { office: '郎溪县', outDir: out });
    const xuanzhou = await exportAllocation(c, { office: '宣州区', outDir: out });
    // The 17 level, growth and milestone targets of the plan go to every office as they are; cumulative ones by quota.
    expect([langxi.office, langxi.tasked, langxi.noTask, xuanzhou.office, xuanzhou.tasked]).toEqual(['郎溪县', 19, 43, '宣州区', 18]);

    // People read the decomposition on its visible sheet: the city's target beside the county's own.
    const rows = quotaSheet(langxi.file);
    expect(rows[0]).toEqual(['序号', '任务', '指标', '计量单位', '全市目标', '本地任务']);
    expect(rows.find((r) => r[0] === '1-1')).toEqual(['1-1', '1. 实施技工大省技能培训工程', '技能脱贫培训', '人', '250', 40]);
    expect(quotaSheet(xuanzhou.file).find((r) => r[0] === '1-1')![5]).toBe('无任务');
    expect(quotaSheet(xuanzhou.file).find((r) => r[0] === '10-1')![5]).toBe('96');

    // Recorded as sent to the office (not to a unit), and audited.
    const sent = c.handle.sqlite!.prepare(`SELECT kind, direction, unit_id, office_id, revision FROM packages WHERE kind = 'allocation' ORDER BY rowid`).all();
    const offices = await listOffices(c.db);
    expect(sent).toEqual([
      { kind: 'allocation', direction: 'out', unit_id: null, office_id: offices.find((o) => o.name === '郎溪县')!.id, revision: 1 },
      { kind: 'allocation', direction: 'out', unit_id: null, office_id: offices.find((o) => o.name === '宣州区')!.id, revision: 1 },
    ]);
    expect((await listAudit(c.db)).filter((a) => a.action === 'package.export.allocation').map((a) => (a.after as { to: string }).to)).toEqual(['宣州区', '郎溪县']);

    const lx = keep(await initOfficeFromAllocation(join(dir, 'langxi.db'), langxi.file, { now: clock, actor: '郎溪县民生办' }));
    const xz = keep(await initOfficeFromAllocation(join(dir, 'xuanzhou.db'), xuanzhou.file, { now: clock }));
    const lxPlan = await activePlan(lx);
    const xzPlan = await activePlan(xz);
    expect(indicatorOf(lxPlan, 1, 1)).toMatchObject({ name: '技能脱贫培训', target: 40 });
    expect(indicatorOf(lxPlan, 1, 2)).toMatchObject({ target: 3000 });
    expect(indicatorOf(lxPlan, 10, 1)).toMatchObject({ name: '高中阶段教育毛入学率', target: 97 });
    // 宣州区's blank is no indicator at all (无任务), the next keeps its number; its level target is the city's.
    expect(indicatorOf(xzPlan, 1, 1)).toBeUndefined();
    expect(indicatorOf(xzPlan, 1, 2)).toMatchObject({ name: '企业新录用人员培训', target: 2000 });
    expect(indicatorOf(xzPlan, 10, 1)).toMatchObject({ target: 96 });
    expect(xzPlan.tasks.map((t) => t.no)).toEqual(PLAN_2019.categories.flatMap((cat) => cat.tasks.map((t) => t.no)));
    expect(xzPlan.tasks.flatMap((t) => t.indicators)).toHaveLength(18);

    // Its own name, its scope, its units named for the county, no subordinate offices yet, the city's key pinned.
    expect(await getSetting(lx.db, 'office_name')).toBe('郎溪县民生工作办公室');
    expect(scopeWord(await getSetting(lx.db, 'office_name'))).toBe('全县');
    expect(await getSetting(xz.db, 'office_name')).toBe('宣州区民生工作办公室');
    expect(lxPlan.tasks.find((t) => t.no === 1)!.leadUnitIds.map((id) => lxPlan.units.find((u) => u.id === id)!.name)).toEqual(['郎溪县人社局']);
    expect(xzPlan.units.map((u) => u.name)).toContain('团区委');
    expect(await listOffices(lx.db)).toEqual([]);
    const cityKey = loadKey(c.file);
    expect(await getParent(lx.db)).toEqual({
      name: '市民生工作办公室', publicKey: cityKey.publicKey, fingerprint: fingerprint(cityKey.publicKey), planId: PLAN_2019.id, officeName: '郎溪县', pinnedAt: clock().toISOString(),
    });
    expect(lx.preview.parentFingerprint).toBe(fingerprint(cityKey.publicKey));
    expect((await loadParentUnits(lx.db)).get('市委组织部')).toBe('县委组织部');
    expect(lx.handle.sqlite!.prepare(`SELECT kind, direction, length(bytes) > 0 AS kept FROM packages`).all()).toEqual([{ kind: 'allocation', direction: 'in', kept: 1 }]);
    expect((await listAudit(lx.db)).map((a) => a.action)).toEqual(['office.setup', 'plan.create']);
  });

  it('the proposed names are edited before the office is set up; a name given twice or for no unit is refused, nothing created', async () => {
    const dir = tempDir('allocation-');
    const a = await exportAllocation(await city(dir), { office: '郎溪县', outDir: usb(dir) });
    expect(previewAllocation(a.file).units.slice(0, 2)).toEqual([
      { parent: '市人社局', name: '郎溪县人社局', proposed: true },
      { parent: '市退役军人事务局', name: '郎溪县退役军人事务局', proposed: true },
    ]);
    await expect(initOfficeFromAllocation(join(dir, 'x.db'), a.file, { names: { 市人社局: '郎溪县财政局' } })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('「市人社局」「市财政局」的本地名称都是「郎溪县财政局」') });
    await expect(initOfficeFromAllocation(join(dir, 'x.db'), a.file, { names: { 市人设局: '郎溪县人社局' } })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('上级计划中没有单位「市人设局」') });
    expect(existsSync(join(dir, 'x.db'))).toBe(false);

    const lx = keep(await initOfficeFromAllocation(join(dir, 'lx.db'), a.file, { now: clock, officeName: '郎溪县民生办', names: { 市人社局: '郎溪县人力资源和社会保障局' } }));
    const plan = await activePlan(lx);
    expect(plan.units.map((u) => u.name)).toContain('郎溪县人力资源和社会保障局');
    expect(plan.units.map((u) => u.name)).not.toContain('郎溪县人社局');
    expect(await getSetting(lx.db, 'office_name')).toBe('郎溪县民生办');
  });

  it('the county runs its own units as any office: 任务包, a unit’s report imported, summaries against its quotas, workbook, bulletin', async () => {
    const dir = tempDir('allocation-');
    const a = await exportAllocation(await city(dir), { office: '郎溪县', outDir: usb(dir) });
    const lx = keep(await initOfficeFromAllocation(join(dir, 'lx.db'), a.file, { now: clock }));
    const assignment = await exportAssignment(lx, { unit: '郎溪县人社局', outDir: usb(dir, 'assign') });
    const unit = keep(await initUnitFromAssignment(join(dir, 'unit.db'), assignment.file, { now: fixedClock('2019-07-02T15:00:00'), actor: '郎溪县人社局' }));
    expect(await getSetting(unit.db, 'office_name')).toBe('郎溪县民生工作办公室');
    const unitPlan = planModelToDef(await activePlan(unit));
    await enterReports(unit, { unit: '郎溪县人社局', period: '2019-06', items: yearEntries(unitPlan, '郎溪县人社局', '2019-06') });
    const report = await exportReport(unit, { period: '2019-06', outDir: usb(dir, 'reports') });

    const results = await importFiles(lx, [report.file], { acceptNewKeys: true });
    expect(results.map((r) => [r.status, r.unit])).toEqual([['accepted', '郎溪县人社局']]);
    const d = await loadPeriodData(lx, '2019-06');
    const skills = summaryByTask(d).find((t) => t.no === 1)!.indicators.find((i) => i.no === 1)!;
    // Judged against the county's quota (40), not the city's 250: 20 by June is 50%.
    expect({ target: skills.target, value: skills.value, completion: skills.completion }).toEqual({ target: 40, value: 20, completion: 0.5 });
    const row = summaryByUnit(d).find((u) => u.unit === '郎溪县人社局')!;
    expect({ onTime: row.onTime, late: row.late, missing: row.missing }).toEqual({ onTime: row.due, late: 0, missing: 0 });
    expect(row.due).toBeGreaterThan(0);

    const workbook = await writeSummaryWorkbook(lx, { period: '2019-06', out: join(dir, '郎溪县汇总表.xlsx') });
    const wb = XLSX.read(readFileSync(workbook.out), { type: 'buffer' });
    expect(JSON.stringify(XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[1]!]!, { header: 1 }))).toContain('郎溪县人社局');
    const { bulletin } = await draftBulletin(lx, { period: '2019-06' });
    expect(JSON.stringify(bulletin)).toContain('郎溪县民生工作办公室');
    expect(JSON.stringify(bulletin)).toContain('全县');
  });

  it('--all-offices: one 下达包 per office, in the list’s order, once the offices without any quota are confirmed', async () => {
    const dir = tempDir('allocation-');
    const c = await city(dir);
    // Five of the seven have no quota at all: nothing is written until the office says it means it.
    await expect(exportAllocations(c, { outDir: usb(dir) })).rejects.toMatchObject({
      code: 'E_VALIDATION', details: { noQuotas: ['广德市', '宁国市', '泾县', '绩溪县', '旌德县'] },
      message: expect.stringContaining('5 个下级汇总端还没有分解任何任务:广德市、宁国市、泾县、绩溪县、旌德县。下达包里它们的 45 个累计类指标都将是「无任务」'),
    });
    expect(readdirSync(join(dir, 'usb'))).toHaveLength(0);
    const written = await exportAllocations(c, { outDir: usb(dir), noQuotasOk: true });
    expect(written.map((w) => w.office)).toEqual(['宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县']);
    expect(readdirSync(join(dir, 'usb'))).toHaveLength(7);
  });
});

describe('a 下达包 for an office whose quotas are missing (issue 13 follow-up)', () => {
  it('no quota at all: refused before anything is written, saying the office would get no cumulative target; written once confirmed', async () => {
    const dir = tempDir('allocation-');
    const c = await city(dir);
    const out = usb(dir);
    await expect(exportAllocation(c, { office: '广德市', outDir: out })).rejects.toMatchObject({
      code: 'E_VALIDATION', details: { noQuotas: ['广德市'] },
      message: '「广德市」还没有分解任何任务:45 个累计类指标都没有填广德市的任务,下达包里它们都将是「无任务」,广德市将没有任何累计类目标(水平类、增幅类、节点类指标沿用原目标)。'
        + '请先在「任务分解」页填好广德市的任务再生成下达包。确实要这样下达的,请确认后再生成(命令行加 --no-quotas-ok)。',
    });
    expect(readdirSync(out)).toEqual([]);
    const confirmed = await exportAllocation(c, { office: '广德市', outDir: out, noQuotasOk: true });
    expect(confirmed).toMatchObject({ tasked: 17, noTask: 45, warning: expect.stringContaining('「广德市」还没有分解任何任务') });
    expect(quotaSheet(confirmed.file).slice(1).filter((r) => r[5] === '无任务')).toHaveLength(45);
  });

  it('some quotas: written, with how many cumulative targets are 无任务 for it; all of them: no warning', async () => {
    const dir = tempDir('allocation-');
    const c = await city(dir);
    // 宣州区 has one of the 45 (任务1 指标2), 郎溪县 two (任务1 指标1 and 2; its 毛入学率 is a level, not counted).
    const xuanzhou = await exportAllocation(c, { office: '宣州区', outDir: usb(dir) });
    expect(xuanzhou.warning).toBe('「宣州区」还有 44 个累计类指标没有分解任务(共 45 个),下达包里这些指标将是「无任务」,不计入宣州区的完成情况。如是遗漏,请在「任务分解」页补上后重新生成下达包。');
    expect((await exportAllocation(c, { office: '郎溪县', outDir: usb(dir, 'lx') })).warning).toContain('还有 43 个累计类指标没有分解任务(共 45 个)');

    const plan = await activePlan(c);
    const cumulative = plan.tasks.flatMap((t) => t.indicators.filter((i) => i.kind === 'cumulative').map((i) => ({ task: t.no, indicator: i.no, office: '泾县', value: 1 })));
    expect(cumulative).toHaveLength(45);
    await saveQuotas(c, { quotas: cumulative, reasons: [] });
    const jingxian = await exportAllocation(c, { office: '泾县', outDir: usb(dir, 'jx') });
    expect(jingxian).toMatchObject({ tasked: 62, noTask: 0, warning: null });
  });

  it('a share typed wrong (7000 for 70, the city target 250): the 下达包 is written with a warning naming it; once a reason is given, none', async () => {
    const dir = tempDir('allocation-');
    const c = await city(dir);
    await saveQuotas(c, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 7000 }], reasons: [] });
    const typo = await exportAllocation(c, { office: '郎溪县', outDir: usb(dir) });
    expect(typo.warning).toContain('下达给郎溪县的指标中有 1 个的分解合计超过目标,且未说明原因:任务1 指标1「技能脱贫培训」(郎溪县 7000,全市目标 250,各级合计超出 6750)');
    // The other county's package names none of it: its own shares are not the ones over.
    expect((await exportAllocation(c, { office: '宣州区', outDir: usb(dir, 'xz') })).warning).not.toContain('超过目标');
    await saveQuotas(c, { quotas: [], reasons: [{ task: 1, indicator: 1, reason: '含两年任务' }] });
    expect((await exportAllocation(c, { office: '郎溪县', outDir: usb(dir, 'lx2') })).warning).not.toContain('超过目标');
  });
});

describe('a later 下达包 at the county', () => {
  /** The city, 郎溪县 set up from its first 下达包, and that file. */
  async function setUp() {
    const dir = tempDir('allocation-');
    const c = await city(dir);
    const first = await exportAllocation(c, { office: '郎溪县', outDir: usb(dir, 'first') });
    const lx = keep(await initOfficeFromAllocation(join(dir, 'lx.db'), first.file, { now: clock, names: { 市人社局: '郎溪县人力资源和社会保障局' } }));
    return { dir, c, lx, first };
  }

  it('quotas changed: a new revision of the county’s plan with the new targets, its own unit names kept; again is a duplicate, the older one stale', async () => {
    const { dir, c, lx, first } = await setUp();
    await saveQuotas(c, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 50 }, { task: 1, indicator: 3, office: '郎溪县', value: 200 }], reasons: [] });
    // The county's key pinned at the city (as its first 汇总包 would): the 下达包 is addressed to it.
    const own = (await getSetting(lx.db, 'public_key'))!;
    const officeId = (await listOffices(c.db)).find((o) => o.name === '郎溪县')!.id;
    await pinOfficeKey(c.db, { officeId, publicKey: own, fingerprint: fingerprint(own), at: '2019-07-05T00:00:00Z', by: '测试' });
    // A day later by the city's clock: the same database, a later package.
    const c2: OpenLedger = { ...c, now: fixedClock('2019-07-05T09:00:00') };
    const later = await exportAllocation(c2, { office: '郎溪县', outDir: usb(dir, 'later') });

    const preview = await importFiles(lx, [later.file], { dryRun: true });
    expect(preview[0]).toMatchObject({ status: 'accepted', kind: 'allocation' });
    expect((await activePlan(lx)).revision).toBe(1);

    const [r] = await importFiles(lx, [later.file]);
    expect(r).toMatchObject({ status: 'accepted', kind: 'allocation', message: expect.stringContaining('从第1版更新到第2版:2 处变化') });
    expect(r!.message).toContain('郎溪县人力资源和社会保障局');
    const plan = await activePlan(lx);
    expect(plan.revision).toBe(2);
    expect(indicatorOf(plan, 1, 1)).toMatchObject({ target: 50 });
    expect(indicatorOf(plan, 1, 3)).toMatchObject({ name: '新技工系统培养', target: 200 });
    expect(plan.units.map((u) => u.name)).toContain('郎溪县人力资源和社会保障局');
    expect((await listAudit(lx.db)).slice(0, 2).map((a) => a.action)).toEqual(['package.import.allocation', 'plan.revise']);

    expect((await importFiles(lx, [later.file]))[0]).toMatchObject({ status: 'duplicate' });
    expect((await importFiles(lx, [first.file]))[0]).toMatchObject({ status: 'duplicate' });
    // An older one not yet imported here (written before the later one) is stale.
    const older = await exportAllocation(c, { office: '郎溪县', outDir: usb(dir, 'older') });
    const stale = (await importFiles(lx, [older.file]))[0]!;
    expect(stale).toMatchObject({ status: 'rejected', code: 'E_STALE_REVISION' });
    expect(stale.message).toContain('已按上级 2019-07-05 09:00:00 生成的下达包更新过,这个下达包是 2019-07-04 09:00:00 生成的');
  });

  it('an indicator taken away and given back, one given where it was 无任务: the county keeps the parent’s numbers, its 汇总包 is the city’s plan', async () => {
    const { dir, c, lx } = await setUp();
    const day = (d: number): OpenLedger => ({ ...c, now: fixedClock(`2019-07-${String(d).padStart(2, '0')}T09:00:00`) });
    const take = async (d: number, quotas: { task: number; indicator: number; office: string; value: number | null }[]) => {
      await saveQuotas(c, { quotas, reasons: [] });
      const a = await exportAllocation(day(d), { office: '郎溪县', outDir: usb(dir, `d${d}`) });
      const [r] = await importFiles(lx, [a.file]);
      expect(r).toMatchObject({ status: 'accepted' });
      return r!;
    };
    const numbers = async (task: number) => (await activePlan(lx)).tasks.find((t) => t.no === task)!.indicators.map((i) => [i.no, i.name]);
    // 任务1 指标1 taken away (无任务) while 指标3 新技工系统培养, 无任务 until now, is given.
    await take(5, [{ task: 1, indicator: 1, office: '郎溪县', value: null }, { task: 1, indicator: 3, office: '郎溪县', value: 200 }]);
    expect(await numbers(1)).toEqual([[2, '企业新录用人员培训'], [3, '新技工系统培养']]);
    // Given back: its old number, not a new one after the others.
    const back = await take(6, [{ task: 1, indicator: 1, office: '郎溪县', value: 45 }]);
    expect((back.changes ?? []).map((w) => w.words).join()).toContain('任务1 新增指标1');
    expect(await numbers(1)).toEqual([[1, '技能脱贫培训'], [2, '企业新录用人员培训'], [3, '新技工系统培养']]);
    // The 任务包 for its unit of 任务1 carries the city's numbers too.
    const assignment = await exportAssignment(lx, { unit: '郎溪县人力资源和社会保障局', outDir: usb(dir, 'assign') });
    const given = readPackageFile(assignment.file).pkg.data as { plan: { categories: { tasks: { no: number; indicators: { no: number; name: string }[] }[] }[] } };
    expect(given.plan.categories.flatMap((c) => c.tasks).find((t) => t.no === 1)!.indicators.map((i) => [i.no, i.name])).toEqual(await numbers(1));
    // The county's 汇总包 carries the city's numbers, and the city takes it.
    const rollup = await exportRollup({ ...lx, now: fixedClock('2019-07-07T09:00:00') }, { period: '2019-06', outDir: usb(dir, 'to-city') });
    const sent = readPackageFile(rollup.file).pkg.data as { indicators: { task: number; indicator: number; target: number | null }[] };
    expect(sent.indicators.filter((i) => i.task === 1).map((i) => [i.indicator, i.target])).toEqual([[1, 45], [2, 3000], [3, 200]]);
    expect((await importFiles(c, [rollup.file], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted' });
  });

  it('a county an earlier version numbered 任务1 指标4 where the city has 指标1 takes the city’s number from its next 下达包, its reported values kept', async () => {
    const { dir, c, lx } = await setUp();
    const unitName = '郎溪县人力资源和社会保障局';
    const assignment = await exportAssignment(lx, { unit: unitName, outDir: usb(dir, 'assign') });
    const unit = keep(await initUnitFromAssignment(join(dir, 'unit.db'), assignment.file, { now: fixedClock('2019-07-02T15:00:00') }));
    const items = yearEntries(planModelToDef(await activePlan(unit)), unitName, '2019-06').map((e) => (e.task === 1 && e.indicator === 1 ? { ...e, value: 12 } : e));
    await enterReports(unit, { unit: unitName, period: '2019-06', items });
    const report = await exportReport(unit, { period: '2019-06', outDir: usb(dir, 'reports') });
    expect((await importFiles(lx, [report.file], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted' });
    // What the earlier version left: 技能脱贫培训 held as 指标4.
    const planId = (await activePlan(lx)).id;
    const task1 = await lx.db.selectFrom('tasks').select('id').where('plan_id', '=', planId).where('no', '=', 1).executeTakeFirstOrThrow();
    await lx.db.updateTable('indicators').set({ no: 4 }).where('task_id', '=', task1.id).where('no', '=', 1).execute();

    await saveQuotas(c, { quotas: [{ task: 1, indicator: 2, office: '郎溪县', value: 3100 }], reasons: [] });
    const later = await exportAllocation({ ...c, now: fixedClock('2019-07-05T09:00:00') }, { office: '郎溪县', outDir: usb(dir, 'later') });
    const preview = (await importFiles(lx, [later.file], { dryRun: true }))[0]!;
    const words = (preview.changes ?? []).map((w) => w.words);
    expect(words).toContain('任务1 指标4「技能脱贫培训」按上级的编号改为指标1(已填报的数据随之保留)');
    expect(words.join()).not.toContain('删除指标');
    const [r] = await importFiles(lx, [later.file]);
    expect(r).toMatchObject({ status: 'accepted' });
    expect(r!.message).toContain(unitName);
    const plan = await activePlan(lx);
    expect(plan.tasks.find((t) => t.no === 1)!.indicators.map((i) => i.no)).toEqual([1, 2]);
    const rollup = await exportRollup(lx, { period: '2019-06', outDir: usb(dir, 'to-city') });
    const sent = readPackageFile(rollup.file).pkg.data as { indicators: { task: number; indicator: number; value: number | null }[] };
    expect(sent.indicators.find((i) => i.task === 1 && i.indicator === 1)).toMatchObject({ value: 12 });
    expect((await importFiles(c, [rollup.file], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted' });
  });

  it('the city renames the county before its first 汇总包: the old-name 汇总包 points to the rename, its key is registered for the new name, and the next 下达包 (to its key) renames the county', async () => {
    const { dir, c, lx } = await setUp();
    const at = (d: number, h = 9): OpenLedger => ({ ...c, now: fixedClock(`2019-07-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00`) });
    await renameOfficeNamed(c, '郎溪县', '郎溪');
    // Before the city has its key, a 下达包 to 「郎溪」 is refused, saying what a rename needs.
    const unaddressed = await exportAllocation(at(5), { office: '郎溪', outDir: usb(dir, 'unaddressed') });
    const [refused] = await importFiles(lx, [unaddressed.file]);
    expect(refused).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect(refused!.message).toContain('如果是上级把本机改名为「郎溪」:上级还没有登记本机的密钥');
    expect(refused!.message).toContain('ledger keys --accept-from 该汇总包');

    // Its 汇总包 under the old name: not "add 郎溪县" (a second county), but the rename and the key to register.
    const first = await exportRollup(lx, { period: '2019-06', outDir: usb(dir, 'to-city') });
    const [r] = await importFiles(c, [first.file], { acceptNewKeys: true });
    expect(r).toMatchObject({ status: 'rejected', code: 'E_UNKNOWN_OFFICE' });
    expect(r!.message).toMatch(/本机已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 把下级汇总端「郎溪县」改名为「郎溪」,未导入。请不要再添加「郎溪县」/);
    expect(r!.message).not.toContain('请先在「任务分解」页的「下级汇总端…」中添加它');
    expect(await acceptKeyFromFile(c, first.file)).toMatchObject({ unit: '郎溪', previous: null });
    expect((await listAudit(c.db, { action: 'office-key.accept-first' }))[0]).toMatchObject({ entityId: '郎溪', after: { listedAs: '郎溪县' } });

    // The next 下达包 is addressed to its key: taken, and the county goes by its new name, saying so.
    const addressed = await exportAllocation(at(6), { office: '郎溪', outDir: usb(dir, 'addressed') });
    const [taken] = await importFiles(lx, [addressed.file]);
    expect(taken).toMatchObject({ status: 'accepted' });
    expect(taken!.message).toContain('上级已把本机在其名单中的名称由「郎溪县」改为「郎溪」:本机已改用新名称');
    expect((await getParent(lx.db))?.officeName).toBe('郎溪');
    expect((await listAudit(lx.db, { action: 'package.import.allocation' }))[0]).toMatchObject({ after: { listedAs: '郎溪', listedBefore: '郎溪县' } });
    const next = await exportRollup(lx, { period: '2019-06', outDir: usb(dir, 'to-city-2') });
    expect((await importFiles(c, [next.file]))[0]).toMatchObject({ status: 'accepted', unit: '郎溪' });
    expect((await listOffices(c.db)).map((o) => o.name)).not.toContain('郎溪县');
  });

  it('a county unit’s 填报包 brought to the city before the county’s first 汇总包: said to be the county’s unit’s, to go to the county, not to be given a 任务包 here', async () => {
    const { dir, c, lx } = await setUp();
    const unitName = '郎溪县人力资源和社会保障局';
    const assignment = await exportAssignment(lx, { unit: unitName, outDir: usb(dir, 'assign') });
    const unit = keep(await initUnitFromAssignment(join(dir, 'unit.db'), assignment.file, { now: fixedClock('2019-07-02T15:00:00') }));
    await enterReports(unit, { unit: unitName, period: '2019-06', items: yearEntries(planModelToDef(await activePlan(unit)), unitName, '2019-06') });
    const report = await exportReport(unit, { period: '2019-06', outDir: usb(dir, 'reports') });
    const before = await snapshotData(c.db);
    const [r] = await importFiles(c, [report.file], { acceptNewKeys: true });
    expect(r).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
    expect(r!.message).toContain(`看来是郎溪县的单位(${unitName})报给郎溪县汇总端的:本机给郎溪县下达过下达包`);
    expect(r!.message).toContain('请把这个文件交给郎溪县汇总端导入');
    expect(r!.message).not.toContain('请从本机生成任务包交给它');
    expect(await snapshotData(c.db)).toBe(before);
  });

  it('in one batch with a unit’s report, the report is judged against the plan the 下达包 made', async () => {
    const { dir, c, lx } = await setUp();
    const assignment = await exportAssignment(lx, { unit: '郎溪县人力资源和社会保障局', outDir: usb(dir, 'assign') });
    const unit = keep(await initUnitFromAssignment(join(dir, 'unit.db'), assignment.file, { now: fixedClock('2019-07-02T15:00:00') }));
    await enterReports(unit, { unit: '郎溪县人力资源和社会保障局', period: '2019-06', items: yearEntries(planModelToDef(await activePlan(unit)), '郎溪县人力资源和社会保障局', '2019-06') });
    const report = await exportReport(unit, { period: '2019-06', outDir: usb(dir, 'reports') });
    // The city takes 技能脱贫培训 from 郎溪县 (无任务): the county's plan no longer asks for it.
    await saveQuotas(c, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: null }], reasons: [] });
    const later = await exportAllocation({ ...c, now: fixedClock('2019-07-05T09:00:00') }, { office: '郎溪县', outDir: usb(dir, 'later') });

    const results = await importFiles(lx, [later.file, report.file], { acceptNewKeys: true });
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(results[1]!.message).toContain('该单位的工作计划是第1版,本机是第2版');
    expect(results[1]!.message).toContain('本计划已不再要求的任务1的第1个指标未导入');
    expect(indicatorOf(await activePlan(lx), 1, 1)).toBeUndefined();
  });

  it('refused, changing nothing: addressed to another key, to another office, signed by another parent, on another plan, tampered', async () => {
    const { dir, c, lx } = await setUp();
    const before = await snapshotData(lx.db);
    const officeId = async (name: string) => (await listOffices(c.db)).find((o) => o.name === name)!.id;

    // Addressed to another key: whatever the names say (郎溪县 to 郎溪县).
    const stranger = generateKeyPair();
    await pinOfficeKey(c.db, { officeId: await officeId('郎溪县'), publicKey: stranger.publicKey, fingerprint: fingerprint(stranger.publicKey), at: '2019-07-05T00:00:00Z', by: '测试' });
    const toOtherKey = await exportAllocation(c, { office: '郎溪县', outDir: usb(dir, 'other-key') });
    // For another office, before the city has its key.
    const toXuanzhou = await exportAllocation(c, { office: '宣州区', outDir: usb(dir, 'xz') });
    // Another city (its own key) with an office of the same name.
    const otherCity = keep(await initSummary(join(dir, 'other-city.db'), { now: clock }));
    // Neither of these two has set a quota: confirmed, as its clerk would be asked to.
    const fromOtherCity = await exportAllocation(otherCity, { office: '郎溪县', outDir: usb(dir, 'other-city'), noQuotasOk: true });
    // The same city's key on another plan.
    copyFileSync(`${c.file}.key`, join(dir, 'city-2.db.key'));
    const samekeyOtherPlan = keep(await initSummary(join(dir, 'city-2.db'), { now: clock, plan: { ...PLAN_2019, id: 'xuancheng-2019-b' } }));
    await addOffice(samekeyOtherPlan, '郎溪县');
    const otherPlan = await exportAllocation(samekeyOtherPlan, { office: '郎溪县', outDir: usb(dir, 'other-plan'), noQuotasOk: true });

    const results = await importFiles(lx, [toOtherKey.file, toXuanzhou.file, fromOtherCity.file, otherPlan.file]);
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'E_WRONG_RECIPIENT'], ['rejected', 'E_WRONG_RECIPIENT'], ['rejected', 'E_KEY_MISMATCH'], ['rejected', 'E_WRONG_PLAN'],
    ]);
    expect(results[0]!.message).toContain(`是发给密钥指纹为 ${fingerprint(stranger.publicKey)} 的汇总端(「郎溪县」)的`);
    expect(results[1]!.message).toContain('是「市民生工作办公室」发给「宣州区」的,本机在上级名单中是「郎溪县」,未导入。请把它交给宣州区。');
    expect(await snapshotData(lx.db)).toBe(before);

    // A visible cell changed in Excel: refused at set-up and at import, naming the cell.
    const genuine = await exportAllocation(c, { office: '宣州区', outDir: usb(dir, 'tamper') });
    const wb = XLSX.read(readFileSync(genuine.file), { type: 'buffer' });
    const sheet = wb.Sheets['指标分解']!;
    const row = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1 }).findIndex((r) => r[0] === '1-2');
    sheet[XLSX.utils.encode_cell({ r: row, c: 5 })] = { t: 'n', v: 200 };
    const tampered = join(dir, 'tampered.xlsx');
    writeFileSync(tampered, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    await expect(initOfficeFromAllocation(join(dir, 'x.db'), tampered)).rejects.toMatchObject({ code: 'E_TAMPERED', message: expect.stringContaining('指标分解') });
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
    expect((await importFiles(lx, [tampered]))[0]).toMatchObject({ status: 'rejected', code: 'E_TAMPERED' });
  });

  it('at an office not set up from a parent, or at a unit, a 下达包 is refused with what to do', async () => {
    const { dir, c } = await setUp();
    const a = await exportAllocation(c, { office: '郎溪县', outDir: usb(dir, 'again') });
    const plainOffice = keep(await initSummary(join(dir, 'plain.db'), { now: clock }));
    const [r] = await importFiles(plainOffice, [a.file]);
    expect(r).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT', message: expect.stringContaining('本机汇总端不是按上级汇总端的下达包建立的') });
    expect(r!.message).toContain('ledger init --db 新文件.db --from 该下达包');
    const assignment = await exportAssignment(c, { unit: '市人社局', outDir: usb(dir, 'assign') });
    const unit = keep(await initUnitFromAssignment(join(dir, 'unit.db'), assignment.file, { now: clock }));
    expect((await importFiles(unit, [a.file]))[0]).toMatchObject({ status: 'rejected', code: 'E_WRONG_RECIPIENT' });
  });
});

describe('re-saved by LibreOffice without changes', () => {
  it('the 下达包 still verifies and sets the county up', async () => {
    const dir = tempDir('allocation-lo-');
    const a = await exportAllocation(await city(dir), { office: '郎溪县', outDir: usb(dir) });
    // A profile of its own: two soffice runs sharing one hand work to each other.
    execFileSync('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', join(dir, 'lo'), a.file], { stdio: 'ignore', timeout: 180_000 });
    const resaved = join(dir, 'lo', readdirSync(join(dir, 'lo'))[0]!);
    expect(readFileSync(resaved).equals(readFileSync(a.file))).toBe(false);
    const lx = keep(await initOfficeFromAllocation(join(dir, 'lx.db'), resaved, { now: clock }));
    expect(indicatorOf(await activePlan(lx), 1, 1)).toMatchObject({ target: 40 });
  }, 240_000);
});
