/**
 * Regenerates tests/fixtures/packages/*.xlsx. Run after a change to the package format:
 *
 *   npx tsx tests/packages/make-fixtures.ts
 *
 * Needs LibreOffice (`soffice`, Debian package libreoffice-calc-nogui) for the re-saved fixtures,
 * exceljs (dev dependency) for the ExcelJS one and openpyxl for Debian's own Python
 * (`/usr/bin/python3`, package python3-openpyxl) for the openpyxl one, and Gnumeric's `ssconvert`
 * (package gnumeric, not needed by the tests themselves) for the Gnumeric one. Every file is signed with
 * the committed TEST-ONLY keys, never with a real one.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import { canonicalJson } from '../../shared/canonical';
import { fingerprint, sign } from '../../electron/services/keys/keys';
import { SIGNATURE_SHEET } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { resaveExcelLike } from './excel-like';
import { FIXTURES, editWithSheetJS, editZipText, resaveWithOpenpyxl, sampleReport, setCell, tempDir, testKey, writeRawZip } from './helpers';

const unitKey = testKey('unit');
const otherKey = testKey('other');
const work = tempDir();

function save(name: string, bytes: Buffer): void {
  writeFileSync(path.join(FIXTURES, name), bytes);
  console.log(`${name}  ${bytes.length} bytes`);
}

/** Open and save again with LibreOffice Calc ("Calc MS Excel 2007 XML", or as `to`: xls, ods), as a clerk would. */
function resaveWithLibreOffice(bytes: Buffer, stem: string, to: 'xlsx' | 'xls' | 'ods' = 'xlsx'): Buffer {
  const inDir = path.join(work, `lo-in-${stem}`);
  const outDir = path.join(work, `lo-out-${stem}`);
  mkdirSync(inDir, { recursive: true });
  const input = path.join(inDir, `${stem}.xlsx`);
  writeFileSync(input, bytes);
  execFileSync('soffice', [
    `-env:UserInstallation=file://${path.join(work, 'lo-profile')}`,
    '--headless', '--convert-to', to, '--outdir', outDir, input,
  ], { stdio: 'inherit' });
  return readFileSync(path.join(outDir, `${stem}.${to}`));
}

/** Open and save again with Gnumeric (`ssconvert`), which writes a `#REF!` print area for every sheet and cannot keep a sheet very hidden. */
function resaveWithGnumeric(bytes: Buffer): Buffer {
  const input = path.join(work, 'gnumeric-in.xlsx');
  const output = path.join(work, 'gnumeric-out.xlsx');
  writeFileSync(input, bytes);
  execFileSync('ssconvert', [input, output], { stdio: 'inherit' });
  return readFileSync(output);
}

function signatureSheet(wb: XLSX.WorkBook): XLSX.WorkSheet {
  const ws = wb.Sheets[SIGNATURE_SHEET];
  if (!ws) throw new Error('no signature sheet');
  return ws;
}

/** A zip with one entry that inflates to `mib` MiB of zeros, deflated chunk by chunk. */
async function zipBomb(mib: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024);
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise<void>((resolve, reject) => { deflate.on('end', resolve); deflate.on('error', reject); });
  let crc = 0;
  for (let i = 0; i < mib; i++) {
    crc = zlib.crc32(chunk, crc);
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  const contentTypes = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
  return writeRawZip([
    { name: '[Content_Types].xml', stored: contentTypes, method: 0, crc: zlib.crc32(contentTypes) >>> 0, uncompressedSize: contentTypes.length },
    { name: 'xl/worksheets/sheet1.xml', stored: Buffer.concat(parts), method: 8, crc: crc >>> 0, uncompressedSize: mib * 1024 * 1024 },
  ]);
}

