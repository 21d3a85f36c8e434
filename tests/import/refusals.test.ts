import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import type { PlanDef } from '../../shared/domain';
import { acceptKeyFromFile, GROUP_MS, importFiles } from '../../electron/services/import/import';
import { loadKey } from '../../electron/services/keys/keys';
import { openLedger } from '../../electron/services/context';
import { fixedClock } from '../helpers/ledger';
import { readPackage } from '../../electron/services/packages/package-format';
import { readPackageFile } from '../../electron/services/packages/package-data';
import { writePackage } from '../../electron/services/packages/package-writer';
import { lockPeriod } from '../../electron/services/entry/periods';
import { PLAN_2019 } from '../../seeds/plan2019';
import { CANLIAN_JUNE, createLoop, juneAfterMay, snapshotData, type Loop } from '../helpers/loop';
import { writeZip } from '../packages/helpers';

const FIXTURES = new URL('../fixtures/packages/', import.meta.url).pathname;

/** A loop in which 市残联's key is already pinned at the office (its June revision 1 merged). */
async function pinnedLoop(): Promise<Loop & { good: string; canlian: Awaited<ReturnType<Loop['unit']>> }> {
  const loop = await createLoop();
  const canlian = await loop.unit('市残联');
  const first = await loop.report(canlian, '2019-05', CANLIAN_JUNE);
  const [r] = await importFiles(loop.office, [first], { acceptNewKeys: true });
  expect(r!.status).toBe('accepted');
  const good = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
  return Object.assign(loop, { good, canlian });
}

/** Edits cells of a real package the way a person would in a spreadsheet program, and saves it. */
function editCells(src: string, dest: string, edits: Record<string, string | number>, sheet = '填报数据'): string {
  const wb = XLSX.read(readFileSync(src), { type: 'buffer' });
  const ws = wb.Sheets[sheet]!;
  for (const [ref, v] of Object.entries(edits)) ws[ref] = typeof v === 'number' ? { t: 'n', v } : { t: 's', v };
  writeFileSync(dest, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }));
  return dest;
}

/** 市残联's June figure for task 24's second indicator at the office, and the revision it came in. */
async function task24Value(loop: Loop): Promise<{ revision: number; value: number | null }> {
  return loop.office.db.selectFrom('reports as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id').innerJoin('periods as p', 'p.id', 'r.period_id').innerJoin('tasks as t', 't.id', 'r.task_id')
    .innerJoin('report_values as v', 'v.report_id', 'r.id').innerJoin('indicators as i', 'i.id', 'v.indicator_id')
    .select(['r.revision', 'v.value']).where('u.name', '=', '市残联').where('p.period', '=', '2019-06').where('t.no', '=', 24).where('i.no', '=', 2)
    .executeTakeFirstOrThrow();
}

async function expectRefused(loop: Loop, file: string, code: string, opts: { acceptNewKeys?: boolean } = {}) {
  const before = await snapshotData(loop.office.db);
  const [r] = await importFiles(loop.office, [file], opts);
  expect(r, file).toMatchObject({ status: 'rejected', code });
  expect(r!.message).toContain(file.split('/').pop()!);
  expect(await snapshotData(loop.office.db)).toBe(before);
  return r!;
}

