/**
 * Reads a plan from a file a person chose: a plan in JSON (what `ledger plan --json` and `ledger plan
 * parse --json` print), and, by its extension, the other forms a plan arrives in. Never throws for what
 * is in the file: every problem comes back in `errors`, named where it is, in Chinese.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import * as z from 'zod';
import { LedgerError } from '../../../shared/errors';
import { planSchema, type ParsedPlan, type PlanProblem, type PlanReviewItem } from '../../../shared/plan';
import { planProblems } from '../../../shared/plan-check';
import { parseNoticeText } from './notice';
import { noPlan } from './parsed';
import { parsePlanWorkbook } from './template-read';

/** A notice or a 责任分解表 is a few hundred KB; anything far larger is not a plan. */
export const MAX_PLAN_FILE_BYTES = 20 * 1024 * 1024;

/**
 * A plan file's bytes, refusing what cannot be a plan before reading it whole.
 * @example planFileBytes('2020年要点.docx')
 */
export function planFileBytes(file: string): Buffer {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new LedgerError('E_NOT_FOUND', `「${basename(file)}」不是文件。`);
    size = st.size;
  } catch (err) {
    if (err instanceof LedgerError) throw err;
    throw new LedgerError('E_NOT_FOUND', `找不到文件「${file}」。`);
  }
  if (size > MAX_PLAN_FILE_BYTES) {
    throw new LedgerError('E_TOO_LARGE', `「${basename(file)}」有 ${Math.round(size / 1024 / 1024)} MB,不像工作计划(通知或责任分解表一般不到 1 MB),未读取。`);
  }
  return readFileSync(file);
}

/** A problem found in the file as a whole. */
function fileProblem(file: string, message: string): PlanProblem {
  return { where: basename(file), message };
}

/** A file that gave no plan at all: only its problems. */
export function unusable(file: string, message: string): ParsedPlan {
  return noPlan([fileProblem(file, message)]);
}

/**
 * A plan in JSON: the plan itself (`ledger plan --json`) or a parse's answer (`ledger plan parse --json`).
 * A parse's `review` is kept: what a person was to confirm about the notice is still to be confirmed when its
 * answer is used (a person who has checked them deletes the list). Its `errors` are dropped: the plan itself
 * is checked here, strictly.
 */
export function parsePlanJson(file: string, text: string): ParsedPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (err) {
    return unusable(file, `不是有效的 JSON:${(err as Error).message}`);
  }
  let review: PlanReviewItem[] = [];
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const { review: listed, errors: _errors, ...rest } = raw as Record<string, unknown>;
    raw = rest;
    const items = reviewSchema.safeParse(listed ?? []);
    if (!items.success) return noPlan([{ where: `${basename(file)} review`, message: '待核对事项(review)的格式不对:每项应为 { task, indicator?, reason }。请改正,或核对完后删去 review。' }]);
    review = items.data;
  }
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    return noPlan(parsed.error.issues.slice(0, 20).map((i) => ({ where: i.path.length ? i.path.join('.') : basename(file), message: i.message })));
  }
  // A doubt about a unit's name (「牵头:县住建局 配合:县水务公司」不像一个单位的名称) is answered once the plan no
  // longer names that unit: the clerk corrected it in the file, and hearing it again would say it is still there.
  const named = new Set(parsed.data.units.flatMap((u) => [u.name, ...u.aliases]));
  const open = review.filter((r) => {
    const doubted = /^「(.+)」不像一个单位的名称/.exec(r.reason)?.[1];
    return doubted === undefined || named.has(doubted);
  });
  return { plan: parsed.data, review: open, errors: [], frequencyStated: typeof raw === 'object' && raw !== null && 'frequency' in raw };
}

const reviewSchema = z.array(z.strictObject({
  task: z.number().int().positive().nullable(),
  indicator: z.number().int().positive().optional(),
  reason: z.string().min(1).max(2000),
})).max(10_000);

/**
 * A .txt notice's text, its encoding detected, never guessed: UTF-8 (with or without a BOM), UTF-16 with
 * its BOM (Notepad's 'Unicode'), else GB18030 (what WPS and Notepad save as 'ANSI' on Chinese Windows).
 * Where none of them reads it, the reason, in Chinese.
 * @example decodeNoticeText(readFileSync('要点.txt')) // { text: '2020年全县民生工作要点…' }
 */
