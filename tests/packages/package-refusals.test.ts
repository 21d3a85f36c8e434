/**
 * Every way a file can fail, each with a file made for it: a clear PackageError, never a crash,
 * and for hostile zips, no parser or inflater ever sees the bytes.
 */
import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canonicalJson } from '../../shared/canonical';
import { DEFAULT_LIMITS, PackageError, SIGNATURE_SHEET, readPackage } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import type { Limits, PackageErrorCode } from '../../electron/services/packages/package-format';
import * as reader from '../../electron/services/packages/xlsx-reader';
import { deflated, editWithSheetJS, editZipText, fixture, readZip, sampleReport, setCell, testKey, writeRawZip, writeZip } from './helpers';

// Spies on the two things that could inflate a bomb: the workbook reader and zlib's inflater.
vi.mock('../../electron/services/packages/xlsx-reader', async (importOriginal) => {
  const actual = await importOriginal<typeof reader>();
  return { ...actual, readWorkbook: vi.fn(actual.readWorkbook) };
});
vi.mock('node:zlib', async (importOriginal) => {
  const actual = await importOriginal<typeof zlib>();
  return { ...actual, inflateRawSync: vi.fn(actual.inflateRawSync) };
});

afterEach(() => {
  vi.mocked(reader.readWorkbook).mockClear();
  vi.mocked(zlib.inflateRawSync).mockClear();
});

const key = testKey('unit');
const valid = () => writePackage(sampleReport(key));

