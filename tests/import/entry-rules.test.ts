/**
 * The office applies the entry rules that hold whatever its plan version and earlier data (a negative
 * count, funds spent over funds available, a figure over 3× its target without a word of why): a unit's
 * program refuses to export them, so a signed package carrying them comes from an older or altered
 * program, and it must not show as a green light in the summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
import { loadKey } from '../../electron/services/keys/keys';
import { readPackage } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import type { ReportData } from '../../electron/services/packages/package-data';
import { CANLIAN_JUNE, createLoop, snapshotData } from '../helpers/loop';

const firstValue = (d: ReportData) => d.reports.find((r) => r.values.length > 0)!.values[0]!;

describe('a signed report whose figures break the entry rules', () => {
  it.each([
    ['a negative count', (d: ReportData) => { firstValue(d).value = -5; }, /不能为负数/],
    ['1.7e308, however explained (two such summed are no number)', (d: ReportData) => { Object.assign(firstValue(d), { value: 1.7e308, note: '确实如此' }); }, /过大\(超过一千万亿\)/],
    ['a billion, without a word of why', (d: ReportData) => { Object.assign(firstValue(d), { value: 1e9, note: '' }); }, /超过目标.*的3倍/],
    ['funds spent over funds available', (d: ReportData) => { Object.assign(d.reports[0]!, { fundsAvailable: 10, fundsSpent: 20, fundsPlanned: 30 }); }, /「支出资金」20万元大于「到位资金」10万元/],
  ])('%s is refused (E_VALIDATION), naming the rule; nothing changes', async (_name, change, why) => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const good = readPackage(readFileSync(await loop.report(canlian, '2019-06', CANLIAN_JUNE)));
    const data = structuredClone(good.content.data) as ReportData;
    change(data);
    const file = join(loop.dir, 'report-figures-the-unit-could-not-export.xlsx');
    // Without the 填报数据 sheet, which would show the figures the payload no longer has (refused as E_TAMPERED).
    writeFileSync(file, writePackage({ manifest: good.manifest, sheets: good.content.sheets.filter((s) => s.name !== '填报数据'), data, key: loadKey(canlian.file) }));
    const before = await snapshotData(loop.office.db);
    for (const dryRun of [true, false]) {
      const [r] = await importFiles(loop.office, [file], { acceptNewKeys: true, dryRun });
      expect(r).toMatchObject({ status: 'rejected', code: 'E_VALIDATION' });
      expect(r!.message).toMatch(why);
      expect(r!.message).toContain('旧版或被改动过的程序');
    }
    expect(await snapshotData(loop.office.db)).toBe(before);
  });
});

describe('the received date of a batch', () => {
  it('a date after today (a mistyped year) is refused before anything is read or written', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const file = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const before = await snapshotData(loop.office.db);
    await expect(importFiles(loop.office, [file], { acceptNewKeys: true, receivedOn: '2999-07-04' }))
      .rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('收到日期 2999-07-04 晚于今天') });
    expect(await snapshotData(loop.office.db)).toBe(before);
  });
});

describe('a signed report that contradicts itself', () => {
  it('names what disagrees (unit, period) instead of calling a unit or period of the plan unknown', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const good = readPackage(readFileSync(await loop.report(canlian, '2019-06', CANLIAN_JUNE)));
    const key = loadKey(canlian.file);
    const cases: [string, Parameters<typeof writePackage>[0], RegExp][] = [
      ['unit', { manifest: good.manifest, sheets: good.content.sheets, data: { ...(good.content.data as object), unit: '市总工会' }, key }, /单位名称前后不一致.*填报内容写「市总工会」/],
      ['period', { manifest: good.manifest, sheets: good.content.sheets, data: { ...(good.content.data as object), period: '2019-07' }, key }, /报送期前后不一致\(签名清单写 2019-06,填报内容写 2019-07\)/],
      ['periods', { manifest: { ...good.manifest, periods: [] }, sheets: good.content.sheets, data: good.content.data, key }, /写明了 0 个报送期/],
    ];
    for (const [name, pkg, why] of cases) {
      const file = join(loop.dir, `report-contradicting-its-${name}.xlsx`);
      writeFileSync(file, writePackage(pkg));
      const [r] = await importFiles(loop.office, [file], { acceptNewKeys: true });
      expect(r, name).toMatchObject({ status: 'rejected' });
      expect(r!.message, name).toMatch(why);
      expect(r!.message, name).not.toContain('本计划中没有');
    }
  });
});
