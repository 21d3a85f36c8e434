/**
 * An export never replaces a file already on the USB stick. Two units of one name under two offices (the city's
 * 市残联 and a county-level city's) give their 填报包 the same standard name; a clerk carrying both on one drive
 * must still have both. The second is written beside the first with -2, and each still imports.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { readPackage } from '../../electron/services/packages/package-format';
import { importFiles } from '../../electron/services/import/import';
import { createLoop, CANLIAN_JUNE } from '../helpers/loop';

describe('exporting next to a file of the same name', () => {
  it('writes the new package beside it (-2), leaves the one there untouched, and both import', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const usb = join(loop.dir, 'usb-shared');
    mkdirSync(usb);
    // Another office's 市残联 put its June package here first, under the name this one's next export takes.
    const other = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const standard = basename(other).replace('第1版', '第2版');
    copyFileSync(other, join(usb, standard));
    const before = readFileSync(join(usb, standard));

    const again = await exportReport(canlian, { period: '2019-06', outDir: usb });
    expect(again.fileName).toBe(standard.replace(/\.xlsx$/, '-2.xlsx'));
    expect(readFileSync(join(usb, standard)).equals(before)).toBe(true);
    expect(readPackage(readFileSync(again.file)).manifest.packageId).not.toBe(readPackage(before).manifest.packageId);

    // The same 任务包 made twice: two files, as the README says (never overwritten).
    const first = await exportAssignment(loop.office, { unit: '市民政局', outDir: usb });
    const second = await exportAssignment(loop.office, { unit: '市民政局', outDir: usb });
    expect(second.fileName).not.toBe(first.fileName);
    expect(readdirSync(usb).filter((f) => f.startsWith('任务包-市民政局'))).toHaveLength(2);

    const results = await importFiles(loop.office, [join(usb, standard), again.file], { acceptNewKeys: true, receivedOn: '2019-07-04' });
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
  });
});
