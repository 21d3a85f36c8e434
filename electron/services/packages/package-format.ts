/**
 * The signed Excel package codec (format 2): its shapes, and reading a package back from an
 * untrusted file with every size bounded before a parser sees it. Writing is package-writer.ts.
 * No database here.
 *
 * The format is specified in docs/package-format.md; keep the two in step.
 *
 * @example
 *   const { manifest, content, fingerprint } = readPackage(bytes); // throws PackageError
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import * as zlib from 'node:zlib';
import * as z from 'zod';
import { issueWords } from '../../../shared/zod-words';
import { canonicalJson } from '../../../shared/canonical';
import { LedgerError } from '../../../shared/errors';
import { sha256Hex } from './hash';
import { fingerprint as keyFingerprint, verify } from '../keys/signing';
import type { ReportData } from './package-data';
import { cellProblem } from './xlsx-display';
import { contentDisagreement } from './signed-sheets';
import { decodeXString, encodeCell, isEmptyCell, parseCellRef, plainPartNameProblem, readWorkbook, WorkbookError } from './xlsx-reader';
import type { FoundCell, ParsedSheet, ParsedWorkbook, Parts } from './xlsx-reader';

// ---------------------------------------------------------------------------------------------
// Types

export type { CellValue } from './xlsx-reader';
import type { CellValue } from './xlsx-reader';

export interface SheetContent {
  readonly name: string;
  readonly rows: readonly (readonly CellValue[])[];
  /** Column widths in characters (Excel's `wch`), first column first. Layout only: not compared. */
  readonly colWidths?: readonly number[];
}

/** 任务包, 填报包, 反馈包 between an office and its units; 下达包 (allocation) and 汇总包 (rollup) between offices. */
export type PackageKind = 'assignment' | 'report' | 'feedback' | 'allocation' | 'rollup';

export interface Manifest {
  format: 2;
  kind: PackageKind;
  packageId: string;
  planId: string;
  planRevision: number;
  /** Sender: the unit name, or '汇总端' / the office name. */
  from: string;
  /** Recipient, by name: for people (names can be the same; `recipient` is what binds). */
  to: string;
  /**
   * The recipient's key fingerprint: the office's for a report, the unit's for an assignment or
   * feedback, or null when the office has no key of that unit yet (before its first report).
   */
  recipient: string | null;
  /** The unit the content is about. */
  unit: string;
  /** 'YYYY-MM' periods, possibly empty (an assignment). */
  periods: string[];
  revision: number;
  /** ISO 8601 time stamp with an offset or Z (the sender's clock: not to be trusted alone). */
  createdAt: string;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of canonicalJson(content). */
  contentHash: string;
  /** fingerprint(signerKey). */
  signer: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  signerKey: string;
}

export interface PackageContent {
  /** The visible sheets, cover first, exactly as signed. */
  sheets: SheetContent[];
  /** The structured payload the importer uses. */
  data: unknown;
}

export interface CellDiff {
  /** '' for the workbook as a whole (e.g. an external link). */
  sheet: string;
  /** A1 reference; '' for the workbook as a whole. */
  cell: string;
  signed: CellValue;
  found: CellValue;
  /** When the value is the signed one but shown otherwise: why (a formula, a number format …). */
  problem?: string;
}

export interface VerifiedPackage {
  manifest: Manifest;
  content: PackageContent;
  fingerprint: string;
}

export type PackageErrorCode = 'E_NOT_A_PACKAGE' | 'E_UNREADABLE' | 'E_TOO_LARGE' | 'E_BAD_SIGNATURE' | 'E_TAMPERED';

export interface PackageErrorDetails {
  /** Differing cells (at most MAX_REPORTED_CELLS of them). */
  cells?: CellDiff[];
  /** How many cells differ in all, when `cells` had to be cut short. */
  cellCount?: number;
  /** Sheets missing, added or reordered. */
  sheets?: { missing: string[]; extra: string[]; reordered: boolean };
}

/** A refusal with a stable code and a message a clerk can read. */
export class PackageError extends LedgerError {
  declare readonly code: PackageErrorCode;
  declare readonly details?: PackageErrorDetails;

  constructor(code: PackageErrorCode, message: string, details?: PackageErrorDetails) {
    super(code, message, details);
    this.name = 'PackageError';
  }
}

export interface Limits {
  /** Size of the file itself. */
  maxFileBytes: number;
  /** Sum of the uncompressed sizes the zip declares (and actually holds). */
  maxUncompressedBytes: number;
  maxZipEntries: number;
  /** Rows with content, per sheet (the signature sheet included). */
  maxRows: number;
  /** Characters (UTF-16 code units) in one cell. */
  maxCellChars: number;
  /** Visible sheets; the workbook may hold one more, the signature sheet. */
  maxSheets: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFileBytes: 20 * MiB,
  maxUncompressedBytes: 200 * MiB,
  maxZipEntries: 200,
  maxRows: 20_000,
  maxCellChars: 32_767,
  maxSheets: 20,
});

