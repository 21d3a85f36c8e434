/**
 * Shared by the package tests and by make-fixtures.ts: the test-only keys, a sample report
 * package, and a small zip reader/writer for building hostile files by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import * as XLSX from 'xlsx';
import type { KeyPair } from '../../electron/services/keys/keys';
import { fingerprint } from '../../electron/services/keys/keys';
import { PackageError, readPackage } from '../../electron/services/packages/package-format';
import type { SheetContent } from '../../electron/services/packages/package-format';
import type { WritePackageInput } from '../../electron/services/packages/package-writer';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/packages');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ledger-pkg-'));
}

/** The committed TEST-ONLY key pairs (their private keys are public: never sign real data with them). */
export function testKey(which: 'unit' | 'other'): KeyPair {
  const json = JSON.parse(readFileSync(path.join(FIXTURES, `test-only-${which}-key.json`), 'utf8')) as KeyPair;
  return { publicKey: json.publicKey, privateKeyPem: json.privateKeyPem };
}

export const SAMPLE_MANIFEST = {
  kind: 'report',
  packageId: 'pkg-2019-03-rsj-0001',
  planId: 'xuancheng-2019',
  planRevision: 1,
  from: '市人社局',
  to: '市民生办',
  /** The office's key: fingerprint of the TEST-ONLY 'other' key, which plays the office here. */
  recipient: 'C819-AB89-687F-E2E7',
  unit: '市人社局',
  periods: ['2019-03'],
  revision: 1,
  createdAt: '2019-04-03T09:30:00.000Z',
} as const satisfies WritePackageInput['manifest'];

export const SAMPLE_DATA = {
  reports: [
    { taskNo: 12, indicatorNo: 1, cumulative: 120, status: '推进中', progress: '已培训120人\r\n其中贫困劳动力80人' },
    { taskNo: 15, indicatorNo: 1, cumulative: 0.953, status: '推进中', progress: '=1+1' },
  ],
  contact: { name: '张三', phone: '0563-1234567' },
  note: '_x0041_ stays literal in the signed JSON',
};

/**
 * The visible sheets of a report, with the text spreadsheet programs are most tempted to change:
 * formula-like strings, numbers as text, line breaks, literal `_x0041_` escapes, controls,
 * astral characters, 17-digit floats, booleans, an empty sheet.
 */
export function sampleSheets(key: KeyPair): SheetContent[] {
  const cover: SheetContent = {
    name: '封面',
    colWidths: [14, 44],
    rows: [
      ['民生工作督办台账 · 填报包'],
      ['填报单位', '市人社局'],
      ['报送期', '2019年3月'],
      ['计划', '宣城市2019年民生工作计划'],
      ['生成时间', '2019-04-03 17:30'],
      ['修订号', 1],
      ['密钥指纹', fingerprint(key.publicKey)],
      [],
      ['请勿修改本文件:任何改动都会在导入时被发现。'],
    ],
  };
  const data: SheetContent = {
    name: '填报数据',
    colWidths: [6, 24, 18, 10, 10, 10, 30, 20, 20, 16],
    rows: [
      ['序号', '任务', '指标', '目标', '累计完成', '完成率', '工作进展', '存在问题', '下步措施', '联系电话'],
      [1, '开展技能脱贫培训', '培训人数(人)', 250, 120, 0.48, '已培训120人\r\n其中贫困劳动力80人', '', '加快进度', '0563-1234567'],
      [2, '城乡居民基本养老保险', '参保率', 0.96, 0.953, 0.9927083333333333, '=1+1', '+86 139 0000 0000', '-5', '@SUM(A1)'],
      [3, '完成人工造林', '造林面积(万亩)', 1.6, 0.1 + 0.2, 0.1 + 0.2, '  前后有空格  ', null, true, false],
      [4, '棚户区改造', '开工(套)', 1234567890123, -0, 2 ** 53 + 1, '0123', '1e5', '2019-03-05', '含表情 😀 与扩展汉字 𠀀'],
      [5, '_x0041_ 字面文字', '_x005F_x0041_', null, null, null, '制表\t符', 'a\u000bb', '末尾换行\n', null],
    ],
  };
  const empty: SheetContent = { name: '说明', rows: [] };
  return [cover, data, empty];
}

export function sampleReport(key: KeyPair): WritePackageInput {
  return { manifest: SAMPLE_MANIFEST, sheets: sampleSheets(key), data: SAMPLE_DATA, key };
}

/** The refusal of a package that must not verify. */
export function refusalOf(bytes: Buffer): PackageError {
  try {
    readPackage(bytes);
  } catch (err) {
    if (err instanceof PackageError) return err;
    throw err;
  }
  throw new Error('the package verified, but it should not have');
}

