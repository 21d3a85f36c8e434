/**
 * The decomposition table people pass around (任务分解表): one row per indicator with 本级, every office in
 * order, 合计, 差额 and 说明, written with the summary workbook's styles (reports.ts), 合计 and 差额 as
 * formulas with their values. Read back strictly with the project's own bounded reader (xlsx-reader.ts):
 * a quota table comes from anyone's USB drive, so it never goes through SheetJS. Every problem names its
 * sheet, row and column; the whole table is applied or nothing is.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import type { QuotaGridView, QuotaRowView } from '../../../shared/api';
import { INDICATOR_KIND_LABELS } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { blankQuotaText, isSplit, quotaProblem } from '../../../shared/levels';
import { targetFigure } from '../../../shared/format';
import { activePlan, today, type Ctx } from '../context';
import { DEFAULT_LIMITS, readWorkbookFile } from '../packages/package-format';
import { colName, type FoundCell, type ParsedSheet } from '../packages/xlsx-reader';
import { COMPARATOR_PREFIX, HEADER_ROWS, LIGHT_STYLE, dataRow, headerRow, newSheet, valueFormat, type CellIn, type Col } from '../summaries/reports';
import { BODY_FONT, BODY_SIZE, MAX_ROW_HEIGHT, TITLE_FONT, cellText, colLetter, heightFor, linesIn, textWidth, writeWorkbookFile } from '../workbook-style';
import { quotaGrid, REASON_COLUMN, saveQuotas, type QuotaEdit, type ReasonEdit, type SavedQuotas } from './quotas';

export const QUOTA_SHEET = '任务分解';

/** The columns before the offices' and after them, as headed in the table. */
const HEAD = ['类别', '任务', '指标', '计量单位', '指标类型'] as const;
const TOTAL = '合计';
const DIFFERENCE = '差额';

/** The headers of row 3, in order, for an office's grid. */
export function quotaHeaders(grid: Pick<QuotaGridView, 'own' | 'targetHeader' | 'offices'>): string[] {
  return [...HEAD, grid.targetHeader, grid.own, ...grid.offices, TOTAL, DIFFERENCE, REASON_COLUMN];
}

function columns(grid: QuotaGridView): Col[] {
  const figure = (header: string): Col => ({ header, width: Math.max(8, Math.ceil(textWidth(header) + 1.5)), kind: 'value' });
  return [
    { header: '类别', width: 14, kind: 'name' },
    { header: '任务', width: 20, kind: 'name' },
    { header: '指标', width: 18, kind: 'name' },
    { header: '计量单位', width: 6, kind: 'center' },
    { header: '指标类型', width: 7, kind: 'center' },
    { header: grid.targetHeader, width: 11, kind: 'value' },
    figure(grid.own),
    ...grid.offices.map(figure),
    { header: TOTAL, width: 9, kind: 'value' },
    { header: DIFFERENCE, width: 9, kind: 'value' },
    { header: REASON_COLUMN, width: 24, kind: 'narrative' },
  ];
}

/** 任务 as the table writes it: "1. 实施技工大省技能培训工程". */
function taskText(r: Pick<QuotaRowView, 'task' | 'taskTitle'>): string {
  return `${r.task}. ${r.taskTitle}`;
}

/** 全市目标 as a cell: a number in its unit's format (≤ for a ceiling), a range as its text. */
function targetCell(r: QuotaRowView): CellIn {
  if (r.comparator === 'range') return targetFigure(r);
  return { v: r.target, fmt: valueFormat(r.target, r.unit, COMPARATOR_PREFIX[r.comparator]) };
}

/** What a fixed cell of a row must read, as the reader will find it. */
function fixedCells(r: QuotaRowView): (string | number)[] {
  return [r.category, taskText(r), r.name, r.unit, INDICATOR_KIND_LABELS[r.kind], r.comparator === 'range' ? targetFigure(r) : r.target];
}

