/**
 * The summary workbook the summary office hands to leaders (汇总表): a formatted .xlsx written with
 * ExcelJS (SheetJS community edition cannot write styles). Plain Node, never imports 'electron'.
 *
 * Every figure comes from the period summaries (summaries.ts) and the shared rules; this module only
 * lays them out as official tables: merged title rows, bold bordered headers, number formats,
 * frozen headers and an A4 landscape print setup that repeats the header rows on every page.
 */
import ExcelJS from 'exceljs';
import { assertNever, INDICATOR_KIND_LABELS, INDICATOR_KINDS, LIGHT_LABELS, type Light } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { gapText, gapWords, scheduleWord, targetFigure, valueWord, type GapWords } from '../../../shared/format';
import { periodLabel, periodShortLabel } from '../../../shared/rules/periods';
import { isBehind, overallCompletion, type Headline } from '../../../shared/rules/headline';
import { rankLabel, rankOfficesByCompletion, rankUnitsByCompletion } from '../../../shared/rules/ranking';
import { rollupStateText } from '../../../shared/levels';
import type { ByOfficeView, OfficeStanding } from '../../../shared/rollup';
import { summaryByOffice } from '../levels/figures';
import { statusWord, taskStatusText, type CategorySummary, type IndicatorSummary, type PeriodSummaryHeader, type TaskSummary, type UnitSummary } from '../../../shared/summaries';
import { CATEGORY_TABLE, TASK_TABLE, UNIT_TABLE, type OfficeTable, type TableSpec } from '../../../shared/table-view';
import { listPeriods } from '../../../db/queries/plan';
import { activePlan, officeName, today, type Ctx } from '../context';
import { ownLabel, scopeWord } from '../../../shared/levels';
import {
  A4_MARGINS, BODY_FONT, BODY_SIZE, BORDER, HEADER_STYLE, MAX_ROW_HEIGHT, SECTION_FILL, TITLE_STYLE,
  a4Landscape, cellText, colLetter, heightFor, linesIn, textWidth, wrapAtWords, writeWorkbookFile,
} from '../workbook-style';
import { isComplete, loadPeriodData, periodFigures, summaryByCategory, type PeriodData } from './summaries';

/** Sheet names, in workbook order. */
export const SUMMARY_SHEETS = {
  overview: '总体情况',
  units: '分单位',
  tasks: '分任务',
  missing: '未报送及逾期',
  lagging: '滞后事项',
  trend: '趋势',
  /** Last, and only for an office with subordinate offices. */
  offices: '分县区',
} as const;

export const SUMMARY_SHEET_NAMES: readonly string[] = Object.values(SUMMARY_SHEETS);

/** Rows 1–2 are the merged title and subtitle, row 3 the column headers: frozen and printed on every page. */
export const HEADER_ROWS = 3;

export const PCT_FORMAT = '0.0%';
export const POINTS_FORMAT = '+0.0;-0.0;0.0';
export const DATE_FORMAT = 'yyyy-mm-dd';
export const COUNT_FORMAT = '0';

/** Light tints that print as pale greys; the symbol and the word tell the lights apart in black and white. */
export const LIGHT_STYLE: Readonly<Record<Light, { symbol: string; fill: string | null; font: string }>> = {
  green: { symbol: '●', fill: 'FFC6EFCE', font: 'FF006100' },
  yellow: { symbol: '▲', fill: 'FFFFEB9C', font: 'FF5A4500' },
  red: { symbol: '■', fill: 'FFFFC7CE', font: 'FF9C0006' },
  none: { symbol: '', fill: null, font: 'FF000000' },
};

/** What a light cell says: symbol and word, e.g. "▲ 黄灯"; a task with no light shows —. */
export function lightText(light: Light): string {
  return light === 'none' ? '—' : `${LIGHT_STYLE[light].symbol} ${LIGHT_LABELS[light]}`;
}

export interface SummaryWorkbookOptions {
  readonly period: string;
  /** Date printed in the titles (YYYY-MM-DD); today by the context's clock unless given. */
  readonly generatedOn?: string;
}

export interface SummaryWorkbookInfo {
  readonly sheets: readonly string[];
  /** Reporting units listed (every unit of the plan) and tasks listed. */
  readonly units: number;
  readonly tasks: number;
}

export interface WrittenSummaryWorkbook extends SummaryWorkbookInfo {
  readonly out: string;
}

/**
 * Builds the summary workbook of a period as .xlsx bytes.
 * @example const xlsx = await buildSummaryWorkbook(ctx, { period: '2019-06' })
 */
export async function buildSummaryWorkbook(ctx: Ctx, opts: SummaryWorkbookOptions): Promise<Buffer> {
  return (await buildSummary(ctx, opts)).buffer;
}

/**
 * Builds the workbook and writes it to `out` through a temporary file in the same folder, renamed
 * into place only once it is complete: a failure never leaves a half-written workbook behind.
 * @example await writeSummaryWorkbook(ctx, { period: '2019-06', out: 'D:/汇总/2019年6月.xlsx' })
 */
export async function writeSummaryWorkbook(
  ctx: Ctx,
  opts: SummaryWorkbookOptions & { readonly out: string },
): Promise<WrittenSummaryWorkbook> {
  const { buffer, info } = await buildSummary(ctx, opts);
  await writeWorkbookFile(opts.out, buffer, '汇总表');
  return { out: opts.out, ...info };
}

// ───────────────────────────── building ─────────────────────────────

interface Built {
  readonly buffer: Buffer;
  readonly info: SummaryWorkbookInfo;
}

/** Everything the sheets are laid out from, computed once by the summaries and the shared rules. */
interface Model {
  readonly data: PeriodData;
  readonly head: PeriodSummaryHeader;
  readonly units: readonly UnitSummary[];
  readonly tasks: readonly TaskSummary[];
  readonly categories: readonly CategorySummary[];
  readonly headline: Headline;
  readonly generatedOn: string;
  readonly trend: readonly TrendPeriod[];
  /** 全市 or 全县: what the headline calls the office's whole area. */
  readonly scope: string;
  /** 市本级 or 县本级: what the office's own units are called (ownLabel). */
  readonly own: string;
  /** 分县区: the subordinate offices against their quotas; null for an office without any. */
  readonly offices: ByOfficeView | null;
  /** A selection's query in words (a table exported as shown on screen), printed under the title; '' for none. */
  readonly note: string;
}

interface TrendPeriod {
  readonly period: string;
  readonly month: number;
  readonly units: readonly UnitSummary[];
  readonly headline: Headline;
}