/** Debian's own Python, where python3-openpyxl is installed (a pyenv python3 on PATH may lack it). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * LibreOffice and openpyxl, the programs a clerk re-saves packages with. Missing is a failure, not a skip
 * (as with Chromium): CI installs them (.ci/run), and a test that silently does not run proves nothing.
 */
export function requireResavers(): void {
  const missing: string[] = [];
  const runs = (cmd: string, args: string[]) => {
    try {
      execFileSync(cmd, args, { stdio: 'ignore', timeout: 60_000 });
      return true;
    } catch {
      return false;
    }
  };
  if (!runs('soffice', ['--version'])) missing.push('LibreOffice 的 soffice(apt-get install libreoffice-calc-nogui)');
  if (!runs(SYSTEM_PYTHON, ['-c', 'import openpyxl'])) missing.push(`${SYSTEM_PYTHON} 的 openpyxl(apt-get install python3-openpyxl)`);
  if (missing.length > 0) throw new Error(`找不到${missing.join('、')}:数据包重新保存的测试需要它们,.ci/run 会安装。`);
}

/**
 * Load and save again with openpyxl, as a clerk's Python script would; `change` is Python run on the
 * loaded workbook `wb` before saving.
 * @example resaveWithOpenpyxl(bytes, dir, "wb['填报数据'].print_area = 'A1:Z200'")
 */
export function resaveWithOpenpyxl(bytes: Buffer, dir: string, change = 'pass'): Buffer {
  const input = path.join(dir, 'openpyxl-in.xlsx');
  const output = path.join(dir, 'openpyxl-out.xlsx');
  writeFileSync(input, bytes);
  const script = `import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n${change}\nwb.save(sys.argv[2])`;
  execFileSync(SYSTEM_PYTHON, ['-c', script, input, output], { stdio: 'inherit', timeout: 60_000 });
  return readFileSync(output);
}

// --- SheetJS edits, as a person with a script would make them ------------------------------------

/** Read the whole workbook with SheetJS (default options), let `edit` change it, write it back. */
export function editWithSheetJS(bytes: Buffer, edit: (wb: XLSX.WorkBook) => void): Buffer {
  const wb = XLSX.read(bytes, { type: 'buffer' });
  edit(wb);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

/** Set a cell in a SheetJS (sparse) sheet, keeping the range right. */
export function setCell(ws: XLSX.WorkSheet, ref: string, cell: XLSX.CellObject): void {
  ws[ref] = cell;
  const range = XLSX.utils.decode_range(ws['!ref'] ?? 'A1');
  const at = XLSX.utils.decode_cell(ref);
  range.e.r = Math.max(range.e.r, at.r);
  range.e.c = Math.max(range.e.c, at.c);
  ws['!ref'] = XLSX.utils.encode_range(range);
}

// --- zip by hand ----------------------------------------------------------------------------------

export interface ZipFileEntry {
  name: string;
  data: Buffer;
}

/** Entries of a well-formed zip (no ZIP64, no data descriptors needed), in directory order. */
export function readZip(buf: Buffer): ZipFileEntry[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipFileEntry[] = [];
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const csz = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + csz);
    out.push({ name, data: method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

export interface RawZipEntry {
  name: string;
  /** Bytes as stored. */
  stored: Buffer;
  method: 0 | 8;
  crc: number;
  uncompressedSize: number;
}

/** Deflate ordinary entries. */
export function deflated(entry: ZipFileEntry): RawZipEntry {
  return {
    name: entry.name,
    stored: zlib.deflateRawSync(entry.data),
    method: 8,
    crc: zlib.crc32(entry.data) >>> 0,
    uncompressedSize: entry.data.length,
  };
}

/** A zip from entries whose stored bytes and declared sizes we choose (so they may lie). */
export function writeRawZip(entries: readonly RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.stored.length, 18);
    local.writeUInt32LE(e.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.stored.length, 20);
    central.writeUInt32LE(e.uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.stored);
    centrals.push(central, name);
    offset += 30 + name.length + e.stored.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

export function writeZip(entries: readonly ZipFileEntry[]): Buffer {
  return writeRawZip(entries.map(deflated));
}

/** Rewrite one entry of a zip as text (e.g. rename a sheet in xl/workbook.xml). */
export function editZipText(buf: Buffer, name: string, edit: (text: string) => string): Buffer {
  const entries = readZip(buf);
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no ${name} in zip`);
  const before = entry.data.toString('utf8');
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${name} changed nothing`);
  entry.data = Buffer.from(after, 'utf8');
  return writeZip(entries);
}