/**
 * Builds the table as .xlsx bytes.
 * @example const bytes = await buildQuotaTable(ctx)
 */
export async function buildQuotaTable(ctx: Ctx): Promise<Buffer> {
  return (await quotaWorkbook(ctx)).buffer;
}

/** The table's bytes, and the grid they were laid out from (so a caller need not read it again). */
async function quotaWorkbook(ctx: Ctx): Promise<{ buffer: Buffer; grid: QuotaGridView }> {
  const grid = await quotaGrid(ctx);
  const plan = await activePlan(ctx);
  const cols = columns(grid);
  const wb = new ExcelJS.Workbook();
  wb.creator = '民生工作督办台账';
  wb.title = `${plan.title}任务分解表`;
  wb.created = ctx.now();
  wb.modified = ctx.now();
  const ws = newSheet(wb, QUOTA_SHEET, cols, { xSplit: 3 });

  const last = cols.length;
  const totalWidth = cols.reduce((a, c) => a + c.width, 0);
  const title = `${plan.title}任务分解表`;
  ws.getCell(1, 1).value = cellText(title);
  ws.getCell(1, 1).style = { font: { name: TITLE_FONT, size: 16, bold: true }, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true } };
  ws.mergeCells(1, 1, 1, last);
  ws.getRow(1).height = Math.min(MAX_ROW_HEIGHT, Math.ceil(textWidth(title) * 1.6 / totalWidth) * 22 + 10);
  const note = `汇总单位:${grid.officeName}    制表日期:${today(ctx)}    ${grid.own}为本级各部门合计;累计类指标空白为无任务(不是0),`
    + `水平类、增幅类、节点类指标不分解,空白为同${grid.targetHeader}。合计与${grid.targetHeader}不一致时请在「${REASON_COLUMN}」栏写明原因。`;
  ws.getCell(2, 1).value = cellText(note);
  ws.getCell(2, 1).style = { font: { name: BODY_FONT, size: BODY_SIZE }, alignment: { horizontal: 'left', vertical: 'middle', wrapText: true } };
  ws.mergeCells(2, 1, 2, last);
  ws.getRow(2).height = heightFor(linesIn(note, totalWidth));
  headerRow(ws, HEADER_ROWS, cols.map((c) => c.header), cols);

  const first = 7; // column G: 本级
  const lastQuota = first + grid.offices.length;
  grid.rows.forEach((r, k) => {
    const row = HEADER_ROWS + 1 + k;
    const split = isSplit(r.kind);
    const cells: CellIn[] = [
      r.category, taskText(r), r.name, r.unit, INDICATOR_KIND_LABELS[r.kind], targetCell(r),
      r.own, ...r.quotas, split ? null : '不分解', split ? null : '—', r.reason ?? null,
    ];
    dataRow(ws, row, cols, cells);
    if (!split) return;
    const range = `${colLetter(first)}${row}:${colLetter(lastQuota)}${row}`;
    const sum = `SUM(${range})`;
    const none = `COUNT(${range})=0`;
    const low = r.target;
    const high = r.comparator === 'range' ? (r.targetMax ?? r.target) : null;
    const difference = high === null
      ? `${sum}-${colLetter(6)}${row}`
      : `IF(${sum}<${low},${sum}-${low},IF(${sum}>${high},${sum}-${high},0))`;
    const total = ws.getCell(row, lastQuota + 1);
    total.value = { formula: `IF(${none},"",${sum})`, result: r.total ?? '' };
    const diff = ws.getCell(row, lastQuota + 2);
    diff.value = { formula: `IF(${none},"",${difference})`, result: r.difference ?? '' };
    if (r.needsReason) diff.style = { ...diff.style, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: LIGHT_STYLE.yellow.fill! } } };
  });
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer() as ArrayBuffer), grid };
}

/**
 * Writes the table to `out` (never half-written: through a temporary file renamed into place).
 * @example await writeQuotaTable(ctx, 'D:/任务分解表.xlsx') // { out, rows: 62, offices: 7 }
 */