/** The figures of a period, once; `trend` also those of every period up to it (the trend sheet). */
async function buildModel(ctx: Ctx, opts: SummaryWorkbookOptions, withTrend: boolean): Promise<Model> {
  const generatedOn = opts.generatedOn ?? today(ctx);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(generatedOn)) throw new LedgerError('E_USAGE', `制表日期「${generatedOn}」应为 YYYY-MM-DD。`);
  const plan = await activePlan(ctx);
  const data = await loadPeriodData(ctx, opts.period, { plan });
  const { head, units, tasks, headline } = periodFigures(data);
  const categories = summaryByCategory(data, tasks);

  const trend: TrendPeriod[] = [];
  for (const p of withTrend ? await listPeriods(ctx.db, plan.id) : []) {
    if (p.month > data.period.month) continue;
    if (p.period === data.period.period) {
      trend.push({ period: p.period, month: p.month, units, headline });
      continue;
    }
    const f = periodFigures(await loadPeriodData(ctx, p, { plan, thresholds: data.thresholds, starts: data.starts, area: data.area }));
    trend.push({ period: p.period, month: p.month, units: f.units, headline: f.headline });
  }

  // 分县区 is a sheet of the whole workbook only: a table exported as shown has no use for it.
  const byOffice = withTrend ? await summaryByOffice(ctx, data.period.period, data) : null;
  const offices = byOffice && byOffice.offices.length > 0 ? byOffice : null;
  const name = await officeName(ctx);
  return { data, head, units, tasks, categories, headline, generatedOn, trend, scope: scopeWord(name), own: ownLabel(name), offices, note: '' };
}

function newWorkbook(ctx: Ctx, m: Model, what: string): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = '民生工作督办台账';
  wb.title = `${m.data.plan.title}落实情况${what}（${periodLabel(m.head.period, m.head.frequency)}）`;
  wb.created = ctx.now();
  wb.modified = ctx.now();
  return wb;
}

async function buildSummary(ctx: Ctx, opts: SummaryWorkbookOptions): Promise<Built> {
  const m = await buildModel(ctx, opts, true);
  const wb = newWorkbook(ctx, m, '汇总表');

  overviewSheet(wb, m);
  unitsSheet(wb, m);
  tasksSheet(wb, m);
  missingSheet(wb, m);
  laggingSheet(wb, m);
  trendSheet(wb, m);
  if (m.offices) officesSheet(wb, m, m.offices);

  const bytes = await wb.xlsx.writeBuffer();
  return {
    buffer: Buffer.from(bytes as ArrayBuffer),
    info: { sheets: SUMMARY_SHEET_NAMES.filter((n) => m.offices || n !== SUMMARY_SHEETS.offices), units: m.units.length, tasks: m.tasks.length },
  };
}

// ───────────────────────────── cells and styles ─────────────────────────────


/**
 * How a column shows its cells. Numbers stay numbers: counts, percentages, points and dates are
 * numeric cells with a number format; only names and narratives are text.
 */
type Kind = 'seq' | 'name' | 'narrative' | 'center' | 'count' | 'pct' | 'points' | 'value' | 'date' | 'light';

export interface Col {
  readonly header: string;
  readonly width: number;
  readonly kind: Kind;
}

/** One cell's content: a plain value, or a value with its own number format, light or emphasis. */
export type Val = string | number | Date | null;
export interface Spec {
  readonly v: Val;
  readonly fmt?: string;
  readonly light?: Light;
  readonly bold?: boolean;
  readonly fill?: string;
}
export type CellIn = Val | Spec;

function isSpec(c: CellIn): c is Spec {
  return c !== null && typeof c === 'object' && !(c instanceof Date);
}

function ymd(date: string): Date {
  const [y, mo, d] = date.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y!, mo! - 1, d!));
}

function daysBetween(from: string, to: string): number {
  return Math.round((ymd(to).getTime() - ymd(from).getTime()) / 86_400_000);
}

function decimalsOf(v: number): number {
  for (let d = 0; d < 4; d++) {
    const scaled = v * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return d;
  }
  return 4;
}

function quoted(s: string): string {
  const clean = s.replace(/["\\]/g, '');
  return clean === '' ? '' : `"${clean}"`;
}

/**
 * Number format of a figure with its unit of measure (and comparator), so 250 stays the number 250
 * and still reads "250人"; a ceiling reads "≤5.46‰".
 */
export function valueFormat(v: number, unit: string, prefix = ''): string {
  const d = decimalsOf(v);
  return `${quoted(prefix)}#,##0${d > 0 ? `.${'0'.repeat(d)}` : ''}${quoted(unit)}`;
}

export const COMPARATOR_PREFIX: Readonly<Record<IndicatorSummary['comparator'], string>> = {
  '>=': '', '=': '', '<=': '≤', '~': '约', range: '',
};

/** The figure as the number format shows it, to size its column. */
function valueText(v: number, unit: string, prefix = ''): string {
  const d = decimalsOf(v);
  return `${prefix}${v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}${unit}`;
}

/**
 * Width of the target, value and 超欠进度 columns: wide enough for the longest figure as its number
 * format shows it (a number never wraps: too narrow, it shows ###), never narrower than given.
 */
function withFigureWidths(cols: readonly Col[], indicators: readonly IndicatorSummary[]): Col[] {
  let target = 0, value = 0, gap = 0;
  for (const i of indicators) {
    target = Math.max(target, textWidth(i.comparator === 'range' ? `${targetFigure(i)}${i.unit}` : valueText(i.target, i.unit, COMPARATOR_PREFIX[i.comparator])));
    if (i.value !== null) value = Math.max(value, textWidth(valueText(i.value, i.unit, valueWord(i))));
    if (i.gapPoints !== null && typeof gapCell(i) !== 'string') gap = Math.max(gap, textWidth(gapText(i)));
  }
  return cols.map((c) => {
    if (c.header === TARGET_HEADER) return { ...c, width: Math.max(c.width, Math.ceil(target + 1.5)) };
    if (c.header === VALUE_HEADER) return { ...c, width: Math.max(c.width, Math.ceil(value + 1.5)) };
    if (c.header === GAP_HEADER) return { ...c, width: Math.max(c.width, Math.ceil(gap + 1.5)) };
    return c;
  });
}

function targetCell(i: IndicatorSummary): CellIn {
  if (i.comparator === 'range') return `${targetFigure(i)}${i.unit}`;
  return { v: i.target, fmt: valueFormat(i.target, i.unit, COMPARATOR_PREFIX[i.comparator]) };
}

/** The value stays a number; its format says what it is (累计完成, 当前值, 增幅, 完成情况) and its unit. */
function valueCell(i: IndicatorSummary): CellIn {
  return i.value === null ? '未报' : { v: i.value, fmt: valueFormat(i.value, i.unit, valueWord(i)) };
}

/**
 * A number format that words 超欠进度 as gapText does ("落后序时进度5.0个百分点", "低于目标2.0个百分点"):
 * positive, negative (shown without its sign) and zero sections from the same GapWords.
 */
export function gapFormat(w: GapWords): string {
  const figure = w.unit === null ? '' : `0.0${quoted(w.unit)}`;
  return `${quoted(w.ahead)}${figure};${quoted(w.behind)}${figure};${quoted(w.even)}`;
}

/**
 * 超欠进度: a number formatted in the kind's words; what a format cannot tell from the number alone is
 * words only (a milestone's state, an approximate target reached a little under it).
 */
function gapCell(i: IndicatorSummary): CellIn {
  if (i.gapPoints === null) return '—';
  if ((i.kind === 'milestone' && i.comparator !== '<=') || (i.gapPoints < 0 && (i.completion ?? 0) >= 1)) return gapText(i);
  return { v: i.gapPoints, fmt: gapFormat(gapWords(i)) };
}

function num(v: number | null): Val {
  return v === null || !Number.isFinite(v) ? '—' : v;
}

const NUMERIC_FORMAT: Partial<Record<Kind, string>> = {
  seq: COUNT_FORMAT, count: COUNT_FORMAT, pct: PCT_FORMAT, points: POINTS_FORMAT, date: DATE_FORMAT,
};

function alignmentOf(kind: Kind, v: Val): Partial<ExcelJS.Alignment> {
  const horizontal = kind === 'name' || kind === 'narrative' ? 'left' : kind === 'value' && typeof v === 'number' ? 'right' : 'center';
  // Text wraps; a number never does (LibreOffice would break "6,702.82人" over two lines).
  return { horizontal, vertical: 'middle', wrapText: typeof v === 'string' };
}

/** A cell's text as written: names (tasks, units, indicators) in narrow columns break between words. */
function shownText(kind: Kind, text: string, width: number): string {
  return kind === 'name' ? wrapAtWords(text, width) : text;
}

/** Writes one cell with the column's format and a thin border; `width` is the column's, or the columns' it spans. */
function put(ws: ExcelJS.Worksheet, row: number, col: number, kind: Kind, input: CellIn, width = ws.getColumn(col).width ?? 10): void {
  const spec: Spec = isSpec(input) ? input : { v: input };
  const cell = ws.getCell(row, col);
  const v = spec.v;
  // Only strings, numbers and dates are ever assigned: never an object, so never a {formula}.
  // An empty narrative is an empty cell, not an empty string.
  cell.value = typeof v === 'string' ? (v === '' ? null : cellText(shownText(kind, v, width))) : typeof v === 'number' && !Number.isFinite(v) ? '—' : v;
  const fmt = spec.fmt ?? (typeof v === 'number' || v instanceof Date ? NUMERIC_FORMAT[kind] : undefined);
  const light = spec.light ?? 'none';
  const fill = spec.fill ?? LIGHT_STYLE[light].fill;
  cell.style = {
    font: { name: BODY_FONT, size: BODY_SIZE, bold: spec.bold ?? false, color: { argb: LIGHT_STYLE[light].font } },
    alignment: alignmentOf(kind, typeof cell.value === 'string' ? cell.value : v),
    border: BORDER,
    ...(fmt ? { numFmt: fmt } : {}),
    ...(fill ? { fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } } } : {}),
  };
}

