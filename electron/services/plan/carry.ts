/**
 * A new year starts a new ledger file; the year before stays in its own file, readable as it was (`--db`).
 * One file per year, because a year's ledger is a whole (plan, periods, reports, backups, audit log) and
 * one active plan per file is what every view, package and backup assumes. What carries over from last
 * year's file: this computer's signing key (the units keep trusting the office, the office keeps its
 * name for them), the office's name and settings, the units' pinned keys, and the subordinate offices with
 * theirs, so nobody checks a fingerprint by phone again.
 */
import { chmodSync, copyFileSync, constants, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { LedgerError } from '../../../shared/errors';
import type { PlanDef, ReportingFrequency } from '../../../shared/domain';
import { listTrustedKeys, pinKey } from '../../../db/queries/keys';
import { deleteOffice, insertOffice, listOffices } from '../../../db/queries/levels';
import { getParent, listTrustedOfficeKeys, pinOfficeKey } from '../../../db/queries/rollups';
import { loadParentUnits } from '../../../db/queries/parent-units';
import { findUnitByName } from '../../../db/queries/plan';
import { getSetting, type SettingKey } from '../../../db/queries/settings';
import type { Tx } from '../../../db/schema';
import { activePlan, openLedger, roleOf, type Role } from '../context';
import { keyFilePath } from '../keys/keys';
import { isPostgresUrl, localBase, storeName } from '../../../db/location';

/** What a new year's ledger takes from last year's file. */
export interface Carried {
  readonly file: string;
  readonly year: number;
  readonly planId: string;
  /** How often units reported last year: the new year goes on so unless told otherwise. */
  readonly frequency: ReportingFrequency;
  readonly settings: ReadonlyMap<SettingKey, string>;
  /** Office side: every unit's trusted key, with every name the unit went by. */
  readonly keys: readonly { readonly names: readonly string[]; readonly unit: string; readonly publicKey: string; readonly fingerprint: string; readonly acceptedAt: string; readonly acceptedBy: string }[];
  /** Office side: the subordinate offices in their order, each with its trusted key if one was pinned. */
  readonly offices: readonly { readonly name: string; readonly key: { readonly publicKey: string; readonly fingerprint: string; readonly acceptedAt: string; readonly acceptedBy: string } | null }[];
  /** This computer's key fingerprint last year: the key the new ledger goes on signing with. */
  readonly fingerprint: string | null;
  /** Office side, set up from a parent's 下达包 last year: the parent's pinned key and the own names chosen for its units. */
  readonly parent: { readonly name: string; readonly publicKey: string; readonly fingerprint: string; readonly officeName: string } | null;
  readonly parentUnits: ReadonlyMap<string, string>;
}

/** Settings a new year keeps from the last, per side. */
const CARRIED_SETTINGS: Readonly<Record<Role, readonly SettingKey[]>> = {
  summary: ['office_name', 'due_day', 'yellow_points'],
  unit: ['self_unit', 'office_name', 'office_key', 'office_fingerprint', 'fingerprint'],
};

/**
 * Reads last year's ledger `file` for a new year's ledger of side `role` on `plan`: refused (nothing
 * created) when it is not a ledger of that side, or its plan is not of an earlier year.
 * @example const carried = await readCarried('S2019.db', 'summary', plan2020)
 */
export async function readCarried(
  file: string, role: Role, plan: Pick<PlanDef, 'year' | 'title' | 'id'>,
  /** What to do instead with a plan of the same year, said when it is refused. */
  sameYear = '同一年的计划调整请用 ledger plan revise。',
): Promise<Carried> {
  if (!isPostgresUrl(file) && !existsSync(file)) throw new LedgerError('E_NOT_FOUND', `找不到上年的数据库文件「${file}」。`);
  const old = await openLedger(file, { mustExist: true });
  try {
    const side = await roleOf(old);
    if (side !== role) {
      throw new LedgerError('E_WRONG_ROLE', `「${storeName(file)}」是${side === 'summary' ? '汇总端' : '填报端'}的数据库,不能用来接续${role === 'summary' ? '汇总端' : '填报端'}。`);
    }
    const last = await activePlan(old);
    if (last.year >= plan.year) {
      throw new LedgerError('E_WRONG_PLAN', `「${storeName(file)}」是 ${last.year} 年的台账(${last.title}),新计划「${plan.title}」是 ${plan.year} 年的:只能从往年的台账接续到新一年。${sameYear}`);
    }
    // Packages name their plan by its id: with last year's, a 2020 task package would read as a revision of 2019's.
    if (last.id === plan.id) {
      const renamed = plan.id.includes(String(last.year)) ? plan.id.replaceAll(String(last.year), String(plan.year)) : `${plan.id}-${plan.year}`;
      throw new LedgerError('E_WRONG_PLAN', `新计划「${plan.title}」的编号(id)「${plan.id}」与上年的计划相同。每年的计划要有自己的编号,否则上年和本年的任务包、填报包无法区分;请把计划文件中的 id 改为新的编号(例如「${renamed}」)后重试。未做任何修改。`);
    }
    const settings = new Map<SettingKey, string>();
    for (const key of CARRIED_SETTINGS[role]) {
      const value = await getSetting(old.db, key);
      if (value !== null) settings.set(key, value);
    }
    const keys = [];
    for (const k of await listTrustedKeys(old.db)) {
      const aliases = await old.db.selectFrom('unit_aliases').select('alias').where('unit_id', '=', k.unitId).execute();
      keys.push({ names: [k.unit, ...aliases.map((a) => a.alias)], unit: k.unit, publicKey: k.publicKey, fingerprint: k.fingerprint, acceptedAt: k.acceptedAt, acceptedBy: k.acceptedBy });
    }
    const officeKeys = await listTrustedOfficeKeys(old.db);
    const offices = (await listOffices(old.db)).map((o) => ({ name: o.name, key: officeKeys.find((k) => k.office === o.name) ?? null }));
    const parent = role === 'summary' ? await getParent(old.db) : null;
    return {
      file, year: last.year, planId: last.id, frequency: last.frequency, settings, keys, offices, fingerprint: await getSetting(old.db, 'fingerprint'),
      parent: parent && { name: parent.name, publicKey: parent.publicKey, fingerprint: parent.fingerprint, officeName: parent.officeName },
      parentUnits: parent ? await loadParentUnits(old.db) : new Map(),
    };
  } finally {
    await old.close();
  }
}

/**
 * Gives the new ledger, whose files live beside `to` (localBase), last year's signing key: a copy of its key file, readable by its owner only.
 * Returns a function that takes the copy back if the new ledger is not made after all.
 */
export function carryKeyFile(from: string, to: string): () => void {
  const source = keyFilePath(localBase(from));
  const target = keyFilePath(to);
  if (!existsSync(source)) {
    throw new LedgerError('E_KEY_FILE', isPostgresUrl(from)
      ? `本机没有上年数据库 ${storeName(from)} 的签名密钥文件 ${source}:请在保管该密钥的电脑上新建,或把密钥文件复制到这个位置后重试。`
      : `上年数据库「${basename(from)}」旁边没有签名密钥文件 ${basename(source)}:请把它和数据库放在同一文件夹后重试。`);
  }
  if (existsSync(target)) throw new LedgerError('E_EXISTS', `密钥文件 ${target} 已存在,为防止覆盖,未做任何修改。请换一个数据库文件名。`);
  // A server ledger's key goes in LEDGER_HOME, which a plain init creates when it opens the database (db/open.ts):
  // the key is copied before that, so the folder is made here too.
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target, constants.COPYFILE_EXCL);
  chmodSync(target, 0o600);
  // Only the copy made here is taken back: the file did not exist before.
  return () => {
    try {
      unlinkSync(target);
    } catch { /* already gone */ }
  };
}

