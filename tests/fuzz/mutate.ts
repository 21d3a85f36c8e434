/**
 * Mutators for the import fuzz test: each turns a real package (made with the app's own code) into
 * a broken or hostile one, at the zip, XML, sheet or signature level, or re-signs altered data with
 * the unit's real key. Everything random comes from a seeded PRNG, so a failure replays from its seed.
 *
 * `mustRefuse` says whether refusal is the only right outcome. Mutations that may leave the package
 * intact (a bit flip in a field no reader uses, a re-save, another JSON spelling) may be accepted,
 * and the fuzz test then checks that what was accepted is the very package that was signed.
 */
import * as zlib from 'node:zlib';
import * as XLSX from 'xlsx';
import type { KeyPair } from '../../electron/services/keys/keys';
import { type CellValue, type Manifest, type SheetContent, type VerifiedPackage } from '../../electron/services/packages/package-format';
import { chunkText, writePackage } from '../../electron/services/packages/package-writer';
import { deflated, readZip, setCell, writeRawZip, writeZip, type RawZipEntry } from '../packages/helpers';

// ---------------------------------------------------------------------------------------------
// PRNG

export interface Rng {
  /** [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** integer in [lo, hi] */
  between(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, good enough to drive mutations; the same seed gives the same run. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next, int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    pick: (xs) => {
      if (xs.length === 0) throw new Error('pick from an empty list');
      return xs[int(xs.length)]!;
    },
    chance: (p) => next() < p,
  };
}

// ---------------------------------------------------------------------------------------------
// What a mutator works from

export interface Base {
  readonly name: string;
  readonly bytes: Buffer;
  readonly pkg: VerifiedPackage;
  /** The unit's real signing key, for the re-signed family. */
  readonly key: KeyPair;
  /** Another reporting unit of the plan (its key pinned at the office too). */
  readonly otherUnit: string;
  /** A task of the plan the base's unit neither leads nor cooperates on. */
  readonly foreignTask: number;
}

export interface Context {
  /** A fresh revision above everything merged so far, for re-signed packages. */
  nextRevision(): number;
  /** A fresh package id. */
  nextId(): string;
  /** Every base, e.g. to take another package's signature sheet. */
  readonly bases: readonly Base[];
}

export type Family = 'zip' | 'xml' | 'sheet' | 'signature' | 'signed';

export interface Mutator {
  readonly name: string;
  readonly family: Family;
  readonly mustRefuse: boolean;
  apply(base: Base, r: Rng, ctx: Context): Buffer;
}

// ---------------------------------------------------------------------------------------------
// Helpers: zip records, XML entries, SheetJS workbooks

const SIG_EOCD = 0x06054b50;
const SIG_CENTRAL = 0x02014b50;

interface DirRecord {
  /** Offset of the central directory record. */
  readonly central: number;
  /** Offset of the local header. */
  readonly local: number;
  readonly name: string;
}

function directory(buf: Buffer): { records: DirRecord[]; cdOffset: number; cdSize: number; eocd: number } {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== SIG_EOCD) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  const records: DirRecord[] = [];
  let p = cdOffset;
  for (let i = 0; i < count && buf.readUInt32LE(p) === SIG_CENTRAL; i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    records.push({ central: p, local: buf.readUInt32LE(p + 42), name: buf.toString('utf8', p + 46, p + 46 + nameLen) });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return { records, cdOffset, cdSize, eocd };
}

/** Rewrite one zip entry's bytes (re-deflated, sizes and CRC right). */
function editEntry(bytes: Buffer, name: string, edit: (data: Buffer) => Buffer): Buffer {
  const entries = readZip(bytes);
  const e = entries.find((x) => x.name === name);
  if (!e) throw new Error(`no entry ${name}`);
  e.data = edit(e.data);
  return writeZip(entries);
}

function editXml(bytes: Buffer, name: string, edit: (xml: string) => string): Buffer {
  return editEntry(bytes, name, (d) => Buffer.from(edit(d.toString('utf8')), 'utf8'));
}

