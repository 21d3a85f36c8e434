/**
 * Reads a 责任分解表 (.xlsx) back into a plan, strictly: every problem is collected and named by sheet, row
 * and column in Chinese ("「责任分解」第12行 G列(目标)": "「约3千」不是数字"), never only the first.
 *
 * The file comes from a person's USB drive: it is read with the project's own bounded reader (size caps,
 * our zip walk, no SheetJS), and what an office suite does to a file is accepted: numbers stored as text
 * ("12,100", full-width digits, "86.79万" with 万/亿 multiplied out), spaces around values, percentages
 * shown as 95%, rows in any order (tasks are ordered by 任务序号), blank rows, extra columns, and sheets
 * renamed (each sheet is found by its headers when its name is not there).
 */
import { basename } from 'node:path';
import type { CategoryDef, Comparator, IndicatorDef, IndicatorKind, PlanDef, ReportingFrequency, SubordinateGroup, TaskDef, UnitDef, UnitKind } from '../../../shared/domain';
import { chineseCounting, dotGroupedReadings } from '../../../shared/numerals';
import { kindProblem } from '../../../shared/rules/kinds';
import { issueWords, type IssueLike } from '../../../shared/zod-words';
import { planSchema, SUBORDINATE_GROUP, type ParsedPlan, type PlanProblem, type PlanReviewItem } from '../../../shared/plan';
import { PackageError, readWorkbookFile, SIGNATURE_SHEET } from '../packages/package-format';
import { colName, sheetValues, type SheetValues, type ShownCell } from '../packages/xlsx-reader';
import { cardLines, parseNoticeText } from './notice';
import { noPlan } from './parsed';
import {
  COMPARATOR_WORDS, DEADLINE_WORDS, FREQUENCY_WORDS, KIND_WORDS, PLAN_FIELDS, TASK_COLUMNS, TEMPLATE_SHEETS,
  UNIT_HEADERS, UNIT_KIND_WORDS, type TaskColumnKey,
} from './template-layout';

/** More than this many problems is a wrong file, not a file to correct line by line. */
const MAX_PROBLEMS = 200;
/** Header rows are looked for among the first rows of a sheet (the template has them on row 3). */
const HEADER_SEARCH_ROWS = 10;
/** How far down a header row moved from its place is looked for, to say where it is (see `nearly`). */
const HEADER_LOOK_ROWS = 100;

/**
 * A 责任分解表 read back: the plan, what a person should confirm, and every problem found.
 * @example const { plan, review, errors } = parsePlanWorkbook('2020年责任分解表.xlsx', bytes)
 */
export function parsePlanWorkbook(file: string, bytes: Buffer): ParsedPlan {
  let sheets: SheetValues[];
  try {
    sheets = sheetValues(readWorkbookFile(bytes));
  } catch (err) {
    if (!(err instanceof PackageError)) throw err;
    const why = err.code === 'E_NOT_A_PACKAGE' ? '不是 Excel 工作簿(.xlsx)' : err.message.replace('数据包', '工作簿');
    return noPlan([{ where: basename(file), message: `${why}。请在 WPS 或 Excel 中打开后另存为 .xlsx 再选择。` }]);
  }
  const reader = new TemplateReader(sheets);
  const read = reader.read(file);
  if (!reader.noTemplateSheet) return read;
  // One of this program's own packages (a 任务包, a 下达包 …) lists tasks too, but it is no plan to start from.
  if (sheets.some((s) => s.name === SIGNATURE_SHEET)) {
    return noPlan([{ where: basename(file), message: '这是本程序生成的数据包(任务包、下达包、填报包等),不是工作计划。工作计划请选择通知(.docx、.txt)或责任分解表(.xlsx)。' }]);
  }
  // Not our template at all: a city's own table of projects (序号 | 项目名称 | 建设内容 | 牵头单位 …), read as the
  // table a notice attaches is, with everything a person should confirm.
  const lines = projectTableLines(sheets);
  if (lines === null) {
    return noPlan([{ where: basename(file), message: `这不像责任分解表(找不到工作表「${TEMPLATE_SHEETS.tasks}」「${TEMPLATE_SHEETS.units}」「${TEMPLATE_SHEETS.plan}」),也不像项目表(找不到含“项目名称”或“建设内容”和“牵头单位”或“责任单位”的表头行)。请用 ledger plan template 生成的模板填写。` }]);
  }
  return parseNoticeText(lines.join('\n'), { fileName: basename(file) });
}

/**
 * The visible sheets that list projects with their units under a header row, as the lines of project cards
 * (notice.ts cardLines); null when no sheet does. Each cell as it is shown: a date as 2021年12月31日, 0.95 shown
 * as a percentage as 95%.
 */
function projectTableLines(sheets: readonly SheetValues[]): string[] | null {
  const found = sheets.filter((s) => s.state === 'visible').map((s) => cardLines(s.rows.map((row) => Array.from(row ?? [], (c) => {
    const text = c === undefined ? '' : shownText(c);
    return text === '' ? [] : [text];
  }))));
  const tables = found.filter((lines): lines is string[] => lines !== null);
  return tables.length === 0 ? null : tables.flat();
}

function shownText(cell: ShownCell): string {
  const { value } = cell;
  if (cell.error || value === null || typeof value === 'boolean') return '';
  if (typeof value === 'string') return value;
  if (cell.shownAs === 'percent') return `${percentPoints(value)}%`;
  if (cell.shownAs === 'date') {
    const [y, m, d] = serialDate(Math.floor(value)).split('-').map(Number);
    return `${y}年${m}月${d}日`;
  }
  return String(value);
}

// ───────────────────────────── cell values ─────────────────────────────