function refusal(bytes: Buffer, limits?: Limits): PackageError {
  // Building the file may have verified a package already (writePackage checks its own output).
  vi.mocked(reader.readWorkbook).mockClear();
  vi.mocked(zlib.inflateRawSync).mockClear();
  try {
    readPackage(bytes, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(PackageError);
    return err as PackageError;
  }
  throw new Error('the file was accepted, but it should have been refused');
}

function expectRefused(bytes: Buffer, code: PackageErrorCode, message?: string | RegExp, limits?: Limits): PackageError {
  const err = refusal(bytes, limits);
  expect(err.code).toBe(code);
  if (typeof message === 'string') expect(err.message).toContain(message);
  else if (message) expect(err.message).toMatch(message);
  return err;
}

describe('not a package at all', () => {
  it('an empty file', () => {
    expectRefused(fixture('not-a-package-empty-file.xlsx'), 'E_NOT_A_PACKAGE', '文件为空');
  });

  it('a PNG or a text file renamed .xlsx', () => {
    expectRefused(fixture('not-a-package-png-renamed.xlsx'), 'E_NOT_A_PACKAGE', '不是Excel数据包(xlsx)文件');
    expectRefused(fixture('not-a-package-text-renamed.xlsx'), 'E_NOT_A_PACKAGE', '不是Excel数据包(xlsx)文件');
    expect(reader.readWorkbook).not.toHaveBeenCalled();
  });

  it('a package saved again as .xls or .ods, or given a password: each named, with what to ask the sender', () => {
    // report-saved-as-xls.xls and -ods.ods: LibreOffice's "save as" of the signed fixture; the encrypted one:
    // officecrypto-tool 0.0.19 (MS-OFFCRYPTO agile encryption, as Excel and WPS write it), password 1234.
    const xls = expectRefused(fixture('report-saved-as-xls.xls'), 'E_NOT_A_PACKAGE', '这是旧版 Excel(.xls)或 WPS 表格(.et)格式的文件,不是数据包');
    expect(xls.message).toContain('请让发送方用本程序重新导出,直接发送导出的文件。');
    expectRefused(fixture('report-saved-as-ods.ods'), 'E_NOT_A_PACKAGE', '这是 OpenDocument 文件(.ods,LibreOffice 或 WPS 另存的格式),不是数据包');
    expectRefused(fixture('report-encrypted-with-password.xlsx'), 'E_NOT_A_PACKAGE', /^文件设置了打开密码\(已加密\),无法核对。请让发送方取消密码/);
    expect(reader.readWorkbook).not.toHaveBeenCalled();
  });

  it('a zip that is not a workbook; one of packages zipped up says to unzip it first', () => {
    const zip = writeZip([{ name: 'readme.txt', data: Buffer.from('hello') }]);
    expectRefused(zip, 'E_NOT_A_PACKAGE', '这是一个压缩文件(zip)或其他程序的文件,不是 Excel 数据包(.xlsx)');
    const zipped = writeZip([{ name: '郎溪县/汇总包-郎溪县-2019-06-第2版.xlsx', data: fixture('report-signed-by-test-unit-key.xlsx') }]);
    expectRefused(zipped, 'E_NOT_A_PACKAGE', '这是一个压缩文件(zip),里面有 1 个文件,本身不是数据包。请先解压');
    expect(reader.readWorkbook).not.toHaveBeenCalled();
  });

  it('an ordinary workbook without the signature sheet', () => {
    expectRefused(fixture('ordinary-workbook-without-signature-sheet.xlsx'), 'E_NOT_A_PACKAGE', '不是本系统生成的数据包,或签名页已被删除');
  });

  it('a package whose signature sheet was deleted', () => {
    expectRefused(fixture('report-signature-sheet-deleted.xlsx'), 'E_NOT_A_PACKAGE', '签名页已被删除');
  });

  it('a signature sheet without the marker', () => {
    const bytes = editWithSheetJS(valid(), (wb) => setCell(wb.Sheets[SIGNATURE_SHEET]!, 'A1', { t: 's', v: 'SOMETHING-ELSE' }));
    expectRefused(bytes, 'E_NOT_A_PACKAGE');
  });
});

describe('broken files', () => {
  it('a package cut short (first 60% of its bytes)', () => {
    expectRefused(fixture('report-truncated-first-60-percent.xlsx'), 'E_UNREADABLE', '文件已损坏或不完整');
    expect(reader.readWorkbook).not.toHaveBeenCalled();
  });

  it('a package with bytes appended after the end', () => {
    expectRefused(Buffer.concat([valid(), Buffer.from('junk')]), 'E_UNREADABLE', '文件已损坏或不完整');
  });

  it('an entry whose bytes do not match its checksum', () => {
    const entries = readZip(valid()).map(deflated);
    entries[0] = { ...entries[0]!, crc: (entries[0]!.crc + 1) >>> 0 };
    expectRefused(writeRawZip(entries), 'E_UNREADABLE', '校验和不符');
    expect(reader.readWorkbook).not.toHaveBeenCalled();
  });

  it('a part bearing the checksum and sizes of a part read before, with other bytes', () => {
    // The verifier reuses a part it has inflated before (InflatedParts): only when the stored bytes are the same.
    const entries = readZip(valid()).map(deflated);
    const i = entries.findIndex((e) => e.name === 'xl/styles.xml');
    const original = readZip(valid())[i]!.data.toString('utf8');
    const forged = original.replace(/<sz val="(\d)(\d)"\/>/, (_m, a: string, b: string) => `<sz val="${b}${a}"/>`);
    expect(forged).not.toBe(original);
    expect(forged.length).toBe(original.length);
    readPackage(valid()); // the original styles are now the ones read before
    entries[i] = { ...entries[i]!, stored: zlib.deflateRawSync(Buffer.from(forged, 'utf8')) };
    expectRefused(writeRawZip(entries), 'E_UNREADABLE', '校验和不符');
  });

  it('a refusal found in a part is found again in the same bytes (only clean readings are reused)', () => {
    const hostile = editZipText(valid(), 'xl/theme/theme1.xml', (x) => x.replace(/<a:dk1>.*?<\/a:dk1>/, '<a:dk1><a:scrgbClr r="0" g="0" b="0"/></a:dk1>'));
    const first = expectRefused(hostile, 'E_TAMPERED', /主题颜色dk1/);
    expect(readPackage(valid()).manifest.kind).toBe('report');
    expect(expectRefused(hostile, 'E_TAMPERED').message).toBe(first.message);
  });

  it('an entry that inflates to more than it declares', () => {
    const entries = readZip(valid()).map(deflated);
    const i = entries.findIndex((e) => e.name === 'xl/sharedStrings.xml');
    entries[i] = { ...entries[i]!, uncompressedSize: 100 };
    expectRefused(writeRawZip(entries), 'E_UNREADABLE', '文件已损坏或不完整');
    expect(reader.readWorkbook).not.toHaveBeenCalled();
  });

  it('ZIP64 markers', () => {
    const entries = readZip(valid()).map(deflated);
    entries[1] = { ...entries[1]!, uncompressedSize: 0xffffffff };
    expectRefused(writeRawZip(entries), 'E_UNREADABLE', 'ZIP64');
  });

  it('a workbook format version this program does not know', () => {
    const bytes = editWithSheetJS(valid(), (wb) => setCell(wb.Sheets[SIGNATURE_SHEET]!, 'A2', { t: 'n', v: 3 }));
    expectRefused(bytes, 'E_UNREADABLE', '请升级本程序');
  });

  it('format 1, written before packages named their recipient’s key: refused, asking the sender to upgrade and export again', () => {
    expectRefused(fixture('report-format-1-without-recipient-key.xlsx'), 'E_UNREADABLE', '请发送方把程序升级到新版后重新导出');
  });
});

describe('hostile files', () => {
  it('(the spies below do watch the reader: a good package is inflated and parsed once)', () => {
    // A part no earlier test has: parts read before are reused, not inflated again (InflatedParts).
    const bytes = editZipText(valid(), 'docProps/app.xml', (x) => x.replace('?>', '?><!-- a part not read before -->'));
    vi.mocked(reader.readWorkbook).mockClear();
    vi.mocked(zlib.inflateRawSync).mockClear();
    readPackage(bytes);
    expect(reader.readWorkbook).toHaveBeenCalledTimes(1);
    expect(zlib.inflateRawSync).toHaveBeenCalled();
  });

  it('a zip bomb (300 MiB of zeros in ~300 KB) is refused from its directory, never inflated', () => {
    const bomb = fixture('zip-bomb-300mib-of-zeros.xlsx');
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    expectRefused(bomb, 'E_TOO_LARGE', '解压后过大,疑似压缩炸弹');
    expect(reader.readWorkbook).not.toHaveBeenCalled();
    expect(zlib.inflateRawSync).not.toHaveBeenCalled();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a bomb small enough for the total limit is still caught by its ratio', () => {
    const limits = { ...DEFAULT_LIMITS, maxUncompressedBytes: 1024 * 1024 * 1024 };
    expectRefused(fixture('zip-bomb-300mib-of-zeros.xlsx'), 'E_TOO_LARGE', '疑似压缩炸弹', limits);
    expect(zlib.inflateRawSync).not.toHaveBeenCalled();
  });

  it('a sheet named __proto__', () => {
    expectRefused(fixture('sheet-named-proto.xlsx'), 'E_UNREADABLE', '工作表名「__proto__」不允许使用');
    expect(Object.prototype).not.toHaveProperty('!data');
  });

  it('a cell longer than 32767 characters', () => {
    expectRefused(fixture('report-cell-over-32767-chars.xlsx'), 'E_TOO_LARGE', '表「填报数据」I2 的文字过长(40000 字');
  });
});

describe('limits', () => {
  const bytes = valid();
  const limited = (over: Partial<Limits>): Limits => ({ ...DEFAULT_LIMITS, ...over });

  it('file size, checked before anything else', () => {
    expectRefused(bytes, 'E_TOO_LARGE', '文件过大', limited({ maxFileBytes: 1000 }));
    expect(reader.readWorkbook).not.toHaveBeenCalled();
  });

  it('number of zip entries', () => {
    expectRefused(bytes, 'E_TOO_LARGE', '压缩包内文件过多', limited({ maxZipEntries: 5 }));
  });

  it('total uncompressed size', () => {
    expectRefused(bytes, 'E_TOO_LARGE', '解压后过大', limited({ maxUncompressedBytes: 10_000 }));
    expect(zlib.inflateRawSync).not.toHaveBeenCalled();
  });

  it('rows per sheet', () => {
    // 封面 has 9 rows with content, the most of any sheet.
    expectRefused(bytes, 'E_TOO_LARGE', '表「封面」行数过多(上限 8 行)', limited({ maxRows: 8 }));
    expect(readPackage(bytes, limited({ maxRows: 9 })).manifest.unit).toBe('市人社局');
  });

  it('characters per cell', () => {
    expectRefused(bytes, 'E_TOO_LARGE', '文字过长', limited({ maxCellChars: 20 }));
  });

  it('number of sheets', () => {
    expectRefused(bytes, 'E_TOO_LARGE', '工作表过多', limited({ maxSheets: 2 }));
  });
});

describe('the signature sheet tampered with', () => {
  it('the manifest edited (periods changed)', () => {
    expectRefused(fixture('report-hidden-manifest-edited.xlsx'), 'E_BAD_SIGNATURE', '签名无效');
  });

  it('a content chunk edited (a value in the data changed)', () => {
    expectRefused(fixture('report-hidden-content-edited.xlsx'), 'E_TAMPERED', '签名页内容被改动');
  });

  it('signed by one key but naming another', () => {
    expectRefused(fixture('report-signed-by-other-key-claiming-unit-key.xlsx'), 'E_BAD_SIGNATURE', '签名无效');
  });

  it('validly signed, but claiming the fingerprint of a different key', () => {
    expectRefused(fixture('report-signer-fingerprint-not-of-signing-key.xlsx'), 'E_BAD_SIGNATURE', '密钥指纹');
  });

  it('a manifest that is not JSON, or not the right shape', () => {
    const notJson = editWithSheetJS(valid(), (wb) => setCell(wb.Sheets[SIGNATURE_SHEET]!, 'A3', { t: 's', v: '{"kind":' }));
    expectRefused(notJson, 'E_BAD_SIGNATURE', '清单无法解析');
    const wrongShape = editWithSheetJS(valid(), (wb) => {
      const ws = wb.Sheets[SIGNATURE_SHEET]!;
      const manifest = JSON.parse(String(ws['A3']!.v)) as Record<string, unknown>;
      manifest.revision = '1';
      setCell(ws, 'A3', { t: 's', v: canonicalJson(manifest) });
    });
    expectRefused(wrongShape, 'E_BAD_SIGNATURE', 'revision');
  });

  it('the signature removed', () => {
    const bytes = editWithSheetJS(valid(), (wb) => { delete wb.Sheets[SIGNATURE_SHEET]!['A4']; });
    expectRefused(bytes, 'E_BAD_SIGNATURE');
  });

  it('a content chunk removed or not JSON', () => {
    const removed = editWithSheetJS(valid(), (wb) => { delete wb.Sheets[SIGNATURE_SHEET]!['A5']; });
    expectRefused(removed, 'E_TAMPERED', '签名页内容被改动');
    const notJson = editWithSheetJS(valid(), (wb) => setCell(wb.Sheets[SIGNATURE_SHEET]!, 'A5', { t: 's', v: '{"sheets":[' }));
    expectRefused(notJson, 'E_TAMPERED', '内容数据无法解析');
  });
});

describe('never a crash', () => {
  it('damaged copies of a package (random bytes changed, or cut anywhere) give a PackageError or verify', () => {
    const sources = [fixture('report-signed-by-test-unit-key.xlsx'), fixture('report-resaved-by-libreoffice.xlsx')];
    let seed = 20190403;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const outcomes = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const source = sources[i % 2]!;
      let bytes = Buffer.from(source);
      if (i % 4 === 3) {
        bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
      } else {
        for (let k = 0; k <= i % 3; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      try {
        readPackage(bytes);
        outcomes.add('verified');
      } catch (err) {
        expect(err).toBeInstanceOf(PackageError);
        outcomes.add((err as PackageError).code);
      }
    }
    expect(outcomes).toContain('E_UNREADABLE');
  });
});
