/**
 * One computation, one figure (issue 14 item 1): for every month of a demo year, the headline figures the
 * dashboard shows (from its API answers, computed as Dashboard.tsx computes them), the summary workbook
 * (written through the API and read back) and the bulletin (its text) say the same: 全市平均完成度, what is
 * on schedule, the lights and who reported. The repro: September read 64.4 % on screen and 63.5 % in print.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percent } from '../../shared/format';
import { headlineOf, type Headline } from '../../shared/rules/headline';
import { createHandlers, LedgerSession, type Handlers } from '../../electron/services/api';
import { fillDemo } from '../../electron/services/entry/demo';
import { initSummary } from '../../electron/services/plan/setup';
import { scratch } from '../e2e/harness';

const CLOCK = '2020-01-10T09:00:00';
const MONTHS = Array.from({ length: 12 }, (_, k) => `2019-${String(k + 1).padStart(2, '0')}`);

let tmp: ReturnType<typeof scratch>;
let session: LedgerSession;
let api: Handlers;

beforeAll(async () => {
  tmp = scratch('ledger-one-figure-');
  const file = join(tmp.dir, 'office.db');
  const l = await initSummary(file, { now: () => new Date(CLOCK), actor: '汇总端' });
  await fillDemo(l, '2019-12');
  await l.close();
  session = new LedgerSession(file, { now: () => new Date(CLOCK), actor: '汇总端' });
  api = createHandlers({
    session, emit: () => undefined, now: () => new Date(CLOCK),
    dialogs: { openFiles: async () => null, openFolder: async () => null, chooseFolder: async () => tmp.dir, saveFile: async () => null },
  });
}, 120_000);

afterAll(async () => {
  await session?.close();
  tmp?.remove();
});

/** What the dashboard shows: its API answers, put together as Dashboard.tsx does. */
async function dashboard(period: string): Promise<Headline> {
  const [units, tasks] = await Promise.all([api['summary:byUnit']({ period }), api['summary:byTask']({ period })]);
  return headlineOf(units.header, units.rows, tasks.rows);
}

/** The 总体情况 sheet of the workbook the API writes, read back: label → value. */
async function workbook(period: string): Promise<{ overview: Map<string, unknown>; trend: Map<string, unknown[]> }> {
  const r = await api['reports:exportWorkbook']({ period });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(join(r!.folder, r!.fileName)) as unknown as ArrayBuffer);
  const overview = new Map<string, unknown>();
  wb.getWorksheet('总体情况')!.eachRow((row) => {
    const label = row.getCell(1).value;
    if (typeof label === 'string') overview.set(label, row.getCell(2).value);
  });
  const trend = new Map<string, unknown[]>();
  wb.getWorksheet('趋势')!.eachRow((row) => {
    const label = row.getCell(2).value;
    if (typeof label === 'string') trend.set(label, (row.values as unknown[]).slice(3));
  });
  return { overview, trend };
}

/** The figures the bulletin's text states, parsed back out of its sentences. */
async function bulletin(period: string) {
  const { bulletin: b } = await api['reports:bulletinDraft']({ period });
  const n = (re: RegExp, text: string) => {
    const m = re.exec(text);
    if (!m) throw new Error(`通报中没有「${re.source}」:${text}`);
    return m.slice(1);
  };
  const [total, onSchedule, share, done, behind] = n(/量化指标任务(\d+)项,达到序时进度(\d+)项,占比([\d.]+%),其中(\d+)项已完成;未达到序时进度(\d+)项/, b.overall);
  const [green, yellow, red] = n(/绿灯(\d+)项、黄灯(\d+)项、红灯(\d+)项/, b.overall);
  const [leadUnits, reported, partial, missing] = n(/本期应报送单位(\d+)个,已报送(\d+)个,部分报送(\d+)个,未报送(\d+)个/, b.reporting);
  const noValue = /另有(\d+)项指标尚未报送数据/.exec(b.overall)?.[1] ?? '0';
  const ranked = b.ranking.map((r) => r.completion).filter((c): c is number => c !== null);
  return {
    counts: { total, onSchedule, share, done, behind, noValue }, lights: { green, yellow, red }, units: { leadUnits, reported, partial, missing },
    late: /逾期报送的单位:([^。]+)。/.exec(b.reporting)?.[1] ?? '',
    completion: ranked.length ? ranked.reduce((a, c) => a + c, 0) / ranked.length : null,
  };
}