export const FORMAT_VERSION = 2;
/** Format 1 had no `recipient`: what it was made for cannot be told, so it is refused with a request to upgrade. */
const FORMAT_BEFORE_RECIPIENT = 1;
export const SIGNATURE_SHEET = '_ledger_signature';
export const PACKAGE_MARKER = 'MINSHENG-LEDGER-PACKAGE';
/** Content JSON is cut into cells of at most this many characters (Excel's limit is 32767). */
export const CONTENT_CHUNK_CHARS = 30_000;

/** An entry inflating to more than this, at a ratio above BOMB_RATIO, is treated as a bomb. */
const BOMB_MIN_BYTES = 10 * MiB;
const BOMB_RATIO = 200;
const MAX_REPORTED_CELLS = 1000;
const NAMED_IN_MESSAGE = 3;
const MAX_XSTRING_DECODES = 4;

// ---------------------------------------------------------------------------------------------
// Shapes, checked strictly on both sides: the writer never writes what the reader would refuse.

const text = (max: number) => z.string().min(1).max(max);

const fingerprintText = z.string().regex(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);

/**
 * Shared with the writer (package-writer.ts): it never writes what this reader would refuse. The hot
 * shapes (this, the content, a report's payload) are compiled by zod (`z.compile`): the same schema and
 * verdicts, checked by generated code, the runtime parser run only to word a refusal. A batch checks every
 * package's, and the runtime parse was a tenth of verifying (tests/packages/compiled-shapes.test.ts).
 */
export const manifestSchema = z.compile(z.strictObject({
  format: z.literal(FORMAT_VERSION),
  kind: z.enum(['assignment', 'report', 'feedback', 'allocation', 'rollup']),
  packageId: text(100),
  planId: text(100),
  planRevision: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  from: text(200),
  to: text(200),
  recipient: fingerprintText.nullable(),
  unit: text(200),
  periods: z.array(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)).max(1200),
  revision: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  createdAt: z.iso.datetime({ offset: true }),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  signer: fingerprintText,
  signerKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
}));

/** Built once per set of limits: a zod schema is costly to build and readPackage runs per file. */
const contentSchemas = new WeakMap<Limits, ReturnType<typeof buildContentSchema>>();

export function contentSchema(limits: Limits) {
  let schema = contentSchemas.get(limits);
  if (!schema) contentSchemas.set(limits, (schema = buildContentSchema(limits)));
  return schema;
}