/** Full-width digits and signs as office suites and input methods type them. */
function halfWidth(s: string): string {
  return s.replace(/[\uff10-\uff19\uff0b\uff0d\uff0e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/** Text with spaces (also full-width and non-breaking) trimmed from both ends. */
function trimmed(s: string): string {
  return s.replace(/^[\s\u3000\u00a0]+|[\s\u3000\u00a0]+$/g, '');
}

/** A word from a drop-down, however it was typed: no spaces anywhere, half-width digits. */
function word(s: string): string {
  return halfWidth(s).replace(/[\s\u3000\u00a0]+/g, '');
}

/** A decimal written out, shifted `places` to the left of its point (万 = 4, 亿 = 8) without float error. */
function scaled(int: string, frac: string, places: number): number {
  const digits = int + frac + '0'.repeat(places);
  const point = int.length + places;
  return Number(`${digits.slice(0, point)}.${digits.slice(point)}`);
}

/** "12,100", "86.79万", "1.2亿", "-3" as a number; null when it is not a plain number. */
export function numberFromText(text: string): number | null {
  const s = halfWidth(text).replace(/[\s\u3000\u00a0,，]+/g, '');
  const m = /^([+-]?)(\d+)(?:\.(\d+))?(万|亿)?$/.exec(s);
  if (!m) return null;
  const v = scaled(m[2]!, m[3] ?? '', m[4] === '万' ? 4 : m[4] === '亿' ? 8 : 0);
  return m[1] === '-' ? -v : v;
}

/** 0.95 in a cell shown as a percentage is 95 (points), without binary noise (0.07 × 100 = 7.000000000000001). */
function percentPoints(stored: number): number {
  return Number((stored * 100).toPrecision(12));
}

/** Excel's day serial (1900 system) as YYYY-MM-DD. */
function serialDate(serial: number): string {
  return new Date(Math.round((serial - 25569) * 86_400_000)).toISOString().slice(0, 10);
}

/** A day serial as a date-formatted cell shows it, near enough to recognise: 2019-01-20, 12:30, or both. */
function shownDate(serial: number): string {
  const day = Math.floor(serial);
  const minutes = Math.round((serial - day) * 1440);
  const time = minutes === 0 ? '' : `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  if (day < 1) return time || '00:00';
  return time === '' ? serialDate(day) : `${serialDate(day)} ${time}`;
}

/** A number typed into a cell Excel or WPS then showed as a date (1-2 → 1月2日): not the number meant, nor the one on screen. */
function shownAsDateWords(serial: number, what: string): string {
  return `显示为日期「${shownDate(serial)}」:请把单元格格式改为常规或数值后重新填写${what}。`;
}

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// ───────────────────────────── reading ─────────────────────────────

interface Found {
  readonly sheet: SheetValues;
  /** 0-based row of the headers. */
  readonly headerRow: number;
  /** 0-based column of each header found (the first, when it is there twice). */
  readonly columns: ReadonlyMap<string, number>;
  /** Every column of each header found, to tell a header written twice. */
  readonly every: ReadonlyMap<string, readonly number[]>;
}

/** An object of the plan as a sheet gave it: its (first) row, and the cell each field came from. */
interface Located {
  readonly sheet: SheetValues;
  readonly row: number;
  readonly fields: Readonly<Record<string, { readonly row: number; readonly col: number; readonly header: string }>>;
}

/** A task's cells as one row gives them, with where each came from. */
interface TaskRow {
  readonly row: number;
  readonly taskNo: number;
  readonly cells: ReadonlyMap<TaskColumnKey, { text: string; cell: ShownCell }>;
}

const HEADER_OF: Readonly<Record<TaskColumnKey, string>> = Object.fromEntries(TASK_COLUMNS.map((c) => [c.key, c.header])) as Record<TaskColumnKey, string>;
const INDICATOR_KEYS: readonly TaskColumnKey[] = TASK_COLUMNS.filter((c) => !c.ofTask).map((c) => c.key);
/** A plan's lists, for an issue saying one has too many. */
const LIST_WORDS: Readonly<Record<string, string>> = {
  categories: '类别', tasks: '一个类别的任务', indicators: '一项任务的指标', units: '单位名单中的单位', leadUnits: '牵头单位', coUnits: '协同单位', aliases: '别名',
};

/** IndicatorDef's fields and the column each comes from. */
const INDICATOR_FIELDS: readonly (readonly [keyof IndicatorDef, TaskColumnKey])[] = [
  ['name', 'indicator'], ['comparator', 'comparator'], ['target', 'target'], ['targetMax', 'targetMax'], ['unit', 'unit'],
  ['kind', 'kind'], ['deadline', 'deadline'], ['source', 'source'],
];
type TaskKey = 'category' | 'title' | 'text' | 'lead' | 'co' | 'leader';
const TASK_KEYS: readonly TaskKey[] = ['category', 'title', 'text', 'lead', 'co', 'leader'];
/** A task's own field as its first row that fills it gives it. */
type TaskFields = Record<TaskKey, { readonly text: string; readonly row: number } | null>;

const COMPARATOR_OF: ReadonlyMap<string, Comparator> = new Map(Object.entries(COMPARATOR_WORDS).map(([k, w]) => [w, k as Comparator]));
const KIND_OF: ReadonlyMap<string, IndicatorKind> = new Map(Object.entries(KIND_WORDS).map(([k, w]) => [w, k as IndicatorKind]));
const UNIT_KIND_OF: ReadonlyMap<string, UnitKind> = new Map(Object.entries(UNIT_KIND_WORDS).map(([k, w]) => [w, k as UnitKind]));
const FREQUENCY_OF: ReadonlyMap<string, ReportingFrequency> = new Map(Object.entries(FREQUENCY_WORDS).map(([k, w]) => [w, k as ReportingFrequency]));

/**
 * A 类别 cell as its number and name. 一、name is the template's form; people also number with a space
 * (一 name), in brackets (（二）name) or in digits (1、name): the number is read as a Chinese numeral and the
 * name without it, so that 1、稳定和扩大就业 is the category 一、稳定和扩大就业 and not another one. `plain`:
 * written in the template's form (or with no number).
 */
function categoryParts(text: string): { no: string | null; name: string; plain: boolean } {
  const own = /^([一二三四五六七八九十]+)\s*[、.．,，]\s*(.+)$/.exec(text);
  if (own) return { no: own[1]!, name: own[2]!, plain: true };
  const s = halfWidth(text);
  const other = /^[(（]\s*([一二三四五六七八九十]+|\d{1,2})\s*[)）]\s*[、.．,，]?\s*(.+)$/.exec(s)
    ?? /^([一二三四五六七八九十]+)[\s\u3000]+(.+)$/.exec(s)
    ?? /^(\d{1,2})(?:\s*[、.．,，]|[\s\u3000])\s*(.+)$/.exec(s);
  const n = other && /^\d+$/.test(other[1]!) ? Number(other[1]) : null;
  if (!other || n === 0) return { no: null, name: text, plain: true };
  return { no: n === null ? other[1]! : chineseCounting(n), name: trimmed(other[2]!), plain: false };
}


class TemplateReader {
  private readonly errors: PlanProblem[] = [];
  private readonly review: PlanReviewItem[] = [];
  /** Where a cell shows an error value (#N/A), already named. */
  private readonly errorCells = new Set<string>();
  /** Sheets (by template name) already named in a problem: several looked like it, or it is there but unreadable. */
  private readonly ambiguous = new Set<string>();
  private readonly located = new Map<object, Located>();
  private file = '';
  /** None of the template's sheets is there: the workbook may be a table of projects of another layout. */
  noTemplateSheet = false;

  constructor(private readonly sheets: readonly SheetValues[]) {}

  read(file: string): ParsedPlan {
    this.file = basename(file);
    const taskSheet = this.find(
      TEMPLATE_SHEETS.tasks, TASK_COLUMNS.filter((c) => !c.optional).map((c) => c.header), ['任务序号', '指标'], TASK_COLUMNS.map((c) => c.header),
    );
    const unitSheet = this.find(TEMPLATE_SHEETS.units, Object.values(UNIT_HEADERS), [UNIT_HEADERS.name, UNIT_HEADERS.kind], Object.values(UNIT_HEADERS));
    const planSheet = this.findByLabels(TEMPLATE_SHEETS.plan, [PLAN_FIELDS.title, PLAN_FIELDS.year]);
    const absent = (sheet: unknown, name: string) => !sheet && !this.ambiguous.has(name);
    const missing = [
      absent(taskSheet, TEMPLATE_SHEETS.tasks) && `「${TEMPLATE_SHEETS.tasks}」(表头含 任务序号、指标 等列)`,
      absent(unitSheet, TEMPLATE_SHEETS.units) && `「${TEMPLATE_SHEETS.units}」(表头含 名称、别名、类型)`,
      absent(planSheet, TEMPLATE_SHEETS.plan) && `「${TEMPLATE_SHEETS.plan}」(A列有 标题、年度 等项目)`,
    ].filter((x): x is string => typeof x === 'string');
    this.noTemplateSheet = missing.length === 3;
    if (missing.length > 0) {
      this.errors.push({ where: this.file, message: `找不到工作表${missing.join('、')}:这不像责任分解表。请用 ledger plan template 生成的模板填写。` });
    }
    // A sheet without all its columns cannot be read row by row: each row would repeat the same complaint.
    if (!taskSheet || !unitSheet || !planSheet || this.errors.length > 0) return noPlan(this.errors);

    const head = this.planFields(planSheet);
    const units = this.units(unitSheet);
    const categories = this.tasks(taskSheet, units);
    const plan: PlanDef = { ...head.fields, revision: 1, categories, units: units.list };
    this.locate(plan, planSheet, 0, head.cells);
    const named = new Set(categories.flatMap((c) => c.tasks.flatMap((t) => [...t.leadUnits, ...t.coUnits])));
    for (const u of units.list) {
      if (!named.has(u.name)) this.review.push({ task: null, reason: `「${TEMPLATE_SHEETS.units}」中的「${u.name}」没有牵头或协同任何任务,请确认是否需要。` });
    }
    if (this.errors.length === 0) {
      // The last guard: the strict shape every plan is held to (lengths, counts), named by cell.
      const checked = planSchema.safeParse(plan);
      if (!checked.success) {
        for (const issue of checked.error.issues) this.errors.push(this.issueAt(plan, issue));
      }
    }
    return { plan, review: this.review, errors: this.errors.slice(0, MAX_PROBLEMS), frequencyStated: head.frequencyStated };
  }

  // ─── where things are ───

  private problem(sheet: SheetValues, row: number, col: number | null, header: string | null, message: string): void {
    const where = col === null ? `「${sheet.name}」第${row + 1}行` : `「${sheet.name}」第${row + 1}行 ${colName(col)}列${header ? `(${header})` : ''}`;
    // A cell holding an error value is named once for it, not again for what its text is not.
    if (this.errorCells.has(where)) return;
    this.errors.push({ where, message });
  }

  /**
   * A planSchema issue (a text too long, too many tasks) named at the cell it came from, in Chinese: the
   * object the path reaches last that a sheet gave, and the field of it the path names next.
   */
  private issueAt(plan: PlanDef, issue: IssueLike): PlanProblem {
    let value: unknown = plan;
    const top = this.located.get(plan);
    let at: Located | undefined = top;
    let field: PropertyKey | undefined = issue.path[0];
    for (const [k, key] of issue.path.entries()) {
      value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
      const here = value !== null && typeof value === 'object' ? this.located.get(value) : undefined;
      if (here) {
        at = here;
        field = issue.path[k + 1];
      }
    }
    const cell = at && typeof field === 'string' ? at.fields[field] : undefined;
    const many = typeof field === 'string' && Object.hasOwn(LIST_WORDS, field) ? LIST_WORDS[field] : undefined;
    const max = (issue as IssueLike & { maximum?: unknown }).maximum;
    if (many && issue.code === 'too_big' && (issue as IssueLike & { origin?: unknown }).origin === 'array') {
      const where = cell ? `「${at!.sheet.name}」第${cell.row + 1}行 ${colName(cell.col)}列(${cell.header})`
        : at && at !== top ? `「${at.sheet.name}」第${at.row + 1}行` : this.file;
      return { where, message: `${many}太多:最多 ${String(max)} 个。` };
    }
    const what = issueWords(issue, []);
    // The words say how long a text may be; how long this one is tells how much to cut.
    const length = typeof value === 'string' && issue.code === 'too_big' ? `,这里有 ${value.length} 个字:请删减。` : what.endsWith('。') ? '' : '。';
    if (at && cell) {
      return { where: `「${at.sheet.name}」第${cell.row + 1}行 ${colName(cell.col)}列(${cell.header})`, message: `${cell.header}${what}${length}` };
    }
    // The plan as a whole has no row of its own: a list of it too long is the file's.
    if (at && at !== top) return { where: `「${at.sheet.name}」第${at.row + 1}行`, message: `${what}${length}` };
    return { where: this.file, message: `${issueWords(issue)}${length}` };
  }

  /** Where an object of the plan came from, for naming planSchema's issues (see issueAt). */
  private locate(of: object, sheet: SheetValues, row: number, fields: Located['fields']): void {
    this.located.set(of, { sheet, row, fields });
  }

  private textAt(sheet: SheetValues, row: number, col: number): { text: string; cell: ShownCell } | null {
    const cell = sheet.rows[row]?.[col];
    if (cell === undefined || cell.value === null) return null;
    const text = typeof cell.value === 'string' ? trimmed(cell.value) : String(cell.value);
    return text === '' ? null : { text, cell };
  }

  /** The row (within the first few) holding all of `headers`, and where each header is. */
  private headersOf(sheet: SheetValues, headers: readonly string[]): Found | null {
    for (let r = 0; r < Math.min(HEADER_SEARCH_ROWS, sheet.rows.length); r++) {
      const columns = new Map<string, number>();
      const every = new Map<string, number[]>();
      sheet.rows[r]?.forEach((c, k) => {
        if (typeof c?.value === 'string') {
          const h = word(c.value);
          if (!columns.has(h)) columns.set(h, k);
          every.set(h, [...every.get(h) ?? [], k]);
        }
      });
      if (headers.every((h) => columns.has(h))) return { sheet, headerRow: r, columns, every };
    }
    return null;
  }

  /**
   * The sheet whose headers include `key` headers (see `choose` for several). A sheet found whose headers
   * lack some of `headers` is named with the missing columns, and one with a header of `known` in two columns
   * with both (which one the person filled cannot be told); the rest of it cannot be read.
   */
  private find(name: string, headers: readonly string[], key: readonly string[], known: readonly string[]): Found | null {
    const all = this.sheets.map((s) => this.headersOf(s, key)).filter((f): f is Found => f !== null);
    if (all.length === 0) {
      this.nearly(name, headers);
      return null;
    }
    const sheet = this.choose(name, all.map((f) => f.sheet));
    const found = all.find((f) => f.sheet === sheet);
    if (!found) return null;
    const lacking = headers.filter((h) => !found.columns.has(h));
    if (lacking.length > 0) {
      this.problem(found.sheet, found.headerRow, null, null, `缺少${lacking.map((h) => `「${h}」`).join('、')}列:请不要删除或改动表头,可从模板复制表头。`);
    }
    for (const h of known) {
      const cols = found.every.get(h) ?? [];
      if (cols.length > 1) {
        this.problem(found.sheet, found.headerRow, null, null, `表头「${h}」出现在${cols.map((c) => `${colName(c)}列`).join('、')}:请只保留一列,删除另一列或改为其他表头。`);
      }
    }
    return found;
  }

  /**
   * No sheet has the headers where they belong: a sheet named like the template's (2020年责任分解表) is most
   * likely it with its headers renamed or moved down, so the row most like its headers is named, with what
   * it lacks, rather than the file called unlike a 责任分解表.
   */
  private nearly(name: string, headers: readonly string[]): void {
    const named = this.sheets.filter((s) => s.name.includes(name));
    const sheet = named.find((s) => s.state === 'visible') ?? named[0];
    if (!sheet) return;
    let best = { row: -1, has: 0, lacking: [] as string[] };
    for (let r = 0; r < Math.min(HEADER_LOOK_ROWS, sheet.rows.length); r++) {
      const seen = new Set(sheet.rows[r]?.map((c) => typeof c?.value === 'string' ? word(c.value) : ''));
      const has = headers.filter((h) => seen.has(h)).length;
      if (has > best.has) best = { row: r, has, lacking: headers.filter((h) => !seen.has(h)) };
    }
    // One header word in a row is a title or a note, not a header row.
    if (best.has < 2) return;
    const { lacking } = best;
    this.ambiguous.add(name);
    if (lacking.length > 0) {
      this.problem(sheet, best.row, null, null, `这一行像是表头,但缺少${lacking.map((h) => `「${h}」`).join('、')}列:请不要删除或改动表头,可从模板复制表头。`);
    } else {
      this.problem(sheet, best.row, null, null, `这一行是表头,但表头须在前${HEADER_SEARCH_ROWS}行内:请删除表头上方多余的空行或文字。`);
    }
  }

  /** A sheet of labelled rows (A: label, B: value) whose A column has all `labels` (see `choose` for several). */
  private findByLabels(name: string, labels: readonly string[]): SheetValues | null {
    const has = (s: SheetValues) => {
      const seen = new Set(s.rows.map((row) => typeof row?.[0]?.value === 'string' ? word(row[0].value) : ''));
      return labels.every((l) => seen.has(l));
    };
    return this.choose(name, this.sheets.filter(has));
  }

  /**
   * Of the sheets that look like the one named `name`, the one a person means. A hidden sheet is read only
   * when no visible one looks right: a copy edited beside the hidden old one is the new one. Among visible
   * ones the one with the template's name is read and the others listed for review; several without it
   * are refused, since which copy holds the edits cannot be told from the file.
   */
  private choose(name: string, sheets: readonly SheetValues[]): SheetValues | null {
    const visible = sheets.filter((s) => s.state === 'visible');
    const pool = visible.length > 0 ? visible : sheets;
    const chosen = pool.find((s) => s.name === name) ?? (pool.length === 1 ? pool[0]! : null);
    if (pool.length > 1 && chosen === null) {
      this.ambiguous.add(name);
      this.errors.push({ where: this.file, message: `工作簿中有多张表像${name}表:${pool.map((s) => `「${s.name}」`).join('')},请只保留一张或把其他表删除。` });
      return null;
    }
    if (chosen === null) return null;
    const others = pool.filter((s) => s !== chosen);
    if (others.length > 0) {
      this.review.push({ task: null, reason: `工作表${others.map((s) => `「${s.name}」`).join('')}也像${name}表,没有读取:只读取了「${chosen.name}」,请确认要用的是这张表。` });
    }
    const hidden = sheets.filter((s) => s.state !== 'visible' && s !== chosen);
    if (hidden.length > 0) {
      this.review.push({ task: null, reason: `隐藏的工作表${hidden.map((s) => `「${s.name}」`).join('')}也像${name}表,没有读取:只读取了「${chosen.name}」。` });
    }
    if (chosen.state !== 'visible') {
      this.review.push({ task: null, reason: `读取的工作表「${chosen.name}」是隐藏的:请在 WPS 或 Excel 中取消隐藏,核对其内容。` });
    }
    return chosen;
  }

  // ─── 计划信息 ───

  private planFields(sheet: SheetValues): { fields: Omit<PlanDef, 'revision' | 'categories' | 'units'>; cells: Located['fields']; frequencyStated: boolean } {
    const at = new Map<string, number>();
    sheet.rows.forEach((row, r) => {
      const label = typeof row?.[0]?.value === 'string' ? word(row[0].value) : '';
      if (label !== '' && !at.has(label)) at.set(label, r);
    });
    const field = (label: string) => {
      const r = at.get(label);
      return r === undefined ? null : { row: r, got: this.textAt(sheet, r, 1) };
    };
    const bad = (label: string, message: string) => this.problem(sheet, at.get(label)!, 1, label, message);

    const title = field(PLAN_FIELDS.title)?.got?.text ?? '';
    if (title === '') this.problem(sheet, at.get(PLAN_FIELDS.title)!, 1, PLAN_FIELDS.title, '请填写计划标题,如「2020年全县民生工作要点」。');

    let year = 0;
    const y = field(PLAN_FIELDS.year)?.got;
    if (!y) bad(PLAN_FIELDS.year, '请填写年度,如 2020。');
    else {
      const n = typeof y.cell.value === 'number' ? y.cell.value : numberFromText(y.text.replace(/年$/, ''));
      if (n === null || !Number.isInteger(n) || n < 2000 || n > 2100) bad(PLAN_FIELDS.year, `「${y.text}」不是年度:请填写四位数的年份,如 2020。`);
      else year = n;
    }

    let issuedOn = '';
    const d = field(PLAN_FIELDS.issuedOn);
    if (d === null) {
      this.problem(sheet, 0, null, null, `缺少「${PLAN_FIELDS.issuedOn}」行:请从模板复制。`);
    } else if (d.got) {
      const { text, cell } = d.got;
      const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(halfWidth(text));
      const date = typeof cell.value === 'number' && cell.shownAs === 'date' ? serialDate(cell.value) : m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
      if (date === null) bad(PLAN_FIELDS.issuedOn, `「${text}」不是日期:请写成 2020-03-15 的样子。`);
      else issuedOn = date;
    }

    const issuer = field(PLAN_FIELDS.issuer)?.got?.text ?? '';

    let frequency: ReportingFrequency = 'monthly';
    const f = field(PLAN_FIELDS.frequency);
    if (f?.got) {
      const got = FREQUENCY_OF.get(word(f.got.text));
      if (got === undefined) bad(PLAN_FIELDS.frequency, `「${f.got.text}」不是可选的报送频率:请从下拉列表选择「按月」或「按季度」。`);
      else frequency = got;
    }

    // A new plan has no id yet: one is made from its year (the office's own plans differ by year).
    const id = field(PLAN_FIELDS.id)?.got?.text ?? (year > 0 ? `plan-${year}` : 'plan');
    const cells: Record<string, Located['fields'][string]> = {};
    for (const [key, label] of Object.entries(PLAN_FIELDS)) {
      const r = at.get(label);
      if (r !== undefined) cells[key] = { row: r, col: 1, header: label };
    }
    return { fields: { id, year, title, issuedOn, issuer, frequency }, cells, frequencyStated: f?.got !== undefined };
  }

  // ─── 单位名单 ───

  private units(found: Found): { list: UnitDef[]; byName: ReadonlyMap<string, string> } {
    const { sheet, headerRow, columns } = found;
    const list: UnitDef[] = [];
    const byName = new Map<string, string>();
    const seenAt = new Map<string, number>();
    const nameCol = columns.get(UNIT_HEADERS.name)!;
    const aliasCol = columns.get(UNIT_HEADERS.aliases);
    const kindCol = columns.get(UNIT_HEADERS.kind);
    for (let r = headerRow + 1; r < sheet.rows.length; r++) {
      const name = this.textAt(sheet, r, nameCol)?.text ?? '';
      const aliasText = aliasCol === undefined ? '' : this.textAt(sheet, r, aliasCol)?.text ?? '';
      const kindText = kindCol === undefined ? null : this.textAt(sheet, r, kindCol);
      if (name === '' && aliasText === '' && kindText === null) continue;
      if (name === '') {
        this.problem(sheet, r, nameCol, UNIT_HEADERS.name, '单位名称为空:请填写名称,或删除这一行。');
        continue;
      }
      let kind: UnitKind = 'unit';
      if (kindText) {
        const k = UNIT_KIND_OF.get(word(kindText.text));
        if (k === undefined) this.problem(sheet, r, kindCol!, UNIT_HEADERS.kind, `「${kindText.text}」不是可选的类型:请从下拉列表选择「单位」或「成员单位集合」。`);
        else kind = k;
      } else if (kindCol !== undefined) {
        this.problem(sheet, r, kindCol, UNIT_HEADERS.kind, '请从下拉列表选择类型:「单位」或「成员单位集合」。');
      }
      const aliases = [...new Set(splitNames(aliasText))].filter((a) => a !== name);
      for (const n of [name, ...aliases]) {
        const before = seenAt.get(n);
        if (before !== undefined) {
          this.problem(sheet, r, n === name ? nameCol : aliasCol!, n === name ? UNIT_HEADERS.name : UNIT_HEADERS.aliases, `「${n}」与第${before + 1}行重复:每个名称(含别名)只能出现一次。`);
        } else {
          seenAt.set(n, r);
          byName.set(n, name);
        }
      }
      const unit: UnitDef = { name, aliases, kind };
      this.locate(unit, sheet, r, {
        name: { row: r, col: nameCol, header: UNIT_HEADERS.name },
        ...aliasCol === undefined ? {} : { aliases: { row: r, col: aliasCol, header: UNIT_HEADERS.aliases } },
      });
      list.push(unit);
    }
    if (list.length === 0) this.problem(sheet, headerRow + 1, nameCol, UNIT_HEADERS.name, '单位名单是空的:请逐行填写责任单位。');
    this.hiddenRead(sheet, [...seenAt.values()], [[nameCol, UNIT_HEADERS.name], [aliasCol, UNIT_HEADERS.aliases], [kindCol, UNIT_HEADERS.kind]]);
    return { list, byName };
  }

  // ─── 责任分解 ───

  private tasks(found: Found, units: { byName: ReadonlyMap<string, string> }): CategoryDef[] {
    const { sheet, headerRow, columns } = found;
    const colOf = (key: TaskColumnKey) => columns.get(HEADER_OF[key]);
    const byTask = new Map<number, TaskRow[]>();
    let current: number | null = null;
    for (let r = headerRow + 1; r < sheet.rows.length; r++) {
      const cells = new Map<TaskColumnKey, { text: string; cell: ShownCell }>();
      for (const c of TASK_COLUMNS) {
        const col = colOf(c.key);
        const got = col === undefined ? null : this.textAt(sheet, r, col);
        // A formula that failed (#N/A, #REF!) shows no value: named here, once, whatever the column.
        if (got?.cell.error) {
          this.problem(sheet, r, col!, c.header, `是错误值「${got.text}」:请填写${c.header},不要用公式。`);
          this.errorCells.add(this.errors.at(-1)!.where);
        }
        if (got) cells.set(c.key, got);
      }
      if (cells.size === 0) continue;
      const noCell = cells.get('taskNo');
      if (noCell) {
        // 1.1 or 1-2 typed as a task's number becomes 1月1日 (a day serial such as 46023): not the number meant.
        if (typeof noCell.cell.value === 'number' && noCell.cell.shownAs === 'date') {
          this.problem(sheet, r, colOf('taskNo')!, HEADER_OF.taskNo, shownAsDateWords(noCell.cell.value, '任务序号(正整数,如 12)'));
          current = null;
          continue;
        }
        const n = typeof noCell.cell.value === 'number' ? noCell.cell.value : numberFromText(noCell.text);
        if (n === null || !Number.isInteger(n) || n < 1) {
          this.problem(sheet, r, colOf('taskNo')!, HEADER_OF.taskNo, `「${noCell.text}」不是任务序号:请填写正整数,如 12。`);
          current = null;
          continue;
        }
        current = n;
      } else if (current === null) {
        this.problem(sheet, r, colOf('taskNo')!, HEADER_OF.taskNo, '任务序号为空:请填写这一行所属任务的序号。');
        continue;
      }
      const rows = byTask.get(current) ?? [];
      rows.push({ row: r, taskNo: current, cells });
      byTask.set(current, rows);
    }
    if (byTask.size === 0) this.problem(sheet, headerRow + 1, null, null, '没有任何任务:请每个指标一行填写。');
    this.mergesAcrossTasks(sheet, columns, byTask);
    this.hiddenRead(sheet, [...byTask.values()].flatMap((rows) => rows.map((r) => r.row)), TASK_COLUMNS.map((c) => [colOf(c.key), c.header]));

    const categories: { no: string | null; name: string; tasks: TaskDef[]; row: number }[] = [];
    for (const no of [...byTask.keys()].sort((a, b) => a - b)) {
      const rows = byTask.get(no)!;
      const own = this.taskFields(sheet, colOf, rows);
      const task = this.task(sheet, colOf, no, rows, own, units.byName);
      if (!task || own.category === null) continue;
      const { no: catNo, name: catName, plain } = categoryParts(own.category.text);
      let cat = categories.find((c) => c.name === catName);
      if (!cat && !plain) {
        this.review.push({ task: no, reason: `类别「${own.category.text}」读作「${catNo}、${catName}」(第${own.category.row + 1}行),请核对。` });
      }
      if (cat && catNo !== null && cat.no !== null && cat.no !== catNo) {
        this.problem(sheet, own.category.row, colOf('category')!, HEADER_OF.category, `类别「${catName}」在第${cat.row + 1}行编为「${cat.no}」,这里是「${catNo}」:同一类别请写同样的序号。`);
      }
      const sameNo = catNo === null ? undefined : categories.find((c) => c.no === catNo && c.name !== catName);
      if (!cat && sameNo) {
        this.problem(sheet, own.category.row, colOf('category')!, HEADER_OF.category, `类别序号「${catNo}」在第${sameNo.row + 1}行是「${sameNo.name}」,这里是「${catName}」:不同类别请用不同的序号。`);
      }
      if (!cat) {
        cat = { no: catNo, name: catName, tasks: [], row: own.category.row };
        categories.push(cat);
      }
      cat.tasks.push(task);
    }
    return categories.map((c, k) => {
      const category: CategoryDef = { no: c.no ?? chineseCounting(k + 1), seq: k + 1, name: c.name, tasks: c.tasks };
      const cell = { row: c.row, col: colOf('category')!, header: HEADER_OF.category };
      this.locate(category, sheet, c.row, { no: cell, name: cell });
      return category;
    });
  }

  /** Rows and columns read that the person cannot see (hidden, or of no size) are read all the same, and named. */
  private hiddenRead(sheet: SheetValues, read: readonly number[], columns: readonly (readonly [number | undefined, string])[]): void {
    const hidden = [...new Set(read)].filter((r) => sheet.hiddenRows.has(r)).sort((a, b) => a - b);
    if (hidden.length > 0) {
      this.review.push({ task: null, reason: `「${sheet.name}」${rowList(hidden)}是隐藏的行,也已读取:请在 WPS 或 Excel 中取消隐藏,核对其内容。` });
    }
    // A hidden column that is empty in every row read hides nothing.
    const shut = columns.filter(([c]) => c !== undefined && sheet.hiddenColumns.has(c) && read.some((r) => this.textAt(sheet, r, c) !== null));
    if (shut.length > 0) {
      this.review.push({ task: null, reason: `「${sheet.name}」${shut.map(([c, h]) => `${colName(c!)}列(${h})`).join('、')}是隐藏的列,其中的内容也已读取:请在 WPS 或 Excel 中取消隐藏,核对其内容。` });
    }
  }

  /**
   * A merged cell spanning rows of two tasks is read as written in each of them, which is how it looks; but
   * a merge made for layout could also hand one task another's units, so the person confirms it.
   */
  private mergesAcrossTasks(sheet: SheetValues, columns: ReadonlyMap<string, number>, byTask: ReadonlyMap<number, TaskRow[]>): void {
    const taskOfRow = new Map<number, number>();
    for (const [no, rows] of byTask) for (const r of rows) taskOfRow.set(r.row, no);
    for (const m of sheet.merges) {
      // 类别 merged over its tasks is how such tables are laid out, and a category is shared by tasks anyway.
      const column = TASK_COLUMNS.find((c) => {
        const k = columns.get(c.header);
        return c.key !== 'category' && k !== undefined && k >= m.left && k <= m.right;
      });
      if (!column || m.bottom === m.top) continue;
      const tasks = new Set<number>();
      for (let r = m.top; r <= m.bottom; r++) {
        const no = taskOfRow.get(r);
        if (no !== undefined) tasks.add(no);
      }
      const got = this.textAt(sheet, m.top, columns.get(column.header)!);
      if (tasks.size < 2 || !got) continue;
      this.review.push({
        task: null,
        reason: `「${sheet.name}」第${m.top + 1}至${m.bottom + 1}行 ${colName(columns.get(column.header)!)}列(${column.header})是一个合并单元格,跨任务${[...tasks].sort((a, b) => a - b).join('、')}:已按这些任务都填写「${got.text}」读取,请核对。`,
      });
    }
  }

  /** The task's own cells: the first row that fills each, every other row blank or the same. */
  private taskFields(
    sheet: SheetValues, colOf: (k: TaskColumnKey) => number | undefined, rows: readonly TaskRow[],
  ): TaskFields {
    const out: TaskFields = { category: null, title: null, text: null, lead: null, co: null, leader: null };
    for (const key of TASK_KEYS) {
      for (const r of rows) {
        const got = r.cells.get(key);
        if (!got) continue;
        const first = out[key];
        if (first === null) out[key] = { text: got.text, row: r.row };
        else if (first.text !== got.text) {
          this.problem(sheet, r.row, colOf(key)!, HEADER_OF[key], `任务序号${r.taskNo}的「${HEADER_OF[key]}」与第${first.row + 1}行不同:同一任务的各行须一致,或只在第一行填写。`);
        }
      }
    }
    return out;
  }

  private task(
    sheet: SheetValues, colOf: (k: TaskColumnKey) => number | undefined, no: number, rows: readonly TaskRow[],
    own: TaskFields, byName: ReadonlyMap<string, string>,
  ): TaskDef | null {
    const firstRow = rows[0]!.row;
    const before = this.errors.length;
    if (own.category === null) this.problem(sheet, firstRow, colOf('category')!, HEADER_OF.category, `任务${no}没有类别:请填写如「一、稳定和扩大就业」。`);
    if (own.title === null) this.problem(sheet, firstRow, colOf('title')!, HEADER_OF.title, `任务${no}没有填写任务名称。`);

    let subordinates: SubordinateGroup | null = null;
    const unitList = (role: 'lead' | 'co') => {
      const got = own[role];
      if (got === null) return { names: [] as string[], openEnded: false };
      let text = got.text;
      const phrase = SUBORDINATE_GROUP.exec(text);
      if (phrase) {
        if (subordinates) {
          this.problem(sheet, got.row, colOf(role)!, HEADER_OF[role], `下级政府的统称「${phrase[0]}」只能写在牵头单位或协同单位之一。`);
        } else {
          subordinates = { role, phrase: phrase[0] };
        }
        text = text.replace(phrase[0], NAME_BREAK);
      }
      const parts = splitNames(text);
      let openEnded = false;
      if (role === 'co' && parts.length > 0 && parts.at(-1)!.endsWith('等')) {
        const last = parts.at(-1)!.slice(0, -1);
        if (last === '') parts.pop();
        else parts[parts.length - 1] = last;
        openEnded = true;
      }
      const names: string[] = [];
      for (const p of parts) {
        const canonical = byName.get(p);
        if (canonical === undefined) {
          this.problem(sheet, got.row, colOf(role)!, HEADER_OF[role], `「${p}」不在「${TEMPLATE_SHEETS.units}」中:请改为名单中的名称,或先在「${TEMPLATE_SHEETS.units}」中添加这个单位。`);
        } else if (!names.includes(canonical)) {
          names.push(canonical);
        }
      }
      return { names, openEnded };
    };
    const lead = unitList('lead');
    const co = unitList('co');
    const sub = subordinates as SubordinateGroup | null;
    if (lead.names.length === 0 && sub?.role !== 'lead' && own.lead === null) {
      this.problem(sheet, firstRow, colOf('lead')!, HEADER_OF.lead, `任务${no}没有牵头单位:每项任务至少要有一个牵头单位。`);
    }

    const indicators: IndicatorDef[] = [];
    for (const r of rows) {
      if (!INDICATOR_KEYS.some((k) => r.cells.has(k))) continue;
      const i = this.indicator(sheet, colOf, r, indicators.length + 1);
      if (i) indicators.push(i);
    }
    if (this.errors.length > before) return null;
    const task: TaskDef = {
      no, title: own.title!.text, text: own.text?.text ?? '', leadUnits: lead.names, coUnits: co.names,
      coUnitsOpenEnded: co.openEnded, leader: own.leader?.text ?? null, subordinates: sub, indicators,
    };
    const cell = (key: TaskKey) => ({ row: own[key]?.row ?? firstRow, col: colOf(key)!, header: HEADER_OF[key] });
    this.locate(task, sheet, firstRow, {
      title: cell('title'), text: cell('text'), leader: cell('leader'), leadUnits: cell('lead'), coUnits: cell('co'),
      ...sub ? { subordinates: cell(sub.role) } : {},
    });
    return task;
  }

  private indicator(sheet: SheetValues, colOf: (k: TaskColumnKey) => number | undefined, r: TaskRow, no: number): IndicatorDef | null {
    const before = this.errors.length;
    const bad = (key: TaskColumnKey, message: string) => this.problem(sheet, r.row, colOf(key) ?? 0, HEADER_OF[key], message);
    const text = (key: TaskColumnKey) => r.cells.get(key)?.text ?? '';

    const name = text('indicator');
    if (name === '') bad('indicator', '填写了指标的目标等列,但没有指标名称:请填写指标,或清空这一行的指标各列。');
    // ％ typed full-width (as WPS's Chinese input gives it) is the unit %: judged in points, not as a count (rules/progress.ts).
    const unit = text('unit') === '％' ? '%' : text('unit');

    const number = (key: 'target' | 'targetMax'): number | null => {
      const got = r.cells.get(key);
      if (!got) return null;
      const { cell } = got;
      if (typeof cell.value === 'number') {
        // 1-2 typed into a cell becomes 1月2日 (a day serial such as 43467): the number read would not be the
        // number meant, nor the one on screen.
        if (cell.shownAs === 'date') {
          bad(key, shownAsDateWords(cell.value, HEADER_OF[key]));
          return null;
        }
        // 95% typed into a cell is stored as 0.95; the plan keeps it as 95 with the unit %.
        if (cell.shownAs !== 'percent') return cell.value;
        if (unit !== '%') {
          bad(key, `显示为百分数,但计量单位是「${unit}」:百分数请填写数字(如 95)并在计量单位填 %。`);
          return null;
        }
        return percentPoints(cell.value);
      }
      const written = unit === '%' ? got.text.replace(/[%％]$/, '') : got.text;
      // Typed as a number, 1.100 would have become 1.1 on screen; kept as text, it may mean 1100.
      const both = dotGroupedReadings(halfWidth(written).trim());
      if (both) {
        bad(key, `「${got.text}」有两种读法:${both.thousands}(点号分隔千位)或 ${both.decimal}。请改写为 ${both.thousands} 或 ${both.decimal}。`);
        return null;
      }
      const v = numberFromText(written);
      if (v === null) bad(key, `「${got.text}」不是数字:请只填写数字,如 12100、86.79万。`);
      return v;
    };

    let comparator: Comparator = '>=';
    const compText = text('comparator');
    if (compText === '') bad('comparator', '请从下拉列表选择比较方式:不低于、不超过、约、区间、等于。');
    else {
      const c = COMPARATOR_OF.get(word(compText));
      if (c === undefined) bad('comparator', `「${compText}」不是可选的比较方式:请从下拉列表选择不低于、不超过、约、区间或等于。`);
      else comparator = c;
    }

    const target = number('target');
    if (target === null && !r.cells.has('target')) bad('target', '请填写目标数字。');
    const targetMax = number('targetMax');
    if (comparator === 'range') {
      if (targetMax === null && !r.cells.has('targetMax')) bad('targetMax', '比较为「区间」时请填写目标上限(如 1-2家:目标 1,目标上限 2)。');
      else if (targetMax !== null && target !== null && targetMax < target) bad('targetMax', `目标上限 ${targetMax} 小于目标 ${target}。`);
    } else if (r.cells.has('targetMax')) {
      bad('targetMax', `只有比较为「区间」时才填目标上限;这一行的比较是「${COMPARATOR_WORDS[comparator]}」。`);
    }

    let kind: IndicatorKind;
    const kindText = text('kind');
    if (kindText === '') {
      kind = unit === '%' || unit === '‰' ? 'level' : /增长|增幅/.test(name) ? 'growth' : 'cumulative';
      this.review.push({ task: r.taskNo, indicator: no, reason: `指标「${name}」未填指标类型,已按指标推断为「${KIND_WORDS[kind]}」,请核对(第${r.row + 1}行)。` });
    } else {
      const k = KIND_OF.get(word(kindText));
      if (k === undefined) {
        bad('kind', `「${kindText}」不是可选的指标类型:请从下拉列表选择累计类、水平类、增幅类或节点类。`);
        kind = 'cumulative';
      } else {
        kind = k;
      }
    }

    let deadline: number | null = null;
    const deadlineText = text('deadline');
    if (deadlineText !== '') {
      const k = DEADLINE_WORDS.indexOf(word(deadlineText));
      if (k < 0) bad('deadline', `「${deadlineText}」不是可选的完成时限:请从下拉列表选择1月至12月。`);
      else deadline = k + 1;
    }
    // Counts, lengths and areas add up across units; rates, shares and growth figures do not.
    const additive = kind === 'cumulative' || kind === 'milestone';
    const why = kindProblem({ kind, deadline, additive });
    if (why && this.errors.length === before) bad(kind === 'milestone' || deadline !== null ? 'deadline' : 'kind', `${why}。`);

    if (this.errors.length > before || target === null) return null;
    const source = text('source') || `${name}${comparator === 'range' ? `${target}-${targetMax}` : `${COMPARATOR_WORDS[comparator]}${target}`}${unit}`;
    const indicator: IndicatorDef = { no, name, comparator, target, targetMax: comparator === 'range' ? targetMax : null, unit, additive, kind, deadline, source };
    const fields: Record<string, Located['fields'][string]> = {};
    for (const [field, key] of INDICATOR_FIELDS) {
      const col = colOf(key);
      if (col !== undefined) fields[field] = { row: r.row, col, header: HEADER_OF[key] };
    }
    this.locate(indicator, sheet, r.row, fields);
    return indicator;
  }
}

/** 0-based rows, ascending, as 第6、9至11行. */
function rowList(rows: readonly number[]): string {
  const runs: string[] = [];
  for (let k = 0; k < rows.length;) {
    let end = k;
    while (end + 1 < rows.length && rows[end + 1] === rows[end]! + 1) end++;
    runs.push(end === k ? `${rows[k]! + 1}` : `${rows[k]! + 1}至${rows[end]! + 1}`);
    k = end + 1;
  }
  return `第${runs.join('、')}行`;
}

/** Marks where a group's phrase was cut out of a unit cell, so the names around it stay apart. */
const NAME_BREAK = '、';

/** Names in one cell: split at 、 , , ; ; and line breaks, each trimmed, blanks dropped. */
function splitNames(text: string): string[] {
  return text.split(/[、,，;；\r\n]+/).map(trimmed).filter((s) => s !== '');
}
