/**
 * The 责任分解表: a plan as the office keeps it in Excel, one row per indicator, with drop-downs for the
 * words the reader takes back (template-read.ts). `ledger plan template` writes it blank, `ledger plan
 * export` with the current plan; both are formatted like the summary workbook (workbook-style.ts).
 */
import ExcelJS from 'exceljs';
import type { PlanDef, TaskDef } from '../../../shared/domain';
import { planModelToDef } from '../../../db/queries/plan';
import { activePlan, type Ctx } from '../context';
import {
  BODY_FONT, BODY_SIZE, BORDER, HEADER_STYLE, MAX_ROW_HEIGHT, TITLE_STYLE,
  a4Landscape, cellText, colLetter, heightFor, linesIn, textWidth, writeWorkbookFile,
} from '../workbook-style';
import {
  COMMON_MEASURES, COMPARATOR_WORDS, DEADLINE_WORDS, FREQUENCY_ORDER, FREQUENCY_WORDS, KIND_ORDER, KIND_WORDS,
  NAME_SEPARATOR, PLAN_FIELD_HEADERS, PLAN_FIELDS, TASK_COLUMNS, TEMPLATE_HEADER_ROW, TEMPLATE_SHEETS,
  UNIT_HEADERS, UNIT_KIND_WORDS, type TaskColumnKey,
} from './template-layout';

/** Empty rows, bordered and with their drop-downs, after the plan's rows: room to add indicators and units. */
const SPARE_TASK_ROWS = 100;
const SPARE_UNIT_ROWS = 50;
const BLANK_TEMPLATE_ROWS = 300;

export interface WrittenTemplate {
  readonly out: string;
  /** Indicator rows written (a task without indicators counts one row); 0 for the blank template. */
  readonly rows: number;
  readonly tasks: number;
  readonly units: number;
}

/**
 * The 责任分解表 as .xlsx bytes: `plan` filled in, or a blank template when null.
 * @example const bytes = await buildPlanWorkbook(PLAN_2019, new Date())
 */
export async function buildPlanWorkbook(plan: PlanDef | null, now: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '民生工作督办台账';
  wb.title = plan ? `${plan.title}责任分解表` : '民生工作责任分解表';
  wb.created = now;
  wb.modified = now;
  tasksSheet(wb, plan);
  planSheet(wb, plan);
  unitsSheet(wb, plan);
  notesSheet(wb);
  return Buffer.from(await wb.xlsx.writeBuffer() as ArrayBuffer);
}

/**
 * `ledger plan template --out FILE.xlsx`: the blank template.
 * @example await writeBlankTemplate('D:/2020年责任分解表.xlsx', new Date())
 */
export async function writeBlankTemplate(out: string, now: Date): Promise<WrittenTemplate> {
  await writeWorkbookFile(out, await buildPlanWorkbook(null, now), '责任分解表');
  return { out, rows: 0, tasks: 0, units: 0 };
}

/**
 * `ledger plan export --db FILE --out FILE.xlsx`: the ledger's current plan in the template.
 * @example await exportPlanWorkbook(ctx, 'D:/2019年责任分解表.xlsx')
 */
export async function exportPlanWorkbook(ctx: Ctx, out: string): Promise<WrittenTemplate> {
  const plan = planModelToDef(await activePlan(ctx));
  await writeWorkbookFile(out, await buildPlanWorkbook(plan, ctx.now()), '责任分解表');
  const tasks = plan.categories.flatMap((c) => c.tasks);
  return { out, rows: tasks.reduce((n, t) => n + Math.max(1, t.indicators.length), 0), tasks: tasks.length, units: plan.units.length };
}

// ───────────────────────────── cells ─────────────────────────────

type Align = 'left' | 'center' | 'right';

function bodyStyle(horizontal: Align, wrap: boolean): Partial<ExcelJS.Style> {
  return {
    font: { name: BODY_FONT, size: BODY_SIZE },
    alignment: { horizontal, vertical: 'middle', wrapText: wrap },
    border: BORDER,
  };
}