function lightSpec(light: Light, bold = false): Spec {
  return { v: lightText(light), light, bold };
}

/** The text a cell wraps; numbers and dates never wrap (their columns are wide enough for them). */
function textOf(c: CellIn | undefined): string {
  if (c === undefined) return '';
  const v = isSpec(c) ? c.v : c;
  return typeof v === 'string' ? v : '';
}

/** Lines the cells of a row need, given the widths of the columns they span. */
function rowLines(cols: readonly Col[], cells: readonly (CellIn | undefined)[], spans: ReadonlyMap<number, number> = new Map()): number {
  let lines = 1;
  cells.forEach((c, k) => {
    const col = cols[k];
    if (!col || c === undefined) return;
    const span = spans.get(k) ?? 1;
    const width = cols.slice(k, k + span).reduce((a, x) => a + x.width, 0);
    lines = Math.max(lines, linesIn(shownText(col.kind, textOf(c), width), width));
  });
  return lines;
}

/**
 * A sheet with frozen header rows and an A4 landscape print setup, fit to the page width, that
 * repeats rows 1–3 on every page (the overview repeats only its title rows: its second table has
 * headers of its own).
 */
export function newSheet(wb: ExcelJS.Workbook, name: string, cols: readonly Col[], opts: { xSplit?: number; printTitleRows?: number } = {}): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{
      state: 'frozen', xSplit: opts.xSplit ?? 0, ySplit: HEADER_ROWS,
      topLeftCell: `${colLetter((opts.xSplit ?? 0) + 1)}${HEADER_ROWS + 1}`, activeCell: `A${HEADER_ROWS + 1}`,
    }],
    ...a4Landscape(name, opts.printTitleRows ?? HEADER_ROWS),
  });
  // ExcelJS drops a width of exactly 9 (its own default), which Excel then shows as 8.43.
  ws.columns = cols.map((c) => ({ width: c.width === 9 ? 9.01 : c.width }));
  return ws;
}

/** A4 landscape minus the margins set in newSheet, in points. */
const PRINTABLE_WIDTH = 841.89 - (A4_MARGINS.left + A4_MARGINS.right) * 72;
const PRINTABLE_HEIGHT = 595.28 - (A4_MARGINS.top + A4_MARGINS.bottom) * 72;

/** A run of rows that must print on one page: a task with its indicator rows (merged cells), a small table. */
interface Block { readonly first: number; readonly last: number }

/**
 * Page breaks so no block is split across pages: merged task cells cut by a page break would leave
 * indicator rows without their task. The scale is what "fit to page width" will use, estimated
 * from narrow columns (7 px a unit, no padding) so it errs high, and a page is taken as 96% full:
 * a break we set comes a little early rather than after the printer has already broken the page.
 */
function keepTogether(ws: ExcelJS.Worksheet, cols: readonly Col[], blocks: readonly Block[], titleRows: number): void {
  const widthPt = cols.reduce((a, c) => a + c.width, 0) * 7 * 0.75;
  const scale = Math.min(1, PRINTABLE_WIDTH / widthPt);
  const height = (first: number, last: number) => {
    let h = 0;
    for (let r = first; r <= last; r++) h += ws.getRow(r).height ?? 15;
    return h;
  };
  const page = (PRINTABLE_HEIGHT / scale) * 0.96 - height(1, titleRows);
  let used = height(titleRows + 1, (blocks[0]?.first ?? titleRows + 1) - 1);
  for (const b of blocks) {
    const h = height(b.first, b.last);
    if (used > 0 && used + h > page) {
      ws.getRow(b.first - 1).addPageBreak();
      used = 0;
    }
    used += h;
  }
}

/** Rows 1–3: merged title (plan, sheet, period), merged subtitle (序时进度, due date, date made), headers. */
function titleRows(ws: ExcelJS.Worksheet, cols: readonly Col[], m: Model, what: string, period = periodLabel(m.head.period, m.head.frequency), about = ''): void {
  const last = cols.length;
  const totalWidth = cols.reduce((a, c) => a + c.width, 0);
  const title = `${m.data.plan.title}落实情况${what}（${period}）`;
  const t = ws.getCell(1, 1);
  t.value = cellText(title);
  t.style = { ...TITLE_STYLE };
  ws.mergeCells(1, 1, 1, last);
  ws.getRow(1).height = Math.min(MAX_ROW_HEIGHT, Math.ceil(textWidth(title) * 1.6 / totalWidth) * 22 + 10);

  const sub = ws.getCell(2, 1);
  sub.value = cellText(
    `报告期：${periodLabel(m.head.period, m.head.frequency)}    序时进度：${(m.head.timeProgress * 100).toFixed(1)}%    报送截止：${m.head.dueOn}    制表日期：${m.generatedOn}`
    + (m.note === '' ? '' : `\n选取：${m.note}`) + (about === '' ? '' : `\n${about}`),
  );
  sub.style = { font: { name: BODY_FONT, size: BODY_SIZE }, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true } };
  ws.mergeCells(2, 1, 2, last);
  ws.getRow(2).height = heightFor(linesIn(String(sub.value), totalWidth));

  headerRow(ws, HEADER_ROWS, cols.map((c) => c.header), cols);
}

