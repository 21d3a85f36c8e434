import { existsSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { LIGHT_LABELS } from '../../shared/domain';
import { gapText, scheduleWord, valueWord } from '../../shared/format';
import { scheduleClass } from '../../shared/rules/progress';
import { competitionRanks } from '../../shared/rules/ranking';
import { enterReports, type EntryItem } from '../../electron/services/entry/entry';
import { fillDemo } from '../../electron/services/entry/demo';
import { header, loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import {
  buildSummaryWorkbook, lightText, missingOrLate, PCT_FORMAT, SUMMARY_SHEET_NAMES, trendState, writeSummaryWorkbook,
} from '../../electron/services/summaries/reports';
import { run } from '../../electron/cli';
import { createTestLedger, fixedClock, tempDir } from '../helpers/ledger';
import type { OpenLedger } from '../../electron/services/context';

const PERIOD = '2019-06';
const FORMULA_LIKE = '=HYPERLINK("http://example.invalid","点此")+1';

/** 市残联 at exactly 50% on every indicator, on time, with narratives that look like formulas. */
const CANLIAN: EntryItem[] = [
  { task: 24, status: '推进中', progress: FORMULA_LIKE, problems: '+86 0563 3021234 联系不上', nextSteps: '@SUM(A1:A9) 下月补报' },
  { task: 24, indicator: 1, value: 1632 },
  { task: 24, indicator: 2, value: 214 },
  { task: 24, indicator: 3, value: 30 },
];

/** 市商务局 at a mean of exactly 50% too (100, 50, 25, 25), late, behind on two indicators. */
const SHANGWU: EntryItem[] = [
  { task: 4, status: '推进中', progress: '电商示范村建设推进中', problems: '部分电商企业网销额统计口径不一', nextSteps: '7月底前完成口径核对' },
  { task: 4, indicator: 1, value: 3 },
  { task: 4, indicator: 2, value: 10 },
  { task: 4, indicator: 3, value: 2, note: '核减重复统计的企业' },
  { task: 4, indicator: 4, value: 2, note: '核减重复统计的品牌' },
];

/** 市民政局 sends one of its three lead tasks, late: 部分报送. */
const MINZHENG: EntryItem[] = [{ task: 23, status: '推进中', progress: '困难人员救助按月发放' }];

interface Fixture {
  readonly l: OpenLedger;
  readonly file: string;
  readonly buffer: Buffer;
  readonly wb: ExcelJS.Workbook;
}

async function fixture(): Promise<Fixture> {
  const l = await createTestLedger({ now: fixedClock('2019-07-12T09:00:00') });
  await fillDemo(l, PERIOD);
  await enterReports(l, { unit: '市残联', period: PERIOD, items: CANLIAN, receivedOn: '2019-07-04', replace: true });
  await enterReports(l, { unit: '市商务局', period: PERIOD, items: SHANGWU, receivedOn: '2019-07-09', replace: true });
  await enterReports(l, { unit: '市民政局', period: PERIOD, items: MINZHENG, receivedOn: '2019-07-10', replace: true });
  const file = join(tempDir(), '汇总表.xlsx');
  const r = await writeSummaryWorkbook(l, { period: PERIOD, out: file });
  expect(r).toMatchObject({ out: file, sheets: SUMMARY_SHEET_NAMES, units: 37, tasks: 54 });
  const buffer = readFileSync(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return { l, file, buffer, wb };
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
}

/** Data rows below the header, as arrays of cell values (index 1 = column A). */
function rows(ws: ExcelJS.Worksheet, from = 4): ExcelJS.CellValue[][] {
  const out: ExcelJS.CellValue[][] = [];
  for (let r = from; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    out.push(Array.from({ length: ws.columnCount + 1 }, (_, c) => (c === 0 ? null : row.getCell(c).value)));
  }
  return out;
}

/** A name as the plan has it: the workbook breaks names in narrow columns into lines between words. */
const unwrapped = (v: ExcelJS.CellValue | undefined) => (typeof v === 'string' ? v.replace(/\n/g, '') : v);
const ymd = (d: ExcelJS.CellValue) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
const orDash = (x: number | null) => (x === null ? '—' : x);

describe('summary workbook: content against the database', () => {
  it('has the seven sheets in order (分县区: the embedded plan lists 宣城’s seven offices), and 分单位 lists every unit in the fixed order with its figures and rank', async () => {
    const { l, wb } = await fixture();
    expect(wb.worksheets.map((w) => w.name)).toEqual(['总体情况', '分单位', '分任务', '未报送及逾期', '滞后事项', '趋势', '分县区']);
    const units = summaryByUnit(await loadPeriodData(l, PERIOD));
    const ws = sheet(wb, '分单位');
    expect(ws.getRow(3).values).toEqual([
      undefined, '序号', '单位', '牵头任务\n（应报）', '协同任务', '按时报送', '逾期报送', '未报送', '待报送', '报送情况', '收到日期',
      '平均完成度', '● 绿灯', '▲ 黄灯', '■ 红灯', '排名',
    ]);
    const body = rows(ws);
    expect(body).toHaveLength(units.length + 1);
    const expectedRanks = competitionRanks(units.map((u) => (u.leadTasks > 0 ? u.completion : null)), { decimals: 3 });
    units.forEach((u, k) => {
      const row = body[k]!;
      expect(row.slice(1, 10)).toEqual([u.seq, u.unit, u.leadTasks, u.coTasks, u.onTime, u.late, u.missing, u.waiting, u.state]);
      expect(ymd(row[10]!)).toBe(u.receivedOn ?? '—');
      expect(row[11]).toBe(orDash(u.completion));
      expect(row.slice(12, 15)).toEqual([u.green, u.yellow, u.red]);
      expect(row[15]).toBe(orDash(expectedRanks[k] ?? null));
    });
    const total = body[units.length]!;
    expect(total[2]).toBe('合计');
    expect(total[5]).toBe(units.reduce((a, u) => a + u.onTime, 0));
    expect(total[7]).toBe(units.reduce((a, u) => a + u.missing, 0));
    expect(total[8]).toBe(units.reduce((a, u) => a + u.waiting, 0));

    // The tie: 市残联 and 市商务局 both at 50.0% share a place, and the next place is skipped (1, 2, 2, 4).
    const rankOf = (name: string) => body.find((r) => r[2] === name)![15];
    expect(units.find((u) => u.unit === '市残联')!.completion).toBe(0.5);
    expect(units.find((u) => u.unit === '市商务局')!.completion).toBe(0.5);
    const tied = rankOf('市残联') as number;
    expect(rankOf('市商务局')).toBe(tied);
    const places = body.slice(0, units.length).map((r) => r[15]).filter((r): r is number => typeof r === 'number');
    expect(places).not.toContain(tied + 1);
    expect(places).toContain(tied + 2);
    expect(rankOf('市退役军人事务局')).toBe('—');
    expect(rankOf('市委组织部')).toBe('—'); // lead tasks, but none with a number
  });

  it('分任务: every task, one row per indicator, with figures from summaryByTask; a task with no number shows its status', async () => {
    const { l, wb } = await fixture();
    const d = await loadPeriodData(l, PERIOD);
    const tasks = summaryByTask(d);
    const ws = sheet(wb, '分任务');
    const body = rows(ws);
    const categoryRows = body.filter((r) => typeof r[1] === 'string' && /^[一二三四五六七八九]、/.test(r[1] as string));
    expect(categoryRows.map((r) => r[1])).toEqual(d.plan.categories.map((c) => `${c.no}、${c.name}`));
    const taskRows = body.filter((r) => typeof r[1] === 'number');
    expect(taskRows).toHaveLength(tasks.reduce((a, t) => a + Math.max(1, t.indicators.length), 0));
    expect([...new Set(taskRows.map((r) => r[1]))]).toEqual(tasks.map((t) => t.no));

    // Narrow columns break names between words, never inside one (技能培训工/程, 市退役军人事务/局).
    expect(taskRows.find((r) => r[1] === 1)![2]).toBe('实施技工大省技能\n培训工程');
    expect(taskRows.find((r) => r[1] === 1)![3]).toBe('市人社局');
    for (const r of taskRows) {
      for (const c of [r[2], r[3], r[5]]) {
        const lines = typeof c === 'string' ? c.split('\n') : [];
        for (const line of lines.slice(1)) expect(line, String(c)).not.toMatch(/^[、，局程]/);
      }
    }
    for (const t of tasks) {
      const mine = taskRows.filter((r) => r[1] === t.no);
      // Merged task cells read back as the master's value on every row.
      for (const r of mine) {
        expect(unwrapped(r[2])).toBe(t.title);
        expect(unwrapped(r[3])).toBe(t.leadUnits.join('、'));
        expect(r[12]).toBe(t.progress === '' ? null : t.progress);
        expect(r[13]).toBe(t.problems === '' ? null : t.problems);
        expect(r[14]).toBe(t.nextSteps === '' ? null : t.nextSteps);
      }
      expect(String(mine[0]![4])).toContain(t.status ?? '未报送');
      if (t.indicators.length === 0) {
        expect(mine).toHaveLength(1);
        expect(mine[0]![5]).toBe(`无量化指标，按状态考核：${t.status ?? '未报送'}`);
        expect(mine[0]![8]).toBe(`无量化指标，按状态考核：${t.status ?? '未报送'}`); // merged over the figures: no made-up 100%
        expect(mine[0]![11]).toBe(lightText(t.light));
        continue;
      }
      t.indicators.forEach((i, k) => {
        const r = mine[k]!;
        expect(unwrapped(r[5])).toBe(i.name);
        expect(r[6]).toBe(i.comparator === 'range' ? `${i.target}-${i.targetMax}${i.unit}` : i.target);
        expect(r[7]).toBe(i.value ?? '未报');
        expect(r[8]).toBe(orDash(i.completion));
        expect(r[9]).toBe(scheduleWord(i) ?? header(d).timeProgress);
        expect(r[10]).toBe(i.gapPoints === null ? '—' : typeof r[10] === 'string' ? gapText(i) : i.gapPoints);
        expect(r[11]).toBe(lightText(i.light));
        expect(r[11]).toContain(LIGHT_LABELS[i.light]);
      });
    }

    // A target keeps its unit (and a ceiling its ≤) in the number format, not in the value.
    const t14 = tasks.find((t) => t.no === 14)!;
    expect(t14.indicators[0]!.comparator).toBe('<=');
    const row14 = taskRows.findIndex((r) => r[1] === 14);
    const cell14 = ws.getRow(4 + body.indexOf(taskRows[row14]!)).getCell(6);
    expect(cell14.value).toBe(3000);
    expect(cell14.numFmt).toBe('"≤"#,##0"元"');
  });

  it('总体情况: headline figures and the category table', async () => {
    const { l, wb } = await fixture();
    const d = await loadPeriodData(l, PERIOD);
    const units = summaryByUnit(d);
    const tasks = summaryByTask(d);
    const ws = sheet(wb, '总体情况');
    const byLabel = new Map(rows(ws).filter((r) => typeof r[1] === 'string').map((r) => [r[1] as string, r[2]]));
    const leading = units.filter((u) => u.leadTasks > 0);
    const sum = (f: (u: (typeof units)[number]) => number) => units.reduce((a, u) => a + f(u), 0);
    const indicators = tasks.flatMap((t) => t.indicators);
    const classes = indicators.filter((i) => i.value !== null).map((i) => scheduleClass(i, i.value!, 6));
    const behind = classes.filter((c) => c === '欠进度').length;
    const withCompletion = units.filter((u) => u.completion !== null);
    const overall = withCompletion.reduce((a, u) => a + u.completion!, 0) / withCompletion.length;
    const expected: Record<string, unknown> = {
      报告期: '2019年6月',
      序时进度: 0.5,
      '任务（项）': 54,
      '量化指标（个）': indicators.length,
      '责任单位（个）': units.length,
      '已报送单位（个）': leading.filter((u) => u.state === '已报送').length,
      '部分报送单位（个）': 1,
      '未报送单位（个）': leading.filter((u) => u.state === '未报送').length,
      '应报牵头任务（份）': sum((u) => u.due),
      '按时报送（份）': sum((u) => u.onTime),
      '逾期报送（份）': sum((u) => u.late),
      '未报送（份）': sum((u) => u.missing),
      '待报送（份）': sum((u) => u.waiting),
      '● 绿灯任务（项）': tasks.filter((t) => t.light === 'green').length,
      '▲ 黄灯任务（项）': tasks.filter((t) => t.light === 'yellow').length,
      '■ 红灯任务（项）': tasks.filter((t) => t.light === 'red').length,
      全市平均完成度: overall,
      '量化指标任务（项）': classes.length,
      '达到序时进度（项）': classes.length - behind,
      达到序时进度占比: (classes.length - behind) / classes.length,
      '其中已完成（项）': classes.filter((c) => c === '已完成').length,
      '未达到序时进度（项）': behind,
      '未报数指标（个）': indicators.filter((i) => i.value === null).length,
    };
    for (const [label, value] of Object.entries(expected)) {
      if (typeof value === 'number' && !Number.isInteger(value)) expect(byLabel.get(label), label).toBeCloseTo(value, 12);
      else expect(byLabel.get(label), label).toBe(value);
    }
    expect(ymd(byLabel.get('报送截止日期')!)).toBe('2019-07-05');
    expect(behind > 0 && (expected['部分报送单位（个）'] as number) > 0).toBe(true);
    expect(byLabel.has('超欠序时进度（百分点）')).toBe(false); // a mean mixing kinds is never set against 序时进度
    expect(byLabel.get('量化指标（个）')).toBe(62);
    expect(rows(ws).find((r) => r[1] === '量化指标（个）')![3]).toBe('累计类 45 个、水平类 16 个、增幅类 1 个');

    const categories = summaryByCategory(d, tasks);
    const body = rows(ws);
    const start = body.findIndex((r) => r[1] === '类别');
    expect(start).toBeGreaterThan(0);
    categories.forEach((c, k) => {
      expect(body[start + 1 + k]!.slice(1, 10)).toEqual([`${c.no}、${c.name}`, c.tasks, c.indicators, orDash(c.completion), c.green, c.yellow, c.red, c.missing, c.waiting]);
    });
  });

  it('未报送及逾期 and 滞后事项 list exactly the missing, late and lagging cases', async () => {
    const { l, wb } = await fixture();
    const d = await loadPeriodData(l, PERIOD);
    const units = summaryByUnit(d);
    const tasks = summaryByTask(d);

    const missing = rows(sheet(wb, '未报送及逾期'));
    const flagged = units.filter((u) => missingOrLate(u) !== null);
    expect(missing.map((r) => r[2])).toEqual(flagged.map((u) => u.unit));
    expect(flagged.map((u) => u.unit)).toEqual(expect.arrayContaining(['市民政局', '市交运局', '市商务局']));
    expect(flagged.map((u) => u.unit)).not.toContain('市残联');
    flagged.forEach((u, k) => {
      const r = missing[k]!;
      expect(r[1]).toBe(k + 1);
      expect(r[3]).toBe(missingOrLate(u));
      expect(r.slice(4, 9)).toEqual([u.leadTasks, u.onTime, u.late, u.missing, u.waiting]);
      expect(ymd(r[9]!)).toBe('2019-07-05');
      expect(ymd(r[10]!)).toBe(u.receivedOn ?? '—');
    });
    const minzheng = missing.find((r) => r[2] === '市民政局')!;
    expect(minzheng[3]).toBe('部分报送、逾期报送');
    expect(minzheng[11]).toBe(5); // received 07-10, due 07-05
    expect(minzheng[12]).toBe('22. 推进社会养老服务体系和养老智慧化建设\n28. 推行基本殡葬服务');
    expect(missing.find((r) => r[2] === '市交运局')![3]).toBe('未报送');
    expect(missing.find((r) => r[2] === '市商务局')![11]).toBe(4);

    const lagging = rows(sheet(wb, '滞后事项'));
    const expected = tasks.flatMap((t) =>
      t.indicators.filter((i) => i.value !== null && scheduleClass(i, i.value, 6) === '欠进度').map((i) => ({ t, i })));
    expect(expected.length).toBeGreaterThan(0);
    expect(lagging).toHaveLength(expected.length);
    expected.forEach(({ t, i }, k) => {
      const r = lagging[k]!;
      expect([r[1], unwrapped(r[2]), unwrapped(r[3]), unwrapped(r[4])]).toEqual([t.no, t.title, t.leadUnits.join('、'), i.name]);
      expect([r[6], r[7], r[9]]).toEqual([i.value, i.completion, i.gapPoints]);
      expect(r[9] as number).toBeLessThan(0);
      expect(r[11]).toBe(t.problems === '' ? '（未填写）' : t.problems);
      expect(r[12]).toBe(t.nextSteps === '' ? '（未填写）' : t.nextSteps);
    });
    const shangwu = lagging.filter((r) => r[1] === 4);
    expect(shangwu.map((r) => unwrapped(r[4]))).toEqual(['年网销额超1000万元的农村电商企业', '年网销额超100万元电商品牌']);
    expect(shangwu[0]![11]).toBe('部分电商企业网销额统计口径不一');
  });

  it('趋势: completion per unit and overall, and report counts, for every period so far', async () => {
    const { l, wb } = await fixture();
    const ws = sheet(wb, '趋势');
    expect(ws.getRow(3).values).toEqual([undefined, '序号', '单位 / 项目', '1月', '2月', '3月', '4月', '5月', '6月']);
    const body = rows(ws);
    const find = (label: string, after = 0) => body.slice(after).find((r) => r[2] === label)!;
    const sections = body.map((r, k) => [r[1], k] as const).filter(([v]) => typeof v === 'string');
    expect(sections.map(([v]) => v)).toEqual(['全市', '各单位平均完成度（牵头任务量化指标）', '各单位报送情况']);
    expect(body.some((r) => r[2] === '超欠序时进度（百分点）')).toBe(false);
    const completionStart = sections[1]![1];
    const stateStart = sections[2]![1];
    for (let month = 1; month <= 6; month++) {
      const units = summaryByUnit(await loadPeriodData(l, `2019-0${month}`));
      const leading = units.filter((u) => u.leadTasks > 0);
      const withC = units.filter((u) => u.completion !== null);
      expect(find('序时进度')[2 + month]).toBeCloseTo(month / 12, 12);
      expect(find('全市平均完成度')[2 + month]).toBeCloseTo(withC.reduce((a, u) => a + u.completion!, 0) / withC.length, 12);
      const judged = summaryByTask(await loadPeriodData(l, `2019-0${month}`)).flatMap((t) => t.indicators)
        .filter((i) => i.value !== null).map((i) => scheduleClass(i, i.value!, month));
      expect(find('达到序时进度指标占比')[2 + month]).toBeCloseTo(judged.filter((c) => c !== '欠进度').length / judged.length, 12);
      expect(find('按时报送（份）')[2 + month]).toBe(leading.reduce((a, u) => a + u.onTime, 0));
      expect(find('逾期报送（份）')[2 + month]).toBe(leading.reduce((a, u) => a + u.late, 0));
      expect(find('未报送（份）')[2 + month]).toBe(leading.reduce((a, u) => a + u.missing, 0));
      expect(find('待报送（份）')[2 + month]).toBe(leading.reduce((a, u) => a + u.waiting, 0));
      for (const u of leading) {
        expect(find(u.unit, completionStart)[2 + month], `${u.unit} ${month}月`).toBe(orDash(u.completion));
        expect(find(u.unit, stateStart)[2 + month], `${u.unit} ${month}月`).toBe(trendState(u));
      }
      expect(body.slice(completionStart, stateStart).filter((r) => typeof r[1] === 'number')).toHaveLength(leading.length);
    }
    expect(find('市民政局', stateStart)[8]).toBe('部分报送');
    expect(find('市交运局', stateStart)[8]).toBe('未报送');
  });

  it('a quarterly plan: 趋势 has four columns, 1-3月 to 1-12月 at 序时进度 3/12 to 12/12; every title names the quarter', async () => {
    const l = await createTestLedger({ now: fixedClock('2020-01-12T09:00:00'), frequency: 'quarterly' });
    await fillDemo(l, '2019-12');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await buildSummaryWorkbook(l, { period: '2019-12' })) as unknown as ArrayBuffer);
    const ws = sheet(wb, '趋势');
    expect(ws.getRow(3).values).toEqual([undefined, '序号', '单位 / 项目', '1-3月', '1-6月', '1-9月', '1-12月']);
    expect(ws.columnCount).toBe(6);
    const body = rows(ws);
    const find = (label: string) => body.find((r) => r[2] === label)!;
    expect(find('序时进度').slice(3)).toEqual([0.25, 0.5, 0.75, 1]);
    const quarters = ['2019-03', '2019-06', '2019-09', '2019-12'];
    for (const [k, period] of quarters.entries()) {
      const units = summaryByUnit(await loadPeriodData(l, period));
      const withC = units.filter((u) => u.completion !== null);
      expect(find('全市平均完成度')[3 + k], period).toBeCloseTo(withC.reduce((a, u) => a + u.completion!, 0) / withC.length, 12);
      expect(find('按时报送（份）')[3 + k], period).toBe(units.reduce((a, u) => a + u.onTime, 0));
    }
    expect(String(ws.getCell('A1').value)).toBe('2019年全市民生工作要点落实情况趋势表（2019年1-12月）');
    expect(String(sheet(wb, '分单位').getCell('A1').value)).toBe('2019年全市民生工作要点落实情况分单位汇总表（2019年1-12月）');
    expect(String(sheet(wb, '分任务').getCell('A2').value)).toContain('报告期：2019年1-12月    序时进度：100.0%    报送截止：2020-01-06');
    const overview = rows(sheet(wb, '总体情况')).find((r) => r[1] === '报告期')!;
    expect(overview.slice(2, 4)).toEqual(['2019年1-12月', '2019年度第 4 季度']);
  });
});

describe('summary workbook: each kind in its own words (issue 11)', () => {
  it('分任务 and 滞后事项: the value says what it is, 序时进度 only for a cumulative target, 超欠进度 against what is due, as another reader shows them', async () => {
    const { l, buffer, wb } = await fixture();
    const d = await loadPeriodData(l, PERIOD);
    const tasks = summaryByTask(d);
    const x = XLSX.read(buffer, { type: 'buffer', cellNF: true });
    for (const name of ['分任务', '滞后事项']) {
      const header = (sheet(wb, name).getRow(3).values as unknown[]).map(String);
      expect(header, name).toEqual(expect.arrayContaining(['进展情况', '序时进度', '超欠进度']));
      expect(header.join(), name).not.toContain('累计');
    }
    const ws = sheet(wb, '分任务');
    const sx = x.Sheets['分任务']!;
    const shown = (col: string, row: number) => sx[`${col}${row}`]?.w;
    let checked = 0;
    for (let r = 4; r <= ws.rowCount; r++) {
      const no = ws.getRow(r).getCell(1).value;
      const name = unwrapped(ws.getRow(r).getCell(5).value);
      const i = tasks.find((t) => t.no === no)?.indicators.find((k) => k.name === name);
      if (!i || i.value === null) continue;
      checked++;
      // SheetJS renders the number formats: what Excel or WPS would show in the cell.
      expect(shown('G', r), `${name} 进展情况`).toBe(`${valueWord(i)}${i.value.toLocaleString('en-US', { maximumFractionDigits: 4 })}${i.unit}`);
      expect(shown('J', r), `${name} 超欠进度`).toBe(gapText(i));
      if (i.kind !== 'cumulative') expect(shown('G', r)).not.toContain('累计');
    }
    expect(checked).toBeGreaterThan(40);
    const rowOf = (task: number, indicator: string) => {
      for (let r = 4; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === task && unwrapped(ws.getRow(r).getCell(5).value) === indicator) return r;
      throw new Error(`no row for ${task} ${indicator}`);
    };
    const insured = rowOf(18, '城乡居民基本医疗保险参保率');
    expect(shown('G', insured)).toMatch(/^当前值\d+(\.\d)?%$/);
    expect(shown('I', insured)).toBe('目标值');
    expect(shown('J', insured)).toMatch(/^(低于目标\d+\.\d个百分点|高于目标\d+\.\d个百分点|达到目标)$/);
    const income = rowOf(5, '农村常住居民人均可支配收入增长');
    expect(shown('G', income)).toMatch(/^增幅\d+(\.\d)?%$/);
    expect(shown('I', income)).toBe('目标值');
    const drugs = rowOf(24, '贫困精神残疾人药费补助');
    expect(shown('G', drugs)).toBe('累计完成1,632人');
    expect(shown('I', drugs)).toBe('50.0%');
    expect(shown('J', drugs)).toBe('与序时进度持平');
    const blight = rowOf(51, '林业有害生物成灾率');
    expect(shown('I', blight)).toBe('—'); // a ceiling has no schedule
    expect(shown('J', blight)).toMatch(/^(低于上限\d+\.\d+个千分点|超出上限\d+\.\d+个千分点|等于上限)$/);
  });
});

describe('summary workbook: formatting that matters', () => {
  it('titles merged, headers bold and bordered, numbers formatted, headers frozen, A4 landscape fit to width', async () => {
    const { wb } = await fixture();
    for (const ws of wb.worksheets) {
      const lastCol = ws.getRow(3).cellCount;
      const last = ws.getColumn(lastCol).letter;
      expect(ws.model.merges, ws.name).toEqual(expect.arrayContaining([`A1:${last}1`, `A2:${last}2`]));
      expect(String(ws.getCell('A1').value)).toMatch(ws.name === '趋势' ? /^2019年全市民生工作要点落实情况趋势表（2019年1-6月）$/ : /^2019年全市民生工作要点落实情况.*表（2019年6月）$/);
      expect(String(ws.getCell('A2').value)).toContain('制表日期：2019-07-12');
      expect(ws.getCell('A1').font.bold).toBe(true);
      for (let c = 1; c <= lastCol; c++) {
        const cell = ws.getRow(3).getCell(c);
        expect(cell.font.bold, `${ws.name} ${cell.address}`).toBe(true);
        for (const side of ['top', 'left', 'bottom', 'right'] as const) expect(cell.border[side]?.style, `${ws.name} ${cell.address} ${side}`).toBe('thin');
        expect(cell.alignment.wrapText).toBe(true);
      }
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
      expect(ws.pageSetup).toMatchObject({
        paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0,
        printTitlesRow: ws.name === '总体情况' ? '1:2' : '1:3',
      });
      expect(ws.headerFooter.oddFooter).toContain('&P');
      for (let c = 1; c <= lastCol; c++) expect(ws.getColumn(c).width, `${ws.name} column ${c}`).toBeGreaterThanOrEqual(4.5);
    }
    expect(sheet(wb, '趋势').views[0]).toMatchObject({ xSplit: 2 });

    const units = sheet(wb, '分单位');
    const canlian = units.getRows(4, 40)!.find((r) => r.getCell(2).value === '市残联')!;
    expect(canlian.getCell(11).value).toBe(0.5);
    expect(canlian.getCell(11).numFmt).toBe(PCT_FORMAT);
    expect(canlian.getCell(10).value).toBeInstanceOf(Date);
    expect(canlian.getCell(10).numFmt).toBe('yyyy-mm-dd');

    const tasks = sheet(wb, '分任务');
    const first = tasks.getRow(5);
    expect(first.getCell(1).value).toBe(1);
    expect(first.getCell(8).numFmt).toBe(PCT_FORMAT);
    expect(first.getCell(9).numFmt).toBe(PCT_FORMAT);
    expect(first.getCell(10).numFmt).toBe('"超序时进度"0.0"个百分点";"落后序时进度"0.0"个百分点";"与序时进度持平"');
    expect(first.getCell(6).numFmt).toBe('#,##0"人"');
    for (const c of [2, 5, 12, 13, 14]) expect(first.getCell(c).alignment.wrapText, `column ${c}`).toBe(true);
    expect(first.getCell(12).alignment.horizontal).toBe('left');
    // Task 1's five indicator rows share merged task cells; the category row spans the table.
    expect(tasks.model.merges).toEqual(expect.arrayContaining(['A4:N4', 'A5:A9', 'B5:B9', 'L5:L9', 'N5:N9']));
    expect(tasks.getRow(5).height).toBeGreaterThanOrEqual(18);

    // Lights: fill, symbol and word, so a black-and-white print still tells them apart.
    const light = first.getCell(11);
    expect(light.value).toBe('● 绿灯');
    expect(light.fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC6EFCE' } });
    const redRow = tasks.getRows(4, tasks.rowCount - 3)!.find((r) => String(r.getCell(11).value).includes('红灯'))!;
    expect(redRow.getCell(11).value).toBe('■ 红灯');
    expect(redRow.getCell(11).fill).toMatchObject({ fgColor: { argb: 'FFFFC7CE' } });
  });

  it('writes text that looks like a formula as text, and another reader sees numbers as numbers', async () => {
    const { wb, buffer } = await fixture();
    const tasks = sheet(wb, '分任务');
    const row24 = tasks.getRows(4, tasks.rowCount - 3)!.find((r) => r.getCell(1).value === 24)!;
    for (const [c, text] of [[12, FORMULA_LIKE], [13, '+86 0563 3021234 联系不上'], [14, '@SUM(A1:A9) 下月补报']] as const) {
      const cell = row24.getCell(c);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(text);
      expect(cell.formula).toBeUndefined();
    }

    const x = XLSX.read(buffer, { type: 'buffer', cellNF: true, cellFormula: true });
    const sx = x.Sheets['分任务']!;
    const addr = `L${row24.number}`;
    expect(sx[addr]).toMatchObject({ t: 's', v: FORMULA_LIKE });
    expect(sx[addr]!.f).toBeUndefined();
    const anyFormula = Object.values(x.Sheets).some((s) => Object.entries(s).some(([k, c]) => !k.startsWith('!') && (c as XLSX.CellObject).f !== undefined));
    expect(anyFormula).toBe(false);

    const ux = x.Sheets['分单位']!;
    const canlianRow = XLSX.utils.sheet_to_json<unknown[]>(ux, { header: 1 }).findIndex((r) => r[1] === '市残联') + 1;
    expect(ux[`K${canlianRow}`]).toMatchObject({ t: 'n', v: 0.5, z: '0.0%', w: '50.0%' });
    expect(ux[`C${canlianRow}`]).toMatchObject({ t: 'n', v: 1 });
    expect(sx['F5']).toMatchObject({ t: 'n', v: 250, w: '250人' });
    expect(sx['J5']).toMatchObject({ t: 'n' });

    // No task block is split by a page break: each break falls just before a task or a category row.
    const cfb = XLSX.CFB.read(buffer, { type: 'buffer' });
    const xml = Buffer.from(XLSX.CFB.find(cfb, '/xl/worksheets/sheet3.xml')!.content as Uint8Array).toString('utf8');
    const breaks = [...xml.matchAll(/<brk id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(breaks.length).toBeGreaterThan(2);
    for (const b of breaks) {
      const before = tasks.getRow(b).getCell(1).value;
      const after = tasks.getRow(b + 1).getCell(1).value;
      expect(typeof after === 'string' || after !== before, `break after row ${b}`).toBe(true);
    }
  });
});

describe('writing the workbook', () => {
  it('writes through a temporary file and leaves nothing behind when the target cannot be written', async () => {
    const l = await createTestLedger();
    const dir = tempDir();
    mkdirSync(join(dir, 'taken.xlsx'));
    const err = await writeSummaryWorkbook(l, { period: PERIOD, out: join(dir, 'taken.xlsx') }).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_WRITE_FAILED' });
    expect(err.message).toContain(dir);
    expect(readdirSync(dir)).toEqual(['taken.xlsx']);

    const missingDir = join(dir, '不存在的文件夹');
    const err2 = await writeSummaryWorkbook(l, { period: PERIOD, out: join(missingDir, 'a.xlsx') }).catch((e) => e);
    expect(err2).toMatchObject({ code: 'E_WRITE_FAILED' });
    expect(err2.message).toContain(`文件夹「${missingDir}」`);
    expect(err2.message).toContain('文件夹不存在');

    await expect(writeSummaryWorkbook(l, { period: PERIOD, out: join(dir, 'a.csv') })).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(writeSummaryWorkbook(l, { period: '2019-13', out: join(dir, 'a.xlsx') })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('an empty period still lists every unit and task, and is the same content for the same clock', async () => {
    const l = await createTestLedger();
    const a = await buildSummaryWorkbook(l, { period: '2019-01', generatedOn: '2019-02-06' });
    const b = await buildSummaryWorkbook(l, { period: '2019-01', generatedOn: '2019-02-06' });
    // Same content for the same clock (the zip's own entry times may differ by a second, so cells are compared).
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(a as unknown as ArrayBuffer);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(b as unknown as ArrayBuffer);
    for (const ws of wb.worksheets) expect(rows(ws)).toEqual(rows(sheet(wb2, ws.name)));
    expect(rows(sheet(wb, '分单位'))).toHaveLength(37 + 1);
    expect(rows(sheet(wb, '滞后事项'))[0]![1]).toBe('本期没有未达到序时进度的指标。');
    expect(sheet(wb, '趋势').getRow(3).values).toEqual([undefined, '序号', '单位 / 项目', '1月']);
  });

  it('ledger report writes the workbook and names it (and --json gives out, sheets, units, tasks)', async () => {
    const l = await createTestLedger();
    const out = join(tempDir(), 'summary.xlsx');
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    expect(await run(['report', '--db', l.handle.location, '--period', PERIOD, '--out', out], io)).toBe(0);
    expect(lines.join('\n')).toContain(`已生成汇总表 ${out}`);
    expect(existsSync(out)).toBe(true);
    lines.length = 0;
    expect(await run(['report', '--db', l.handle.location, '--period', PERIOD, '--out', out, '--json'], io)).toBe(0);
    expect(JSON.parse(lines.join(''))).toEqual({ out, sheets: [...SUMMARY_SHEET_NAMES], units: 37, tasks: 54 });
    lines.length = 0;
    expect(await run(['report', '--db', l.handle.location, '--period', PERIOD], io)).toBe(2);
    expect(lines.join('')).toContain('--out');
  });
});
