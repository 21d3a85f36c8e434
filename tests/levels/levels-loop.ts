/**
 * A city and its counties on real files for the roll-up tests: the city is the loop's office (own units =
 * 市本级), each county an office of its own with its own key, its parent pinned as `ledger init --from 下达包`
 * pins it (branch `assign` builds that init; until it is merged a county is set up with initSummary and
 * setParent). Units are set up from their office's assignment package and report through real files.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EntryItem } from '../../electron/services/entry/entry';
import type { OpenLedger } from '../../electron/services/context';
import { importFiles } from '../../electron/services/import/import';
import { addOffice, removeOffice } from '../../electron/services/levels/offices';
import { exportRollup } from '../../electron/services/levels/rollup';
import { setParent } from '../../db/queries/rollups';
import { getSetting } from '../../db/queries/settings';
import { listOffices } from '../../db/queries/levels';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop, type Loop } from '../helpers/loop';

/**
 * Pins `parent` as the office `child` reports to, under the name the parent lists it by: what the
 * allocation's init does (the parent's name, key and plan from its settings).
 */
export async function pinParent(child: OpenLedger, parent: OpenLedger, officeName: string): Promise<void> {
  const s = async (k: 'office_name' | 'public_key' | 'fingerprint' | 'plan_id') => (await getSetting(parent.db, k))!;
  await setParent(child.db, {
    name: await s('office_name'), publicKey: await s('public_key'), fingerprint: await s('fingerprint'), planId: await s('plan_id'),
    officeName, pinnedAt: child.now().toISOString(),
  });
}

/** Makes an office's list of subordinate offices exactly `names` (initSummary seeds 宣城's seven on the embedded plan). */
export async function setOffices(office: OpenLedger, names: readonly string[]): Promise<void> {
  for (const o of await listOffices(office.db)) await removeOffice(office, o.name);
  for (const n of names) await addOffice(office, n);
}

/** 市人社局's entries for a period, with some values set: `{ '1.1': 40 }` is task 1 indicator 1. */
export function rsjEntries(period: string, values: Readonly<Record<string, number>> = {}): EntryItem[] {
  return yearEntries(PLAN_2019, '市人社局', period).map((e) => {
    const v = e.indicator === undefined ? undefined : values[`${e.task}.${e.indicator}`];
    return v === undefined ? e : { ...e, value: v };
  });
}

export interface Levels {
  readonly loop: Loop;
  readonly city: OpenLedger;
  readonly counties: ReadonlyMap<string, OpenLedger>;
  /** Where counties put their 汇总包 for the city (apart from the units' USB folder). */
  readonly toCity: string;
  /** A unit of `office` (a county or the city) reports the period; the office imports it. Returns the file. */
  report(office: OpenLedger, unit: OpenLedger, period: string, items: readonly EntryItem[]): Promise<string>;
  /** A county writes its 汇总包 of the period into `toCity` (a name of its own: offices may share a name); returns the file. */
  rollup(county: OpenLedger, period: string): Promise<string>;
}

/** The city (its offices exactly `counties`) and each county set up under it. */
export async function cityWithCounties(counties: readonly string[], opts: { cityOffices?: readonly string[] } = {}): Promise<Levels> {
  const loop = await createLoop();
  const city = loop.office;
  await setOffices(city, opts.cityOffices ?? counties);
  const toCity = join(loop.dir, 'to-city');
  mkdirSync(toCity);
  const map = new Map<string, OpenLedger>();
  let n = 0;
  for (const name of counties) {
    const county = await loop.otherOffice({ name: `${name}.db`, officeName: `${name}民生工作办公室` });
    await setOffices(county, []);
    await pinParent(county, city, name);
    map.set(name, county);
  }
  return {
    loop, city, counties: map, toCity,
    async report(office, unit, period, items) {
      const file = await loop.report(unit, period, items);
      const r = await importFiles(office, [file], { acceptNewKeys: true });
      if (r[0]?.status !== 'accepted') throw new Error(`report not imported: ${JSON.stringify(r)}`);
      return file;
    },
    async rollup(county, period) {
      return (await exportRollup(county, { period, outDir: toCity, fileName: `汇总包-${basename(county.file, '.db')}-${period}-${++n}.xlsx` })).file;
    },
  };
}