export function headerRow(ws: ExcelJS.Worksheet, row: number, labels: readonly string[], cols: readonly Col[]): void {
  // A header too long for its column breaks before its bracket ("牵头任务\n（应报）"), not mid-word.
  const shown = labels.map((label, k) =>
    !label.includes('\n') && linesIn(label, cols[k]?.width ?? 10) > 1 ? label.replace('（', '\n（') : label);
  shown.forEach((label, k) => {
    const cell = ws.getCell(row, k + 1);
    cell.value = cellText(label);
    cell.style = { ...HEADER_STYLE };
  });
  ws.getRow(row).height = heightFor(rowLines(cols, shown));
}

/** A row across the whole table (a category, a section), merged, bold, shaded. */
function sectionRow(ws: ExcelJS.Worksheet, row: number, cols: readonly Col[], text: string, opts: { border?: boolean; fill?: boolean } = {}): void {
  const cell = ws.getCell(row, 1);
  cell.value = cellText(text);
  cell.style = {
    font: { name: BODY_FONT, size: BODY_SIZE, bold: true },
    alignment: { horizontal: 'left', vertical: 'middle', wrapText: true },
    ...(opts.border === false ? {} : { border: BORDER }),
    ...(opts.fill === false ? {} : { fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: SECTION_FILL } } }),
  };
  for (let k = 2; k <= cols.length; k++) if (opts.border !== false) ws.getCell(row, k).style = { border: BORDER };
  ws.mergeCells(row, 1, row, cols.length);
  ws.getRow(row).height = heightFor(linesIn(text, cols.reduce((a, c) => a + c.width, 0)));
}

/** Writes a plain table row; returns the next row number. */
export function dataRow(ws: ExcelJS.Worksheet, row: number, cols: readonly Col[], cells: readonly CellIn[]): number {
  cells.forEach((c, k) => put(ws, row, k + 1, cols[k]!.kind, c));
  ws.getRow(row).height = heightFor(rowLines(cols, cells));
  return row + 1;
}

/**
 * Writes a task block: the task's own cells (`task`, by column index) merged down over its rows,
 * and one row per indicator. Row heights are set so merged narratives are not cut off.
 */
function blockRows(
  ws: ExcelJS.Worksheet,
  start: number,
  cols: readonly Col[],
  task: ReadonlyMap<number, CellIn>,
  rows: readonly (readonly (CellIn | undefined)[])[],
  spans: ReadonlyMap<number, number> = new Map(),
): number {
  const n = rows.length;
  const spanWidth = (k: number) => cols.slice(k, k + (spans.get(k) ?? 1)).reduce((a, x) => a + x.width, 0);
  const heights = rows.map((cells, r) => {
    cells.forEach((c, k) => { if (c !== undefined && !task.has(k)) put(ws, start + r, k + 1, cols[k]!.kind, c, spanWidth(k)); });
    return heightFor(rowLines(cols, cells, spans));
  });
  let blockLines = 1;
  for (const [k, c] of task) {
    for (let r = 0; r < n; r++) put(ws, start + r, k + 1, cols[k]!.kind, r === 0 ? c : null);
    blockLines = Math.max(blockLines, linesIn(shownText(cols[k]!.kind, textOf(c), cols[k]!.width), cols[k]!.width));
  }
  const need = heightFor(blockLines);
  const have = heights.reduce((a, b) => a + b, 0);
  const extra = need > have ? (need - have) / n : 0;
  heights.forEach((h, r) => { ws.getRow(start + r).height = Math.min(MAX_ROW_HEIGHT, Math.ceil(h + extra)); });
  for (const [k, span] of spans) {
    for (let r = 0; r < n; r++) {
      for (let j = 1; j < span; j++) put(ws, start + r, k + 1 + j, cols[k + j]!.kind, null);
      ws.mergeCells(start + r, k + 1, start + r, k + span);
    }
  }
  if (n > 1) for (const k of task.keys()) ws.mergeCells(start, k + 1, start + n - 1, k + 1);
  return start + n;
}

function joinNames(names: readonly string[]): string {
  return names.length === 0 ? '' : names.join('、');
}

function narrativeOrBlank(text: string): string {
  return text.trim() === '' ? '（未填写）' : text;
}

// ───────────────────────────── 总体情况 ─────────────────────────────

const OVERVIEW_COLS: readonly Col[] = [
  { header: '项目', width: 26, kind: 'name' },
  { header: '数值', width: 12, kind: 'count' },
  { header: '说明', width: 11, kind: 'narrative' },
  { header: '', width: 11, kind: 'count' },
  { header: '', width: 11, kind: 'count' },
  { header: '', width: 11, kind: 'count' },
  { header: '', width: 11, kind: 'count' },
  { header: '', width: 13, kind: 'count' },
  { header: '', width: 13, kind: 'count' },
];

const CATEGORY_COLS: readonly Col[] = [
  { header: '类别', width: 26, kind: 'name' },
  { header: '任务（项）', width: 12, kind: 'count' },
  { header: '量化指标（个）', width: 11, kind: 'count' },
  { header: '平均完成度', width: 11, kind: 'pct' },
  { header: `${lightText('green')}（项）`, width: 11, kind: 'count' },
  { header: `${lightText('yellow')}（项）`, width: 11, kind: 'count' },
  { header: `${lightText('red')}（项）`, width: 11, kind: 'count' },
  { header: '未报送任务（项）', width: 13, kind: 'count' },
  { header: '待报送任务（项）', width: 13, kind: 'count' },
];

/** How many indicators of each kind: "累计类 45 个、水平类 16 个、增幅类 1 个". */
function kindsNote(tasks: readonly TaskSummary[]): string {
  const all = tasks.flatMap((t) => t.indicators);
  return INDICATOR_KINDS.map((k) => [k, all.filter((i) => i.kind === k).length] as const)
    .filter(([, n]) => n > 0).map(([k, n]) => `${INDICATOR_KIND_LABELS[k]} ${n} 个`).join('、');
}