async function main(): Promise<void> {
  const valid = writePackage(sampleReport(unitKey));
  save('report-signed-by-test-unit-key.xlsx', valid);

  // --- re-saved without changes: must verify
  save('report-resaved-by-libreoffice.xlsx', resaveWithLibreOffice(valid, 'report-resaved-by-libreoffice'));
  const ej = new ExcelJS.Workbook();
  await ej.xlsx.load(valid as unknown as ArrayBuffer);
  save('report-resaved-by-exceljs.xlsx', Buffer.from(await ej.xlsx.writeBuffer()));
  save('report-resaved-by-openpyxl.xlsx', resaveWithOpenpyxl(valid, work));
  save('report-resaved-excel-like.xlsx', resaveExcelLike(valid));
  // --- re-saved without changes by a program that shows the signature sheet: refused for that alone
  save('report-resaved-by-gnumeric.xlsx', resaveWithGnumeric(valid));
  // --- saved as another format: refused, saying which. report-encrypted-with-password.xlsx is not made here:
  // officecrypto-tool 0.0.19 (npm, not a dependency) encrypted report-signed-by-test-unit-key.xlsx with password 1234.
  save('report-saved-as-xls.xls', resaveWithLibreOffice(valid, 'report-saved-as-xls', 'xls'));
  save('report-saved-as-ods.ods', resaveWithLibreOffice(valid, 'report-saved-as-ods', 'ods'));

  // --- visible cells changed: E_TAMPERED naming the cells
  const e2Edited = editZipText(valid, 'xl/worksheets/sheet2.xml', (xml) => xml.replace('<c r="E2"><v>120</v></c>', '<c r="E2"><v>150</v></c>'));
  save('report-visible-cell-edited-and-resaved.xlsx', resaveWithLibreOffice(e2Edited, 'report-visible-cell-edited-and-resaved'));
  save('report-visible-cells-edited-by-sheetjs.xlsx', editWithSheetJS(valid, (wb) => {
    const ws = wb.Sheets['填报数据']!;
    setCell(ws, 'E2', { t: 'n', v: 150 });
    setCell(ws, 'I2', { t: 's', v: '已完成' });
  }));

  // --- not packages at all
  save('not-a-package-empty-file.xlsx', Buffer.alloc(0));
  save('not-a-package-png-renamed.xlsx', Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
  save('not-a-package-text-renamed.xlsx', Buffer.from('市人社局 2019年3月 填报情况(这是一个文本文件,不是数据包)\r\n', 'utf8'));
  const ordinary = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(ordinary, XLSX.utils.aoa_to_sheet([['序号', '任务', '累计完成'], [1, '开展技能脱贫培训', 120]]), '填报数据');
  save('ordinary-workbook-without-signature-sheet.xlsx', XLSX.write(ordinary, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
  save('report-signature-sheet-deleted.xlsx', editWithSheetJS(valid, (wb) => {
    delete wb.Sheets[SIGNATURE_SHEET];
    wb.SheetNames = wb.SheetNames.filter((n) => n !== SIGNATURE_SHEET);
    if (wb.Workbook?.Sheets) wb.Workbook.Sheets = wb.Workbook.Sheets.filter((s) => s.name !== SIGNATURE_SHEET);
  }));

  // --- broken or hostile files
  save('report-truncated-first-60-percent.xlsx', valid.subarray(0, Math.floor(valid.length * 0.6)));
  save('zip-bomb-300mib-of-zeros.xlsx', await zipBomb(300));
  save('sheet-named-proto.xlsx', editZipText(valid, 'xl/workbook.xml', (xml) => xml.replace('name="说明"', 'name="__proto__"')));
  save('report-cell-over-32767-chars.xlsx', editZipText(valid, 'xl/sharedStrings.xml', (xml) => xml.replace('<t>加快进度</t>', `<t>${'长'.repeat(40_000)}</t>`)));

  // --- the signature sheet tampered with
  save('report-hidden-manifest-edited.xlsx', editWithSheetJS(valid, (wb) => {
    const ws = signatureSheet(wb);
    const manifest = JSON.parse(String(ws['A3']!.v)) as Record<string, unknown>;
    manifest.periods = ['2019-04']; // re-use March's report as April's
    setCell(ws, 'A3', { t: 's', v: canonicalJson(manifest) });
  }));
  save('report-hidden-content-edited.xlsx', editWithSheetJS(valid, (wb) => {
    const ws = signatureSheet(wb);
    const chunk = String(ws['A5']!.v);
    if (!chunk.includes('"cumulative":120')) throw new Error('sample content changed: update the fixture edit');
    setCell(ws, 'A5', { t: 's', v: chunk.replace('"cumulative":120', '"cumulative":150') });
  }));

  // What the program wrote before packages named their recipient's key (format 1): a validly signed
  // manifest without `recipient`. Refused with a request to upgrade and export again.
  save('report-format-1-without-recipient-key.xlsx', editWithSheetJS(valid, (wb) => {
    const ws = signatureSheet(wb);
    const manifest = JSON.parse(String(ws['A3']!.v)) as Record<string, unknown>;
    delete manifest.recipient;
    manifest.format = 1;
    const json = canonicalJson(manifest);
    setCell(ws, 'A2', { t: 'n', v: 1 });
    setCell(ws, 'A3', { t: 's', v: json });
    setCell(ws, 'A4', { t: 's', v: sign(unitKey.privateKeyPem, json) });
  }));

  // Signed with another key, but the manifest names the unit's key: the signature cannot verify.
  save('report-signed-by-other-key-claiming-unit-key.xlsx', editWithSheetJS(writePackage(sampleReport(otherKey)), (wb) => {
    const ws = signatureSheet(wb);
    const manifest = JSON.parse(String(ws['A3']!.v)) as Record<string, unknown>;
    manifest.signerKey = unitKey.publicKey;
    manifest.signer = fingerprint(unitKey.publicKey);
    setCell(ws, 'A3', { t: 's', v: canonicalJson(manifest) });
  }));
  // Validly signed by another key, but claiming the unit key's fingerprint.
  save('report-signer-fingerprint-not-of-signing-key.xlsx', editWithSheetJS(writePackage(sampleReport(otherKey)), (wb) => {
    const ws = signatureSheet(wb);
    const manifest = JSON.parse(String(ws['A3']!.v)) as Record<string, unknown>;
    manifest.signer = fingerprint(unitKey.publicKey);
    const json = canonicalJson(manifest);
    setCell(ws, 'A3', { t: 's', v: json });
    setCell(ws, 'A4', { t: 's', v: sign(otherKey.privateKeyPem, json) });
  }));
}

await main();
