import type { Tx } from '../schema';

/** Keys of the settings table; one place so a typo cannot create a second setting. */
export type SettingKey =
  | 'role'
  | 'plan_id'
  | 'self_unit'
  | 'office_name'
  | 'due_day'
  | 'yellow_points'
  | 'public_key'
  | 'fingerprint'
  | 'office_key'
  | 'office_fingerprint';

/** @example await getSetting(db, 'plan_id') // 'xuancheng-2019' | null */
export async function getSetting(db: Tx, key: SettingKey): Promise<string | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setSetting(db: Tx, key: SettingKey, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