function buildContentSchema(limits: Limits) {
  const cell = z.union([z.string().max(limits.maxCellChars), z.number(), z.boolean(), z.null()]);
  const sheet = z.strictObject({
    name: z.string().min(1).max(31),
    rows: z.array(z.array(cell).max(16_384)).max(limits.maxRows),
    colWidths: z.array(z.number().min(0).max(255)).max(16_384).optional(),
  });
  return z.compile(z.strictObject({
    sheets: z.array(sheet).min(1).max(limits.maxSheets),
    data: z.unknown().refine((v) => v !== undefined, '缺少 data'),
  }));
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * What an importer keeps of a verified package: its manifest, signer and payload. The visible sheets,
 * already checked against the signed content, stay behind (a worker need not copy them across).
 */
export interface ReceivedPackage {
  readonly manifest: Manifest;
  readonly fingerprint: string;
  readonly data: unknown;
  /**
   * A report package's data if it has the strict shape of a report (package-data.ts), else null (and
   * for the other kinds). With a worker, checked on the importing thread when the worker hands the file
   * over (worker-verifier.ts): since the worker is also started early and JIT tiers were tuned, verifying
   * is the slower of the two threads, and the shape is work that needs no isolation (docs/performance.md).
   */
  readonly report: ReportData | null;
}

/** A package file as the worker verified it, its report's shape not yet checked (package-data.ts withReport). */
export interface VerifiedFile {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly pkg: Omit<ReceivedPackage, 'report'>;
}

/** A package file as read from the USB drive: its bytes and their SHA-256 (to be archived) and what they verify as. */
export interface PackageFile {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly pkg: ReceivedPackage;
}

/** readPackageFile without the report's shape: what the worker does (verify-worker.ts). */
export function readVerifiedFile(file: string, limits: Limits = DEFAULT_LIMITS): VerifiedFile {
  const bytes = readFileBytes(file, limits);
  const { manifest, fingerprint, content } = readPackage(bytes, limits);
  return { bytes, sha256: sha256Hex(bytes), pkg: { manifest, fingerprint, data: content.data } };
}

/**
 * What the importing thread verifies itself while it waits for the worker (worker-verifier.ts help): a
 * package is about 20 KB, 150 KB inflated, a few milliseconds' work. A larger file is the worker's, where a
 * hostile one can neither hold the window up nor take the app's memory.
 */
const SMALL_FILE_LIMITS: Readonly<Limits> = Object.freeze({ ...DEFAULT_LIMITS, maxFileBytes: MiB, maxUncompressedBytes: 4 * MiB });

/**
 * readVerifiedFile of a small file; null for one over SMALL_FILE_LIMITS's sizes (or any other limit:
 * the worker then refuses it under the real limits, in the same words as ever).
 */
export function readVerifiedSmallFile(file: string): VerifiedFile | null {
  try {
    return readVerifiedFile(file, SMALL_FILE_LIMITS);
  } catch (err) {
    if (err instanceof PackageError && err.code === 'E_TOO_LARGE') return null;
    throw err;
  }
}

/**
 * The file's bytes, its size checked before they are read, all on one descriptor: a stat by name, then
 * readFileSync's open, stat, reads and close were six system calls per file where four do, and on this
 * VM each costs about 10 µs (docs/performance.md). Opened non-blocking, so a named pipe is refused as not
 * a file instead of waiting for a writer.
 */
function readFileBytes(file: string, limits: Limits): Buffer {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch {
    // Windows will not open a folder at all: told apart from a missing file by its stat, as a folder is elsewhere.
    let folder = false;
    try {
      folder = statSync(file).isDirectory();
    } catch {
      // missing, or not ours to read
    }
    throw folder ? new PackageError('E_NOT_A_PACKAGE', '不是文件') : new PackageError('E_UNREADABLE', '文件无法读取(不存在或没有权限)');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PackageError('E_NOT_A_PACKAGE', '不是文件');
    if (st.size > limits.maxFileBytes) throw tooLarge(st.size, limits);
    // Its own memory (not Node's shared pool), so a worker can hand it over whole.
    const bytes = Buffer.allocUnsafeSlow(st.size);
    let read = 0;
    for (let n = -1; read < st.size && n !== 0; read += n) n = readSync(fd, bytes, read, st.size - read, read);
    return read === st.size ? bytes : bytes.subarray(0, read);
  } catch (err) {
    if (err instanceof PackageError) throw err;
    throw new PackageError('E_UNREADABLE', '文件无法读取');
  } finally {
    closeSync(fd);
  }
}

/**
 * Verify and decode a package from untrusted bytes. Throws PackageError; the steps and their
 * order are those of docs/package-format.md, "Verification".
 */
export function readPackage(bytes: Buffer | Uint8Array, limits: Limits = DEFAULT_LIMITS): VerifiedPackage {
  const wb = readWorkbookFile(bytes, limits);

  // (d) the signature sheet and the shapes of what it holds
  const sig = readSignatureSheet(wb);
  const manifest = parseManifest(sig.manifestText);

  // (e) signature and key fingerprint
  const manifestJson = canonicalJson(manifest);
  if (!verify(manifest.signerKey, manifestJson, sig.signature)) {
    throw new PackageError('E_BAD_SIGNATURE', '签名无效:数据包的签名与清单不符,可能被改动过或不是由所示密钥签发');
  }
  const fingerprint = keyFingerprint(manifest.signerKey);
  if (fingerprint !== manifest.signer) {
    throw new PackageError('E_BAD_SIGNATURE', `签名无效:清单所列的密钥指纹 ${manifest.signer} 与签名公钥 ${fingerprint} 不符`);
  }

  // (f) the signed content, by its hash
  const content = parseContent(sig.contentText, manifest, limits);

  // (g) what a person sees must be what was signed, and what the signed sheets say must be what is imported
  compareVisibleSheets(wb, content.sheets);
  const disagreement = contentDisagreement(content, manifest);
  if (disagreement !== null) throw new PackageError('E_TAMPERED', `数据包显示的内容与其中签名的数据不一致:${disagreement}${EDITED}`);

  return { manifest, content, fingerprint };
}

/**
 * Steps (a) to (c) only: the workbook as stored, nothing verified. For `npm run bench`'s floor
 * (the least any importer does); never trust what it returns.
 * @example const { sheets } = readWorkbookFile(bytes);
 */
export function readWorkbookFile(bytes: Buffer | Uint8Array, limits: Limits = DEFAULT_LIMITS): ParsedWorkbook {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // (a) size, before anything else looks at the bytes
  if (buf.length === 0) throw new PackageError('E_NOT_A_PACKAGE', '文件为空');
  if (buf.length > limits.maxFileBytes) throw tooLarge(buf.length, limits);

  // (b) a zip whose directory we have walked ourselves, every entry's real size checked
  if (buf.length < 4 || buf.readUInt32LE(0) !== SIG_LOCAL) throw new PackageError('E_NOT_A_PACKAGE', notXlsx(buf));
  const parts = inspectZip(buf, limits);
  if (!parts.has('[content_types].xml')) {
    const odf = parts.get('mimetype')?.toString('latin1').startsWith('application/vnd.oasis.opendocument');
    throw new PackageError('E_NOT_A_PACKAGE', odf ? `这是 OpenDocument 文件(.ods,LibreOffice 或 WPS 另存的格式),${RESAVED}` : zippedUp(parts));
  }

  // (c) read the parts a package may hold, exactly as inflated and checked in (b)
  return parseWorkbook(parts, limits);
}

/** What a clerk is asked to do about a package changed after it was signed. */
const EDITED = '。请让发送方重新导出,不要手工修改数据包。';

/** What a clerk is asked to do about a package saved again in another format. */
const RESAVED = '不是数据包:数据包是本程序导出的 .xlsx 文件,可能被打开后另存为了其他格式。请让发送方用本程序重新导出,直接发送导出的文件。';

/**
 * A zip that is not a workbook: most often packages zipped up to be sent together (or zipped twice), which are
 * read once unzipped.
 */
function zippedUp(parts: Parts): string {
  const inner = [...parts.keys()].filter((n) => /\.(?:xlsx|zip)$/.test(n)).length;
  return inner > 0
    ? `这是一个压缩文件(zip),里面有 ${inner} 个文件,本身不是数据包。请先解压(右键→解压到当前文件夹),再导入解压出的 .xlsx 数据包。`
    : '这是一个压缩文件(zip)或其他程序的文件,不是 Excel 数据包(.xlsx)。如果数据包在压缩文件里,请先解压再导入;否则请让发送方用本程序重新导出,直接发送导出的文件。';
}

/** OLE2 compound files: Excel 97–2003 (.xls), WPS (.et), and Excel's or WPS's password-encrypted .xlsx. */
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The stream an encrypted OOXML file keeps its workbook in (MS-OFFCRYPTO), as its UTF-16 directory name. */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/** Why bytes that are not a zip are not a package, naming what they are when a clerk's program made them. */
function notXlsx(buf: Buffer): string {
  if (buf.length >= OLE2.length && buf.subarray(0, OLE2.length).equals(OLE2)) {
    return buf.includes(ENCRYPTED_PACKAGE)
      ? '文件设置了打开密码(已加密),无法核对。请让发送方取消密码(WPS:文件→文档加密;Excel:文件→信息→保护工作簿)后重新发送,或用本程序重新导出。'
      : `这是旧版 Excel(.xls)或 WPS 表格(.et)格式的文件,${RESAVED}`;
  }
  return '不是Excel数据包(xlsx)文件';
}

// --- (b) the zip directory -------------------------------------------------------------------

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;

interface ZipEntry {
  readonly name: string;
  readonly rawName: Buffer;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localOffset: number;
}

const corrupt = (why: string) => new PackageError('E_UNREADABLE', `文件已损坏或不完整(${why}),请重新导出或重新拷贝`);
const bomb = () => new PackageError('E_TOO_LARGE', '解压后过大,疑似压缩炸弹,已拒绝');

/** The largest output buffer inflating asks for at once; a larger part grows in steps of this. */
const INFLATE_CHUNK_MAX = 1024 * 1024;

/**
 * Walks the End Of Central Directory record and the central directory, then each local header,
 * and inflates every entry with its declared size as a hard cap. Returns the entries' contents by
 * lower-cased name (part names are case-insensitive): the reader sees exactly the bytes checked here.
 */
export function inspectZip(buf: Buffer, limits: Limits): Parts {
  const eocd = findEocd(buf);
  const diskNo = buf.readUInt16LE(eocd + 4);
  const cdDisk = buf.readUInt16LE(eocd + 6);
  const entriesOnDisk = buf.readUInt16LE(eocd + 8);
  const entryCount = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);

  if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff
      || (eocd >= 20 && buf.readUInt32LE(eocd - 20) === SIG_ZIP64_LOCATOR)) {
    throw corrupt('不支持 ZIP64 格式');
  }
  if (diskNo !== 0 || cdDisk !== 0 || entriesOnDisk !== entryCount) throw corrupt('分卷压缩文件');
  if (entryCount > limits.maxZipEntries) {
    throw new PackageError('E_TOO_LARGE', `压缩包内文件过多(${entryCount} 个,上限 ${limits.maxZipEntries}),疑似压缩炸弹`);
  }
  if (entryCount === 0) throw corrupt('压缩包是空的');
  if (cdOffset + cdSize > eocd) throw corrupt('目录位置超出文件范围');

  // Pass 1: the central directory and the sizes it declares; nothing is inflated yet.
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let p = cdOffset;
  const cdEnd = cdOffset + cdSize;
  for (let i = 0; i < entryCount; i++) {
    if (p + CENTRAL_BYTES > cdEnd || buf.readUInt32LE(p) !== SIG_CENTRAL) throw corrupt('目录记录不完整');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const next = p + CENTRAL_BYTES + nameLen + extraLen + commentLen;
    if (next > cdEnd) throw corrupt('目录记录不完整');
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      throw corrupt('不支持 ZIP64 格式');
    }
    const rawName = buf.subarray(p + CENTRAL_BYTES, p + CENTRAL_BYTES + nameLen);
    checkExtraFields(buf.subarray(p + CENTRAL_BYTES + nameLen, p + CENTRAL_BYTES + nameLen + extraLen));
    const name = rawName.toString(flags & 0x800 ? 'utf8' : 'latin1');
    // A folder entry (`xl/`, nothing in it) names no part: some zip tools add them. Skipped, not read.
    if (name.endsWith('/') && uncompressedSize === 0 && compressedSize <= 2 && !name.slice(0, -1).endsWith('/')) {
      const folder = name.slice(0, -1);
      if (folder === '' || plainPartNameProblem(folder) === null) {
        p = next;
        continue;
      }
    }
    const badName = plainPartNameProblem(name);
    if (badName !== null) throw new PackageError('E_UNREADABLE', `文件已损坏或不完整(压缩包内文件名「${name}」${badName}),文件可能是恶意构造的,请重新导出或重新拷贝`);
    // Case folded: Excel finds parts by name whatever their case, so `xl/Workbook.xml` beside
    // `xl/workbook.xml` would leave two programs reading two different workbooks.
    if (names.has(name.toLowerCase())) throw corrupt(`压缩包内文件名重复:${name}`);
    names.add(name.toLowerCase());

    total += uncompressedSize;
    if (total > limits.maxUncompressedBytes) throw bomb();
    if (uncompressedSize > BOMB_MIN_BYTES && uncompressedSize > BOMB_RATIO * compressedSize) throw bomb();

    if (flags & 0x0041) throw corrupt('文件已加密');
    if (method !== 0 && method !== 8) throw corrupt(`不支持的压缩方式 ${method}`);
    entries.push({ name, rawName, flags, method, crc, compressedSize, uncompressedSize, localOffset });
    p = next;
  }
  if (p !== cdEnd) throw corrupt('目录长度不符');

  // Pass 2: each local header agrees with the directory, and each entry really is the size it says.
  // Bounded by maxUncompressedBytes above.
  const parts = new Map<string, Buffer>();
  for (const e of entries) {
    const q = e.localOffset;
    if (q + LOCAL_BYTES > cdOffset || buf.readUInt32LE(q) !== SIG_LOCAL) throw corrupt('文件记录缺失');
    const flags = buf.readUInt16LE(q + 6);
    const method = buf.readUInt16LE(q + 8);
    const nameLen = buf.readUInt16LE(q + 26);
    const extraLen = buf.readUInt16LE(q + 28);
    const dataStart = q + LOCAL_BYTES + nameLen + extraLen;
    if (flags !== e.flags || method !== e.method) throw corrupt('文件记录与目录不符');
    if (dataStart > cdOffset || !buf.subarray(q + LOCAL_BYTES, q + LOCAL_BYTES + nameLen).equals(e.rawName)) {
      throw corrupt('文件记录与目录不符');
    }
    checkExtraFields(buf.subarray(q + LOCAL_BYTES + nameLen, dataStart));
    if (!(flags & 0x0008)) {
      // Without a data descriptor the local header repeats the sizes, and some readers use these ones.
      if (buf.readUInt32LE(q + 14) !== e.crc || buf.readUInt32LE(q + 18) !== e.compressedSize
          || buf.readUInt32LE(q + 22) !== e.uncompressedSize) {
        throw corrupt('文件记录与目录不符');
      }
    }
    if (dataStart + e.compressedSize > cdOffset) throw corrupt('数据被截断');
    const data = buf.subarray(dataStart, dataStart + e.compressedSize);
    const seen = inflatedBefore.get(e, data);
    if (seen !== undefined) {
      parts.set(e.name.toLowerCase(), seen);
      continue;
    }
    let plain: Buffer;
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize) throw corrupt('文件大小不符');
      plain = data;
    } else {
      try {
        // The cap is the declared size: a stream that lies about its size fails here. The output buffer
        // is that size (plus the byte that shows the stream ended), not zlib's default 16 KiB per entry:
        // a package's dozen small parts made those allocations a third of inflating (docs/performance.md).
        plain = zlib.inflateRawSync(data, {
          maxOutputLength: Math.max(1, e.uncompressedSize),
          chunkSize: Math.min(Math.max(zlib.constants.Z_MIN_CHUNK, e.uncompressedSize + 1), INFLATE_CHUNK_MAX),
        });
      } catch {
        throw corrupt(`无法解压 ${e.name}`);
      }
    }
    if (plain.length !== e.uncompressedSize) throw corrupt(`${e.name} 的大小不符`);
    if (typeof zlib.crc32 === 'function' && zlib.crc32(plain) >>> 0 !== e.crc) throw corrupt(`${e.name} 校验和不符`);
    inflatedBefore.add(e, data, plain);
    parts.set(e.name.toLowerCase(), plain);
  }
  return parts;
}