describe('refusals at the summary office: a stable code, the file named, the data unchanged', () => {
  it('E_TAMPERED: a visible value edited and re-saved, reported cell by cell', async () => {
    const loop = await pinnedLoop();
    const wb = XLSX.read(readFileSync(loop.good), { type: 'buffer' });
    const ws = wb.Sheets['填报数据']!;
    const valueCell = Object.keys(ws).find((k) => ws[k]?.v === 214)!;
    const file = editCells(loop.good, join(loop.dir, 'report-visible-value-edited.xlsx'), { [valueCell]: 400 });
    const r = await expectRefused(loop, file, 'E_TAMPERED');
    expect(r.message).toContain(`填报数据`);
    expect(r.message).toContain(valueCell);
    expect(r.message).toMatch(/214/);
    expect(r.message).toMatch(/400/);
    expect(r.cells).toEqual([{ sheet: '填报数据', cell: valueCell, signed: 214, found: 400 }]);
  });

  it('E_TAMPERED: a signed value turned into a formula keeping it as the cached value, the cell and what is wrong in the result', async () => {
    const loop = await pinnedLoop();
    const wb = XLSX.read(readFileSync(loop.good), { type: 'buffer' });
    const ws = wb.Sheets['填报数据']!;
    const valueCell = Object.keys(ws).find((k) => ws[k]?.v === 214)!;
    ws[valueCell] = { t: 'n', v: 214, f: '2*107' };
    const file = join(loop.dir, 'report-value-behind-a-formula.xlsx');
    writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }));
    const r = await expectRefused(loop, file, 'E_TAMPERED');
    expect(r.message).toContain(`表「填报数据」${valueCell}(原值 214)含有公式`);
    expect(r.cells).toEqual([{ sheet: '填报数据', cell: valueCell, signed: 214, found: 214, problem: '含有公式' }]);
  });

  it('re-saved without changes by another program: accepted', async () => {
    const loop = await pinnedLoop();
    const wb = XLSX.read(readFileSync(loop.good), { type: 'buffer' });
    const file = join(loop.dir, 'report-resaved-unchanged.xlsx');
    writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }));
    const [r] = await importFiles(loop.office, [file]);
    expect(r).toMatchObject({ status: 'accepted', revision: 1, period: '2019-06' });
  });

  it('E_BAD_SIGNATURE: the hidden manifest edited', async () => {
    const loop = await pinnedLoop();
    const wb = XLSX.read(readFileSync(loop.good), { type: 'buffer' });
    const sig = wb.Sheets['_ledger_signature']!;
    sig['A3'] = { t: 's', v: String(sig['A3']!.v).replace('"revision":1', '"revision":9') };
    const file = join(loop.dir, 'report-manifest-revision-forged.xlsx');
    writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }));
    await expectRefused(loop, file, 'E_BAD_SIGNATURE');
  });

  it('E_KEY_MISMATCH: the same unit name from another computer’s key', async () => {
    const loop = await pinnedLoop();
    const impostor = await loop.unit('市残联', { dbName: 'impostor.db' });
    const file = await loop.report(impostor, '2019-07', [...CANLIAN_JUNE, { task: 24, problems: '资金到位慢', nextSteps: '加快发放' }]);
    const r = await expectRefused(loop, file, 'E_KEY_MISMATCH', { acceptNewKeys: true });
    expect(r.message).toContain('密钥与本机登记的不一致');
  });

  it('E_UNKNOWN_KEY: a unit’s first package without acceptance', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const file = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const r = await expectRefused(loop, file, 'E_UNKNOWN_KEY');
    expect(r.fingerprint).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
    expect(r.unit).toBe('市残联');
  });

  it('E_STALE_REVISION: an older revision after a newer one', async () => {
    const loop = await pinnedLoop();
    const rev1 = join(loop.dir, 'report-revision-1-kept-back.xlsx');
    copyFileSync(loop.good, rev1);
    const rev2 = await loop.report(loop.canlian, '2019-06', [{ task: 24, indicator: 2, value: 220 }]);
    expect((await importFiles(loop.office, [rev2]))[0]!.status).toBe('accepted');
    // Made no later than the newest: plainly older, nothing said of backups.
    expect((await expectRefused(loop, rev1, 'E_STALE_REVISION')).message).not.toContain('备份');
  });

  it('a unit that reinstalled (its new key accepted at the office) starts again at 第1版, and it replaces the old key\'s 第2版', async () => {
    const loop = await pinnedLoop();
    const [june1] = await importFiles(loop.office, [loop.good]);
    expect(june1).toMatchObject({ status: 'accepted', revision: 1 });
    const rev2 = await loop.report(loop.canlian, '2019-06', [{ task: 24, indicator: 2, value: 220 }]);
    expect((await importFiles(loop.office, [rev2]))[0]).toMatchObject({ status: 'accepted', revision: 2 });

    const reinstalled = await loop.unit('市残联', { dbName: 'canlian-reinstalled.db' });
    const again = await loop.report(reinstalled, '2019-06', [...CANLIAN_JUNE, { task: 24, indicator: 2, value: 230 }]);
    await acceptKeyFromFile(loop.office, again);
    const [r] = await importFiles(loop.office, [again]);
    expect(r).toMatchObject({ status: 'accepted', revision: 1 });
    expect(await task24Value(loop)).toEqual({ revision: 1, value: 230 });
    // The new key's own numbering still holds: its 第1版 again is a duplicate, a later one replaces it.
    expect((await importFiles(loop.office, [again]))[0]!.status).toBe('duplicate');
    const next = await loop.report(reinstalled, '2019-06', [{ task: 24, indicator: 2, value: 240 }]);
    expect((await importFiles(loop.office, [next]))[0]).toMatchObject({ status: 'accepted', revision: 2 });
    expect(await task24Value(loop)).toEqual({ revision: 2, value: 240 });
    // And the old computer's packages no longer count, whatever their number.
    const oldKey = await loop.report(loop.canlian, '2019-06', [{ task: 24, indicator: 2, value: 999 }]);
    await expectRefused(loop, oldKey, 'E_KEY_MISMATCH');
  });

  it('E_STALE_REVISION after the unit restored a backup: made later than the newest imported, so the message says to export again', async () => {
    const loop = await pinnedLoop();
    expect((await importFiles(loop.office, [loop.good]))[0]!.status).toBe('accepted');
    // The unit keeps a copy of its ledger (a backup) after 第1版, exports 第2版 (imported), then goes back to the copy.
    const backup = join(loop.dir, 'canlian-backup.db');
    await loop.canlian.close();
    copyFileSync(loop.canlian.file, backup);
    copyFileSync(`${loop.canlian.file}.key`, `${backup}.key`);
    const canlian = await openLedger(loop.canlian.file, { now: fixedClock('2019-07-02T15:00:00'), actor: '市残联' });
    const rev2 = await loop.report(canlian, '2019-06', [{ task: 24, indicator: 2, value: 220 }]);
    expect((await importFiles(loop.office, [rev2]))[0]).toMatchObject({ status: 'accepted', revision: 2 });
    await canlian.close();
    const restored = await openLedger(backup, { now: fixedClock('2019-07-03T09:00:00'), actor: '市残联' });
    const again = await loop.report(restored, '2019-06', [{ task: 24, indicator: 2, value: 225 }]);
    await restored.close();
    const r = await expectRefused(loop, again, 'E_STALE_REVISION');
    expect(r.message).toContain('已导入第2版,这个文件是第2版,较旧,未导入。这个文件比已导入的第2版生成得晚,对方可能从备份恢复过数据');
  });

  it('E_PERIOD_LOCKED: a package for a closed period', async () => {
    const loop = await pinnedLoop();
    await lockPeriod(loop.office, '2019-06');
    await expectRefused(loop, loop.good, 'E_PERIOD_LOCKED');
  });

  it('E_PERIOD_LOCKED: a period closed by another clerk while a batch imports refuses the packages merged after it', async () => {
    const { loop, june } = await juneAfterMay(['市人社局', '市残联', '市教体局']);
    // The second file is slow to verify, so the first transaction is committed after it; the period is
    // closed before the third file is merged, as a clerk at another computer would between two transactions.
    let closePeriod!: () => void;
    const closed = new Promise<unknown>((resolve, reject) => {
      closePeriod = () => { lockPeriod(loop.office, '2019-06').then(resolve, reject); };
    });
    const read = async (file: string) => {
      if (file === june[1]) await new Promise((r) => setTimeout(r, 2 * GROUP_MS));
      if (file === june[2]) await closed;
      return readPackageFile(file);
    };
    let asked = false;
    const results = await importFiles(loop.office, june, {
      read,
      onProgress: (p) => {
        if (p.done === 2 && !asked) {
          asked = true;
          closePeriod();
        }
      },
    });
    expect(results.map((r) => [r.status, r.code ?? null])).toEqual([['accepted', null], ['accepted', null], ['rejected', 'E_PERIOD_LOCKED']]);
  });

  it('E_WRONG_RECIPIENT: a package addressed to another summary office, or an assignment package', async () => {
    const loop = await createLoop();
    const county = await loop.otherOffice({ name: 'county.db', officeName: '郎溪县民生办' });
    const unit = await loop.unit('市残联', { office: county });
    const file = await loop.report(unit, '2019-06', CANLIAN_JUNE);
    await expectRefused(loop, file, 'E_WRONG_RECIPIENT', { acceptNewKeys: true });
    const { exportAssignment } = await import('../../electron/services/packages/packages');
    const a = await exportAssignment(loop.office, { unit: '市残联', outDir: loop.dir });
    await expectRefused(loop, a.file, 'E_WRONG_RECIPIENT', { acceptNewKeys: true });
  });

  it('E_WRONG_PLAN: a package of another plan', async () => {
    const loop = await createLoop();
    const other: PlanDef = { ...PLAN_2019, id: 'xuancheng-2020', year: 2020, title: '2020年全市民生工作要点' };
    const office2020 = await loop.otherOffice({ name: 'office2020.db', plan: other, sameKey: true });
    const unit = await loop.unit('市残联', { office: office2020, clock: '2020-07-02T15:00:00' });
    const file = await loop.report(unit, '2020-06', CANLIAN_JUNE);
    await expectRefused(loop, file, 'E_WRONG_PLAN', { acceptNewKeys: true });
  });

  it('E_WRONG_PLAN: a package signed with the unit’s own key but without one of its lead tasks', async () => {
    const loop = await pinnedLoop();
    const good = readPackage(readFileSync(loop.good));
    const data = good.content.data as { reports: { task: number }[] };
    expect(data.reports.map((r) => r.task)).toEqual([23, 24]); // 24 led by 市残联, 23 cooperated on
    const file = join(loop.dir, 'report-signed-without-lead-task-24.xlsx');
    writeFileSync(file, writePackage({
      manifest: good.manifest, // its cover names its id and revision: kept as they are (the real one is not imported)
      // Its 填报数据 sheet left out too: it would show task 24, which the payload no longer has (E_TAMPERED).
      sheets: good.content.sheets.filter((s) => s.name !== '填报数据'), data: { ...data, reports: data.reports.filter((r) => r.task !== 24) }, key: loadKey(loop.canlian.file),
    }));
    const r = await expectRefused(loop, file, 'E_WRONG_PLAN');
    expect(r.message).toContain('填报包缺少本单位牵头的任务24');
  });

  it('a unit still on an older plan revision: merged, and the office is told to send the latest assignment', async () => {
    const loop = await pinnedLoop();
    // The office has since issued revision 2 of the plan; 市残联 has not imported it yet.
    await loop.office.db.updateTable('plans').set({ revision: 2 }).execute();
    const [r] = await importFiles(loop.office, [loop.good]);
    expect(r).toMatchObject({ status: 'accepted' });
    expect(r!.message).toContain('注意:该单位的工作计划是第1版,本机是第2版,请提醒该单位导入最新的任务包');
  });

  it('E_UNKNOWN_UNIT: a unit the office’s plan does not have', async () => {
    const loop = await createLoop();
    const extra: PlanDef = {
      ...PLAN_2019,
      units: [...PLAN_2019.units, { name: '市气象局', aliases: [], kind: 'unit' }],
      categories: PLAN_2019.categories.map((c) => c.no !== '九' ? c : {
        ...c, tasks: [...c.tasks, { no: 55, title: '气象为农服务', text: '气象为农服务。', leadUnits: ['市气象局'], coUnits: [], coUnitsOpenEnded: false, leader: null, subordinates: null, indicators: [] }],
      }),
    };
    // The same office (same key) set up again on a plan with one more unit: only then can a report
    // for this office name a unit its plan lacks.
    const other = await loop.otherOffice({ name: 'other.db', plan: extra, sameKey: true });
    const unit = await loop.unit('市气象局', { office: other });
    const file = await loop.report(unit, '2019-06', [{ task: 55, status: '推进中', progress: '开展气象服务' }]);
    await expectRefused(loop, file, 'E_UNKNOWN_UNIT', { acceptNewKeys: true });
  });

  it('broken files: empty, not Excel, truncated, zip bomb, ordinary workbook', async () => {
    const loop = await pinnedLoop();
    const truncated = join(loop.dir, 'report-truncated-at-half.xlsx');
    const bytes = readFileSync(loop.good);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectRefused(loop, truncated, 'E_UNREADABLE');
    await expectRefused(loop, join(FIXTURES, 'not-a-package-empty-file.xlsx'), 'E_NOT_A_PACKAGE');
    await expectRefused(loop, join(FIXTURES, 'not-a-package-text-renamed.xlsx'), 'E_NOT_A_PACKAGE');
    await expectRefused(loop, join(FIXTURES, 'not-a-package-png-renamed.xlsx'), 'E_NOT_A_PACKAGE');
    await expectRefused(loop, join(FIXTURES, 'zip-bomb-300mib-of-zeros.xlsx'), 'E_TOO_LARGE');
    await expectRefused(loop, join(FIXTURES, 'ordinary-workbook-without-signature-sheet.xlsx'), 'E_NOT_A_PACKAGE');
  });

  it('a folder: a report saved again as .xls or .ods is listed and refused saying so, never passed over; other files are left alone', async () => {
    const loop = await pinnedLoop();
    copyFileSync(join(FIXTURES, 'report-saved-as-xls.xls'), join(loop.usb, '市残联6月.xls'));
    copyFileSync(join(FIXTURES, 'report-saved-as-ods.ods'), join(loop.usb, '市残联6月.ods'));
    copyFileSync(join(FIXTURES, 'report-encrypted-with-password.xlsx'), join(loop.usb, '市残联6月(加密).xlsx'));
    writeFileSync(join(loop.usb, '说明.txt'), '6月报表');
    writeFileSync(join(loop.usb, '~$市残联6月.xlsx'), 'Office 的锁文件');
    const before = await snapshotData(loop.office.db);
    const results = await importFiles(loop.office, [loop.usb], { dryRun: true });
    const byFile = Object.fromEntries(results.map((r) => [r.file, r]));
    expect(Object.keys(byFile).sort()).toEqual(['填报包-市残联-2019-05-第1版.xlsx', '填报包-市残联-2019-06-第1版.xlsx', '市残联6月(加密).xlsx', '市残联6月.ods', '市残联6月.xls'].sort());
    expect(byFile['市残联6月.xls']).toMatchObject({ status: 'rejected', code: 'E_NOT_A_PACKAGE' });
    expect(byFile['市残联6月.xls']!.message).toBe('文件「市残联6月.xls」将被拒收:这是旧版 Excel(.xls)或 WPS 表格(.et)格式的文件,不是数据包:数据包是本程序导出的 .xlsx 文件,可能被打开后另存为了其他格式。请让发送方用本程序重新导出,直接发送导出的文件。');
    expect(byFile['市残联6月.ods']!.message).toContain('这是 OpenDocument 文件(.ods');
    expect(byFile['市残联6月(加密).xlsx']!.message).toContain('文件设置了打开密码(已加密)');
    expect(byFile['填报包-市残联-2019-06-第1版.xlsx']!.status).toBe('accepted');
    expect(await snapshotData(loop.office.db)).toBe(before);
  });

  it('a folder with a folder per unit: those are read too; a zip is listed; a folder with nothing in it is refused, not 0 files done', async () => {
    const loop = await pinnedLoop();
    const drive = join(loop.dir, 'drive');
    // One folder per unit, as clerks keep them, one of them a level deeper (May is in already: a duplicate); a package
    // zipped up; the recycle bin, not read.
    mkdirSync(join(drive, '市残联', '6月'), { recursive: true });
    mkdirSync(join(drive, '$RECYCLE.BIN'));
    const [may, june] = readdirSync(loop.usb).filter((f) => f.endsWith('.xlsx')).sort();
    copyFileSync(join(loop.usb, may!), join(drive, '市残联', may!));
    copyFileSync(join(loop.usb, june!), join(drive, '市残联', '6月', june!));
    copyFileSync(join(loop.usb, june!), join(drive, '$RECYCLE.BIN', june!));
    writeFileSync(join(drive, '市残联6月.zip'), writeZip([{ name: june!, data: readFileSync(join(loop.usb, june!)) }]));
    const results = await importFiles(loop.office, [drive], { acceptNewKeys: true, receivedOn: '2019-07-04' });
    expect(results.map((r) => [r.file, r.status])).toEqual([['市残联6月.zip', 'rejected'], [may, 'duplicate'], [june, 'accepted']]);
    expect(results[0]!.message).toContain('这是一个压缩文件(zip),里面有 1 个文件,本身不是数据包。请先解压');

    const empty = join(loop.dir, 'empty');
    mkdirSync(join(empty, '郎溪县'), { recursive: true });
    writeFileSync(join(empty, '说明.txt'), '6月报表');
    await expect(importFiles(loop.office, [empty], {})).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining('所选文件夹「empty」(含其中三层以内的子文件夹)里没有找到数据包') });
  });

  it('one bad file never stops the rest of a batch', async () => {
    const loop = await pinnedLoop();
    copyFileSync(join(FIXTURES, 'zip-bomb-300mib-of-zeros.xlsx'), join(loop.usb, '0-zip-bomb.xlsx'));
    copyFileSync(join(FIXTURES, 'not-a-package-text-renamed.xlsx'), join(loop.usb, '1-text.xlsx'));
    const results = await importFiles(loop.office, [loop.usb]);
    const byFile = Object.fromEntries(results.map((r) => [r.file, r.status]));
    expect(byFile['0-zip-bomb.xlsx']).toBe('rejected');
    expect(byFile['1-text.xlsx']).toBe('rejected');
    expect(byFile['填报包-市残联-2019-06-第1版.xlsx']).toBe('accepted');
    expect(byFile['填报包-市残联-2019-05-第1版.xlsx']).toBe('duplicate');
  });
});
