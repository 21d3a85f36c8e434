import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical';
import { fingerprint, generateKeyPair } from '../../electron/services/keys/keys';
import { CONTENT_CHUNK_CHARS, DEFAULT_LIMITS, PACKAGE_MARKER, SIGNATURE_SHEET, readPackage } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import type { SheetContent } from '../../electron/services/packages/package-format';
import type { WritePackageInput } from '../../electron/services/packages/package-writer';
import { SAMPLE_DATA, SAMPLE_MANIFEST, fixture, readZip, sampleReport, sampleSheets, tempDir, testKey } from './helpers';

const key = testKey('unit');

/** What a JSON round trip makes of a value (-0 → 0, undefined dropped): what the package carries. */
const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('writePackage → file → readPackage', () => {
  it('gives back the manifest, the content and the signer fingerprint', () => {
    const file = path.join(tempDir(), '市人社局-2019-03.xlsx');
    writeFileSync(file, writePackage(sampleReport(key)));
    const pkg = readPackage(readFileSync(file));

    expect(pkg.fingerprint).toBe(fingerprint(key.publicKey));
    expect(pkg.manifest).toEqual({
      format: 2,
      ...SAMPLE_MANIFEST,
      periods: [...SAMPLE_MANIFEST.periods],
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      signer: fingerprint(key.publicKey),
      signerKey: key.publicKey,
    });
    expect(pkg.content.sheets).toEqual(asJson(sampleSheets(key)));
    expect(pkg.content.data).toEqual(asJson(SAMPLE_DATA));
  });

  it('is stable: the committed package still verifies and carries the same content', () => {
    const committed = readPackage(fixture('report-signed-by-test-unit-key.xlsx'));
    const fresh = readPackage(writePackage(sampleReport(key)));
    expect(committed.manifest).toEqual(fresh.manifest);
    expect(committed.content).toEqual(fresh.content);
  });

  it('accepts a Uint8Array as well as a Buffer', () => {
    const bytes = writePackage(sampleReport(key));
    const copy = new Uint8Array(bytes.length + 8).subarray(4, 4 + bytes.length);
    copy.set(bytes);
    expect(readPackage(copy).fingerprint).toBe(fingerprint(key.publicKey));
  });

  it('works with a freshly generated key', () => {
    const pair = generateKeyPair();
    const pkg = readPackage(writePackage(sampleReport(pair)));
    expect(pkg.fingerprint).toBe(fingerprint(pair.publicKey));
  });

  it('lays the workbook out as documented: visible sheets, then a very hidden signature sheet', () => {
    const wb = XLSX.read(writePackage(sampleReport(key)), { type: 'buffer', cellStyles: true });
    expect(wb.SheetNames).toEqual(['封面', '填报数据', '说明', SIGNATURE_SHEET]);
    expect(wb.Workbook?.Sheets?.map((s) => s.Hidden ?? 0)).toEqual([0, 0, 0, 2]);
    const sig = wb.Sheets[SIGNATURE_SHEET]!;
    expect(sig['A1']).toMatchObject({ t: 's', v: PACKAGE_MARKER });
    expect(sig['A2']).toMatchObject({ t: 'n', v: 2 });
    const manifest = JSON.parse(String(sig['A3']!.v)) as Record<string, unknown>;
    expect(manifest.signer).toBe(fingerprint(key.publicKey));
    expect(Buffer.from(String(sig['A4']!.v), 'base64')).toHaveLength(64);
    const content = JSON.parse(String(sig['A5']!.v)) as unknown;
    expect(canonicalJson(content)).toBe(canonicalJson({ sheets: asJson(sampleSheets(key)), data: SAMPLE_DATA }));
    expect(wb.Sheets['封面']!['!cols']?.map((c) => c.wch)).toEqual([14, 44]);
  });

  it('cuts large content into cells of at most 30000 characters without splitting a character', () => {
    for (const prefix of ['', 'x']) {
      // Astral characters are two UTF-16 units: one of the two prefixes puts a pair across a cut.
      const data = { text: prefix + '𠀀'.repeat(45_000) };
      const bytes = writePackage({ ...sampleReport(key), data });
      expect(readPackage(bytes).content.data).toEqual(data);
      const sig = XLSX.read(bytes, { type: 'buffer', dense: true }).Sheets[SIGNATURE_SHEET]!;
      const chunks = (sig['!data'] as XLSX.CellObject[][]).slice(4).map((row) => String(row[0]!.v));
      expect(chunks.length).toBeGreaterThan(2);
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(CONTENT_CHUNK_CHARS);
        expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      }
    }
  });
});

