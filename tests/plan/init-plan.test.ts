// `ledger init --plan`: a summary office on a county's plan read from a file, refused while the plan has
// errors, and then the whole loop on it (assign, unit set up from the assignment, entry, report package,
// import, summary, workbook, bulletin) on real files.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { listPlanRevisions, planModelToDef } from '../../db/queries/plan';
import { activePlan, openLedger, type OpenLedger } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { draftBulletin } from '../../electron/services/summaries/bulletin';
import { writeSummaryWorkbook } from '../../electron/services/summaries/reports';
import { loadPeriodData, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { runLedger as ledger } from '../helpers/cli';
import { fixedClock, tempDir } from '../helpers/ledger';
import { COUNTY_PLAN } from './county-plan';

function planFile(dir: string, name: string, plan: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

describe('ledger init --plan', () => {
  it('sets up an office on a county plan file, says how many review items there are, and keeps it as revision 1', async () => {
    const dir = tempDir();
    const db = join(dir, 'S2020.db');
    const r = await ledger('init', '--db', db, '--plan', planFile(dir, '郎溪县2020.json', COUNTY_PLAN), '--office', '郎溪县民生办');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('汇总单位:郎溪县民生办');
    expect(r.out).toContain('2020年全县民生工作要点(6 项任务,6 个责任单位,1 个成员单位集合)');
    expect(r.out).toContain('待确认事项:0 项');
    const json = await ledger('plan', '--db', db, '--json');
    expect(JSON.parse(json.out)).toEqual(COUNTY_PLAN);
    const l = await openLedger(db);
    try {
      expect((await listPlanRevisions(l.db, COUNTY_PLAN.id)).map((x) => [x.revision, x.diff, x.plan])).toEqual([[1, null, COUNTY_PLAN]]);
    } finally {
      await l.close();
    }
  });

  it('refuses a plan with errors, listing each by task, and creates nothing (not even the key)', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    const [first, ...rest] = COUNTY_PLAN.categories;
    const broken = {
      ...COUNTY_PLAN,
      categories: [{ ...first!, tasks: first!.tasks.map((t) => (t.no === 2 ? { ...t, leadUnits: ['县人设局'] } : t)) }, ...rest],
    };
    const r = await ledger('init', '--db', db, '--plan', planFile(dir, 'broken.json', broken));
    expect(r.code).toBe(1);
    expect(r.err).toContain('E_VALIDATION');
    expect(r.err).toContain('任务2:牵头单位「县人设局」不在单位名单中');
    expect(existsSync(db)).toBe(false);
    expect(existsSync(`${db}.key`)).toBe(false);

    const wrongType = await ledger('init', '--db', db, '--plan', planFile(dir, 'year.json', { ...COUNTY_PLAN, year: '2020年' }));
    expect(wrongType.code).toBe(1);
    expect(wrongType.err).toMatch(/计划文件「year\.json」有 1 处错误[\s\S]*· year:/);
    expect(existsSync(db)).toBe(false);

    expect((await ledger('init', '--db', db, '--plan', join(dir, 'broken.json'), '--from', 'x.xlsx')).code).toBe(2);
  });

  it('runs the whole loop on the county plan: assign, unit set up, entry of every indicator kind, report package, import, summary, workbook, bulletin', async () => {
    const dir = tempDir();
    const usb = join(dir, 'usb');
    mkdirSync(usb);
    const db = join(dir, 'S2020.db');
    expect((await ledger('init', '--db', db, '--plan', planFile(dir, 'plan.json', COUNTY_PLAN), '--office', '郎溪县民生办')).code).toBe(0);
    const open: OpenLedger[] = [];
    try {
      const office = await openLedger(db, { now: fixedClock('2020-07-04T09:00:00'), actor: '汇总端测试' });
      open.push(office);
      const unit = async (name: string) => {
        const a = await exportAssignment(office, { unit: name, outDir: dir });
        expect(a.fileName).toBe(`任务包-${name}-2020-第1版.xlsx`);
        const u = await initUnitFromAssignment(join(dir, `${name}.db`), a.file, { now: fixedClock('2020-07-02T15:00:00'), actor: name });
        open.push(u);
        expect(planModelToDef(await activePlan(u))).toEqual(COUNTY_PLAN);
        return u;
      };
      const renshe = await unit('县人社局');
      const zhujian = await unit('县住建局');
      await enterReports(renshe, { period: '2020-06', items: [
        { task: 1, status: '推进中', progress: '培训班已开班12期', contact: '李某', phone: '0563-7021234' },
        { task: 1, indicator: 1, value: 600 }, { task: 1, indicator: 2, value: 1500 },
        { task: 2, status: '推进中', progress: '收入监测按季开展', problems: '二季度增幅回落', nextSteps: '落实稳岗补贴' }, { task: 2, indicator: 1, value: 8.5 },
      ] });
      await enterReports(zhujian, { period: '2020-06', items: [
        { task: 4, status: '推进中', progress: '主体结构封顶', contact: '王某', phone: '0563-7025678' }, { task: 4, indicator: 1, value: 0 },
        { task: 3, status: '推进中', progress: '配合新建园舍' },
      ] });
      for (const u of [renshe, zhujian]) await exportReport(u, { period: '2020-06', outDir: usb });

      const results = await importFiles(office, [usb], { acceptNewKeys: true });
      expect(results.map((r) => [r.unit, r.status])).toEqual([['县人社局', 'accepted'], ['县住建局', 'accepted']]);

      const d = await loadPeriodData(office, '2020-06');
      const byUnit = summaryByUnit(d);
      expect(byUnit.map((u) => u.unit)).toEqual(['县人社局', '县农业农村局', '县民政局', '县教体局', '县住建局', '县残联']);
      expect(byUnit.find((u) => u.unit === '县人社局')).toMatchObject({ state: '已报送', missing: 0 });
      // June is due on 2020-07-06 (7月5日 is a Sunday): on 7月4日 县残联 still has time, after the 6th it has not reported.
      expect(byUnit.find((u) => u.unit === '县残联')).toMatchObject({ state: '待报送' });
      expect(summaryByUnit(await loadPeriodData({ ...office, now: fixedClock('2020-07-07T09:00:00') }, '2020-06')).find((u) => u.unit === '县残联')).toMatchObject({ state: '未报送' });
      const byTask = summaryByTask(d);
      expect(byTask.find((t) => t.no === 1)!.indicators.map((i) => i.value)).toEqual([600, 1500]);
      expect(byTask.find((t) => t.no === 2)!.indicators.map((i) => [i.kind, i.value])).toEqual([['growth', 8.5]]);
      expect(byTask.find((t) => t.no === 4)!.indicators.map((i) => [i.kind, i.value])).toEqual([['milestone', 0]]);

      const out = join(dir, '汇总表-2020-06.xlsx');
      const wb = await writeSummaryWorkbook(office, { period: '2020-06', out });
      expect(wb.units).toBe(6);
      expect(wb.tasks).toBe(6);
      const read = new ExcelJS.Workbook();
      await read.xlsx.readFile(out);
      const cells = read.worksheets.flatMap((s) => s.getSheetValues().flat().map(String));
      expect(cells.some((c) => c.includes('县人社局'))).toBe(true);
      expect(cells.some((c) => c.includes('建成县第二幼儿园'))).toBe(true);

      // Drafted after June's due date, the bulletin names the unit that has not reported.
      const { bulletin } = await draftBulletin({ ...office, now: fixedClock('2020-07-07T09:00:00') }, { period: '2020-06' });
      const text = JSON.stringify(bulletin);
      expect(text).toContain('郎溪县民生办');
      expect(text).toContain('县残联');
    } finally {
      for (const l of open.reverse()) await l.close();
    }
  });
});
