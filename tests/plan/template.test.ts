// The 责任分解表 round trip: `ledger plan export` → (LibreOffice re-save | openpyxl edit) → readPlanFile gives the
// plan, or exactly the edit; the blank template filled by a script is a valid plan; and a broken file is
// named cell by cell. LibreOffice and openpyxl missing is a failure, not a skip (requireResavers).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDef } from '../../shared/domain';
import type { ParsedPlan } from '../../shared/plan';
import { PLAN_2019 } from '../../seeds/plan2019';
import { readPlanFile } from '../../electron/services/plan/read';
import { TASK_COLUMNS, TEMPLATE_SHEETS } from '../../electron/services/plan/template-layout';
import { runLedger as ledger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';
import { requireResavers } from '../packages/helpers';
import { editWithOpenpyxl, type Op } from './edit-xlsx';

beforeAll(requireResavers, 120_000);

/** soffice takes 15–20 s a conversion on a loaded two-core machine; more than the default per test. */
const LIBREOFFICE_TIMEOUT = 180_000;

/** The workbook as LibreOffice saves it again, into another folder (same name). */
function resaveWithLibreOffice(src: string, dir: string): string {
  const outDir = join(dir, 'libreoffice');
  mkdirSync(outDir, { recursive: true });
  // A profile of its own: two soffice runs sharing one (another test file, another helper) hand work to each other.
  execFileSync('soffice', [
    `-env:UserInstallation=file://${join(dir, 'libreoffice-profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', outDir, src,
  ], { stdio: 'ignore', timeout: 150_000 });
  return join(outDir, src.split('/').at(-1)!);
}

async function exported2019(dir: string): Promise<string> {
  const db = join(dir, 'S.db');
  expect((await ledger('init', '--db', db)).code).toBe(0);
  const out = join(dir, '2019年责任分解表.xlsx');
  const r = await ledger('plan', 'export', '--db', db, '--out', out, '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ out, rows: 88, tasks: 54, units: 41 });
  return out;
}

type DeepMutable<T> = { -readonly [K in keyof T]: DeepMutable<T[K]> };

/** Rows an exported plan takes: one per indicator, at least one per task. */
function rowsOf(plan: PlanDef): number {
  return plan.categories.flatMap((c) => c.tasks).reduce((n, t) => n + Math.max(1, t.indicators.length), 0);
}

describe('ledger plan export: the 2019 plan in the 责任分解表', () => {
  it('reads back as the embedded 2019 plan, field for field, and is laid out as the template says', async () => {
    const dir = tempDir();
    const file = await exported2019(dir);
    const read = await readPlanFile(file);
    expect(read.errors).toEqual([]);
    expect(read.review).toEqual([]);
    // Every field comes back; `revision` is not in the template (the ledger numbers its own revisions) and reads as 1.
    expect(read.plan).toEqual(PLAN_2019);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['责任分解', '计划信息', '单位名单', '填写说明']);
    const ws = wb.getWorksheet(TEMPLATE_SHEETS.tasks)!;
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual(TASK_COLUMNS.map((c) => c.header));
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToWidth: 1, printTitlesRow: '1:3' });
    expect(ws.getCell('F4').dataValidation).toMatchObject({ type: 'list', formulae: ['"不低于,不超过,约,区间,等于"'], errorStyle: 'stop' });
    expect(ws.getCell('J4').dataValidation).toMatchObject({ formulae: ['"累计类,水平类,增幅类,节点类"'], errorStyle: 'stop' });
    expect(ws.getCell('K4').dataValidation).toMatchObject({ formulae: ['"1月,2月,3月,4月,5月,6月,7月,8月,9月,10月,11月,12月"'] });
    expect(ws.getCell('I4').dataValidation.formulae?.[0]).toContain('公里');
    expect(ws.getCell('L4').dataValidation.formulae?.[0]).toBe("'单位名单'!$A$4:$A$94");
    expect(ws.getCell('G4').value).toBe(250);
    expect(ws.getCell('A4').font?.name).toBe('宋体');
    expect(ws.getCell('A3').fill).toMatchObject({ fgColor: { argb: 'FFD9D9D9' } });
  });

  it('reads back the same after a LibreOffice re-save, drop-downs kept', async () => {
    const dir = tempDir();
    const resaved = resaveWithLibreOffice(await exported2019(dir), dir);
    const read = await readPlanFile(resaved);
    expect(read.errors).toEqual([]);
    expect(read.plan).toEqual(PLAN_2019);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(resaved);
    const kept = wb.getWorksheet(TEMPLATE_SHEETS.tasks)!.getCell('F50').dataValidation;
    expect(kept.type).toBe('list');
    expect(kept.formulae?.[0]).toBe('"不低于,不超过,约,区间,等于"');
  }, LIBREOFFICE_TIMEOUT);

  it('a unit typed as full-width ％ (WPS\'s Chinese input) is the unit %: the same units and kinds as the plan', async () => {
    const dir = tempDir();
    const edited = editWithOpenpyxl(await exported2019(dir), [['replace', '责任分解', '%', '％']], join(dir, 'full-width.xlsx'));
    const read = await readPlanFile(edited);
    expect(read.errors).toEqual([]);
    const figures = (p: PlanDef) => p.categories.flatMap((c) => c.tasks.flatMap((t) => t.indicators.map((i) => [t.no, i.no, i.unit, i.kind, i.target])));
    expect(figures(read.plan)).toEqual(figures(PLAN_2019));
    expect(figures(PLAN_2019).filter((f) => f[2] === '%').length).toBeGreaterThan(3);
  });

  it('after an openpyxl edit (a target changed, an indicator row added, a unit renamed) gives exactly the edit', async () => {
    const dir = tempDir();
    const file = await exported2019(dir);
    const added = 4 + rowsOf(PLAN_2019);
    const edited = editWithOpenpyxl(file, [
      ['set', '责任分解', 'G4', 300],
      // A row added below the table, for task 6 (which had no indicator): rows need not be in order.
      ['set', '责任分解', `B${added}`, 6],
      ['set', '责任分解', `E${added}`, '新建就业服务站'],
      ['set', '责任分解', `F${added}`, '不低于'],
      ['set', '责任分解', `G${added}`, 10],
      ['set', '责任分解', `I${added}`, '个'],
      ['set', '责任分解', `J${added}`, '累计类'],
      // Find & Replace over both sheets, as a person renames a unit.
      ['replace', '单位名单', '市人社局', '市人力资源社会保障局'],
      ['replace', '责任分解', '市人社局', '市人力资源社会保障局'],
    ], join(dir, 'edited.xlsx'));

    const want = structuredClone(PLAN_2019) as DeepMutable<PlanDef>;
    const tasks = want.categories.flatMap((c) => c.tasks);
    tasks[0]!.indicators[0]!.target = 300;
    tasks.find((t) => t.no === 6)!.indicators = [{
      no: 1, name: '新建就业服务站', comparator: '>=', target: 10, targetMax: null, unit: '个', additive: true,
      kind: 'cumulative', deadline: null, source: '新建就业服务站不低于10个',
    }];
    const rename = (n: string) => (n === '市人社局' ? '市人力资源社会保障局' : n);
    for (const t of tasks) {
      t.leadUnits = t.leadUnits.map(rename);
      t.coUnits = t.coUnits.map(rename);
    }
    want.units = want.units.map((u) => ({ ...u, name: rename(u.name) }));

    const read = await readPlanFile(edited);
    expect(read.errors).toEqual([]);
    expect(read.plan).toEqual(want);
  });
});

// ───────────────────────────── the blank template, filled by a script ─────────────────────────────

/** A county's plan typed into the blank template the way people type: see COUNTY_PLAN for what it means. */
const COUNTY_FILL: readonly Op[] = [
  ['set', '计划信息', 'B4', '2020年全县民生工作要点'],
  ['set', '计划信息', 'B5', '2020年'],
  ['date', '计划信息', 'B6', '2020-03-15'],
  ['set', '计划信息', 'B7', '某县人民政府'],
  ['set', '计划信息', 'B8', '按季度'],
  ...unitRow(4, '县人社局', '县人力资源社会保障局', '单位'),
  ...unitRow(5, '县教体局', null, '单位'),
  ...unitRow(6, '县卫健委', null, '单位'),
  ...unitRow(7, '县民政局', null, '单位'),
  ...unitRow(8, '县安委会成员单位', null, '成员单位集合'),
  // Task 3 first, a blank row, then tasks 1 and 2: the plan is ordered by 任务序号.
  ...taskRow(4, ['二、办好公平优质教育', 3, '提升学前教育', '学前三年毛入学率达到95%,新建校舍1-2所。', '学前三年毛入学率', '不低于', 0.95, null, '%', '水平类', null, '县教体局', '县卫健委', '副县长 李四']),
  ['format', '责任分解', 'G4', '0%'],
  // Full-width digits typed by an input method, as text.
  ...taskRow(5, [null, 3, null, null, '新建校舍', '区间', '１', '２', '所', '节点类', '6月']),
  // Numbers stored as text ("1,200", "0.5万"), spaces after values, the later row leaving the task's cells blank.
  ...taskRow(7, ['一、稳定和扩大就业 ', '1', '实施就业培训', '开展技能培训1200人,城镇新增就业5000人左右。', '技能培训', '不低于', '1,200', null, '人', '累计类', null, '县人社局 ', '县民政局']),
  ...taskRow(8, [null, 1, null, null, '城镇新增就业', ' 约', '0.5万', null, '人', null]),
  // An alias, a group, 等, and the townships named as a group; no indicator.
  ...taskRow(9, ['一、稳定和扩大就业', 2, '做好困难群众兜底', null, null, null, null, null, null, null, null, '县民政局', '县人力资源社会保障局、县安委会成员单位等、各乡镇人民政府']),
];

function unitRow(row: number, name: string, aliases: string | null, kind: string): Op[] {
  return [['set', '单位名单', `A${row}`, name], ['set', '单位名单', `B${row}`, aliases], ['set', '单位名单', `C${row}`, kind]];
}

function taskRow(row: number, values: readonly (string | number | null)[]): Op[] {
  return values.map((v, k) => ['set', '责任分解', `${String.fromCharCode(65 + k)}${row}`, v] as Op);
}

const COUNTY_PLAN: PlanDef = {
  id: 'plan-2020', year: 2020, title: '2020年全县民生工作要点', issuedOn: '2020-03-15', issuer: '某县人民政府', revision: 1, frequency: 'quarterly',
  categories: [
    {
      no: '一', seq: 1, name: '稳定和扩大就业', tasks: [
        {
          no: 1, title: '实施就业培训', text: '开展技能培训1200人,城镇新增就业5000人左右。', leadUnits: ['县人社局'], coUnits: ['县民政局'],
          coUnitsOpenEnded: false, leader: null, subordinates: null, indicators: [
            { no: 1, name: '技能培训', comparator: '>=', target: 1200, targetMax: null, unit: '人', additive: true, kind: 'cumulative', deadline: null, source: '技能培训不低于1200人' },
            { no: 2, name: '城镇新增就业', comparator: '~', target: 5000, targetMax: null, unit: '人', additive: true, kind: 'cumulative', deadline: null, source: '城镇新增就业约5000人' },
          ],
        },
        {
          no: 2, title: '做好困难群众兜底', text: '', leadUnits: ['县民政局'], coUnits: ['县人社局', '县安委会成员单位'], coUnitsOpenEnded: true,
          leader: null, subordinates: { role: 'co', phrase: '各乡镇人民政府' }, indicators: [],
        },
      ],
    },
    {
      no: '二', seq: 2, name: '办好公平优质教育', tasks: [{
        no: 3, title: '提升学前教育', text: '学前三年毛入学率达到95%,新建校舍1-2所。', leadUnits: ['县教体局'], coUnits: ['县卫健委'], coUnitsOpenEnded: false,
        leader: '副县长 李四', subordinates: null, indicators: [
          { no: 1, name: '学前三年毛入学率', comparator: '>=', target: 95, targetMax: null, unit: '%', additive: false, kind: 'level', deadline: null, source: '学前三年毛入学率不低于95%' },
          { no: 2, name: '新建校舍', comparator: 'range', target: 1, targetMax: 2, unit: '所', additive: true, kind: 'milestone', deadline: 6, source: '新建校舍1-2所' },
        ],
      }],
    },
  ],
  units: [
    { name: '县人社局', aliases: ['县人力资源社会保障局'], kind: 'unit' },
    { name: '县教体局', aliases: [], kind: 'unit' },
    { name: '县卫健委', aliases: [], kind: 'unit' },
    { name: '县民政局', aliases: [], kind: 'unit' },
    { name: '县安委会成员单位', aliases: [], kind: 'group' },
  ],
};

const COUNTY_REVIEW = [{ task: 1, indicator: 2, reason: '指标「城镇新增就业」未填指标类型,已按指标推断为「累计类」,请核对(第8行)。' }];

describe('ledger plan template, filled in by a script', () => {
  let blank = '';
  let dir = '';
  // One folder for the whole block (tempDir's folders go after each test): the blank template is made once.
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-template-'));
    blank = join(dir, '空白责任分解表.xlsx');
    const r = await ledger('plan', 'template', '--out', blank);
    expect(r.code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function filled(name: string, more: readonly Op[]): Promise<ParsedPlan> {
    return readPlanFile(editWithOpenpyxl(blank, [...COUNTY_FILL, ...more], join(dir, `${name}.xlsx`)));
  }

  it('the blank template read as it is names what to fill in', async () => {
    const read = await readPlanFile(blank);
    expect(read.errors).toEqual([
      { where: '「计划信息」第4行 B列(标题)', message: '请填写计划标题,如「2020年全县民生工作要点」。' },
      { where: '「计划信息」第5行 B列(年度)', message: '请填写年度,如 2020。' },
      { where: '「单位名单」第4行 A列(名称)', message: '单位名单是空的:请逐行填写责任单位。' },
      { where: '「责任分解」第4行', message: '没有任何任务:请每个指标一行填写。' },
    ]);
  });

  it('filled with a county plan (text numbers, full-width digits, 万, a percentage, rows out of order, renamed sheets) reads as that plan', async () => {
    const read = await filled('county', [['rename', '责任分解', 'Sheet1'], ['rename', '单位名单', '单位']]);
    expect(read.errors).toEqual([]);
    expect(read.review).toEqual(COUNTY_REVIEW);
    expect(read.plan).toEqual(COUNTY_PLAN);
  });

  it('lists a unit no task names for review, and reads the plan with it', async () => {
    const read = await filled('unused-unit', unitRow(9, '县文旅局', null, '单位'));
    expect(read.errors).toEqual([]);
    expect(read.review).toEqual([...COUNTY_REVIEW, { task: null, reason: '「单位名单」中的「县文旅局」没有牵头或协同任何任务,请确认是否需要。' }]);
    expect(read.plan.units.map((u) => u.name)).toEqual([...COUNTY_PLAN.units.map((u) => u.name), '县文旅局']);
  });

  it('reads a merged cell as filled in each row it spans, and lists a merge across tasks for review', async () => {
    const withinTask = await filled('merged-within-task', [['merge', '责任分解', 'I7:I8'], ['merge', '责任分解', 'C7:C8']]);
    expect(withinTask.errors).toEqual([]);
    expect(withinTask.review).toEqual(COUNTY_REVIEW);
    expect(withinTask.plan).toEqual(COUNTY_PLAN);

    const acrossTasks = await filled('merged-across-tasks', [['set', '责任分解', 'N7', '副县长 张三'], ['merge', '责任分解', 'N7:N9']]);
    expect(acrossTasks.errors).toEqual([]);
    expect(acrossTasks.review).toEqual([{
      task: null, reason: '「责任分解」第7至9行 N列(牵头领导)是一个合并单元格,跨任务1、2:已按这些任务都填写「副县长 张三」读取,请核对。',
    }, ...COUNTY_REVIEW]);
    expect(acrossTasks.plan.categories[0]!.tasks.map((t) => t.leader)).toEqual(['副县长 张三', '副县长 张三']);
  });

  it('of several sheets like 责任分解, reads the visible one with its name, never a hidden one beside a visible one, and refuses to guess', async () => {
    const copied = await filled('copied-sheet', [['copy_sheet', '责任分解', '责任分解 (2)'], ['set', '责任分解 (2)', 'G7', 1300]]);
    expect(copied.errors).toEqual([]);
    expect(copied.plan).toEqual(COUNTY_PLAN);
    expect(copied.review).toEqual([
      { task: null, reason: '工作表「责任分解 (2)」也像责任分解表,没有读取:只读取了「责任分解」,请确认要用的是这张表。' }, ...COUNTY_REVIEW,
    ]);

    // The old sheet hidden with its name kept, the edited copy beside it: what the person sees is the copy.
    const hiddenOld = await filled('hidden-old-sheet', [
      ['copy_sheet', '责任分解', '责任分解 (2)'], ['set', '责任分解 (2)', 'G7', 1300], ['sheet_state', '责任分解', 'hidden'],
    ]);
    expect(hiddenOld.errors).toEqual([]);
    expect(hiddenOld.plan.categories[0]!.tasks[0]!.indicators[0]!.target).toBe(1300);
    expect(hiddenOld.review[0]).toEqual({ task: null, reason: '隐藏的工作表「责任分解」也像责任分解表,没有读取:只读取了「责任分解 (2)」。' });

    const twoRenamed = await filled('two-renamed-sheets', [['rename', '责任分解', '责任分解(旧)'], ['copy_sheet', '责任分解(旧)', '责任分解(修订)']]);
    expect(twoRenamed.errors).toEqual([{
      where: 'two-renamed-sheets.xlsx', message: '工作簿中有多张表像责任分解表:「责任分解(旧)」「责任分解(修订)」,请只保留一张或把其他表删除。',
    }]);
  });

  it('reads hidden rows and columns and lists them for review: the person cannot see what they hold', async () => {
    const read = await filled('hidden-rows', [['hide_row', '责任分解', 8], ['hide_row', '责任分解', 9], ['hide_row', '单位名单', 6]]);
    expect(read.errors).toEqual([]);
    expect(read.plan).toEqual(COUNTY_PLAN);
    expect(read.review).toEqual([
      { task: null, reason: '「单位名单」第6行是隐藏的行,也已读取:请在 WPS 或 Excel 中取消隐藏,核对其内容。' },
      { task: null, reason: '「责任分解」第8至9行是隐藏的行,也已读取:请在 WPS 或 Excel 中取消隐藏,核对其内容。' },
      ...COUNTY_REVIEW,
    ]);

    // A hidden column is named only when it holds something read: K holds 6月, P nothing.
    const columns = await filled('hidden-columns', [['hide_col', '责任分解', 'K'], ['hide_col', '责任分解', 'P']]);
    expect(columns.errors).toEqual([]);
    expect(columns.plan).toEqual(COUNTY_PLAN);
    expect(columns.review).toEqual([
      { task: null, reason: '「责任分解」K列(完成时限)是隐藏的列,其中的内容也已读取:请在 WPS 或 Excel 中取消隐藏,核对其内容。' },
      ...COUNTY_REVIEW,
    ]);
  });

  it('reads a 类别 numbered with a space, in brackets or in digits as the category of that number and name', async () => {
    const read = await filled('category-numbering', [
      ['set', '责任分解', 'A7', '一 稳定和扩大就业'], ['set', '责任分解', 'A9', '1、稳定和扩大就业'], ['set', '责任分解', 'A4', '（二）办好公平优质教育'],
    ]);
    expect(read.errors).toEqual([]);
    expect(read.plan).toEqual(COUNTY_PLAN);
    // A form not the template's that starts a category is confirmed; one joining a category already read is not.
    expect(read.review).toEqual([
      ...COUNTY_REVIEW,
      { task: 1, reason: '类别「一 稳定和扩大就业」读作「一、稳定和扩大就业」(第7行),请核对。' },
      { task: 3, reason: '类别「（二）办好公平优质教育」读作「二、办好公平优质教育」(第4行),请核对。' },
    ]);
  });

  it('names a list longer than a plan keeps in Chinese: 51 categories', async () => {
    const ops = Array.from({ length: 49 }, (_, k) => taskRow(10 + k, [`专项工作${k + 1}`, 10 + k, `任务${k + 1}`, null, null, null, null, null, null, null, null, '县民政局'])).flat();
    const read = await filled('many-categories', ops);
    expect(read.errors).toEqual([{ where: 'many-categories.xlsx', message: '类别太多:最多 50 个。' }]);
  });

  it('reads the same county plan after a LibreOffice re-save', async () => {
    const file = editWithOpenpyxl(blank, COUNTY_FILL, join(dir, 'county-for-libreoffice.xlsx'));
    const read = await readPlanFile(resaveWithLibreOffice(file, dir));
    expect(read.errors).toEqual([]);
    expect(read.plan).toEqual(COUNTY_PLAN);
  }, LIBREOFFICE_TIMEOUT);

  // Each broken file: the one change, and every problem it makes, exactly.
  const BROKEN: readonly [string, readonly Op[], ParsedPlan['errors']][] = [
    ['text in 目标', [['set', '责任分解', 'G7', '约3千']],
      [{ where: '「责任分解」第7行 G列(目标)', message: '「约3千」不是数字:请只填写数字,如 12100、86.79万。' }]],
    ['an unknown 比较', [['set', '责任分解', 'F8', '大约']],
      [{ where: '「责任分解」第8行 F列(比较)', message: '「大约」不是可选的比较方式:请从下拉列表选择不低于、不超过、约、区间或等于。' }]],
    ['a 节点类 without 完成时限', [['set', '责任分解', 'K5', null]],
      [{ where: '「责任分解」第5行 K列(完成时限)', message: '节点类指标须有完成时限(1至12月)。' }]],
    ['a 完成时限 on a 水平类', [['set', '责任分解', 'K4', '6月']],
      [{ where: '「责任分解」第4行 K列(完成时限)', message: '只有节点类指标有完成时限。' }]],
    ['a 完成时限 the drop-down does not offer', [['set', '责任分解', 'K5', '六月底']],
      [{ where: '「责任分解」第5行 K列(完成时限)', message: '「六月底」不是可选的完成时限:请从下拉列表选择1月至12月。' }]],
    ['a task with no 牵头单位', [['set', '责任分解', 'L9', null]],
      [{ where: '「责任分解」第9行 L列(牵头单位)', message: '任务2没有牵头单位:每项任务至少要有一个牵头单位。' }]],
    ['a unit not on the unit list', [['set', '责任分解', 'L7', '县人设局']],
      [{ where: '「责任分解」第7行 L列(牵头单位)', message: '「县人设局」不在「单位名单」中:请改为名单中的名称,或先在「单位名单」中添加这个单位。' }]],
    ['duplicate 任务序号 with different text', [['set', '责任分解', 'C8', '实施就业援助']],
      [{ where: '「责任分解」第8行 C列(任务)', message: '任务序号1的「任务」与第7行不同:同一任务的各行须一致,或只在第一行填写。' }]],
    ['a 区间 without 目标上限', [['set', '责任分解', 'H5', null]],
      [{ where: '「责任分解」第5行 H列(目标上限)', message: '比较为「区间」时请填写目标上限(如 1-2家:目标 1,目标上限 2)。' }]],
    // 1-2 typed into 目标 becomes a date: read as its day serial it would be a target of 43850.
    ['a 目标 or 目标上限 shown as a date or time (built-in and own formats)', [
      ['date', '责任分解', 'G7', '2020-01-20'], ['format', '责任分解', 'G7', 'd-mmm'],
      ['set', '责任分解', 'G8', 43910], ['format', '责任分解', 'G8', 'yyyy/m/d'],
      ['set', '责任分解', 'H5', 0.5], ['format', '责任分解', 'H5', 'h:mm'],
    ], [
      { where: '「责任分解」第7行 G列(目标)', message: '显示为日期「2020-01-20」:请把单元格格式改为常规或数值后重新填写目标。' },
      { where: '「责任分解」第8行 G列(目标)', message: '显示为日期「2020-03-20」:请把单元格格式改为常规或数值后重新填写目标。' },
      { where: '「责任分解」第5行 H列(目标上限)', message: '显示为日期「12:00」:请把单元格格式改为常规或数值后重新填写目标上限。' },
    ]],
    // 1.2 typed as a task's number becomes 1月2日 in Excel and WPS: read as its day serial it would be task 46024.
    ['a 任务序号 shown as a date', [['date', '责任分解', 'B9', '2026-01-02'], ['format', '责任分解', 'B9', 'm"月"d"日"']],
      [{ where: '「责任分解」第9行 B列(任务序号)', message: '显示为日期「2026-01-02」:请把单元格格式改为常规或数值后重新填写任务序号(正整数,如 12)。' }]],
    // Kept as text, 1.100 may be one thousand one hundred written with a dot (as half of Europe writes it) or 1.1.
    ['a 目标 or 目标上限 written with a dot and three digits as text (1.100)', [['set', '责任分解', 'G7', '1.100'], ['set', '责任分解', 'H5', '2.500']], [
      { where: '「责任分解」第7行 G列(目标)', message: '「1.100」有两种读法:1100(点号分隔千位)或 1.1。请改写为 1100 或 1.1。' },
      { where: '「责任分解」第5行 H列(目标上限)', message: '「2.500」有两种读法:2500(点号分隔千位)或 2.5。请改写为 2500 或 2.5。' },
    ]],
    ['an error value left by a formula', [['set', '责任分解', 'G4', '#N/A']],
      [{ where: '「责任分解」第4行 G列(目标)', message: '是错误值「#N/A」:请填写目标,不要用公式。' }]],
    ['one category number for two categories', [['set', '责任分解', 'A4', '一、办好公平优质教育']],
      [{ where: '「责任分解」第4行 A列(类别)', message: '类别序号「一」在第7行是「稳定和扩大就业」,这里是「办好公平优质教育」:不同类别请用不同的序号。' }]],
    ['a missing header column', [['set', '责任分解', 'H3', null]],
      [{ where: '「责任分解」第3行', message: '缺少「目标上限」列:请不要删除或改动表头,可从模板复制表头。' }]],
    // A column inserted for new targets beside the old ones: which one holds the plan cannot be told.
    ['a header written twice', [['set', '责任分解', 'P3', '目标'], ['set', '责任分解', 'P7', 1300]],
      [{ where: '「责任分解」第3行', message: '表头「目标」出现在G列、P列:请只保留一列,删除另一列或改为其他表头。' }]],
    ['texts longer than a plan keeps', [
      ['set', '计划信息', 'B4', '县'.repeat(201)], ['set', '责任分解', 'C7', '任务'.repeat(260)], ['set', '责任分解', 'I8', '人(其中建档立卡贫困劳动力不少于一半以上)'],
      ['set', '单位名单', 'A9', '县'.repeat(101)], ['set', '单位名单', 'C9', '单位'],
    ], [
      { where: '「计划信息」第4行 B列(标题)', message: '标题太长(最多 200 个字),这里有 201 个字:请删减。' },
      { where: '「责任分解」第7行 C列(任务)', message: '任务太长(最多 500 个字),这里有 520 个字:请删减。' },
      { where: '「责任分解」第8行 I列(计量单位)', message: '计量单位太长(最多 20 个字),这里有 21 个字:请删减。' },
      { where: '「单位名单」第9行 A列(名称)', message: '名称太长(最多 100 个字),这里有 101 个字:请删减。' },
    ]],
    // The sheet is there by its name: what is wrong with its headers is said, not that the file is no 责任分解表.
    ['the key headers renamed', [['set', '责任分解', 'B3', '序号'], ['set', '责任分解', 'G3', '目标值']],
      [{ where: '「责任分解」第3行', message: '这一行像是表头,但缺少「任务序号」、「目标」列:请不要删除或改动表头,可从模板复制表头。' }]],
    ['the header row moved below row 10', [['insert_rows', '责任分解', 1, 8]],
      [{ where: '「责任分解」第11行', message: '这一行是表头,但表头须在前10行内:请删除表头上方多余的空行或文字。' }]],
    ['an unknown 报送频率 and 类型', [['set', '计划信息', 'B8', '每月'], ['set', '单位名单', 'C5', '部门']], [
      { where: '「计划信息」第8行 B列(报送频率)', message: '「每月」不是可选的报送频率:请从下拉列表选择「按月」或「按季度」。' },
      { where: '「单位名单」第5行 C列(类型)', message: '「部门」不是可选的类型:请从下拉列表选择「单位」或「成员单位集合」。' },
    ]],
    ['several problems at once, all named', [['set', '责任分解', 'G7', 'abc'], ['set', '责任分解', 'J8', '累计'], ['set', '责任分解', 'L9', null]], [
      { where: '「责任分解」第7行 G列(目标)', message: '「abc」不是数字:请只填写数字,如 12100、86.79万。' },
      { where: '「责任分解」第8行 J列(指标类型)', message: '「累计」不是可选的指标类型:请从下拉列表选择累计类、水平类、增幅类或节点类。' },
      { where: '「责任分解」第9行 L列(牵头单位)', message: '任务2没有牵头单位:每项任务至少要有一个牵头单位。' },
    ]],
  ];

  it.each(BROKEN)('names the cell: %s', async (name, ops, errors) => {
    const read = await filled(name.replace(/\W+/g, '-'), ops);
    expect(read.errors).toEqual(errors);
  });

  it('reads 印发日期 saved with a Chinese built-in date format (31: yyyy"年"m"月"d"日") as that date', async () => {
    const read = await filled('issued-builtin-31', [['date', '计划信息', 'B6', '2020-03-16'], ['numfmt_id', '计划信息', 'B6', 31]]);
    expect(read.errors).toEqual([]);
    expect(read.plan.issuedOn).toBe('2020-03-16');
  });

  it('refuses a file that is not a workbook, and an old .xls, saying what to do', async () => {
    const fake = join(dir, '责任分解表.xlsx');
    writeFileSync(fake, '任务序号,指标\n1,培训');
    expect((await readPlanFile(fake)).errors).toEqual([{ where: '责任分解表.xlsx', message: '不是 Excel 工作簿(.xlsx)。请在 WPS 或 Excel 中打开后另存为 .xlsx 再选择。' }]);
    const xls = join(dir, '责任分解表.xls');
    writeFileSync(xls, readFileSync(blank));
    expect((await readPlanFile(xls)).errors[0]!.message).toContain('另存为」.xlsx');
  });
});

describe('ledger plan template / export on the command line', () => {
  it('refuses an output that is not .xlsx and an export without --db', async () => {
    const dir = tempDir();
    const notXlsx = await ledger('plan', 'template', '--out', join(dir, 'plan.csv'));
    expect(notXlsx.code).toBe(2);
    expect(notXlsx.err).toContain('应以 .xlsx 结尾');
    const noDb = await ledger('plan', 'export', '--out', join(dir, 'plan.xlsx'));
    expect(noDb.code).toBe(2);
    expect(noDb.err).toContain('缺少选项 --db');
  });
});