/** A body cell: text stays text (never a formula), a number a number, blank stays empty. */
function put(ws: ExcelJS.Worksheet, row: number, col: number, v: string | number | null, horizontal: Align): void {
  const cell = ws.getCell(row, col);
  cell.value = typeof v === 'string' ? (v === '' ? null : cellText(v)) : v;
  cell.style = bodyStyle(horizontal, typeof v !== 'number');
}

function newSheet(wb: ExcelJS.Workbook, name: string, widths: readonly number[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: TEMPLATE_HEADER_ROW, topLeftCell: `A${TEMPLATE_HEADER_ROW + 1}`, activeCell: `A${TEMPLATE_HEADER_ROW + 1}` }],
    ...a4Landscape(name, TEMPLATE_HEADER_ROW),
  });
  // ExcelJS drops a width of exactly 9 (its own default), which Excel then shows as 8.43.
  ws.columns = widths.map((w) => ({ width: w === 9 ? 9.01 : w }));
  return ws;
}

/** Rows 1–3: the merged title, a merged one-line hint, the bold shaded headers. */
function heading(ws: ExcelJS.Worksheet, title: string, hint: string, headers: readonly string[], widths: readonly number[]): void {
  const total = widths.reduce((a, w) => a + w, 0);
  const t = ws.getCell(1, 1);
  t.value = cellText(title);
  t.style = { ...TITLE_STYLE };
  ws.mergeCells(1, 1, 1, headers.length);
  ws.getRow(1).height = Math.min(MAX_ROW_HEIGHT, Math.ceil(textWidth(title) * 1.6 / total) * 22 + 10);
  const h = ws.getCell(2, 1);
  h.value = cellText(hint);
  h.style = { font: { name: BODY_FONT, size: BODY_SIZE }, alignment: { horizontal: 'left', vertical: 'middle', wrapText: true } };
  ws.mergeCells(2, 1, 2, headers.length);
  ws.getRow(2).height = heightFor(linesIn(hint, total));
  headers.forEach((label, k) => {
    const cell = ws.getCell(TEMPLATE_HEADER_ROW, k + 1);
    cell.value = label;
    cell.style = { ...HEADER_STYLE };
  });
  ws.getRow(TEMPLATE_HEADER_ROW).height = heightFor(Math.max(...headers.map((label, k) => linesIn(label, widths[k]!))));
}

