import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { PlanDef, ReportingFrequency } from '../../shared/domain';
import { enterReports, type EntryItem } from '../../electron/services/entry/entry';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import type { OpenLedger } from '../../electron/services/context';
import { afterEach } from 'vitest';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { fixedClock, tempDir, testLocation } from './ledger';

const open: OpenLedger[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/** 市残联's June report: every lead indicator at 50%, and its cooperating task 23. */
export const CANLIAN_JUNE: EntryItem[] = [
  { task: 24, status: '推进中', progress: '药费补助发放中', contact: '王某', phone: '0563-3021234' },
  { task: 24, indicator: 1, value: 1632 },
  { task: 24, indicator: 2, value: 214 },
  { task: 24, indicator: 3, value: 30 },
  { task: 23, status: '推进中', progress: '配合开展残疾人补贴发放' },
];

export interface Loop {
  readonly dir: string;
  readonly usb: string;
  readonly office: OpenLedger;
  /**
   * Sets a unit up from the office's assignment package, as a clerk would. The unit's clock reads
   * `clock` (2019-07-02 15:00 by default): it can enter and export the months begun by then.
   */
  unit(name: string, opts?: { office?: OpenLedger; dbName?: string; clock?: string }): Promise<OpenLedger>;
  /** Saves the entry on the unit's computer and exports the report package; returns its path. */
  report(unit: OpenLedger, period: string, items: readonly EntryItem[]): Promise<string>;
  /**
   * A second summary office (another plan, another office name…), for files that must be refused.
   * `sameKey`: it signs with this office's key, as the same office set up again with a new plan would.
   */
  otherOffice(opts: { plan?: PlanDef; officeName?: string; name: string; sameKey?: boolean }): Promise<OpenLedger>;
}

/**
 * An office on the embedded plan (or `plan`; monthly unless `frequency` says otherwise), its clock on 2019-07-04
 * (or `clock`); `unitClock` is the units' default clock (2019-07-02 15:00).
 */
export async function createLoop(opts: { frequency?: ReportingFrequency; plan?: PlanDef; clock?: string; unitClock?: string } = {}): Promise<Loop> {
  const dir = tempDir('ledger-loop-');
  const usb = join(dir, 'usb');
  mkdirSync(usb);
  const { clock = '2019-07-04T09:00:00', unitClock = '2019-07-02T15:00:00', ...setup } = opts;
  const office = await initSummary(await testLocation('office.db'), { now: fixedClock(clock), actor: '汇总端测试', ...setup });
  open.push(office);
  let n = 0;
  return {
    dir,
    usb,
    office,
    async unit(name, opts = {}) {
      const from = opts.office ?? office;
      const outDir = join(dir, `assign-${++n}`);
      mkdirSync(outDir);
      const a = await exportAssignment(from, { unit: name, outDir });
      const u = await initUnitFromAssignment(join(dir, opts.dbName ?? `unit-${n}.db`), a.file, { now: fixedClock(opts.clock ?? unitClock), actor: name });
      open.push(u);
      return u;
    },
    async report(unit, period, items) {
      await enterReports(unit, { unit: (await unit.db.selectFrom('settings').select('value').where('key', '=', 'self_unit').executeTakeFirstOrThrow()).value, period, items });
      return (await exportReport(unit, { period, outDir: usb })).file;
    },
    async otherOffice({ plan, officeName, name, sameKey }) {
      if (sameKey) copyFileSync(`${office.file}.key`, `${join(dir, name)}.key`);
      const o = await initSummary(join(dir, name), { now: fixedClock('2019-07-04T09:00:00'), ...(plan ? { plan } : {}), ...(officeName ? { officeName } : {}) });
      open.push(o);
      return o;
    },
  };
}

/**
 * An office whose units have reported May (imported, so their keys are pinned) and exported June to
 * the USB drive: the June files, sorted.
 */
export async function juneAfterMay(names: readonly string[]): Promise<{ loop: Loop; june: string[] }> {
  const loop = await createLoop();
  const units = [];
  for (const name of names) {
    const unit = await loop.unit(name);
    await loop.report(unit, '2019-05', yearEntries(PLAN_2019, name, '2019-05'));
    units.push({ name, unit });
  }
  const may = await importFiles(loop.office, [loop.usb], { acceptNewKeys: true });
  if (may.some((r) => r.status !== 'accepted')) throw new Error(`May not imported: ${JSON.stringify(may)}`);
  const june: string[] = [];
  for (const { name, unit } of units) june.push(await loop.report(unit, '2019-06', yearEntries(PLAN_2019, name, '2019-06')));
  return { loop, june: june.sort() };
}

/** Every row of every data table, so a refusal can be shown to have changed nothing at all. */
export function snapshotData(sqlite: BetterSqlite3.Database): string {
  const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
  return JSON.stringify(out, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
}
