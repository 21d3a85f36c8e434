/**
 * Writing a signed package workbook (format 2, docs/package-format.md). Apart from the reader
 * (package-format.ts) so that verifying, in the import's worker thread, never loads SheetJS: only
 * making a package does.
 *
 * @example
 *   const bytes = writePackage({ manifest, sheets: [cover, data], data: payload, key });
 */
import * as XLSX from 'xlsx';
import { canonicalJson } from '../../../shared/canonical';
import { LedgerError } from '../../../shared/errors';
import { sha256Hex } from './hash';
import { fingerprint as keyFingerprint, sign, verify } from '../keys/keys';
import type { KeyPair } from '../keys/keys';
import { encodeCell, RESERVED_SHEET_NAMES } from './xlsx-reader';
import { DEFAULT_COL_WIDTH, generalWidth } from './xlsx-display';
import {
  CONTENT_CHUNK_CHARS, contentSchema, DEFAULT_LIMITS, describeZodError, FORMAT_VERSION, manifestSchema, PACKAGE_MARKER,
  readPackage, SIGNATURE_SHEET, type CellValue, type Manifest, type PackageContent, type SheetContent,
} from './package-format';

/** Excel's own limit on a cell; the writer never writes more, whatever the reader's limits. */
const EXCEL_MAX_CELL_CHARS = 32_767;

export interface WritePackageInput {
  readonly manifest: Omit<Manifest, 'format' | 'contentHash' | 'signer' | 'signerKey'>;
  /** Visible sheets in order, the cover sheet "封面" first. Written as given, but for a column widened to show its numbers in full (widthsForNumbers). */
  readonly sheets: readonly SheetContent[];
  /** The structured payload; must be canonical-JSON-able (plain objects, finite numbers). */
  readonly data: unknown;
  readonly key: KeyPair;
}

/**
 * The bytes of a signed package workbook (xlsx). Throws LedgerError E_VALIDATION if the input
 * could not be read back (bad sheet names, over-long cells, non-finite numbers …).
 */
export function writePackage(input: WritePackageInput): Buffer {
  const content: PackageContent = {
    sheets: input.sheets.map((s) => {
      const rows = s.rows.map((row) => row.map((v) => (typeof v === 'number' && Object.is(v, -0) ? 0 : v)));
      const colWidths = widthsForNumbers(s.colWidths, rows);
      return { name: s.name, rows, ...(colWidths === undefined ? {} : { colWidths }) };
    }),
    data: input.data,
  };
  checkWritable(content);

  let contentJson: string;
  try {
    contentJson = canonicalJson(content);
  } catch (err) {
    throw new LedgerError('E_VALIDATION', `数据包内容无法序列化:${(err as Error).message}`);
  }
  const contentHash = sha256Hex(contentJson);

  const manifestInput = manifestSchema.safeParse({
    format: FORMAT_VERSION,
    ...input.manifest,
    contentHash,
    signer: keyFingerprint(input.key.publicKey),
    signerKey: input.key.publicKey,
  });
  if (!manifestInput.success) {
    throw new LedgerError('E_VALIDATION', `数据包清单不完整或格式不对:${describeZodError(manifestInput.error)}`);
  }
  const manifest = manifestInput.data as Manifest;
  const manifestJson = canonicalJson(manifest);
  let signature: string;
  try {
    signature = sign(input.key.privateKeyPem, manifestJson);
  } catch {
    throw new LedgerError('E_VALIDATION', '签名私钥无效,无法签名');
  }
  if (!verify(manifest.signerKey, manifestJson, signature)) {
    throw new LedgerError('E_VALIDATION', '签名密钥对不匹配:私钥与公钥不是一对');
  }

  const chunks = chunkText(cellSafeJson(contentJson), CONTENT_CHUNK_CHARS);
  if (chunks.length + 4 > DEFAULT_LIMITS.maxRows) {
    throw new LedgerError('E_VALIDATION', '数据包内容过大,超出导入端的行数限制');
  }

  const wb = XLSX.utils.book_new();
  for (const sheet of content.sheets) {
    XLSX.utils.book_append_sheet(wb, buildSheet(sheet), sheet.name);
  }
  const sigRows: CellValue[][] = [[PACKAGE_MARKER], [FORMAT_VERSION], [cellSafeJson(manifestJson)], [signature], ...chunks.map((c) => [c])];
  XLSX.utils.book_append_sheet(wb, buildSheet({ name: SIGNATURE_SHEET, rows: sigRows, colWidths: [100] }), SIGNATURE_SHEET);
  // Very hidden (2): not even listed under "Unhide" in Excel, so nobody trips over it.
  wb.Workbook = {
    ...(wb.Workbook ?? {}),
    Sheets: wb.SheetNames.map((name) => ({ name, Hidden: name === SIGNATURE_SHEET ? 2 : 0 })),
  };
  const out = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true, bookSST: true }) as Buffer;

  // Never hand the user a package the importer would refuse.
  try {
    readPackage(out);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LedgerError('E_INTERNAL', `生成的数据包未通过自检:${why}`);
  }
  return out;
}

/**
 * The given column widths, each widened where a number in the column needs more to show in full as General
 * does (1234567.891 in a 10-wide column shows 1234568): what the importer checks (xlsx-display.ts
 * numberWidth), so the program's own packages always verify. Whole characters, as the widths are given.
 */