/** A drop-down list: `strict` refuses anything else, otherwise it only suggests (several names, a new unit). */
function dropDown(ws: ExcelJS.Worksheet, col: number, first: number, last: number, list: string, strict: boolean, prompt: string): void {
  const validation: ExcelJS.DataValidation = {
    type: 'list', allowBlank: true, formulae: [list],
    showErrorMessage: true, errorStyle: strict ? 'stop' : 'information',
    errorTitle: '请从下拉列表中选择', error: prompt,
    showInputMessage: false,
  };
  // One range, not a validation per cell: ExcelJS 4.4 joins per-cell validations into overlapping ranges
  // (it sorts F10 before F4), which Excel reports as damaged. Its typings lack the sheet's range API.
  const ranges = (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  ranges.add(`${colLetter(col)}${first}:${colLetter(col)}${last}`, validation);
}

function inlineList(words: readonly string[]): string {
  return `"${words.join(',')}"`;
}

// ───────────────────────────── 责任分解 ─────────────────────────────

/** The cells of a task's units: names joined by 、, 等 when the list is open-ended, the group's phrase last. */
function unitCell(task: TaskDef, role: 'lead' | 'co'): string {
  const names = role === 'lead' ? task.leadUnits : task.coUnits;
  let text = names.join(NAME_SEPARATOR);
  if (role === 'co' && task.coUnitsOpenEnded && names.length > 0) text += '等';
  if (task.subordinates?.role === role) text = text === '' ? task.subordinates.phrase : `${text}${NAME_SEPARATOR}${task.subordinates.phrase}`;
  return text;
}

type RowValues = Partial<Record<TaskColumnKey, string | number | null>>;

function taskRows(plan: PlanDef): RowValues[] {
  const rows: RowValues[] = [];
  for (const c of plan.categories) {
    for (const t of c.tasks) {
      const own: RowValues = {
        category: `${c.no}、${c.name}`, taskNo: t.no, title: t.title, text: t.text,
        lead: unitCell(t, 'lead'), co: unitCell(t, 'co'), leader: t.leader ?? '',
      };
      // Later rows repeat 类别 and 任务序号, so a person can sort or filter the sheet without losing a row's task.
      const repeat: RowValues = { category: own.category!, taskNo: t.no };
      if (t.indicators.length === 0) rows.push(own);
      t.indicators.forEach((i, k) => rows.push({
        ...(k === 0 ? own : repeat),
        indicator: i.name, comparator: COMPARATOR_WORDS[i.comparator], target: i.target, targetMax: i.targetMax,
        unit: i.unit, kind: KIND_WORDS[i.kind], deadline: i.deadline === null ? '' : DEADLINE_WORDS[i.deadline - 1]!, source: i.source,
      }));
    }
  }
  return rows;
}

const ALIGN: Readonly<Record<TaskColumnKey, Align>> = {
  category: 'left', taskNo: 'center', title: 'left', text: 'left', indicator: 'left', comparator: 'center',
  target: 'right', targetMax: 'right', unit: 'center', kind: 'center', deadline: 'center', lead: 'left', co: 'left',
  leader: 'center', source: 'left',
};

function tasksSheet(wb: ExcelJS.Workbook, plan: PlanDef | null): void {
  const widths = TASK_COLUMNS.map((c) => c.width);
  const ws = newSheet(wb, TEMPLATE_SHEETS.tasks, widths);
  heading(
    ws, plan ? `${plan.title}责任分解表` : '民生工作责任分解表',
    '每个指标一行;同一任务的后续行只填任务序号即可。比较、指标类型、完成时限请从下拉列表选择;填写方法见「填写说明」。',
    TASK_COLUMNS.map((c) => c.header), widths,
  );
  const rows = plan ? taskRows(plan) : [];
  const first = TEMPLATE_HEADER_ROW + 1;
  const last = first + rows.length + (plan ? SPARE_TASK_ROWS : BLANK_TEMPLATE_ROWS) - 1;
  for (let r = first; r <= last; r++) {
    const values = rows[r - first] ?? {};
    let lines = 1;
    TASK_COLUMNS.forEach((col, k) => {
      const v = values[col.key] ?? null;
      put(ws, r, k + 1, v, ALIGN[col.key]);
      // A column's width less one: LibreOffice's fallback for 宋体 sets CJK text a little wider than Excel.
      if (typeof v === 'string') lines = Math.max(lines, linesIn(v, col.width - 1));
    });
    ws.getRow(r).height = heightFor(lines);
  }
  // The spare rows are for typing, not for paper: an exported plan prints its own rows only.
  if (plan) ws.pageSetup.printArea = `A1:${colLetter(TASK_COLUMNS.length)}${first + rows.length - 1}`;
  const at = (key: TaskColumnKey) => TASK_COLUMNS.findIndex((c) => c.key === key) + 1;
  const measures = [...new Set([...(plan ? plan.categories.flatMap((c) => c.tasks.flatMap((t) => t.indicators.map((i) => i.unit))) : []), ...COMMON_MEASURES])]
    .filter((u) => u !== '' && !u.includes(','));
  dropDown(ws, at('comparator'), first, last, inlineList(Object.values(COMPARATOR_WORDS)), true, '比较只能是:不低于、不超过、约、区间、等于。');
  dropDown(ws, at('kind'), first, last, inlineList(KIND_ORDER.map((k) => KIND_WORDS[k])), true, '指标类型只能是:累计类、水平类、增幅类、节点类。');
  dropDown(ws, at('deadline'), first, last, inlineList(DEADLINE_WORDS), true, '完成时限只能是1月至12月,只有节点类指标填写。');
  dropDown(ws, at('unit'), first, last, inlineList(measures), false, '列表中没有的计量单位也可以直接填写。');
  const unitList = `'${TEMPLATE_SHEETS.units}'!$A$${TEMPLATE_HEADER_ROW + 1}:$A$${TEMPLATE_HEADER_ROW + (plan?.units.length ?? 0) + SPARE_UNIT_ROWS}`;
  const several = '可以填写多个单位,用顿号「、」分隔;单位须列在「单位名单」中。';
  dropDown(ws, at('lead'), first, last, unitList, false, several);
  dropDown(ws, at('co'), first, last, unitList, false, several);
}

// ───────────────────────────── 计划信息, 单位名单, 填写说明 ─────────────────────────────

function planSheet(wb: ExcelJS.Workbook, plan: PlanDef | null): void {
  const widths = [14, 60];
  const ws = newSheet(wb, TEMPLATE_SHEETS.plan, widths);
  heading(ws, '计划信息', '报送频率请从下拉列表选择;计划编号由程序使用,修订计划时请勿改动(新计划可留空)。', PLAN_FIELD_HEADERS, widths);
  const values: readonly [string, string | number | null][] = [
    [PLAN_FIELDS.title, plan?.title ?? ''],
    [PLAN_FIELDS.year, plan?.year ?? null],
    // Text, not a date cell: a date would show in the reader's locale and come back as a serial number.
    [PLAN_FIELDS.issuedOn, plan?.issuedOn ?? ''],
    [PLAN_FIELDS.issuer, plan?.issuer ?? ''],
    [PLAN_FIELDS.frequency, FREQUENCY_WORDS[plan?.frequency ?? 'monthly']],
    [PLAN_FIELDS.id, plan?.id ?? ''],
  ];
  values.forEach(([label, v], k) => {
    const r = TEMPLATE_HEADER_ROW + 1 + k;
    put(ws, r, 1, label, 'center');
    ws.getCell(r, 1).font = { name: BODY_FONT, size: BODY_SIZE, bold: true };
    put(ws, r, 2, v, 'left');
    ws.getRow(r).height = heightFor(typeof v === 'string' ? linesIn(v, widths[1]!) : 1);
    if (label === PLAN_FIELDS.frequency) dropDown(ws, 2, r, r, inlineList(FREQUENCY_ORDER.map((f) => FREQUENCY_WORDS[f])), true, '报送频率只能是按月或按季度。');
  });
}

function unitsSheet(wb: ExcelJS.Workbook, plan: PlanDef | null): void {
  const widths = [36, 30, 14];
  const ws = newSheet(wb, TEMPLATE_SHEETS.units, widths);
  heading(
    ws, '单位名单', '按汇总表中单位的排列顺序逐行填写;别名是文件中的其他写法,多个用顿号「、」分隔;成员单位集合(如某领导小组成员单位)不单独报送。',
    [UNIT_HEADERS.name, UNIT_HEADERS.aliases, UNIT_HEADERS.kind], widths,
  );
  const units = plan?.units ?? [];
  const first = TEMPLATE_HEADER_ROW + 1;
  // An exported list prints as it is (a unit added below it still reaches the drop-downs, which take
  // SPARE_UNIT_ROWS more); the blank template gives bordered rows to type into.
  const last = first + (plan ? units.length : SPARE_UNIT_ROWS) - 1;
  for (let r = first; r <= last; r++) {
    const u = units[r - first];
    put(ws, r, 1, u?.name ?? '', 'left');
    put(ws, r, 2, u ? u.aliases.join(NAME_SEPARATOR) : '', 'left');
    put(ws, r, 3, u ? UNIT_KIND_WORDS[u.kind] : '', 'center');
    ws.getRow(r).height = heightFor(u ? linesIn(u.name, widths[0]!) : 1);
  }
  dropDown(ws, 3, first, first + units.length + SPARE_UNIT_ROWS - 1, inlineList(Object.values(UNIT_KIND_WORDS)), true, '类型只能是「单位」或「成员单位集合」。');
}

/** What each column means and takes, as the reader checks it. */
const NOTES: readonly [string, string][] = [
  ['类别', '如「一、稳定和扩大就业」:中文序号、顿号、类别名称。同一类别的任务写同样的类别。'],
  ['任务序号', '正整数,全表不重复;行可以不按顺序,读取时按任务序号排列。同一任务有多个指标时,每个指标一行,后续行的任务、任务内容、牵头单位等可以留空或照抄(照抄须与第一行一致)。'],
  ['任务', '任务标题,如「实施技工大省技能培训工程」。'],
  ['任务内容', '任务全文(可选)。'],
  ['指标', '指标名称;没有量化指标的任务,指标及其后各列留空。'],
  ['比较', '不低于(目标是下限,「以上」「达到」)、不超过(上限,「以内」「控制在」)、约(「左右」)、区间(如1-2家:目标填1,目标上限填2)、等于(恰好所列事项)。'],
  ['目标', '数字。可写「12,100」「86.79万」(万、亿会换算为数值),不能写「约3千」之类的文字;百分数写95并在计量单位填%。'],
  ['目标上限', '只有比较为「区间」时填写。'],
  ['计量单位', '人、个、%、公里等,可从下拉列表选择,也可直接填写。'],
  ['指标类型', '累计类(数量、长度、面积,各单位可相加)、水平类(比率、占比、人均数)、增幅类(增长率)、节点类(在某月底前完成)。留空时程序按指标推断,并列入待核对事项。'],
  ['完成时限', '1月至12月:节点类指标必须填写,其他类型不填。'],
  ['牵头单位、协同单位', '单位名称用顿号「、」分隔,须与「单位名单」一致(也可写其别名);协同单位末尾可加「等」。下级政府作为一个整体时写其统称,如「各县、市、区政府」「各乡镇人民政府」。每项任务至少有一个牵头单位。'],
  ['牵头领导', '如「副市长 张三」(可选)。'],
  ['原文依据', '指标在通知原文中的语句(可选);留空时由指标、比较、目标和计量单位组成。'],
  ['计划信息', '标题、年度(如2020)、印发日期(如2020-03-15)、印发单位、报送频率(按月或按季度)。计划编号由程序使用,修订计划时请保留原值。'],
  ['单位名单', '每行一个单位,顺序即汇总表中单位的顺序;类型为「单位」或「成员单位集合」。'],
  ['读取', '用「ledger plan parse 文件.xlsx」或首次设置时选择本表读取;表中的问题会逐条指出工作表、行和列,全部改正后才能使用。工作表改名也能识别(按表头查找),但请不要删除或改动表头。'],
];

function notesSheet(wb: ExcelJS.Workbook): void {
  const widths = [18, 90];
  const ws = newSheet(wb, TEMPLATE_SHEETS.notes, widths);
  heading(ws, '填写说明', '本表供填写参考,读取时不使用。', ['项目', '说明'], widths);
  NOTES.forEach(([what, how], k) => {
    const r = TEMPLATE_HEADER_ROW + 1 + k;
    put(ws, r, 1, what, 'center');
    put(ws, r, 2, how, 'left');
    ws.getRow(r).height = heightFor(linesIn(how, widths[1]!));
  });
}

/** For tests and the docs: the column letter of a template column. */
export function templateColumnLetter(key: TaskColumnKey): string {
  return colLetter(TASK_COLUMNS.findIndex((c) => c.key === key) + 1);
}