describe('formula injection', () => {
  const risky = ['=1+1', '+86 139', '-5', '@SUM(A1)', '=HYPERLINK("http://x","y")', '\t=1+1'];

  it('writes text that looks like a formula as plain text, and reads it back unchanged', () => {
    const sheets: SheetContent[] = [{ name: '封面', rows: [risky] }];
    const bytes = writePackage({ ...sampleReport(key), sheets });

    const wb = XLSX.read(bytes, { type: 'buffer', cellFormula: true, dense: true });
    const row = (wb.Sheets['封面']!['!data'] as XLSX.CellObject[][])[0]!;
    risky.forEach((text, c) => {
      expect(row[c]!.f).toBeUndefined();
      expect(row[c]!.t).toBe('s');
      expect(row[c]!.v).toBe(text);
    });
    expect(readPackage(bytes).content.sheets[0]!.rows[0]).toEqual(risky);
  });

  it('never writes a formula element into the sheet XML', () => {
    const bytes = writePackage({ ...sampleReport(key), sheets: [{ name: '封面', rows: [risky] }] });
    const xml = readZip(bytes)
      .filter((e) => e.name.startsWith('xl/worksheets/'))
      .map((e) => e.data.toString('utf8'))
      .join('');
    expect(xml).toContain('<sheetData>');
    expect(xml).not.toMatch(/<f[ >]/);
  });
});

describe('writePackage refuses what could not be read back', () => {
  const base: WritePackageInput = sampleReport(key);
  const withSheets = (sheets: SheetContent[]): WritePackageInput => ({ ...base, sheets });
  const refused = (input: WritePackageInput, message?: RegExp) => {
    let error: unknown;
    try {
      writePackage(input);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'E_VALIDATION' });
    if (message) expect((error as Error).message).toMatch(message);
  };

  it('bad or duplicate sheet names', () => {
    refused(withSheets([{ name: '填报[3月]', rows: [] }]), /不能含有/);
    refused(withSheets([{ name: 'Data', rows: [] }, { name: 'data', rows: [] }]), /重复/);
    refused(withSheets([{ name: SIGNATURE_SHEET, rows: [] }]), /保留/);
    refused(withSheets([{ name: '__proto__', rows: [] }]), /保留/);
    refused(withSheets([{ name: 'x'.repeat(32), rows: [] }]));
    refused(withSheets([]));
  });

  it('cells Excel cannot hold', () => {
    refused(withSheets([{ name: '封面', rows: [[Number.NaN]] }]));
    refused(withSheets([{ name: '封面', rows: [['x'.repeat(32_768)]] }]));
    refused(withSheets([{ name: '封面', rows: [['a\ud800b']] }]), /无法保存/);
    refused(withSheets([{ name: '封面', rows: [['\uFFFE']] }]), /无法保存/);
  });

  it('too many rows or sheets for the default limits', () => {
    refused(withSheets([{ name: '封面', rows: Array.from({ length: DEFAULT_LIMITS.maxRows + 1 }, () => [1]) }]));
    refused(withSheets(Array.from({ length: DEFAULT_LIMITS.maxSheets + 1 }, (_, i) => ({ name: `表${i}`, rows: [] }))));
  });

  it('a manifest out of shape', () => {
    refused({ ...base, manifest: { ...base.manifest, periods: ['2019-13'] } }, /periods/);
    refused({ ...base, manifest: { ...base.manifest, createdAt: '2019年4月3日' } }, /createdAt/);
    refused({ ...base, manifest: { ...base.manifest, unit: '' } });
    refused({ ...base, manifest: { ...base.manifest, extra: 1 } as WritePackageInput['manifest'] });
  });

  it('data that has no canonical JSON', () => {
    refused({ ...base, data: undefined });
    refused({ ...base, data: { when: new Date(0) } });
    refused({ ...base, data: { n: Number.POSITIVE_INFINITY } });
  });
});