function overviewSheet(wb: ExcelJS.Workbook, m: Model): void {
  const cols = OVERVIEW_COLS;
  const ws = newSheet(wb, SUMMARY_SHEETS.overview, cols, { printTitleRows: 2 });
  titleRows(ws, cols, m, '汇总表');
  ws.mergeCells(HEADER_ROWS, 3, HEADER_ROWS, cols.length);
  const h = m.headline;
  const c = h.counts;
  const y = m.data.thresholds.yellowPoints;
  const names = (label: string, list: readonly string[]) => (list.length ? `${label}：${joinNames(list)}` : '');
  type Item = readonly [label: string | Spec, value: CellIn, kind: Kind, note: string];
  // What is on schedule first, as the bulletin's 总体情况 opens; then the lights, then who reported.
  const items: Item[] = [
    ['报告期', periodLabel(h.period, m.head.frequency), 'center', m.head.frequency === 'quarterly' ? `${m.data.plan.year}年度第 ${h.month / 3} 季度` : `${m.data.plan.year}年度第 ${h.month} 个月`],
    ['序时进度', h.timeProgress, 'pct', `累计类第 ${h.month} 月末应完成全年目标的 ${h.month}/12；水平类、增幅类对照目标值`],
    ['报送截止日期', ymd(h.dueOn), 'date', '是否逾期以汇总端收到日期为准'],
    ['任务（项）', h.tasks, 'count', `有量化指标的 ${h.tasksWithIndicators} 项；无量化指标（按状态考核）的 ${h.tasks - h.tasksWithIndicators} 项`],
    ['量化指标（个）', h.indicators, 'count', kindsNote(m.tasks)],
    ['量化指标任务（项）', c.total, 'count', '已报数的量化指标，各按本类口径判断'],
    ['达到序时进度（项）', c.onSchedule, 'count', '累计类不低于序时进度，水平类、增幅类达到目标，节点类未逾期'],
    ['达到序时进度占比', num(c.share), 'pct', '达到序时进度的项数 / 量化指标任务项数'],
    ['其中已完成（项）', c.done, 'count', '已达到全年目标（水平类、增幅类以12月为准）'],
    ['未达到序时进度（项）', c.behind, 'count', '进展情况占比低于序时进度或增幅低于目标任务，见「滞后事项」'],
    ['未报数指标（个）', c.noValue, 'count', '牵头单位尚未填报，不计入量化指标任务'],
    [`${m.scope}平均完成度`, num(h.completion), 'pct', '各牵头单位平均完成度的平均值；含水平类、增幅类，不与序时进度比较'],
    [lightSpec('green'), h.green, 'count', '任务数：已完成，或各指标均达到序时进度（按各类口径）'],
    [lightSpec('yellow'), h.yellow, 'count', `任务数：有指标未达到序时进度、差距不足 ${y} 个百分点，或无量化指标且未开始`],
    [lightSpec('red'), h.red, 'count', `任务数：差距 ${y} 个百分点及以上、超出上限、节点类逾期，或应报未报`],
    ['责任单位（个）', h.units, 'count', `其中有牵头任务的 ${h.leadUnits} 个`],
    ['已报送单位（个）', h.unitsReported, 'count', '牵头任务全部报送'],
    ['部分报送单位（个）', h.unitsPartial, 'count', names('部分报送', h.partialUnitNames)],
    ['未报送单位（个）', h.unitsMissing, 'count', names('未报送', h.missingUnitNames)],
    ['应报牵头任务（份）', h.due, 'count', ''],
    ['按时报送（份）', h.onTime, 'count', ''],
    ['逾期报送（份）', h.late, 'count', names('有逾期的单位', h.lateUnitNames)],
    ['未报送（份）', h.missing, 'count', '已过截止日期仍未报送，见「未报送及逾期」'],
    ['待报送（份）', h.waiting, 'count', '尚未到截止日期、还未报送，不计为未报送'],
  ];
  let row = HEADER_ROWS + 1;
  for (const [label, value, kind, note] of items) {
    put(ws, row, 1, 'name', isSpec(label) ? { ...label, v: `${label.v}任务（项）` } : label);
    put(ws, row, 2, kind, value);
    put(ws, row, 3, 'narrative', note);
    for (let k = 4; k <= cols.length; k++) put(ws, row, k, 'narrative', null);
    ws.mergeCells(row, 3, row, cols.length);
    ws.getRow(row).height = heightFor(linesIn(note, cols.slice(2).reduce((a, c) => a + c.width, 0)));
    row++;
  }

  const categoryFirst = ++row;
  sectionRow(ws, row++, cols, '分类别完成情况', { border: false, fill: false });
  headerRow(ws, row++, CATEGORY_COLS.map((c) => c.header), CATEGORY_COLS);
  for (const c of m.categories) {
    row = dataRow(ws, row, CATEGORY_COLS, [`${c.no}、${c.name}`, c.tasks, c.indicators, num(c.completion), c.green, c.yellow, c.red, c.missing, c.waiting]);
  }

  const categoryLast = row - 1;
  row++;
  const notes = [
    '说明：',
    '1. 完成度 = 进展情况 / 全年目标（封顶100%）；“约”类指标达到目标的95%即为完成；上限类指标（≤）不超过上限即为完成，不按序时进度考核。',
    '2. 序时进度 = 月份 / 12，只用于累计类指标（数量、长度、面积、金额等）；水平类指标（参保率、占比等）以当前值对照目标值，增幅类以增幅对照目标增幅，均不按月折算；节点类指标在完成时限前不算滞后，逾期未完成为红灯。',
    `3. 红黄绿灯：达到序时进度为绿灯；未达到的，差距不足 ${y} 个百分点为黄灯（累计类按落后序时进度的百分点，水平类、增幅类按低于目标的百分点，非百分比指标按低于目标的百分比），差距更大、超出上限、节点类逾期或应报未报为红灯。`,
    '4. 单位平均完成度为其牵头任务各量化指标完成度的平均值；排名按平均完成度（精确到0.1%）从高到低，并列者名次相同，其后名次顺延（如1、2、2、4）；无牵头量化指标的单位不参加排名。',
    '5. 多个牵头单位的任务：可累加指标取各牵头单位之和，比率类指标取第一牵头单位的数值；协同单位的数字不重复相加。',
  ].join('\n');
  sectionRow(ws, row, cols, notes, { border: false, fill: false });
  ws.getRow(row).getCell(1).font = { name: BODY_FONT, size: 9 };
  keepTogether(ws, cols, [{ first: categoryFirst, last: categoryLast }, { first: row, last: row }], 2);
}

/** 分类别 on a sheet of its own: the overview's category table, for a table exported as shown on screen. */
function categoriesSheet(wb: ExcelJS.Workbook, m: Model, shown: readonly CategorySummary[]): void {
  const cols = CATEGORY_COLS;
  const ws = newSheet(wb, '分类别', cols);
  titleRows(ws, cols, m, '分类别汇总表');
  let row = HEADER_ROWS + 1;
  for (const c of shown) {
    row = dataRow(ws, row, cols, [`${c.no}、${c.name}`, c.tasks, c.indicators, num(c.completion), c.green, c.yellow, c.red, c.missing, c.waiting]);
  }
}

// ───────────────────────────── a table as shown ─────────────────────────────

export interface TableWorkbookOptions extends SummaryWorkbookOptions {
  readonly table: OfficeTable;
  /** The shown rows' keys (TableSpec.key: unit names, task numbers, category numerals), in the order shown. */
  readonly keys: readonly string[];
  /** The query in words (queryNote), printed under the title. */
  readonly note?: string;
}