/** The zip entry holding a sheet, by the sheet's name in the workbook. */
function sheetEntry(bytes: Buffer, sheetName: string): string {
  const entries = readZip(bytes);
  const wb = entries.find((e) => e.name === 'xl/workbook.xml')!.data.toString('utf8');
  const rels = entries.find((e) => e.name === 'xl/_rels/workbook.xml.rels')!.data.toString('utf8');
  const rid = new RegExp(`<sheet [^>]*name="${sheetName}"[^>]*r:id="([^"]+)"`).exec(wb)?.[1];
  const target = rid ? new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels) : null;
  const t = target?.[1] ?? target?.[2];
  if (!t) throw new Error(`no sheet ${sheetName}`);
  return t.startsWith('/') ? t.slice(1) : `xl/${t}`;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function withWorkbook(bytes: Buffer, edit: (wb: XLSX.WorkBook) => void): Buffer {
  const wb = XLSX.read(bytes, { type: 'buffer' });
  edit(wb);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

const SIGNATURE = '_ledger_signature';
const visibleSheets = (wb: XLSX.WorkBook) => wb.SheetNames.filter((n) => n !== SIGNATURE);

function cellRefs(ws: XLSX.WorkSheet, filter: (c: XLSX.CellObject) => boolean = () => true): string[] {
  return Object.keys(ws).filter((k) => !k.startsWith('!') && ws[k] && (ws[k] as XLSX.CellObject).v !== undefined && filter(ws[k] as XLSX.CellObject));
}

/** A random visible sheet and one of its cells holding a value of the wanted kind. */
function pickCell(wb: XLSX.WorkBook, r: Rng, filter?: (c: XLSX.CellObject) => boolean): { ws: XLSX.WorkSheet; ref: string; cell: XLSX.CellObject } {
  const candidates = visibleSheets(wb).flatMap((n) => cellRefs(wb.Sheets[n]!, filter).map((ref) => ({ ws: wb.Sheets[n]!, ref })));
  const { ws, ref } = r.pick(candidates);
  return { ws, ref, cell: ws[ref] as XLSX.CellObject };
}

function swapSheets(wb: XLSX.WorkBook, i: number, j: number): void {
  const names = wb.SheetNames;
  [names[i], names[j]] = [names[j]!, names[i]!];
  const meta = wb.Workbook?.Sheets;
  if (meta) [meta[i], meta[j]] = [meta[j]!, meta[i]!];
}

function renameSheet(wb: XLSX.WorkBook, from: string, to: string): void {
  const i = wb.SheetNames.indexOf(from);
  wb.SheetNames[i] = to;
  wb.Sheets[to] = wb.Sheets[from]!;
  delete wb.Sheets[from];
  const meta = wb.Workbook?.Sheets?.[i];
  if (meta) meta.name = to;
}

/** The signature sheet's column A as cell values, and a writer back. */
function sigColumn(wb: XLSX.WorkBook): CellValue[] {
  const ws = wb.Sheets[SIGNATURE]!;
  const range = XLSX.utils.decode_range(ws['!ref']!);
  const out: CellValue[] = [];
  for (let row = 0; row <= range.e.r; row++) {
    const c = ws[XLSX.utils.encode_cell({ r: row, c: 0 })] as XLSX.CellObject | undefined;
    out.push(c?.v === undefined ? null : (c.v as CellValue));
  }
  return out;
}

function setSigColumn(wb: XLSX.WorkBook, values: readonly CellValue[]): void {
  const old = wb.Sheets[SIGNATURE]!;
  const ws: XLSX.WorkSheet = {};
  values.forEach((v, row) => {
    if (v === null || v === '') return;
    ws[XLSX.utils.encode_cell({ r: row, c: 0 })] = typeof v === 'number' ? { t: 'n', v } : typeof v === 'boolean' ? { t: 'b', v } : { t: 's', v };
  });
  ws['!ref'] = `A1:A${Math.max(1, values.length)}`;
  if (old['!cols']) ws['!cols'] = old['!cols'];
  wb.Sheets[SIGNATURE] = ws;
}

/** Rows A5… of the signature sheet: the content JSON pieces. */
const contentRows = (col: readonly CellValue[]) => col.slice(4).filter((v) => v !== null && v !== '');

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Deflated zeros, cached per size: a bomb entry costs its inflation once per run, not per use. */
const zeroCache = new Map<number, RawZipEntry>();
function zeros(name: string, bytes: number): RawZipEntry {
  let e = zeroCache.get(bytes);
  if (!e) {
    const data = Buffer.alloc(bytes);
    e = { name, stored: zlib.deflateRawSync(data, { level: 9 }), method: 8, crc: zlib.crc32(data) >>> 0, uncompressedSize: bytes };
    zeroCache.set(bytes, e);
  }
  return { ...e, name };
}

/** A zip holding a zip holding a zip … `depth` deep, around the package itself. */
function nestedZip(inner: Buffer, depth: number): Buffer {
  let z = inner;
  for (let i = 0; i < depth; i++) z = writeZip([{ name: `level-${i}.zip`, data: z }]);
  return z;
}

// ---------------------------------------------------------------------------------------------
// Values that spreadsheet users and attackers put in cells

const WEIRD_TEXT = [
  '=1+1', '+86 139 0000 0000', '-5', '@SUM(A1)', '=HYPERLINK("http://example.invalid","点我")', "=cmd|' /C calc'!A0",
  '', ' ', '\u200b', '\u202e右到左', '😀𠀀', '_x0041_', '_x005F_x0041_', '\r\n', 'a\u0000b', '\ufeff',
  '<script>alert(1)</script>', '&amp;&lt;', ']]>', '2019-06-30', '2019/6/30', '43646', '1E+5', 'TRUE', '#N/A', 'NaN', 'Infinity',
  '１２３', '一千六百三十二', '__proto__', 'constructor', 'toString',
];

const WEIRD_NUMBERS = [0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 0.1 + 0.2, 43646, 1632.0000000001, 1e21, -(2 ** 31)];

// ---------------------------------------------------------------------------------------------
// The mutators

const zip = (name: string, mustRefuse: boolean, apply: Mutator['apply']): Mutator => ({ name, family: 'zip', mustRefuse, apply });
const xml = (name: string, mustRefuse: boolean, apply: Mutator['apply']): Mutator => ({ name, family: 'xml', mustRefuse, apply });
const sheet = (name: string, mustRefuse: boolean, apply: Mutator['apply']): Mutator => ({ name, family: 'sheet', mustRefuse, apply });
const sig = (name: string, mustRefuse: boolean, apply: Mutator['apply']): Mutator => ({ name, family: 'signature', mustRefuse, apply });
/**
 * Periods the re-signed packages go to, so they never make the unsigned bases (May, June) stale;
 * all begun by the office's clock (2019-07-04), or every one would be E_FUTURE_PERIOD.
 */
const SIGNED_PERIODS = ['2019-01', '2019-02', '2019-03', '2019-04', '2019-07'];

const signed = (name: string, apply: (data: ReportDataLike, r: Rng, base: Base) => { data: unknown; manifest?: Partial<Manifest> }): Mutator => ({
  name, family: 'signed', mustRefuse: false,
  apply(base, r, ctx) {
    const period = r.pick(SIGNED_PERIODS);
    const { data, manifest } = apply({ ...(structuredClone(base.pkg.content.data) as ReportDataLike), period }, r, base);
    const m = base.pkg.manifest;
    const signedManifest = {
      kind: m.kind, packageId: ctx.nextId(), planId: m.planId, planRevision: m.planRevision, from: m.from, to: m.to, recipient: m.recipient, unit: m.unit,
      periods: [period], revision: ctx.nextRevision(), createdAt: m.createdAt, ...manifest,
    };
    // As a program holding the key would write it: a cover that names whom the manifest names, and no 填报数据
    // sheet showing figures the payload no longer has (either would be refused before the payload is looked at).
    const named: Readonly<Record<string, CellValue | undefined>> = {
      单位: signedManifest.unit, 发送方: signedManifest.from, 接收方: signedManifest.to, 接收方密钥指纹: signedManifest.recipient ?? undefined,
    };
    const cover = (s: SheetContent): SheetContent => (s.name !== '封面' ? s : {
      ...s, rows: s.rows.map((row) => (typeof row[0] === 'string' && named[row[0]] !== undefined ? [row[0], named[row[0]]!] : row)),
    });
    return writePackage({
      manifest: signedManifest,
      sheets: base.pkg.content.sheets.filter((s) => s.name !== '填报数据').map(cover),
      data,
      key: base.key,
    });
  },
});

interface ReportDataLike {
  unit: unknown;
  period: unknown;
  reports: Record<string, unknown>[];
  [k: string]: unknown;
}

/** Fields of a report entry and of a value, for wrong-type mutations. */
const REPORT_FIELDS = ['task', 'role', 'status', 'progress', 'problems', 'nextSteps', 'explanation', 'fundsPlanned', 'fundsAvailable', 'fundsSpent', 'contact', 'phone', 'enteredBy', 'values'];
const WRONG_VALUES: unknown[] = ['1', 1, -1, 1.5, true, null, [], {}, [1, 2], { value: 1 }, 'x'.repeat(5000), 1e308, '已完成 ', '__proto__'];

export const MUTATORS: readonly Mutator[] = [
  // --- zip ---------------------------------------------------------------------------------
  zip('zip.bit-flips', false, (b, r) => {
    const out = Buffer.from(b.bytes);
    for (let i = r.between(1, 8); i > 0; i--) out[r.int(out.length)]! ^= 1 << r.int(8);
    return out;
  }),
  zip('zip.bit-flip-in-directory', false, (b, r) => {
    const out = Buffer.from(b.bytes);
    const { cdOffset } = directory(out);
    const at = r.between(cdOffset, out.length - 1);
    out[at]! ^= 1 << r.int(8);
    return out;
  }),
  zip('zip.byte-run-overwritten', false, (b, r) => {
    const out = Buffer.from(b.bytes);
    const at = r.int(out.length);
    for (let i = at; i < Math.min(out.length, at + r.between(1, 64)); i++) out[i] = r.int(256);
    return out;
  }),
  zip('zip.truncated', true, (b, r) => b.bytes.subarray(0, r.chance(0.1) ? r.int(64) : r.int(b.bytes.length))),
  zip('zip.trailing-garbage', true, (b, r) => Buffer.concat([b.bytes, Buffer.from(Array.from({ length: r.between(1, 2000) }, () => r.int(256)))])),
  zip('zip.leading-garbage', true, (b, r) => Buffer.concat([Buffer.from(Array.from({ length: r.between(1, 200) }, () => r.int(256))), b.bytes])),
  zip('zip.entry-duplicated', true, (b, r) => {
    const entries = readZip(b.bytes);
    const e = r.pick(entries);
    entries.splice(r.int(entries.length + 1), 0, { name: e.name, data: r.chance(0.5) ? e.data : Buffer.from('<x/>') });
    return writeZip(entries);
  }),
  zip('zip.entry-removed', false, (b, r) => {
    const entries = readZip(b.bytes);
    entries.splice(r.int(entries.length), 1);
    return writeZip(entries);
  }),
  zip('zip.entries-reordered', false, (b, r) => {
    const entries = readZip(b.bytes);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return writeZip(entries);
  }),
  zip('zip.stored-not-deflated', false, (b) => writeRawZip(readZip(b.bytes).map((e) => ({ name: e.name, stored: e.data, method: 0, crc: zlib.crc32(e.data) >>> 0, uncompressedSize: e.data.length })))),
  zip('zip.nested-zip-entry', false, (b, r) => {
    const entries = readZip(b.bytes);
    const depth = r.pick([1, 2, 5, 30, 200]);
    entries.push({ name: r.pick(['xl/embeddings/oleObject1.bin', 'docProps/nested.zip', 'xl/media/image1.png']), data: nestedZip(r.chance(0.5) ? b.bytes : Buffer.alloc(1024), depth) });
    return writeZip(entries);
  }),
  zip('zip.entry-replaced-by-zip', true, (b, r) => {
    const entries = readZip(b.bytes);
    // Entries that hold the cells (junk in place of a theme, docProps or even the content types and
    // relationships is tolerated by readers, which fall back to the usual part names).
    const e = r.pick(entries.filter((x) => /^xl\/(workbook\.xml|sharedStrings\.xml|worksheets\/.*)$/.test(x.name)));
    e.data = nestedZip(b.bytes, r.between(1, 20));
    return writeZip(entries);
  }),
  zip('zip.huge-declared-size', true, (b, r) => {
    const out = Buffer.from(b.bytes);
    const rec = r.pick(directory(out).records);
    const size = r.pick([0x7fffffff, 0xfffffffe, 300 * 1024 * 1024, r.between(1, 0xfffffff0)]);
    out.writeUInt32LE(size >>> 0, rec.central + 24);
    if (r.chance(0.7)) out.writeUInt32LE(size >>> 0, rec.local + 22);
    return out;
  }),
  zip('zip.bomb-entry', true, (b, r) => {
    const entries = readZip(b.bytes).map(deflated);
    entries.splice(r.int(entries.length), 0, zeros(r.pick(['xl/media/bomb.bin', 'xl/sharedStrings2.xml', 'docProps/custom.xml']), r.pick([11, 24, 64]) * 1024 * 1024));
    return writeRawZip(entries);
  }),
  zip('zip.many-entries', true, (b, r) => {
    const entries = readZip(b.bytes);
    for (let i = r.between(190, 400); i > 0; i--) entries.push({ name: `xl/media/pad-${i}.bin`, data: Buffer.from([i & 255]) });
    return writeZip(entries);
  }),
  zip('zip.method-unsupported', true, (b, r) => {
    const out = Buffer.from(b.bytes);
    const rec = r.pick(directory(out).records);
    const method = r.pick([1, 6, 9, 12, 14, 93, 99]);
    out.writeUInt16LE(method, rec.central + 10);
    out.writeUInt16LE(method, rec.local + 8);
    return out;
  }),
  zip('zip.encrypted-flag', true, (b, r) => {
    const out = Buffer.from(b.bytes);
    const rec = r.pick(directory(out).records);
    const flags = out.readUInt16LE(rec.central + 8) | r.pick([0x0001, 0x0040, 0x0041]);
    out.writeUInt16LE(flags, rec.central + 8);
    out.writeUInt16LE(flags, rec.local + 6);
    return out;
  }),
  zip('zip.zip64-extra-field', true, (b, r) => {
    const entries = readZip(b.bytes);
    const raw = entries.map(deflated);
    const target = r.int(raw.length);
    const plain = writeRawZip(raw);
    // Rebuild with a ZIP64 extra field (id 0x0001) on one central directory record.
    const { records, cdOffset, eocd } = directory(plain);
    const rec = records[target]!;
    const extra = Buffer.alloc(20);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    const nameLen = plain.readUInt16LE(rec.central + 28);
    const head = Buffer.from(plain.subarray(rec.central, rec.central + 46 + nameLen));
    head.writeUInt16LE(20, 30);
    const cdEnd = plain.readUInt32LE(eocd + 16) + plain.readUInt32LE(eocd + 12);
    const after = plain.subarray(rec.central + 46 + nameLen, cdEnd);
    const newCd = Buffer.concat([plain.subarray(cdOffset, rec.central), head, extra, after]);
    const tail = Buffer.from(plain.subarray(eocd));
    tail.writeUInt32LE(newCd.length, 12);
    return Buffer.concat([plain.subarray(0, cdOffset), newCd, tail]);
  }),
  zip('zip.crc-changed', true, (b, r) => {
    const out = Buffer.from(b.bytes);
    const rec = r.pick(directory(out).records);
    const crc = (out.readUInt32LE(rec.central + 16) ^ (1 << r.int(32))) >>> 0;
    out.writeUInt32LE(crc, rec.central + 16);
    out.writeUInt32LE(crc, rec.local + 14);
    return out;
  }),
  zip('zip.worksheets-swapped', true, (b, r) => {
    const entries = readZip(b.bytes);
    const sheets = entries.filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name));
    const i = r.int(sheets.length);
    let j = r.int(sheets.length - 1);
    if (j >= i) j++;
    [sheets[i]!.data, sheets[j]!.data] = [sheets[j]!.data, sheets[i]!.data];
    return writeZip(entries);
  }),
  zip('zip.not-a-zip', true, (_b, r) => r.pick([
    Buffer.alloc(0), Buffer.from('序号,任务\n1,就业\n', 'utf8'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('PK\u0003\u0004'), Buffer.from('PK\u0005\u0006' + '\0'.repeat(18), 'latin1'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  ])),
  zip('zip.empty-archive-with-content-types', true, () => writeZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }])),

  // --- XML inside the entries ----------------------------------------------------------------
  xml('xml.non-utf8-in-shared-strings', true, (b, r) => editEntry(b.bytes, 'xl/sharedStrings.xml', (d) => {
    const text = d.toString('utf8');
    const starts = [...text.matchAll(/<t[^>]*>/g)].map((m) => m.index! + m[0].length);
    const at = Buffer.byteLength(text.slice(0, r.pick(starts)), 'utf8');
    const bad = Buffer.from(r.pick([[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]));
    return Buffer.concat([d.subarray(0, at), bad, d.subarray(at)]);
  })),
  xml('xml.non-utf8-in-signature-cell', true, (b) => editEntry(b.bytes, 'xl/sharedStrings.xml', (d) => {
    const text = d.toString('utf8');
    const at = Buffer.byteLength(text.slice(0, text.indexOf('{"contentHash"') + 1), 'utf8');
    return Buffer.concat([d.subarray(0, at), Buffer.from([0xff, 0xfe]), d.subarray(at)]);
  })),
  xml('xml.latin1-reencoded', true, (b, r) => editEntry(b.bytes, r.pick(['xl/sharedStrings.xml', 'xl/workbook.xml']), (d) => Buffer.from(d.toString('utf8'), 'latin1'))),
  xml('xml.utf16-declared', false, (b) => editXml(b.bytes, 'xl/sharedStrings.xml', (x) => x.replace('encoding="UTF-8"', 'encoding="UTF-16"'))),
  xml('xml.entity-expansion', true, (b) => editXml(b.bytes, 'xl/sharedStrings.xml', (x) => {
    const doctype = '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY x SYSTEM "file:///etc/passwd">]>';
    return x.replace('?>', `?>${doctype}`).replace(/<t>([^<]*)<\/t>/, '<t>$1&e;&e;&x;</t>');
  })),
  xml('xml.shared-string-index-out-of-range', true, (b, r) => editXml(b.bytes, sheetEntry(b.bytes, '封面'), (x) => {
    const cells = [...x.matchAll(/<c [^>]*t="s"[^>]*><v>(\d+)<\/v>/g)];
    const m = r.pick(cells);
    const idx = String(r.pick([99999, 2 ** 31, -1, 1e21]));
    return x.slice(0, m.index!) + m[0].replace(/<v>\d+<\/v>/, `<v>${idx}</v>`) + x.slice(m.index! + m[0].length);
  })),
  xml('xml.cell-type-changed', true, (b, r) => editXml(b.bytes, sheetEntry(b.bytes, '填报数据'), (x) => {
    const cells = [...x.matchAll(/<c r="[A-Z]+\d+"( t="[a-zA-Z]+")?/g)];
    const m = r.pick(cells);
    const was = m[1] ?? '';
    const t = r.pick([' t="str"', ' t="b"', ' t="e"', ' t="d"', ' t="inlineStr"', ' t="n"', ' t="s"', ''].filter((x) => x !== was && !(was === '' && x === ' t="n"') && !(was === ' t="n"' && x === '')));
    return x.slice(0, m.index!) + m[0].replace(was, '') + t + x.slice(m.index! + m[0].length);
  })),
  xml('xml.rich-text-runs', false, (b) => editXml(b.bytes, 'xl/sharedStrings.xml', (x) =>
    x.replace(/<si><t>([^<]{2,})<\/t><\/si>/, (_m, t: string) => `<si><r><rPr><b/></rPr><t>${t.slice(0, 1)}</t></r><r><t>${t.slice(1)}</t></r></si>`))),
  xml('xml.sheet-renamed-reserved', true, (b, r) => editXml(b.bytes, 'xl/workbook.xml', (x) => {
    const names = [...x.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]!);
    return x.replace(`name="${r.pick(names)}"`, `name="${r.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'History'])}"`);
  })),
  xml('xml.signature-sheet-visible', false, (b) => editXml(b.bytes, 'xl/workbook.xml', (x) => x.replace(' state="veryHidden"', ''))),
  xml('xml.truncated-entry', false, (b, r) => {
    const entries = readZip(b.bytes);
    const e = r.pick(entries.filter((x) => x.name.endsWith('.xml') || x.name.endsWith('.rels')));
    e.data = e.data.subarray(0, r.int(e.data.length));
    return writeZip(entries);
  }),
  xml('xml.garbage-bytes', false, (b, r) => {
    const entries = readZip(b.bytes);
    const e = r.pick(entries.filter((x) => x.name.endsWith('.xml')));
    const d = Buffer.from(e.data);
    const at = r.int(d.length);
    for (let i = at; i < Math.min(d.length, at + r.between(1, 32)); i++) d[i] = r.pick([0x3c, 0x3e, 0x22, 0x26, 0x00, r.int(256)]);
    e.data = d;
    return writeZip(entries);
  }),
  xml('xml.deep-nesting', false, (b, r) => editXml(b.bytes, sheetEntry(b.bytes, '封面'), (x) => {
    const depth = r.pick([100, 10_000, 100_000]);
    return x.replace('</sheetData>', `</sheetData><extLst>${'<ext>'.repeat(depth)}${'</ext>'.repeat(depth)}</extLst>`);
  })),
  xml('xml.oversized-shared-string', true, (b, r) => editXml(b.bytes, 'xl/sharedStrings.xml', (x) => {
    const n = r.pick([32_768, 40_000, 1_000_000, 5_000_000]);
    return x.replace(/<t>([^<]*)<\/t>/, (_m, t: string) => `<t>${xmlEscape(t)}${r.pick(['啊', 'a', '😀']).repeat(n)}</t>`);
  })),
  xml('xml.dimension-lies', false, (b, r) => editXml(b.bytes, sheetEntry(b.bytes, r.pick(['封面', '填报数据', SIGNATURE])), (x) =>
    x.replace(/<dimension ref="[^"]*"\/>/, `<dimension ref="${r.pick(['A1', 'A1:XFD1048576', 'A1:A1048576', 'ZZZ9', 'A0:B-1'])}"/>`))),

  // --- how the cells are shown (docs/package-format.md §7 g): the values stay as signed ------
  xml('xml.number-format-on-a-cell', true, (b, r) => {
    const code = r.pick(['&quot;999&quot;', '0;0;0;&quot;x&quot;', ';;;', '0.00%', 'yyyy-mm-dd', '[Red]0']);
    const styled = editXml(b.bytes, 'xl/styles.xml', (x) => x
      .replace(/<numFmts count="(\d+)">/, (_m, n: string) => `<numFmts count="${Number(n) + 1}"><numFmt numFmtId="200" formatCode="${code}"/>`)
      .replace(/<cellXfs count="(\d+)">(.*?)<\/cellXfs>/, (_m, n: string, xfs: string) => `<cellXfs count="${Number(n) + 1}">${xfs}<xf numFmtId="200" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>`));
    const s = (/<cellXfs count="(\d+)">/.exec(readZip(styled).find((e) => e.name === 'xl/styles.xml')!.data.toString('utf8'))?.[1] ?? '2');
    return editXml(styled, sheetEntry(styled, r.pick(['封面', '填报数据'])), (x) => {
      const cells = [...x.matchAll(/<c r="([A-Z]+\d+)"(?: t="[a-z]+")?><v>/g)];
      const m = r.pick(cells);
      return x.slice(0, m.index!) + m[0].replace(`r="${m[1]}"`, `r="${m[1]}" s="${Number(s) - 1}"`) + x.slice(m.index! + m[0].length);
    });
  }),
  xml('xml.row-hidden', true, (b, r) => editXml(b.bytes, sheetEntry(b.bytes, r.pick(['封面', '填报数据'])), (x) => {
    const rows = [...x.matchAll(/<row r="(\d+)"/g)];
    const m = r.pick(rows);
    const how = r.pick([' hidden="1"', ' ht="0" customHeight="1"', ' hidden="true"', ' outlineLevel="1" collapsed="1"']);
    return x.slice(0, m.index!) + m[0] + how + x.slice(m.index! + m[0].length);
  })),
  xml('xml.column-hidden', true, (b, r) => editXml(b.bytes, sheetEntry(b.bytes, r.pick(['封面', '填报数据'])), (x) => {
    const cols = [...x.matchAll(/<col min="\d+" max="\d+" width="[^"]*"/g)];
    const m = r.pick(cols);
    const shown = r.chance(0.5) ? `${m[0]} hidden="1"` : m[0].replace(/width="[^"]*"/, `width="${r.pick(['0', '0.1', '-5'])}"`);
    return x.slice(0, m.index!) + shown + x.slice(m.index! + m[0].length);
  })),
  xml('xml.comment-on-a-cell', true, (b, r) => {
    const part = sheetEntry(b.bytes, r.pick(['封面', '填报数据']));
    const entries = readZip(b.bytes);
    const xmlText = entries.find((e) => e.name === part)!.data.toString('utf8');
    const ref = r.pick([...xmlText.matchAll(/<c r="([A-Z]+\d+)"/g)])[1]!;
    const rels = part.replace(/([^/]+)$/, '_rels/$1.rels');
    entries.push({ name: 'xl/comments9.xml', data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>x</author></authors><commentList><comment ref="${ref}" authorId="0"><text><t>实际不是这个数</t></text></comment></commentList></comments>`) });
    entries.push({ name: rels, data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdC9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments9.xml"/></Relationships>') });
    return writeZip(entries);
  }),

  // --- sheets, through SheetJS as a script would edit them ---------------------------------
  sheet('sheet.resaved-unchanged', false, (b) => withWorkbook(b.bytes, () => {})),
  sheet('sheet.cell-to-formula', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref, cell } = pickCell(wb, r);
    const v = typeof cell.v === 'number' ? cell.v + 1 : `${String(cell.v)}x`;
    ws[ref] = r.chance(0.3) ? { t: typeof v === 'number' ? 'n' : 's', f: 'NOW()' } as XLSX.CellObject : { t: typeof v === 'number' ? 'n' : 's', v, f: r.pick(['1+1', 'A1&"x"', 'SUM(A:A)', 'HYPERLINK("http://example.invalid")']) };
  })),
  sheet('sheet.formula-with-same-cached-value', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    // Programs recalculate on opening: the cached value is not what a person sees (§7 g).
    const { ref, ws, cell } = pickCell(wb, r);
    ws[ref] = { ...cell, f: typeof cell.v === 'number' ? `${cell.v}+0` : `"${String(cell.v).replace(/"/g, '""')}"` };
  })),
  sheet('sheet.number-to-text', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref, cell } = pickCell(wb, r, (c) => c.t === 'n');
    ws[ref] = { t: 's', v: String(cell.v) };
  })),
  sheet('sheet.text-to-number', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref } = pickCell(wb, r, (c) => c.t === 's');
    ws[ref] = { t: 'n', v: r.pick(WEIRD_NUMBERS) };
  })),
  sheet('sheet.number-changed', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref, cell } = pickCell(wb, r, (c) => c.t === 'n');
    const v = r.pick(WEIRD_NUMBERS.filter((n) => Number(n.toPrecision(15)) !== Number((cell.v as number).toPrecision(15))));
    ws[ref] = { t: 'n', v };
  })),
  sheet('sheet.date-cell', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref } = pickCell(wb, r);
    ws[ref] = r.chance(0.5) ? { t: 'd', v: new Date(Date.UTC(2019, 5, 30)) } : { t: 'n', v: 43646, z: 'yyyy-mm-dd' };
  })),
  sheet('sheet.date-as-text', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref } = pickCell(wb, r, (c) => c.t === 'n');
    ws[ref] = { t: 's', v: r.pick(['2019-06-30', '2019/6/30', '2019年6月30日', '30/06/2019', '43646']) };
  })),
  sheet('sheet.weird-text', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref, cell } = pickCell(wb, r, (c) => c.t === 's');
    const v = r.pick(WEIRD_TEXT.filter((t) => t !== cell.v && t.trim() !== ''));
    ws[ref] = { t: 's', v };
  })),
  sheet('sheet.text-in-empty-cell', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const name = r.pick(visibleSheets(wb));
    const ws = wb.Sheets[name]!;
    const range = XLSX.utils.decode_range(ws['!ref'] ?? 'A1');
    const ref = XLSX.utils.encode_cell({ r: range.e.r + r.between(1, 50), c: r.int(30) });
    setCell(ws, ref, r.chance(0.5) ? { t: 's', v: r.pick(WEIRD_TEXT.filter((t) => t.trim() !== '')) } : { t: 'n', v: r.pick(WEIRD_NUMBERS) });
  })),
  sheet('sheet.cell-cleared', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref } = pickCell(wb, r, (c) => c.v !== '' && c.v !== null);
    delete ws[ref];
  })),
  sheet('sheet.cell-error', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref } = pickCell(wb, r);
    ws[ref] = { t: 'e', v: r.pick([0x00, 0x07, 0x0f, 0x17, 0x1d, 0x24, 0x2a]) };
  })),
  sheet('sheet.bool-flipped', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const { ws, ref, cell } = pickCell(wb, r);
    ws[ref] = typeof cell.v === 'boolean' ? { t: 'b', v: !cell.v } : { t: 'b', v: r.chance(0.5) };
  })),
  sheet('sheet.row-duplicated', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const ws = wb.Sheets[r.pick(visibleSheets(wb).filter((n) => (XLSX.utils.decode_range(wb.Sheets[n]!['!ref'] ?? 'A1').e.r) > 0))]!;
    const range = XLSX.utils.decode_range(ws['!ref']!);
    const row = r.between(0, range.e.r);
    for (let rr = range.e.r; rr >= row; rr--) {
      for (let c = 0; c <= range.e.c; c++) {
        const from = XLSX.utils.encode_cell({ r: rr, c });
        const to = XLSX.utils.encode_cell({ r: rr + 1, c });
        if (ws[from]) ws[to] = { ...(ws[from] as XLSX.CellObject) };
        else delete ws[to];
      }
    }
    range.e.r += 1;
    ws['!ref'] = XLSX.utils.encode_range(range);
  })),
  sheet('sheet.row-at-the-row-limit', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    // Row 20,001 is the first a reader still reads (maxRows + 1) and must refuse.
    setCell(wb.Sheets[r.pick(wb.SheetNames)]!, `${r.pick(['A', 'B', 'Z'])}20001`, { t: 's', v: '多出的行' });
  })),
  xml('xml.cell-far-below', true, (b, r) => editXml(b.bytes, sheetEntry(b.bytes, r.pick(['封面', '填报数据'])), (x) => {
    // Far below the signed rows, past the row limit: the reader sees every row (§9, maxRows).
    const row = r.between(30_000, 1_048_576);
    return x.replace('</sheetData>', `<row r="${row}"><c r="A${row}" t="inlineStr"><is><t>远处的文字</t></is></c></row></sheetData>`);
  })),
  sheet('sheet.sheets-swapped', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const visible = visibleSheets(wb).map((n) => wb.SheetNames.indexOf(n));
    const i = r.pick(visible);
    const j = r.pick(visible.filter((x) => x !== i));
    swapSheets(wb, i, j);
  })),
  sheet('sheet.signature-sheet-moved', false, (b, r) => withWorkbook(b.bytes, (wb) => {
    // The signature sheet is found by its name, wherever it is; the visible order is what counts.
    swapSheets(wb, wb.SheetNames.indexOf(SIGNATURE), r.int(wb.SheetNames.length));
  })),
  sheet('sheet.sheet-renamed', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const from = r.pick(wb.SheetNames);
    renameSheet(wb, from, r.pick([`${from}2`, 'Sheet1', '填报数据(修改)', '_ledger_signature2', 'toString', 'valueOf']).slice(0, 31));
  })),
  sheet('sheet.signature-sheet-removed', true, (b) => withWorkbook(b.bytes, (wb) => {
    const i = wb.SheetNames.indexOf(SIGNATURE);
    wb.SheetNames.splice(i, 1);
    wb.Workbook?.Sheets?.splice(i, 1);
    delete wb.Sheets[SIGNATURE];
  })),
  sheet('sheet.signature-sheet-from-another-package', true, (b, r, ctx) => {
    const other = XLSX.read(r.pick(ctx.bases.filter((x) => x.name !== b.name)).bytes, { type: 'buffer' });
    return withWorkbook(b.bytes, (wb) => {
      wb.Sheets[SIGNATURE] = other.Sheets[SIGNATURE]!;
    });
  }),
  sheet('sheet.extra-sheet', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const ws = XLSX.utils.aoa_to_sheet([['备注'], [r.pick(WEIRD_TEXT.filter((t) => t.trim() !== ''))]]);
    XLSX.utils.book_append_sheet(wb, ws, r.pick(['Sheet1', '备注', 'History2', '__proto__x']));
  })),
  sheet('sheet.many-sheets', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    for (let i = r.between(20, 40); i > 0; i--) XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[i]]), `S${i}`);
  })),
  sheet('sheet.visible-sheet-emptied', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const name = r.pick(visibleSheets(wb));
    wb.Sheets[name] = { '!ref': 'A1' };
  })),

  // --- the signature sheet -------------------------------------------------------------------
  sig('sig.content-rows-reordered', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    const rows = contentRows(col);
    if (rows.length < 2) {
      // One piece only: cut it in two and put the halves the wrong way round.
      const s = String(rows[0]);
      const at = r.between(1, s.length - 1);
      setSigColumn(wb, [...col.slice(0, 4), s.slice(at), s.slice(0, at)]);
      return;
    }
    const i = r.int(rows.length);
    let j = r.int(rows.length - 1);
    if (j >= i) j++;
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    setSigColumn(wb, [...col.slice(0, 4), ...rows]);
  })),
  sig('sig.content-rows-recut', false, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    setSigColumn(wb, [...col.slice(0, 4), ...chunkText(contentRows(col).join(''), r.pick([1000, 7777, 29_999, 30_000]))]);
  })),
  sig('sig.content-row-dropped', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    const rows = contentRows(col);
    const s = rows.join('');
    const drop = r.int(rows.length);
    setSigColumn(wb, [...col.slice(0, 4), ...(rows.length > 1 ? rows.filter((_x, i) => i !== drop) : [s.slice(0, r.int(s.length))])]);
  })),
  sig('sig.content-row-not-text', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    col.splice(4 + r.int(contentRows(col).length), 0, r.pick<CellValue>([1, true, 0]));
    setSigColumn(wb, col);
  })),
  sig('sig.content-respelt', false, (b, r) => withWorkbook(b.bytes, (wb) => {
    // Another JSON spelling of the same value: whitespace, escapes, number forms, key order.
    const col = sigColumn(wb);
    const value: unknown = JSON.parse(contentRows(col).join(''));
    let text = JSON.stringify(value, null, r.pick([1, 2, '\t']));
    if (r.chance(0.5)) text = text.replace(/[\u4e00-\u9fff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`);
    if (r.chance(0.5)) text = text.replace(/(?<=[:[,]\s*)(\d+)(?=\s*[,\]}])/g, (n) => r.pick([`${n}.0`, `${n}e0`, `${n}.000`]));
    setSigColumn(wb, [...col.slice(0, 4), ...chunkText(text, 30_000)]);
  })),
  sig('sig.content-proto-key', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    const text = contentRows(col).join('');
    const inject = r.pick(['"__proto__":{"polluted":true},', '"constructor":{"prototype":{"polluted":true}},', '"__proto__":null,']);
    setSigColumn(wb, [...col.slice(0, 4), ...chunkText(`{${inject}${text.slice(1)}`, 30_000)]);
  })),
  sig('sig.content-deeply-nested', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    setSigColumn(wb, [...col.slice(0, 4), ...chunkText(`{"sheets":[],"data":${nested(r.pick([1000, 100_000, 250_000]))}}`, 30_000)]);
  })),
  sig('sig.content-not-json', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    setSigColumn(wb, [...col.slice(0, 4), r.pick(['{', 'null', '[]', '"x"', '{"sheets":1}', 'NaN', '\u0000'])]);
  })),
  sig('sig.manifest-wrong-type', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    const m = JSON.parse(String(col[2])) as Record<string, unknown>;
    const key = r.pick(Object.keys(m));
    m[key] = r.pick(WRONG_VALUES.filter((v) => JSON.stringify(v) !== JSON.stringify(m[key])));
    col[2] = JSON.stringify(m);
    setSigColumn(wb, col);
  })),
  sig('sig.manifest-extra-key', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    const text = String(col[2]);
    const inject = r.pick(['"__proto__":{"revision":99},', '"constructor":{"name":"x"},', '"extra":1,', '"signature":"x",', '"__proto__":[],']);
    col[2] = `{${inject}${text.slice(1)}`;
    setSigColumn(wb, col);
  })),
  sig('sig.manifest-field-changed', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    const m = JSON.parse(String(col[2])) as Record<string, unknown>;
    const edits: (() => void)[] = [
      () => { m.revision = 99; }, () => { m.unit = b.otherUnit; }, () => { m.periods = ['2019-07']; }, () => { m.to = '郎溪县民生办'; }, () => { m.recipient = null; },
      () => { m.kind = 'feedback'; }, () => { m.createdAt = '2019-01-01T00:00:00Z'; }, () => { m.packageId = 'x'; },
      () => { m.signer = '0000-0000-0000-0000'; }, () => { m.contentHash = '0'.repeat(64); },
    ];
    r.pick(edits)();
    col[2] = JSON.stringify(m);
    setSigColumn(wb, col);
  })),
  sig('sig.manifest-deeply-nested', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    col[2] = r.chance(0.5) ? nested(r.pick([1000, 30_000])).slice(0, 32_000) : `{"format":1,"kind":${nested(15_000)}}`;
    setSigColumn(wb, col);
  })),
  sig('sig.signature-changed', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    const s = String(col[3]);
    const at = r.int(s.length - 2);
    col[3] = r.chance(0.8) ? s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1) : r.pick(['', 'AAAA', s + s, s.replace(/=+$/, '')]);
    setSigColumn(wb, col);
  })),
  sig('sig.version-changed', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    col[1] = r.pick<CellValue>([3, 1, '1', 0, '3', '2.0', 2.0000001, true, null]);
    setSigColumn(wb, col);
  })),
  sig('sig.marker-changed', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    col[0] = r.pick<CellValue>(['MINSHENG-LEDGER-PACKAGE ', 'minsheng-ledger-package', null, 1]);
    setSigColumn(wb, col);
  })),
  sig('sig.manifest-or-signature-replaced', true, (b, r) => withWorkbook(b.bytes, (wb) => {
    const col = sigColumn(wb);
    col[r.pick([2, 3])] = r.pick(['{}', 'eyJ9']);
    setSigColumn(wb, col);
  })),

  // --- re-signed with the unit's real key: only a key holder (or a buggy writer) makes these ---
  signed('signed.wrong-type-in-data', (d, r) => {
    const rep = r.pick(d.reports);
    const field = r.pick(REPORT_FIELDS);
    rep[field] = r.pick(WRONG_VALUES);
    return { data: d };
  }),
  signed('signed.wrong-type-in-value', (d, r) => {
    const rep = r.pick(d.reports.filter((x) => Array.isArray(x.values) && (x.values as unknown[]).length > 0).concat(d.reports[0]!));
    const values = (rep.values as Record<string, unknown>[]);
    if (values.length === 0) values.push({ indicator: 1, value: 1, note: '' });
    r.pick(values)[r.pick(['indicator', 'value', 'note'])] = r.pick(WRONG_VALUES);
    return { data: d };
  }),
  signed('signed.extra-or-proto-key', (d, r) => {
    const text = JSON.stringify(d);
    const inject = r.pick(['"__proto__":{"polluted":true},', '"constructor":{"prototype":{"x":1}},', '"extra":1,']);
    const where = r.chance(0.5) ? 0 : text.indexOf('[{', text.indexOf('"reports"')) + 1;
    return { data: JSON.parse(`${text.slice(0, where + 1)}${inject}${text.slice(where + 1)}`) };
  }),
  signed('signed.extreme-values', (d, r) => {
    for (const rep of d.reports) for (const v of rep.values as { value: unknown }[]) v.value = r.pick([...WEIRD_NUMBERS, null]);
    return { data: d };
  }),
  signed('signed.long-and-odd-text', (d, r) => {
    const rep = r.pick(d.reports);
    rep[r.pick(['progress', 'problems', 'nextSteps', 'explanation', 'contact', 'phone', 'enteredBy'])] =
      r.pick(WEIRD_TEXT) + r.pick(['', '字'.repeat(r.pick([40, 99, 100, 3999, 4000, 4001])), '\u0000\u0001\u001f', '😀'.repeat(2001)]);
    return { data: d };
  }),
  signed('signed.task-duplicated', (d, r) => {
    d.reports.push(structuredClone(r.pick(d.reports)));
    return { data: d };
  }),
  signed('signed.unknown-or-foreign-task', (d, r, base) => {
    r.pick(d.reports).task = r.pick([999, 0, base.foreignTask, 55]);
    return { data: d };
  }),
  signed('signed.unknown-indicator', (d, r) => {
    const rep = r.pick(d.reports);
    (rep.values as unknown[]).push({ indicator: r.pick([9, 99, 4]), value: 1, note: '' });
    return { data: d };
  }),
  signed('signed.indicator-duplicated', (d, r) => {
    const rep = r.pick(d.reports.filter((x) => (x.values as unknown[]).length > 0).concat(d.reports[0]!));
    const values = rep.values as { indicator: number; value: number | null; note: string }[];
    values.push({ ...(values[r.int(values.length)] ?? { indicator: 1, value: 1, note: '' }), value: r.pick(WEIRD_NUMBERS) });
    return { data: d };
  }),
  signed('signed.reports-emptied-or-many', (d, r) => {
    d.reports = r.chance(0.5) ? [] : Array.from({ length: r.pick([1000, 1001]) }, (_x, i) => ({ ...d.reports[0]!, task: i + 1 }));
    return { data: d };
  }),
  signed('signed.period-or-unit-mismatch', (d, r, base) => {
    const ctx = { otherUnit: base.otherUnit };
    const edits: (() => { data: unknown; manifest?: Partial<Manifest> })[] = [
      () => ({ data: { ...d, period: '2019-07' } }),
      () => ({ data: { ...d, period: '2019-06' }, manifest: { periods: ['2019-06'] } }),
      () => ({ data: { ...d, period: '2019-12' }, manifest: { periods: ['2019-12'] } }),
      () => ({ data: d, manifest: { periods: ['2020-01'] } }),
      () => ({ data: { ...d, period: '2019-13' }, manifest: { periods: ['2019-12'] } }),
      () => ({ data: d, manifest: { periods: ['2019-06', '2019-07'] } }),
      () => ({ data: d, manifest: { periods: [] } }),
      () => ({ data: { ...d, unit: ctx.otherUnit } }),
      () => ({ data: { ...d, unit: ctx.otherUnit }, manifest: { unit: ctx.otherUnit, from: ctx.otherUnit } }),
      () => ({ data: d, manifest: { from: ctx.otherUnit } }),
      () => ({ data: { ...d, unit: '市气象局' }, manifest: { unit: '市气象局', from: '市气象局' } }),
      () => ({ data: { ...d, unit: '市安全生产委员会成员单位' }, manifest: { unit: '市安全生产委员会成员单位', from: '市安全生产委员会成员单位' } }),
    ];
    return r.pick(edits)();
  }),
  signed('signed.wrong-kind-recipient-or-plan', (d, r) => r.pick<{ data: unknown; manifest?: Partial<Manifest> }>([
    { data: d, manifest: { to: '郎溪县民生办' } },
    { data: d, manifest: { recipient: '0000-0000-0000-0000' } },
    { data: d, manifest: { recipient: null } },
    { data: d, manifest: { kind: 'assignment' } },
    { data: d, manifest: { kind: 'feedback' } },
    { data: d, manifest: { planId: 'xuancheng-2020' } },
    { data: d, manifest: { planRevision: 7 } },
  ])),
  signed('signed.revision-zero-or-stale', (d, r) => ({ data: d, manifest: { revision: r.pick([0, 1, 2]) } })),
];

/** The mutator of a given name (for regression tests). */
export function mutator(name: string): Mutator {
  const m = MUTATORS.find((x) => x.name === name);
  if (!m) throw new Error(`no mutator ${name}`);
  return m;
}