function widthsForNumbers(widths: readonly number[] | undefined, rows: readonly (readonly CellValue[])[]): number[] | undefined {
  const out = widths ? [...widths] : [];
  for (const row of rows) {
    row.forEach((v, c) => {
      if (typeof v !== 'number') return;
      const need = Math.ceil(generalWidth(v));
      // A column given no width is the default one (DEFAULT_COL_WIDTH); the ones before it, if given none, are the default rounded up.
      if (need <= (c < out.length ? out[c]! : DEFAULT_COL_WIDTH)) return;
      while (out.length < c) out.push(Math.ceil(DEFAULT_COL_WIDTH));
      out[c] = Math.min(need, MAX_COL_WIDTH);
    });
  }
  return widths === undefined && out.length === 0 ? undefined : out;
}

/** Characters: the widest column Excel allows (and the content schema's limit). */
const MAX_COL_WIDTH = 255;

function checkWritable(content: PackageContent): void {
  const parsed = contentSchema(DEFAULT_LIMITS).safeParse(content);
  if (!parsed.success) {
    throw new LedgerError('E_VALIDATION', `数据包内容格式不对:${describeZodError(parsed.error)}`);
  }
  const seen = new Set<string>();
  for (const sheet of content.sheets) {
    const why = sheetNameProblem(sheet.name);
    if (why) throw new LedgerError('E_VALIDATION', `工作表名「${sheet.name}」不可用:${why}`);
    const folded = sheet.name.toLowerCase();
    if (seen.has(folded)) throw new LedgerError('E_VALIDATION', `工作表名「${sheet.name}」重复(Excel 不区分大小写)`);
    seen.add(folded);
    sheet.rows.forEach((row, r) =>
      row.forEach((v, c) => {
        const where = `表「${sheet.name}」${encodeCell(r, c)}`;
        if (typeof v === 'string') {
          if (v.length > EXCEL_MAX_CELL_CHARS) throw new LedgerError('E_VALIDATION', `${where} 的文字超过 Excel 单元格上限 32767 字`);
          if (UNSAVABLE_CHAR.test(v)) throw new LedgerError('E_VALIDATION', `${where} 含有无法保存到 Excel 的字符(不成对的代理项或 U+FFFE/U+FFFF),请删除后重试`);
        } else if (typeof v === 'number' && !Number.isFinite(v)) {
          throw new LedgerError('E_VALIDATION', `${where} 不是有限数值`);
        }
      }),
    );
  }
}

/** Not allowed in XML at all: writers replace them with U+FFFD on re-save, so they could never verify. */
const UNSAVABLE_CHAR = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/;

function sheetNameProblem(name: string): string | null {
  if (name.length < 1 || name.length > 31) return '长度须为1到31个字符';
  if (/[\\/?*[\]:]/.test(name)) return '不能含有 \\ / ? * [ ] :';
  if (name.startsWith("'") || name.endsWith("'")) return '不能以单引号开头或结尾';
  if (name.toLowerCase() === SIGNATURE_SHEET.toLowerCase()) return '这是签名页的保留名称';
  if (RESERVED_SHEET_NAMES.has(name) || name.toLowerCase() === 'history') return '保留名称';
  return null;
}

function buildSheet(sheet: SheetContent): XLSX.WorkSheet {
  const ws: XLSX.WorkSheet = {};
  let lastRow = -1;
  let lastCol = -1;
  sheet.rows.forEach((row, r) =>
    row.forEach((v, c) => {
      const cell = toCell(v);
      if (!cell) return;
      ws[XLSX.utils.encode_cell({ r, c })] = cell;
      if (r > lastRow) lastRow = r;
      if (c > lastCol) lastCol = c;
    }),
  );
  ws['!ref'] = lastRow < 0 ? 'A1' : XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: lastRow, c: lastCol } });
  if (sheet.colWidths && sheet.colWidths.length > 0) ws['!cols'] = sheet.colWidths.map((wch) => ({ wch }));
  return ws;
}

/** Strings are always string cells (never formulas, never dates); '' and null are no cell at all. */
function toCell(v: CellValue): XLSX.CellObject | null {
  if (v === null || v === '') return null;
  if (typeof v === 'string') return { t: 's', v: escapeXString(v) };
  if (typeof v === 'number') return { t: 'n', v: Object.is(v, -0) ? 0 : v };
  return { t: 'b', v };
}

/**
 * OOXML strings (ST_Xstring) decode `_xHHHH_` as the character U+HHHH, and SheetJS writes text
 * raw: a literal `_x0041_` would come back as `A`. Escaping the underscore as `_x005F_` keeps it.
 */
function escapeXString(s: string): string {
  return s.replace(/_(?=x[0-9A-Fa-f]{4}_)/g, '_x005F_');
}

/**
 * The same JSON value, spelt so that no spreadsheet program can alter it: `_` before x/X and the
 * characters U+007F–U+009F, U+FFFE, U+FFFF become \uXXXX escapes. The `_xHHHH_` danger is real:
 * SheetJS writes it raw on re-save and every reader then decodes it. Only canonicalJson of the
 * parsed value is ever hashed or signed, so the spelling of the cell text does not matter.
 */
function cellSafeJson(json: string): string {
  return json.replace(/_(?=[xX])|[\u007f-\u009f\ufffe\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Cut into pieces of at most `size` UTF-16 units, never between the halves of a surrogate pair. */
export function chunkText(s: string, size: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    let end = Math.min(i + size, s.length);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push(s.slice(i, end));
    i = end;
  }
  return out.length > 0 ? out : [''];
}