export async function writeQuotaTable(ctx: Ctx, out: string): Promise<{ out: string; rows: number; offices: number }> {
  const { buffer, grid } = await quotaWorkbook(ctx);
  await writeWorkbookFile(out, buffer, '任务分解表');
  return { out, rows: grid.rows.length, offices: grid.offices.length };
}

// ───────────────────────────── reading back ─────────────────────────────

/** A cell as a person reads its place: 第5行 H列(郎溪县). */
function place(row: number, col: number, header: string): string {
  return `第${row + 1}行 ${colName(col)}列(${header})`;
}

function shown(c: FoundCell | undefined): string {
  if (c === undefined || c.value === null) return '(空)';
  return `「${String(c.value).slice(0, 40)}」`;
}

/** What a quota cell holds: a number, blank, or why it is neither. */
function quotaValue(c: FoundCell | undefined, blankWord: string): number | null | string {
  if (c?.formula) return `是公式${shown(c)},请直接填数字`;
  if (c === undefined || c.value === null) return null;
  if (c.kind === 'error') return `是错误值或日期${shown(c)},请填数字`;
  if (typeof c.value === 'number') return c.value;
  if (typeof c.value === 'string') {
    const t = c.value.trim();
    if (t === '' || t === blankWord || t === '无任务') return null;
    return `是文字${shown(c)},请填数字,或留空表示${blankWord}`;
  }
  return `是逻辑值${shown(c)},请填数字`;
}

function sameFixed(found: FoundCell | undefined, want: string | number): boolean {
  if (found === undefined || found.value === null) return false;
  if (typeof want === 'number') return typeof found.value === 'number' && Math.abs(found.value - want) < 1e-9;
  // Names in narrow columns are written broken into lines at word boundaries (wrapAtWords), and a clerk may break
  // them again in WPS: the line breaks are not part of the name.
  return typeof found.value === 'string' && unbroken(found.value) === unbroken(want);
}

const unbroken = (text: string): string => text.replace(/\s*\n\s*/g, '').trim();

export interface ReadQuotaTable {
  readonly quotas: readonly QuotaEdit[];
  readonly reasons: readonly ReasonEdit[];
}

/**
 * Reads a quota table made by this office (the same indicators in the same order, the same offices) into
 * edits; refuses it with every problem named by sheet, row and column.
 * @example const edits = await readQuotaTable(ctx, 'U:/任务分解表.xlsx')
 */