/** Picks the rows named by `keys`, in that order; a key the period's summary lacks is refused by name. */
function pick<R>(rows: readonly R[], spec: TableSpec<R>, keys: readonly string[]): R[] {
  const byKey = new Map(rows.map((r) => [spec.key(r), r]));
  return keys.map((k) => {
    const r = byKey.get(k);
    if (!r) throw new LedgerError('E_NOT_FOUND', `要导出的表中有「${k}」,但本期汇总中已没有这一行(计划可能刚修订过)。请刷新页面后再导出。`);
    return r;
  });
}

/**
 * One table of the dashboard as it is shown (the rows kept by its search and filters, in its order),
 * laid out as the same sheet of the summary workbook.
 * @example await buildTableWorkbook(ctx, { period: '2019-09', table: 'units', keys: ['市人社局', '市财政局'] })
 */
export async function buildTableWorkbook(ctx: Ctx, opts: TableWorkbookOptions): Promise<{ readonly buffer: Buffer; readonly rows: number }> {
  const base = await buildModel(ctx, opts, false);
  const m: Model = { ...base, note: opts.note ?? '' };
  /** The rows `keys` name, laid out by `sheet` in a workbook of their own. */
  const shown = <R>(rows: readonly R[], spec: TableSpec<R>, sheet: (wb: ExcelJS.Workbook, m: Model, shown: readonly R[]) => void) => {
    const picked = pick(rows, spec, opts.keys);
    const wb = newWorkbook(ctx, m, spec.title);
    sheet(wb, m, picked);
    return { wb, rows: picked.length };
  };
  const built = opts.table === 'units' ? shown(m.units, UNIT_TABLE, unitsSheet)
    : opts.table === 'tasks' ? shown(m.tasks, TASK_TABLE, tasksSheet)
      : opts.table === 'categories' ? shown(m.categories, CATEGORY_TABLE, categoriesSheet)
        : assertNever(opts.table, 'table');
  return { buffer: Buffer.from((await built.wb.xlsx.writeBuffer()) as ArrayBuffer), rows: built.rows };
}

/** The file name of an exported table: 民生工作分单位汇总表-2019年9月.xlsx. */
export function tableFileName(table: OfficeTable, period: string, frequency: PeriodSummaryHeader['frequency']): string {
  const title = { units: UNIT_TABLE.title, tasks: TASK_TABLE.title, categories: CATEGORY_TABLE.title }[table];
  return `民生工作${title}-${periodLabel(period, frequency)}.xlsx`;
}

/** buildTableWorkbook written to `out` through a temporary file (writeWorkbookFile). */
export async function writeTableWorkbook(ctx: Ctx, opts: TableWorkbookOptions & { readonly out: string }): Promise<{ readonly out: string; readonly rows: number }> {
  const { buffer, rows } = await buildTableWorkbook(ctx, opts);
  await writeWorkbookFile(opts.out, buffer, '表格');
  return { out: opts.out, rows };
}

// ───────────────────────────── 分单位 ─────────────────────────────

const UNIT_COLS: readonly Col[] = [
  { header: '序号', width: 5, kind: 'seq' },
  { header: '单位', width: 20, kind: 'name' },
  { header: '牵头任务（应报）', width: 8.5, kind: 'count' },
  { header: '协同任务', width: 8.5, kind: 'count' },
  { header: '按时报送', width: 8.5, kind: 'count' },
  { header: '逾期报送', width: 8.5, kind: 'count' },
  { header: '未报送', width: 8.5, kind: 'count' },
  { header: '待报送', width: 8.5, kind: 'count' },
  { header: '报送情况', width: 11.5, kind: 'center' },
  { header: '收到日期', width: 12, kind: 'date' },
  { header: '平均完成度', width: 10.5, kind: 'pct' },
  { header: lightText('green'), width: 8, kind: 'count' },
  { header: lightText('yellow'), width: 8, kind: 'count' },
  { header: lightText('red'), width: 8, kind: 'count' },
  { header: '排名', width: 6.5, kind: 'count' },
];

/** `shown`: the rows to print, in their order (a table as shown on screen); every unit by default. Ranks are among all units. */
function unitsSheet(wb: ExcelJS.Workbook, m: Model, shown: readonly UnitSummary[] = m.units): void {
  const cols = UNIT_COLS;
  const ws = newSheet(wb, SUMMARY_SHEETS.units, cols);
  titleRows(ws, cols, m, '分单位汇总表');
  const ranks = rankUnitsByCompletion(m.units);
  const rankOf = new Map(m.units.map((u, k) => [u.unit, ranks[k] ?? null]));
  let row = HEADER_ROWS + 1;
  shown.forEach((u) => {
    const rank = rankOf.get(u.unit) ?? null;
    row = dataRow(ws, row, cols, [
      u.seq, u.unit, u.leadTasks, u.coTasks, u.onTime, u.late, u.missing, u.waiting,
      { v: u.state, bold: u.state === '未报送' || u.state === '部分报送' },
      u.receivedOn === null ? '—' : ymd(u.receivedOn),
      num(u.completion),
      u.green, u.yellow, u.red,
      rank === null ? rankLabel(rank) : rank,
    ]);
  });
  const sum = (pick: (u: UnitSummary) => number) => shown.reduce((a, u) => a + pick(u), 0);
  const bold = (v: Val): Spec => ({ v, bold: true });
  dataRow(ws, row, cols, [
    null, bold('合计'), bold(sum((u) => u.leadTasks)), bold(sum((u) => u.coTasks)), bold(sum((u) => u.onTime)),
    bold(sum((u) => u.late)), bold(sum((u) => u.missing)), bold(sum((u) => u.waiting)), null, null, bold(num(shown === m.units ? m.headline.completion : overallCompletion(shown))),
    bold(sum((u) => u.green)), bold(sum((u) => u.yellow)), bold(sum((u) => u.red)), null,
  ]);
}

// ───────────────────────────── 分县区 ─────────────────────────────

const OFFICE_COLS: readonly Col[] = [
  { header: '序号', width: 5, kind: 'seq' },
  { header: '下级汇总端', width: 14, kind: 'name' },
  { header: '汇总包', width: 9, kind: 'center' },
  { header: '收到日期', width: 12, kind: 'date' },
  { header: '应报任务', width: 8.5, kind: 'count' },
  { header: '按时报送', width: 8.5, kind: 'count' },
  { header: '逾期报送', width: 8.5, kind: 'count' },
  { header: '未报送', width: 8.5, kind: 'count' },
  { header: '待报送', width: 8.5, kind: 'count' },
  { header: '平均完成度', width: 10.5, kind: 'pct' },
  { header: lightText('green'), width: 8, kind: 'count' },
  { header: lightText('yellow'), width: 8, kind: 'count' },
  { header: lightText('red'), width: 8, kind: 'count' },
  { header: '排名', width: 6.5, kind: 'count' },
];

