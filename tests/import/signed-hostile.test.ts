/**
 * Report packages signed with a unit's real key (an insider, or malware on the unit's computer) but not what the
 * unit's program could export. The office must not let them hide another unit's package, empty a complete report,
 * store what the entry form refuses, or lock the unit out of a period.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
import { loadKey } from '../../electron/services/keys/keys';
import * as format from '../../electron/services/packages/package-format';
import { readPackage, type SheetContent } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { loadPeriodData, summaryByUnit } from '../../electron/services/summaries/summaries';
import type { OpenLedger } from '../../electron/services/context';
import { CANLIAN_JUNE, createLoop, snapshotData, type Loop } from '../helpers/loop';
import { yearEntries } from '../../scripts/bench-setup';
import { PLAN_2019 } from '../../seeds/plan2019';

interface ReportPayload { reports: { task: number; status: string | null; values: { indicator: number; value: number | null; note: string }[]; phone?: string }[] }

/**
 * A package made from `real` and signed with `unit`'s own key, its manifest and payload changed by `change`, and its
 * sheets by `sheets` (by default the 填报数据 sheet is left out, so that only the payload speaks of the figures).
 */
function forged(
  loop: Loop, unit: OpenLedger, real: string, name: string, change: (m: Record<string, unknown>, data: ReportPayload) => void,
  sheets: (s: SheetContent[]) => SheetContent[] = (s) => s.filter((x) => x.name !== '填报数据'),
): string {
  const pkg = readPackage(readFileSync(real));
  const manifest = { ...pkg.manifest, packageId: randomUUID(), revision: pkg.manifest.revision + 1 } as Record<string, unknown>;
  const data = structuredClone(pkg.content.data) as ReportPayload;
  change(manifest, data);
  const { format: _f, contentHash: _h, signer: _s, signerKey: _k, ...rest } = manifest;
  const file = join(loop.dir, name);
  // Another program signs what it likes: this program's writer would refuse it in its own check (readPackage).
  const selfCheck = vi.spyOn(format, 'readPackage').mockImplementation(() => undefined as never);
  try {
    writeFileSync(file, writePackage({ manifest: rest as never, sheets: sheets(structuredClone(pkg.content.sheets) as SheetContent[]), data, key: loadKey(unit.file) }));
  } finally {
    selfCheck.mockRestore();
  }
  return file;
}