describe('the headline figures agree on screen, in the workbook and in the bulletin, every month of a demo year', () => {
  it.each(MONTHS)('%s', async (period) => {
    const screen = await dashboard(period);
    const { overview } = await workbook(period);
    const printed = await bulletin(period);
    const c = screen.counts;
    expect(c.total, '有报数的量化指标').toBeGreaterThan(0);

    // 全市平均完成度: the same number, so the same figure to 0.1 %.
    expect(overview.get('全市平均完成度')).toBeCloseTo(screen.completion!, 12);
    expect(percent(overview.get('全市平均完成度') as number)).toBe(percent(screen.completion));
    expect(printed.completion, '通报排名表各单位完成度的平均').toBeCloseTo(screen.completion!, 12);

    // What is on schedule (总体情况), in the workbook's cells and the bulletin's sentence.
    expect([overview.get('量化指标任务（项）'), overview.get('达到序时进度（项）'), overview.get('其中已完成（项）'), overview.get('未达到序时进度（项）'), overview.get('未报数指标（个）')])
      .toEqual([c.total, c.onSchedule, c.done, c.behind, c.noValue]);
    expect(overview.get('达到序时进度占比')).toBeCloseTo(c.share!, 12);
    expect(printed.counts).toEqual({ total: `${c.total}`, onSchedule: `${c.onSchedule}`, share: percent(c.share), done: `${c.done}`, behind: `${c.behind}`, noValue: `${c.noValue}` });

    // Lights and who reported.
    expect([overview.get('● 绿灯任务（项）'), overview.get('▲ 黄灯任务（项）'), overview.get('■ 红灯任务（项）')]).toEqual([screen.green, screen.yellow, screen.red]);
    expect(printed.lights).toEqual({ green: `${screen.green}`, yellow: `${screen.yellow}`, red: `${screen.red}` });
    expect([overview.get('已报送单位（个）'), overview.get('部分报送单位（个）'), overview.get('未报送单位（个）'), overview.get('逾期报送（份）')])
      .toEqual([screen.unitsReported, screen.unitsPartial, screen.unitsMissing, screen.late]);
    expect(printed.units).toEqual({ leadUnits: `${screen.leadUnits}`, reported: `${screen.unitsReported}`, partial: `${screen.unitsPartial}`, missing: `${screen.unitsMissing}` });
    for (const name of screen.lateUnitNames) expect(printed.late).toContain(name);
  }, 60_000);

  it('the dashboard\'s trend, the workbook\'s 趋势 sheet and each month\'s headline are the same figures', async () => {
    const trend = await api['summary:trend']({});
    expect(trend.periods).toEqual(MONTHS);
    const { trend: sheet } = await workbook('2019-12');
    for (const [k, period] of MONTHS.entries()) {
      const h = await dashboard(period);
      expect(trend.overall[k]!.completion, period).toBeCloseTo(h.completion!, 12);
      expect(trend.overall[k]!.onSchedule, period).toBeCloseTo(h.counts.share!, 12);
      expect(sheet.get('全市平均完成度')![k], period).toBeCloseTo(h.completion!, 12);
      expect(sheet.get('达到序时进度指标占比')![k], period).toBeCloseTo(h.counts.share!, 12);
      expect(sheet.get('逾期报送（份）')![k], period).toBe(h.late);
    }
  }, 120_000);
});