/** Each subordinate office against its quotas (blank = 无任务, left out), ranked by completion, and 本级 after them. */
function officesSheet(wb: ExcelJS.Workbook, m: Model, v: ByOfficeView): void {
  const cols = OFFICE_COLS;
  const ws = newSheet(wb, SUMMARY_SHEETS.offices, cols);
  titleRows(ws, cols, m, '分县区汇总表');
  const ranks = rankOfficesByCompletion(v.offices);
  let row = HEADER_ROWS + 1;
  const line = (seq: CellIn, o: OfficeStanding, rank: CellIn) => dataRow(ws, row, cols, [
    seq, o.own ? { v: o.office, bold: true } : o.office,
    o.own || o.revision !== null ? rollupStateText(o) : { v: rollupStateText(o), bold: o.missing > 0 },
    o.receivedOn === null ? '—' : ymd(o.receivedOn),
    o.due, o.onTime, o.late, o.missing, o.waiting, num(o.completion), o.green, o.yellow, o.red, rank,
  ]);
  v.offices.forEach((o, k) => { row = line(k + 1, o, ranks[k] ?? rankLabel(null)); });
  row = line(null, v.own, rankLabel(null));
  sectionRow(ws, row, cols, '各下级汇总端按本级为其分解的任务考核:空白为无任务,不计入完成度和灯号;汇总包未报送的,过了截止日期应报任务均计为未报送、红灯,截止日期前(含当天)计为待报送。', { fill: false });
}

// ───────────────────────────── 分任务 ─────────────────────────────

/** A task's first columns, on the task and the lagging sheet. */
const TASK_HEAD_COLS: readonly Col[] = [
  { header: '序号', width: 4.5, kind: 'seq' },
  { header: '任务', width: 17, kind: 'name' },
  { header: '牵头单位', width: 10, kind: 'name' },
];

const TARGET_HEADER = '全年目标';
/** The office's own word for the figure of any kind ("进展情况占比低于序时进度"); each cell says which figure it is. */
const VALUE_HEADER = '进展情况';
const GAP_HEADER = '超欠进度';

/** One indicator's columns, on the task and the lagging sheet (filled by indicatorCells). */
const INDICATOR_COLS: readonly Col[] = [
  { header: '指标', width: 18, kind: 'name' },
  { header: TARGET_HEADER, width: 10, kind: 'value' },
  { header: VALUE_HEADER, width: 12, kind: 'value' },
  { header: '完成率', width: 7.5, kind: 'pct' },
  { header: '序时进度', width: 8.5, kind: 'pct' },
  { header: GAP_HEADER, width: 12, kind: 'points' },
  { header: '红黄绿灯', width: 8.5, kind: 'light' },
];

const TASK_COLS: readonly Col[] = [
  ...TASK_HEAD_COLS,
  { header: '状态', width: 7, kind: 'center' },
  ...INDICATOR_COLS,
  { header: '工作进展', width: 24, kind: 'narrative' },
  { header: '存在问题', width: 18, kind: 'narrative' },
  { header: '下步措施', width: 18, kind: 'narrative' },
];

/** Column indexes (0-based) of the task columns, merged down over a task's indicator rows. */
const TASK_LEVEL = { no: 0, title: 1, lead: 2, status: 3, progress: 11, problems: 12, nextSteps: 13 } as const;

/** A row `width` wide holding an indicator's INDICATOR_COLS cells from column `at`. */
function indicatorCells(i: IndicatorSummary, m: Model, width: number, at: number): (CellIn | undefined)[] {
  const cells: (CellIn | undefined)[] = new Array(width).fill(undefined);
  cells.splice(at, INDICATOR_COLS.length,
    i.name, targetCell(i), valueCell(i), num(i.completion),
    // Only a cumulative target is scaled by the month; the others say what they are held to.
    scheduleWord(i) ?? m.head.timeProgress,
    gapCell(i), lightSpec(i.light));
  return cells;
}

/** With subordinate offices, what a cumulative figure on the task sheet is: the whole area's (summaryByTask). */
function areaNote(m: Model): string {
  const offices = m.data.offices;
  if (!m.tasks.some((t) => t.indicators.some((i) => i.area))) return '';
  return `累计类指标的进展情况为${m.scope}合计：${m.own}加各下级汇总端最新汇总包（${offices.filter((o) => o.rollup !== null).length}/${offices.length}个已报）`;
}

/** `shown`: the tasks to print, in their order (a table as shown on screen); every task by default. */
function tasksSheet(wb: ExcelJS.Workbook, m: Model, shown: readonly TaskSummary[] = m.tasks): void {
  const cols = withFigureWidths(TASK_COLS, shown.flatMap((t) => t.indicators));
  const ws = newSheet(wb, SUMMARY_SHEETS.tasks, cols);
  titleRows(ws, cols, m, '分任务汇总表', undefined, areaNote(m));
  let row = HEADER_ROWS + 1;
  let category = '';
  const blocks: Block[] = [];
  for (const t of shown) {
    // A category row prints on the same page as its first task.
    const first = row;
    if (t.category !== category) {
      category = t.category;
      sectionRow(ws, row++, cols, category);
    }
    const task = new Map<number, CellIn>([
      [TASK_LEVEL.no, t.no],
      [TASK_LEVEL.title, t.title],
      [TASK_LEVEL.lead, joinNames(t.leadUnits)],
      [TASK_LEVEL.status, { v: taskStatusText(t), bold: t.status === null }],
      [TASK_LEVEL.progress, t.progress],
      [TASK_LEVEL.problems, t.problems],
      [TASK_LEVEL.nextSteps, t.nextSteps],
    ]);
    if (t.indicators.length === 0) {
      // No number: the task is judged by its status, never shown as a made-up 100%.
      const cells: (CellIn | undefined)[] = new Array(cols.length).fill(undefined);
      cells[4] = `无量化指标，按状态考核：${statusWord(t)}`;
      cells[10] = lightSpec(t.light);
      row = blockRows(ws, row, cols, task, [cells], new Map([[4, 6]]));
    } else {
      row = blockRows(ws, row, cols, task, t.indicators.map((i) => indicatorCells(i, m, cols.length, TASK_HEAD_COLS.length + 1)));
    }
    blocks.push({ first, last: row - 1 });
  }
  keepTogether(ws, cols, blocks, HEADER_ROWS);
}

// ───────────────────────────── 未报送及逾期 ─────────────────────────────

const MISSING_COLS: readonly Col[] = [
  { header: '序号', width: 5, kind: 'seq' },
  { header: '单位', width: 18, kind: 'name' },
  { header: '情况', width: 11, kind: 'center' },
  { header: '牵头任务（应报）', width: 8.5, kind: 'count' },
  { header: '按时报送', width: 8.5, kind: 'count' },
  { header: '逾期报送', width: 8.5, kind: 'count' },
  { header: '未报送', width: 8.5, kind: 'count' },
  { header: '待报送', width: 8.5, kind: 'count' },
  { header: '报送截止', width: 12, kind: 'date' },
  { header: '收到日期', width: 12, kind: 'date' },
  { header: '逾期天数', width: 8.5, kind: 'count' },
  { header: '未报送的任务', width: 46, kind: 'narrative' },
];