async function june(): Promise<Loop & { canlian: OpenLedger; good: string }> {
  const loop = await createLoop();
  const canlian = await loop.unit('市残联');
  const good = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
  expect((await importFiles(loop.office, [good], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
  return Object.assign(loop, { canlian, good });
}

async function refused(loop: Loop, file: string, code: string): Promise<string> {
  const before = await snapshotData(loop.office.db);
  const [r] = await importFiles(loop.office, [file], { acceptNewKeys: true });
  expect(r, r?.message).toMatchObject({ status: 'rejected', code });
  expect(await snapshotData(loop.office.db)).toBe(before);
  return r!.message;
}

describe('packages signed with a unit’s own key that its program could not have made', () => {
  it('one unit reusing another unit’s package id cannot make that package skip as a duplicate', async () => {
    const loop = await june();
    const yibao = await loop.unit('市医保局');
    const real = await loop.report(yibao, '2019-06', yearEntries(PLAN_2019, '市医保局', '2019-06'));
    const taken = readPackage(readFileSync(real)).manifest.packageId;
    // 市残联 signs an ordinary report of its own under 市医保局's id, and it comes in first.
    const hijack = forged(loop, loop.canlian, loop.good, 'hijack.xlsx', (m) => { m.packageId = taken; });
    // A preview of both in one batch says what the import will do.
    const preview = await importFiles(loop.office, [hijack, real], { acceptNewKeys: true, dryRun: true });
    expect(preview.map((r) => [r.status, r.code ?? null])).toEqual([['accepted', null], ['rejected', 'E_EXISTS']]);
    expect((await importFiles(loop.office, [hijack], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
    // The real one is refused, saying so: never "已导入过" while nothing of 市医保局 is in.
    const message = await refused(loop, real, 'E_EXISTS');
    expect(message).toContain(`这个数据包的编号(${taken})已被市残联的数据包使用,两者不是同一个数据包,未导入。`);
    expect(message).toContain('请市医保局重新导出一次');
    // The same package again (a copy, or re-saved) is still a duplicate.
    expect((await importFiles(loop.office, [loop.good]))[0]!.status).toBe('duplicate');
  });

  it('a lead task without its status or values cannot replace a complete report', async () => {
    const loop = await june();
    const noValues = forged(loop, loop.canlian, loop.good, 'no-values.xlsx', (_m, d) => { d.reports.find((r) => r.task === 24)!.values = []; });
    expect(await refused(loop, noValues, 'E_VALIDATION')).toContain('还没有填写');
    const noStatus = forged(loop, loop.canlian, loop.good, 'no-status.xlsx', (_m, d) => { d.reports.find((r) => r.task === 24)!.status = null; });
    expect(await refused(loop, noStatus, 'E_VALIDATION')).toContain('推进状态');
    const still = summaryByUnit(await loadPeriodData({ ...loop.office, now: () => new Date('2019-07-10T09:00:00') }, '2019-06')).find((u) => u.unit === '市残联')!;
    expect(still.state).toBe('已报送');
  });

  it('what the entry form refuses is refused here too: a phone number with words', async () => {
    const loop = await june();
    const phone = forged(loop, loop.canlian, loop.good, 'phone.xlsx', (_m, d) => { d.reports.find((r) => r.task === 24)!.phone = '请拨打 110 转 119'; });
    expect(await refused(loop, phone, 'E_VALIDATION')).toContain('联系电话');
  });

  it('a revision far ahead of the newest, or a plan revision the office never issued, is refused', async () => {
    const loop = await june();
    const far = forged(loop, loop.canlian, loop.good, 'far.xlsx', (m) => { m.revision = Number.MAX_SAFE_INTEGER; });
    expect(await refused(loop, far, 'E_VALIDATION')).toContain('不会一下跳过1000版以上');
    const future = forged(loop, loop.canlian, loop.good, 'future-plan.xlsx', (m) => { m.planRevision = 999999; });
    expect(await refused(loop, future, 'E_WRONG_PLAN')).toContain('填报包写的工作计划是第999999版,本机的工作计划只有第1版到第1版');
    const none = forged(loop, loop.canlian, loop.good, 'plan-0.xlsx', (m) => { m.planRevision = 0; });
    await refused(loop, none, 'E_WRONG_PLAN');
    // The unit's next real export still comes in.
    const next = await loop.report(loop.canlian, '2019-06', CANLIAN_JUNE);
    expect((await importFiles(loop.office, [next]))[0]!.status).toBe('accepted');
  });

  it('what the file shows must be what is imported: the cover’s unit, the 填报数据 figures and status', async () => {
    const loop = await june();
    const keep = (s: SheetContent[]) => s;
    const otherUnit = forged(loop, loop.canlian, loop.good, 'cover.xlsx', () => {}, (s) => s.map((x) => (x.name !== '封面' ? x : { ...x, rows: x.rows.map((r) => (r[0] === '单位' ? ['单位', '市民政局'] : r)) })));
    expect(await refused(loop, otherUnit, 'E_TAMPERED')).toContain('数据包显示的内容与其中签名的数据不一致:封面「单位」写的是「市民政局」,签名清单是「市残联」');
    const doubled = forged(loop, loop.canlian, loop.good, 'doubled.xlsx', (_m, d) => {
      const v = d.reports.find((r) => r.task === 24)!.values[0]!;
      v.value = v.value! * 2;
    }, keep);
    expect(await refused(loop, doubled, 'E_TAMPERED')).toMatch(/「填报数据」表中任务24显示的数值\(.+\)与签名的填报数据\(.+\)不一致/);
    const status = forged(loop, loop.canlian, loop.good, 'status.xlsx', (_m, d) => { d.reports.find((r) => r.task === 24)!.status = '已完成'; }, keep);
    expect(await refused(loop, status, 'E_TAMPERED')).toContain('「填报数据」表中任务24显示的推进状态');
    // Shown and signed alike (only the id and revision new): imported.
    const same = forged(loop, loop.canlian, loop.good, 'same.xlsx', () => {}, keep);
    expect((await importFiles(loop.office, [same]))[0]!.status).toBe('accepted');
  });

  it('a payload of the wrong shape says where it is wrong', async () => {
    const loop = await june();
    const bad = forged(loop, loop.canlian, loop.good, 'shape.xlsx', (_m, d) => { (d.reports[0] as unknown as Record<string, unknown>).status = '已作废'; });
    expect(await refused(loop, bad, 'E_NOT_A_PACKAGE')).toMatch(/填报包内容的结构不对:.+,无法导入。/);
  });
});