/**
 * Lists, in the new year's ledger, last year's subordinate offices in their order, each with the key it was
 * pinned by: the counties that rolled up last year go on rolling up without a fingerprint checked again.
 * Returns what was carried; nothing when last year had none (the new plan's default list stays).
 */
export async function carryOffices(db: Tx, carried: Carried): Promise<{ office: string; fingerprint: string | null }[]> {
  if (carried.offices.length === 0) return [];
  for (const o of await listOffices(db)) await deleteOffice(db, o.id);
  const out: { office: string; fingerprint: string | null }[] = [];
  for (const o of carried.offices) {
    const id = await insertOffice(db, o.name);
    if (o.key) await pinOfficeKey(db, { officeId: id, publicKey: o.key.publicKey, fingerprint: o.key.fingerprint, at: o.key.acceptedAt, by: o.key.acceptedBy });
    out.push({ office: o.name, fingerprint: o.key?.fingerprint ?? null });
  }
  return out;
}

/**
 * Pins, in the new year's ledger, last year's key of every unit the new plan still has (by its name or any
 * name it went by), as it was accepted then. Returns the units whose keys were carried.
 */
export async function pinCarriedKeys(db: Tx, carried: Carried, plan: PlanDef): Promise<{ unit: string; fingerprint: string }[]> {
  const out: { unit: string; fingerprint: string }[] = [];
  for (const k of carried.keys) {
    const now = plan.units.find((u) => u.kind === 'unit' && [u.name, ...u.aliases].some((n) => k.names.includes(n)));
    if (!now) continue;
    const unit = await findUnitByName(db, now.name);
    if (!unit) continue;
    await pinKey(db, { unitId: unit.id, publicKey: k.publicKey, fingerprint: k.fingerprint, at: k.acceptedAt, by: k.acceptedBy });
    out.push({ unit: now.name, fingerprint: k.fingerprint });
  }
  return out;
}