/** What the missing/late sheet says about a unit, or null when it reported everything on time. */
export function missingOrLate(u: UnitSummary): string | null {
  const parts: string[] = [];
  if (u.state === '未报送' || u.state === '部分报送') parts.push(u.state);
  if (u.late > 0) parts.push('逾期报送');
  return parts.length ? parts.join('、') : null;
}

function missingSheet(wb: ExcelJS.Workbook, m: Model): void {
  const cols = MISSING_COLS;
  const ws = newSheet(wb, SUMMARY_SHEETS.missing, cols);
  titleRows(ws, cols, m, '未报送及逾期情况表');
  const unitId = new Map(m.data.plan.units.map((u) => [u.name, u.id]));
  let row = HEADER_ROWS + 1;
  let seq = 0;
  for (const u of m.units) {
    const what = missingOrLate(u);
    if (what === null) continue;
    const id = unitId.get(u.unit);
    const unreported = m.data.plan.tasks
      .filter((t) => id !== undefined && t.leadUnitIds.includes(id))
      .flatMap((t) => {
        const r = m.data.reports.get(`${id}:${t.id}`);
        if (isComplete(t, r)) return [];
        return [`${t.no}. ${t.title}${r ? '（已录入但未填完）' : ''}`];
      });
    const daysLate = u.late > 0 && u.receivedOn !== null ? daysBetween(u.dueOn, u.receivedOn) : null;
    row = dataRow(ws, row, cols, [
      ++seq, u.unit, { v: what, bold: true }, u.leadTasks, u.onTime, u.late, u.missing, u.waiting,
      ymd(u.dueOn), u.receivedOn === null ? '—' : ymd(u.receivedOn), daysLate ?? '—', unreported.join('\n'),
    ]);
  }
  if (seq === 0) sectionRow(ws, row, cols, '本期各单位牵头任务均已按时报送。', { fill: false });
}

// ───────────────────────────── 滞后事项 ─────────────────────────────

const LAGGING_COLS: readonly Col[] = [
  ...TASK_HEAD_COLS,
  ...INDICATOR_COLS,
  { header: '存在问题', width: 26, kind: 'narrative' },
  { header: '下步措施', width: 26, kind: 'narrative' },
];

/** Indicators with a reported value behind in their own terms (未达到序时进度); unreported ones are on the missing sheet. */
export function laggingIndicators(t: TaskSummary, month: number): IndicatorSummary[] {
  return t.indicators.filter((i) => i.value !== null && isBehind(i, i.value, month));
}

function laggingSheet(wb: ExcelJS.Workbook, m: Model): void {
  const cols = withFigureWidths(LAGGING_COLS, m.tasks.flatMap((t) => t.indicators));
  const ws = newSheet(wb, SUMMARY_SHEETS.lagging, cols);
  titleRows(ws, cols, m, '滞后事项表');
  let row = HEADER_ROWS + 1;
  const blocks: Block[] = [];
  for (const t of m.tasks) {
    const lagging = laggingIndicators(t, m.head.month);
    if (lagging.length === 0) continue;
    const first = row;
    const task = new Map<number, CellIn>([
      [0, t.no], [1, t.title], [2, joinNames(t.leadUnits)],
      [10, narrativeOrBlank(t.problems)], [11, narrativeOrBlank(t.nextSteps)],
    ]);
    row = blockRows(ws, row, cols, task, lagging.map((i) => indicatorCells(i, m, cols.length, TASK_HEAD_COLS.length)));
    blocks.push({ first, last: row - 1 });
  }
  if (blocks.length === 0) sectionRow(ws, row, cols, '本期没有未达到序时进度的指标。', { fill: false });
  keepTogether(ws, cols, blocks, HEADER_ROWS);
}

// ───────────────────────────── 趋势 ─────────────────────────────

/** Report state of a unit in one period, as the trend sheet prints it. */
export function trendState(u: UnitSummary): string {
  switch (u.state) {
    case '已报送': return u.late > 0 ? '逾期' : '按时';
    case '部分报送': return '部分报送';
    case '未报送': return '未报送';
    case '待报送': return '待报送';
    case '未起报': return '未起报';
    case '无牵头任务': return '—';
  }
}

const TREND_STATE_FILL: Readonly<Record<string, string>> = {
  逾期: LIGHT_STYLE.yellow.fill!, 部分报送: LIGHT_STYLE.yellow.fill!, 未报送: LIGHT_STYLE.red.fill!,
};

function trendCols(m: Model): Col[] {
  const width = m.trend.length <= 6 ? 11 : 8.5;
  return [
    { header: '序号', width: 5, kind: 'seq' },
    { header: '单位 / 项目', width: 22, kind: 'name' },
    ...m.trend.map((p): Col => ({ header: periodShortLabel(p.period, m.head.frequency), width, kind: 'pct' })),
  ];
}

function trendSheet(wb: ExcelJS.Workbook, m: Model): void {
  const cols = trendCols(m);
  const ws = newSheet(wb, SUMMARY_SHEETS.trend, cols, { xSplit: 2 });
  titleRows(ws, cols, m, '趋势表', m.head.month === 1 ? periodLabel(m.head.period, m.head.frequency) : `${m.data.plan.year}年1-${m.head.month}月`);
  let row = HEADER_ROWS + 1;
  const overall: readonly [string, Kind, (h: Headline) => Val][] = [
    ['序时进度', 'pct', (h) => h.timeProgress],
    ['达到序时进度指标占比', 'pct', (h) => num(h.counts.share)],
    [`${m.scope}平均完成度`, 'pct', (h) => num(h.completion)],
    ['按时报送（份）', 'count', (h) => h.onTime],
    ['逾期报送（份）', 'count', (h) => h.late],
    ['未报送（份）', 'count', (h) => h.missing],
    ['待报送（份）', 'count', (h) => h.waiting],
  ];
  sectionRow(ws, row++, cols, m.scope);
  for (const [label, kind, pick] of overall) {
    const kinds = cols.map((c, k) => (k < 2 ? c : { ...c, kind }));
    row = dataRow(ws, row, kinds, [null, { v: label, bold: true }, ...m.trend.map((p) => pick(p.headline))]);
  }

  const leading = m.units.filter((u) => u.leadTasks > 0);
  const byPeriod = m.trend.map((p) => new Map(p.units.map((u) => [u.unit, u])));
  sectionRow(ws, row++, cols, '各单位平均完成度（牵头任务量化指标）');
  for (const u of leading) {
    row = dataRow(ws, row, cols, [u.seq, u.unit, ...byPeriod.map((p) => num(p.get(u.unit)?.completion ?? null))]);
  }
  sectionRow(ws, row++, cols, '各单位报送情况');
  const stateCols = cols.map((c, k): Col => (k < 2 ? c : { ...c, kind: 'center' }));
  for (const u of leading) {
    row = dataRow(ws, row, stateCols, [u.seq, u.unit, ...byPeriod.map((p) => {
      const s = p.get(u.unit);
      const text = s ? trendState(s) : '—';
      const fill = TREND_STATE_FILL[text];
      return fill ? { v: text, fill } : text;
    })]);
  }
}