export async function readQuotaTable(ctx: Ctx, file: string): Promise<ReadQuotaTable> {
  const name = basename(file);
  const refuse = (why: string, problems?: readonly string[]) => new LedgerError(
    'E_VALIDATION',
    problems ? `任务分解表「${name}」有 ${problems.length} 处问题,未修改任何内容:\n${problems.slice(0, 30).map((p) => `· ${p}`).join('\n')}${problems.length > 30 ? `\n…… 另有 ${problems.length - 30} 处` : ''}` : `任务分解表「${name}」${why}`,
    problems ? { problems } : undefined,
  );
  let bytes: Buffer;
  try {
    if (statSync(file).size > DEFAULT_LIMITS.maxFileBytes) throw new LedgerError('E_TOO_LARGE', `任务分解表「${name}」过大(上限 ${DEFAULT_LIMITS.maxFileBytes / 1024 / 1024} MB),请确认选对了文件。`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof LedgerError) throw err;
    throw new LedgerError('E_UNREADABLE', `任务分解表「${name}」无法读取(不存在或没有权限)。`);
  }
  let sheet: ParsedSheet | undefined;
  try {
    sheet = readWorkbookFile(bytes).sheets.find((s) => s.name === QUOTA_SHEET);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const code = e.code === 'E_TOO_LARGE' || e.code === 'E_NOT_A_PACKAGE' ? e.code : 'E_UNREADABLE';
    throw new LedgerError(code === 'E_NOT_A_PACKAGE' ? 'E_UNREADABLE' : code, `任务分解表「${name}」无法读取:${e.message ?? String(err)}。请用本程序导出的任务分解表(.xlsx)。`);
  }
  if (!sheet) throw refuse(`中没有名为「${QUOTA_SHEET}」的工作表。请用本程序导出的任务分解表填写。`);

  const grid = await quotaGrid(ctx);
  const headers = quotaHeaders(grid);
  const problems: string[] = [];
  const at = (r: number, c: number) => sheet.rows[r]?.[c];
  const where = (r: number, c: number) => `表「${QUOTA_SHEET}」${place(r, c, headers[c] ?? '表外')}`;

  headers.forEach((h, c) => {
    const found = at(HEADER_ROWS - 1, c);
    if (!sameFixed(found, h)) {
      problems.push(`${where(HEADER_ROWS - 1, c)}:表头应为「${h}」,现为${shown(found)}。下级汇总端的名称和顺序须与本机一致,请重新导出后填写`);
    }
  });
  if (problems.length > 0) throw refuse('', problems);

  const first = HEAD.length + 1; // 本级
  const reasonCol = headers.length - 1;
  const quotas: QuotaEdit[] = [];
  const reasons: ReasonEdit[] = [];
  grid.rows.forEach((r, k) => {
    const row = HEADER_ROWS + k;
    fixedCells(r).forEach((want, c) => {
      if (!sameFixed(at(row, c), want)) {
        problems.push(`${where(row, c)}:应为「${want}」,现为${shown(at(row, c))}。这一列不能修改,行的顺序也不能调整`);
      }
    });
    const blankWord = blankQuotaText(r.kind);
    [null, ...grid.offices].forEach((office, j) => {
      const c = first + j;
      const v = quotaValue(at(row, c), blankWord);
      const problem = typeof v === 'string' ? v : v === null ? null : quotaProblem(r.kind, v);
      if (problem !== null) problems.push(`${where(row, c)}:${problem}`);
      else if (typeof v !== 'string') quotas.push({ task: r.task, indicator: r.indicator, office, value: v });
    });
    const reason = at(row, reasonCol);
    if (reason !== undefined && reason.value !== null && (reason.formula || typeof reason.value !== 'string')) {
      problems.push(`${where(row, reasonCol)}:应为文字说明,现为${shown(reason)}`);
    } else {
      reasons.push({ task: r.task, indicator: r.indicator, reason: reason?.value === undefined ? null : (reason.value as string | null) });
    }
  });
  // Nothing may follow the table, and nothing may stand beside it: either would be a quota read nowhere.
  sheet.rows.forEach((cells, row) => {
    if (row < HEADER_ROWS - 1 || !cells) return;
    (sheet.columns[row] ?? []).forEach((c) => {
      const cell = cells[c];
      if (cell === undefined || cell.value === null || cell.value === '') return;
      if (row >= HEADER_ROWS + grid.rows.length) problems.push(`${where(row, c)}:表格之后不应再有内容${shown(cell)};每个指标一行,不能增加行`);
      else if (c >= headers.length) problems.push(`${where(row, c)}:「${REASON_COLUMN}」之后不应再有内容${shown(cell)}`);
    });
  });
  if (problems.length > 0) throw refuse('', problems);
  return { quotas, reasons };
}

/**
 * Reads a quota table and applies it, all or nothing; `dryRun` lists the changes and writes nothing.
 * @example const { changes } = await importQuotaTable(ctx, 'U:/任务分解表.xlsx', { dryRun: true })
 */
export async function importQuotaTable(ctx: Ctx, file: string, opts: { readonly dryRun?: boolean } = {}): Promise<SavedQuotas> {
  const edits = await readQuotaTable(ctx, file);
  return saveQuotas(ctx, edits, { dryRun: opts.dryRun ?? false, source: basename(file) });
}