export function decodeNoticeText(bytes: Buffer): { text: string } | { problem: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeAs('utf-8', bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeAs('utf-16le', bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeAs('utf-16be', bytes.subarray(2));
  // UTF-16 without its BOM is full of zero bytes; no Chinese text in UTF-8 or GB18030 has any.
  if (bytes.includes(0)) return { problem: '像是没有字节顺序标记的 UTF-16 文本,无法确定编码。请在记事本或 WPS 中另存为“UTF-8”后再选择。' };
  const utf8 = decodeAs('utf-8', bytes);
  return 'text' in utf8 ? utf8 : decodeAs('gb18030', bytes);
}

function decodeAs(encoding: string, bytes: Buffer): { text: string } | { problem: string } {
  try {
    return { text: new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { problem: `不是 UTF-8、UTF-16 或 GB18030(GBK)编码的文本,无法读取。请在记事本或 WPS 中另存为“UTF-8”后再选择。` };
  }
}

/** A notice as .docx: a zip holding word/document.xml, read by mammoth with its automatic numbers. */
async function readDocx(file: string): Promise<ParsedPlan> {
  const bytes = planFileBytes(file);
  const name = basename(file);
  if (bytes.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    return unusable(file, `「${name}」其实是旧版 Word/WPS(.doc)格式,只是扩展名为 .docx。请在 WPS 或 Word 中「另存为」.docx 后再选择。`);
  }
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    return unusable(file, `「${name}」不是 Word 文档(.docx),可能已损坏或只是改了扩展名。请在 WPS 或 Word 中打开后另存为 .docx 再选择。`);
  }
  const { docxLines } = await import('./docx');
  let lines: string[];
  try {
    lines = await docxLines(bytes);
  } catch (err) {
    const why = err instanceof LedgerError ? err.message : '文件内容不完整或不是 Word 文档';
    return unusable(file, `无法读取「${name}」:${why}。请在 WPS 或 Word 中打开后另存为 .docx 再选择。`);
  }
  return parseNoticeText(lines.join('\n'), { fileName: name });
}

/**
 * Reads a plan file by its extension.
 * @example const { plan, review, errors } = await readPlanFile('plan.json')
 */
export async function readPlanFile(file: string): Promise<ParsedPlan> {
  return withPlanProblems(await readByExtension(file));
}

/**
 * A plan its reader found nothing wrong with, checked as init and revise will check it (planProblems), so
 * that a person sees at once why it cannot be used, whatever it was read from.
 * @example withPlanProblems(parseNoticeText(pasted))
 */
export function withPlanProblems(parsed: ParsedPlan): ParsedPlan {
  return parsed.errors.length > 0 ? parsed : { ...parsed, errors: planProblems(parsed.plan) };
}

async function readByExtension(file: string): Promise<ParsedPlan> {
  const ext = extname(file).toLowerCase();
  switch (ext) {
    case '.json':
      return parsePlanJson(file, planFileBytes(file).toString('utf8'));
    case '.txt': {
      const decoded = decodeNoticeText(planFileBytes(file));
      if ('problem' in decoded) return unusable(file, decoded.problem);
      return parseNoticeText(decoded.text, { fileName: basename(file) });
    }
    case '.docx':
      return readDocx(file);
    case '.xlsx':
      return parsePlanWorkbook(file, planFileBytes(file));
    case '.xls':
    case '.et':
      return unusable(file, `${ext} 是旧版 Excel/WPS 表格格式,请在 WPS 或 Excel 中「另存为」.xlsx 后再选择。`);
    case '.doc':
    case '.wps':
      return unusable(file, `${ext} 是旧版 Word/WPS 格式,请在 WPS 或 Word 中「另存为」.docx 后再选择。`);
    default:
      return unusable(file, `不认识「${ext || '无扩展名'}」文件:工作计划请用通知的 .docx 或 .txt、责任分解表 .xlsx,或 ledger plan --json 导出的 .json。`);
  }
}