/**
 * Parts inflated and checked before, by their stored bytes. The packages of a batch mostly come from one
 * writer, so their theme, styles, relationships and properties are the same bytes in every file (in the
 * bench's 500, 10 of 14 parts): a part whose method, sizes, CRC and stored bytes all equal one already
 * inflated is that part again, since inflating is deterministic. It is then the very same Buffer, by which
 * xlsx-reader.ts also reuses what it read of it. Bounded: small parts only, the last MEMO_PARTS of them.
 */
class InflatedParts {
  private readonly byCrc = new Map<number, { method: number; size: number; stored: Buffer; plain: Buffer }>();

  get(e: ZipEntry, data: Buffer): Buffer | undefined {
    const seen = this.byCrc.get(e.crc);
    if (seen === undefined || seen.method !== e.method || seen.size !== e.uncompressedSize || !seen.stored.equals(data)) return undefined;
    return seen.plain;
  }

  add(e: ZipEntry, data: Buffer, plain: Buffer): void {
    if (e.uncompressedSize > MEMO_PART_BYTES) return;
    if (this.byCrc.size >= MEMO_PARTS) this.byCrc.delete(this.byCrc.keys().next().value!);
    // A copy: the stored bytes are a view of the whole file, which would otherwise stay in memory.
    // A stored (method 0) part is its own plain text: copied once, both are the copy.
    const stored = Buffer.from(data);
    this.byCrc.set(e.crc, { method: e.method, size: e.uncompressedSize, stored, plain: e.method === 0 ? stored : plain });
  }
}

const MEMO_PARTS = 64;
const MEMO_PART_BYTES = 64 * 1024;
const inflatedBefore = new InflatedParts();

function findEocd(buf: Buffer): number {
  if (buf.length < LOCAL_BYTES + EOCD_BYTES) throw corrupt('文件过短');
  const stop = Math.max(0, buf.length - EOCD_BYTES - 0xffff);
  let eocd = -1;
  for (let i = buf.length - EOCD_BYTES; i >= stop; i--) {
    if (buf.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('找不到压缩包目录');
  // The record and its comment end the file exactly, and no other EOCD-looking bytes follow it:
  // A reader scanning backwards from the very end must land on the same record.
  if (eocd + EOCD_BYTES + buf.readUInt16LE(eocd + 20) !== buf.length) throw corrupt('压缩包结尾不完整');
  for (let i = eocd + 1; i + 4 <= buf.length; i++) {
    if (buf.readUInt32LE(i) === SIG_EOCD) throw corrupt('压缩包结尾不完整');
  }
  return eocd;
}

/** Extra fields must be well formed, and none may be a ZIP64 field (other readers would honour its sizes). */
function checkExtraFields(extra: Buffer): void {
  let i = 0;
  while (i < extra.length) {
    if (i + 4 > extra.length) throw corrupt('扩展字段不完整');
    const id = extra.readUInt16LE(i);
    const size = extra.readUInt16LE(i + 2);
    if (id === 0x0001) throw corrupt('不支持 ZIP64 格式');
    i += 4 + size;
    if (i > extra.length) throw corrupt('扩展字段不完整');
  }
}

// --- (c) the workbook ------------------------------------------------------------------------

function parseWorkbook(parts: Parts, limits: Limits): ParsedWorkbook {
  try {
    return readWorkbook(parts, limits);
  } catch (err) {
    if (err instanceof WorkbookError) throw new PackageError(err.code, err.message);
    throw err;
  }
}

// --- (d) the signature sheet -----------------------------------------------------------------

interface SignatureCells {
  readonly manifestText: string;
  readonly signature: string;
  readonly contentText: string;
}

function readSignatureSheet(wb: ParsedWorkbook): SignatureCells {
  const notOurs = () => new PackageError('E_NOT_A_PACKAGE', '不是本系统生成的数据包,或签名页已被删除');
  const sheet = wb.sheets.find((s) => s.name === SIGNATURE_SHEET);
  if (!sheet) throw notOurs();
  const colA = (r: number): FoundCell | undefined => sheet.rows[r]?.[0];
  const str = (r: number): string | null => {
    const f = colA(r);
    return f && f.kind === 'value' && typeof f.value === 'string' ? f.value : null;
  };
  if (str(0) !== PACKAGE_MARKER) throw notOurs();

  const version = colA(1);
  const versionValue = version?.kind === 'value' ? version.value : null;
  if (versionValue === FORMAT_BEFORE_RECIPIENT || versionValue === String(FORMAT_BEFORE_RECIPIENT)) {
    throw new PackageError('E_UNREADABLE', '这个数据包是旧版程序生成的(数据包格式 1),没有写明接收方的密钥指纹,无法确认是发给本机的,未导入。请发送方把程序升级到新版后重新导出,再把新文件交来');
  }
  if (versionValue !== FORMAT_VERSION && versionValue !== String(FORMAT_VERSION)) {
    throw new PackageError('E_UNREADABLE', `数据包格式版本「${versionValue === null ? '空' : String(versionValue)}」不受支持,请升级本程序后再导入`);
  }

  const manifestText = str(2);
  const signature = str(3);
  if (manifestText === null || signature === null) {
    throw new PackageError('E_BAD_SIGNATURE', '签名无效:签名页缺少清单或签名');
  }
  const chunks: string[] = [];
  for (let r = 4; r < sheet.rows.length; r++) {
    const cell = colA(r);
    if (isEmptyCell(cell)) break;
    const s = str(r);
    if (s === null) throw new PackageError('E_TAMPERED', `签名页内容被改动:A${r + 1} 不是文字${EDITED}`);
    chunks.push(s);
  }
  return { manifestText, signature, contentText: chunks.join('') };
}

function parseManifest(textValue: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(textValue);
  } catch {
    throw new PackageError('E_BAD_SIGNATURE', '签名无效:签名页的清单无法解析');
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PackageError('E_BAD_SIGNATURE', `签名无效:签名页的清单格式不对(${describeZodError(parsed.error)})`);
  }
  return parsed.data as Manifest;
}

// --- (f) the signed content ------------------------------------------------------------------

function parseContent(textValue: string, manifest: Manifest, limits: Limits): PackageContent {
  let raw: unknown;
  try {
    raw = JSON.parse(textValue);
  } catch {
    throw new PackageError('E_TAMPERED', `签名页内容被改动:内容数据无法解析${EDITED}`);
  }
  // The writer stores the canonical text itself, so its hash is normally the signed one and the
  // canonical form need not be built again (a tenth of verifying). Only a text that differs (a
  // program that re-saved it rewrote a number) is canonicalised before hashing; a different text
  // with the signed hash would be a SHA-256 preimage.
  let hash = sha256Hex(textValue);
  if (hash !== manifest.contentHash) {
    try {
      hash = sha256Hex(canonicalJson(raw));
    } catch {
      throw new PackageError('E_TAMPERED', `签名页内容被改动:内容数据无法规范化${EDITED}`);
    }
  }
  if (hash !== manifest.contentHash) throw new PackageError('E_TAMPERED', `签名页内容被改动:内容摘要与签名清单不符${EDITED}`);
  const content = checkedContent(raw, limits);
  if (content.sheets.some((s) => s.name === SIGNATURE_SHEET)) {
    throw new PackageError('E_UNREADABLE', '数据包内容不符合格式规范(签名页名称被用作可见表)');
  }
  return content;
}

function checkedContent(raw: unknown, limits: Limits): PackageContent {
  const parsed = contentSchema(limits).safeParse(raw);
  if (!parsed.success) {
    // Signed as it is, yet not what this format allows: a faulty or newer writer, not an edit.
    throw new PackageError('E_UNREADABLE', `数据包内容不符合格式规范(${describeZodError(parsed.error)}),请用相同版本的程序重新导出`);
  }
  return parsed.data as PackageContent;
}

// --- (g) what a person sees -----------------------------------------------------------------

/**
 * Every sheet against the signed content, cell by cell, and how each matching cell is shown (a
 * formula, a number format, a hidden row … xlsx-display.ts); then what sits on the sheets besides
 * cells (comments, drawings, merges …) and parts of the workbook a package never has.
 */
function compareVisibleSheets(wb: ParsedWorkbook, signedSheets: readonly SheetContent[]): void {
  const found = wb.sheets.filter((s) => s.name !== SIGNATURE_SHEET);
  const foundByName = new Map(found.map((s) => [s.name, s]));
  const signedNames = new Set(signedSheets.map((s) => s.name));
  const missing = signedSheets.filter((s) => !foundByName.has(s.name)).map((s) => s.name);
  const extra = found.filter((s) => !signedNames.has(s.name)).map((s) => s.name);
  const common = signedSheets.map((s) => s.name).filter((n) => foundByName.has(n));
  const foundOrder = found.map((s) => s.name).filter((n) => signedNames.has(n));
  const reordered = common.some((n, i) => foundOrder[i] !== n);

  const diffs: CellDiff[] = [];
  let cellCount = 0;
  const record = (d: CellDiff) => {
    cellCount += 1;
    if (diffs.length < MAX_REPORTED_CELLS) diffs.push(d);
  };
  for (const problem of wb.workbookIssues) record({ sheet: '', cell: '', signed: null, found: null, problem: `带有${problem}` });
  for (const signed of signedSheets) {
    const sheet = foundByName.get(signed.name);
    compareSheet(wb, signed.name, signed.rows, sheet, record);
    if (sheet) sheetProblems(sheet, signed.rows, record);
  }
  for (const name of extra) {
    const sheet = foundByName.get(name)!;
    compareSheet(wb, name, [], sheet, record);
    sheetProblems(sheet, [], record);
  }
  // The signature sheet is read, not compared: only what could show there besides its text.
  const sig = wb.sheets.find((s) => s.name === SIGNATURE_SHEET);
  if (sig) {
    // Its text is column A down to the first empty row (readSignatureSheet); anything else there is a
    // table nobody signed, which shows if the sheet is unhidden.
    let end = 4;
    while (!isEmptyCell(sig.rows[end]?.[0])) end++;
    if (sig.state === 'visible') record({ sheet: sig.name, cell: 'A1', signed: null, found: null, problem: '签名页被设为可见' });
    sig.columns.forEach((cols, r) => cols?.forEach((c) => {
      const cell = sig.rows[r]![c]!;
      const extra = (c > 0 || r >= end) && !isEmptyCell(cell);
      const problem = extra ? '签名页上有签名以外的内容' : cellProblem(wb, sig, r, c, cell);
      if (problem) record({ sheet: sig.name, cell: encodeCell(r, c), signed: extra ? null : shownFound(cell), found: shownFound(cell), problem });
    }));
    sheetProblems(sig, [], record);
  }

  if (cellCount === 0 && missing.length === 0 && extra.length === 0 && !reordered) return;

  const parts: string[] = [];
  for (const n of missing) parts.push(`缺少表「${n}」`);
  for (const n of extra) parts.push(`多出表「${n}」`);
  if (reordered) parts.push('表的顺序被调换');
  const missingOrExtra = new Set([...missing, ...extra]);
  const named = diffs.filter((d) => !missingOrExtra.has(d.sheet));
  const cellParts = named.slice(0, NAMED_IN_MESSAGE).map(describeDiff);
  parts.push(...cellParts);
  let message = `数据包内容被改动:${parts.join(';')}`;
  if (named.length > cellParts.length || cellCount > diffs.length) message += ` 等,共 ${cellCount} 处`;
  message += EDITED;

  const details: PackageErrorDetails = { cells: diffs };
  if (cellCount > diffs.length) details.cellCount = cellCount;
  if (missing.length > 0 || extra.length > 0 || reordered) details.sheets = { missing, extra, reordered };
  throw new PackageError('E_TAMPERED', message, details);
}

function describeDiff(d: CellDiff): string {
  if (d.problem === undefined) return `表「${d.sheet}」${d.cell} 原值${showValue(d.signed)},现值${showValue(d.found)}`;
  if (d.sheet === '') return `工作簿${d.problem}`;
  const signed = d.signed === null || d.signed === '' ? '' : `(原值${showValue(d.signed)})`;
  return `表「${d.sheet}」${d.cell}${signed}${d.problem}`;
}

function compareSheet(
  wb: ParsedWorkbook,
  name: string,
  signedRows: readonly (readonly CellValue[])[],
  sheet: ParsedSheet | undefined,
  record: (d: CellDiff) => void,
): void {
  const foundRows = sheet?.rows ?? [];
  const rowCount = Math.max(signedRows.length, foundRows.length);
  const compare = (r: number, c: number, signed: CellValue, found: FoundCell | undefined) => {
    if (!sameValue(signed, found)) {
      record({ sheet: name, cell: encodeCell(r, c), signed, found: shownFound(found), ...(found?.formula ? { problem: '含有公式' } : {}) });
    } else if (found) {
      const problem = cellProblem(wb, sheet!, r, c, found);
      if (problem) record({ sheet: name, cell: encodeCell(r, c), signed, found: shownFound(found), problem });
    }
  };
  for (let r = 0; r < rowCount; r++) {
    const signedRow = signedRows[r] ?? [];
    const foundRow = foundRows[r] ?? [];
    for (let c = 0; c < signedRow.length; c++) compare(r, c, signedRow[c] ?? null, foundRow[c]);
    // Cells beyond the signed ones, by the columns that hold one (never all 16,384 of a row).
    for (const c of sheet?.columns[r] ?? []) if (c >= signedRow.length) compare(r, c, null, foundRow[c]);
  }
}

/** What sits on a sheet besides its cells' values, and a sheet (other than the signature's) hidden. */
function sheetProblems(sheet: ParsedSheet, signedRows: readonly (readonly CellValue[])[], record: (d: CellDiff) => void): void {
  const signedAt = (cell: string): CellValue => {
    const at = parseCellRef(cell);
    return at ? (signedRows[at.row]?.[at.col] ?? null) : null;
  };
  if (sheet.state !== 'visible' && sheet.name !== SIGNATURE_SHEET) {
    const r = signedRows.findIndex((row) => row.some((v) => v !== null && v !== ''));
    const c = r < 0 ? 0 : signedRows[r]!.findIndex((v) => v !== null && v !== '');
    const cell = encodeCell(Math.max(r, 0), c);
    record({ sheet: sheet.name, cell, signed: signedAt(cell), found: null, problem: '所在的工作表被隐藏' });
  }
  for (const issue of sheet.issues) {
    const signed = signedAt(issue.cell);
    record({ sheet: sheet.name, cell: issue.cell, signed, found: signed, problem: issue.problem });
  }
}

/**
 * Re-save tolerance: empty, '' and a missing cell are equal; numbers are equal at 15 significant
 * digits (what LibreOffice keeps); text is equal as sameText allows. A number
 * and the same digits as text differ: changing a cell's type is an edit.
 */
function sameValue(signed: CellValue, found: FoundCell | undefined): boolean {
  if (found?.kind === 'error') return false;
  const f = found?.value ?? null;
  if (signed === null || signed === '') return f === null || f === '';
  if (typeof signed === 'string') return typeof f === 'string' && (f === signed || sameText(signed, f));
  if (typeof signed === 'number') return typeof f === 'number' && (f === signed || round15(f) === round15(signed));
  return f === signed;
}

/**
 * Line ends as \n; and the signed text's own literal `_xHHHH_` escapes may have lost a level of escaping
 * on the way (SheetJS and ExcelJS write a literal `_x0041_` unescaped, LibreOffice loses one level of
 * `_x005F_`), so signed "_x0041_" read back as "A" is the same text. Only that way round: the text found
 * is already decoded one level, as Excel and LibreOffice show it, and is never decoded again, so a found
 * `_x0033_` (written `_x005F_x0033_`) where "3" was signed is the change a person sees.
 */
function sameText(signed: string, found: string): boolean {
  const want = found.replace(/\r\n?/g, '\n');
  let out = signed.replace(/\r\n?/g, '\n');
  if (out === want) return true;
  for (let i = 0; i < MAX_XSTRING_DECODES; i++) {
    const next = decodeXString(out);
    if (next === out) return false;
    out = next;
    if (out === want) return true;
  }
  return false;
}

function round15(n: number): number {
  return n === 0 ? 0 : Number(n.toPrecision(15));
}

function shownFound(found: FoundCell | undefined): CellValue {
  return found ? found.value : null;
}

function showValue(v: CellValue): string {
  if (v === null || v === '') return '为空';
  if (typeof v === 'string') return `“${v.length > 20 ? `${v.slice(0, 20)}…` : v}”`;
  if (typeof v === 'boolean') return ` ${v ? 'TRUE' : 'FALSE'}`;
  return ` ${v}`;
}

// ---------------------------------------------------------------------------------------------


export function describeZodError(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? issueWords(first) : '未知错误';
}

function tooLarge(bytes: number, limits: Limits): PackageError {
  return new PackageError('E_TOO_LARGE', `文件过大(${formatBytes(bytes)}),数据包不应超过 ${formatBytes(limits.maxFileBytes)}`);
}

function formatBytes(n: number): string {
  return n >= MiB ? `${(n / MiB).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}
