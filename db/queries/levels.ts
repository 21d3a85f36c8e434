import type { Tx } from '../schema';

/** A subordinate office (下级汇总端) as stored. */
export interface OfficeRow { readonly id: number; readonly name: string; readonly seq: number }

/**
 * The subordinate offices in their fixed order.
 * @example (await listOffices(db)).map((o) => o.name) // ['宣州区', '郎溪县', …]
 */
export async function listOffices(db: Tx): Promise<OfficeRow[]> {
  return db.selectFrom('offices').select(['id', 'name', 'seq']).orderBy('seq').orderBy('id').execute();
}

/** Adds an office at the end of the list. @example await insertOffice(trx, '宣州区') */
export async function insertOffice(db: Tx, name: string): Promise<number> {
  const last = await db.selectFrom('offices').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
  const row = await db.insertInto('offices').values({ name, seq: (last?.m ?? 0) + 1 }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteOffice(db: Tx, id: number): Promise<void> {
  await db.deleteFrom('offices').where('id', '=', id).execute();
}

export async function renameOffice(db: Tx, id: number, name: string): Promise<void> {
  await db.updateTable('offices').set({ name }).where('id', '=', id).execute();
}

/** Numbers the offices 1…n in the given order of ids. @example await setOfficeOrder(trx, [3, 1, 2]) */
export async function setOfficeOrder(db: Tx, ids: readonly number[]): Promise<void> {
  for (const [k, id] of ids.entries()) await db.updateTable('offices').set({ seq: k + 1 }).where('id', '=', id).execute();
}

/** How many quotas an office holds. @example await countQuotasOf(db, 2) // 12 */
export async function countQuotasOf(db: Tx, officeId: number): Promise<number> {
  const row = await db.selectFrom('quotas').select((eb) => eb.fn.countAll<number>().as('n')).where('office_id', '=', officeId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What an office has sent or been sent that is kept for good: its roll-ups, its packages either way, its keys. */
export async function countRecordsOf(db: Tx, officeId: number): Promise<{ rollups: number; packages: number; keys: number }> {
  const count = async (table: 'rollups' | 'packages' | 'office_keys') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('office_id', '=', officeId).executeTakeFirstOrThrow()).n);
  return { rollups: await count('rollups'), packages: await count('packages'), keys: await count('office_keys') };
}

/** Every quota of a plan's indicators: `officeId` null is 本级's own share. Blank quotas have no row. */
export interface QuotaRow { readonly indicatorId: number; readonly officeId: number | null; readonly value: number }

export async function loadQuotas(db: Tx, planId: string): Promise<{ quotas: QuotaRow[]; reasons: Map<number, string> }> {
  const ofPlan = (table: 'quotas' | 'own_quotas' | 'quota_reasons') => db.selectFrom(table)
    .innerJoin('indicators', 'indicators.id', `${table}.indicator_id`)
    .innerJoin('tasks', 'tasks.id', 'indicators.task_id')
    .where('tasks.plan_id', '=', planId);
  const offices = await ofPlan('quotas').select(['quotas.indicator_id', 'quotas.office_id', 'quotas.value']).execute();
  const own = await ofPlan('own_quotas').select(['own_quotas.indicator_id', 'own_quotas.value']).execute();
  const reasons = await ofPlan('quota_reasons').select(['quota_reasons.indicator_id', 'quota_reasons.reason']).execute();
  return {
    quotas: [
      ...own.map((r) => ({ indicatorId: r.indicator_id, officeId: null, value: r.value })),
      ...offices.map((r) => ({ indicatorId: r.indicator_id, officeId: r.office_id, value: r.value })),
    ],
    reasons: new Map(reasons.map((r) => [r.indicator_id, r.reason])),
  };
}

/**
 * Sets (or, with null, clears) one quota; `officeId` null is 本级's share. Null stores no row: blank is 无任务.
 * @example await setQuota(trx, 17, 2, 40) // 郎溪县's quota of indicator 17
 */
export async function setQuota(db: Tx, indicatorId: number, officeId: number | null, value: number | null): Promise<void> {
  if (officeId === null) {
    await db.deleteFrom('own_quotas').where('indicator_id', '=', indicatorId).execute();
    if (value !== null) await db.insertInto('own_quotas').values({ indicator_id: indicatorId, value }).execute();
    return;
  }
  await db.deleteFrom('quotas').where('indicator_id', '=', indicatorId).where('office_id', '=', officeId).execute();
  if (value !== null) await db.insertInto('quotas').values({ indicator_id: indicatorId, office_id: officeId, value }).execute();
}

/** Sets (or, with null, clears) why an indicator's quotas do not add up to its target. */
export async function setQuotaReason(db: Tx, indicatorId: number, reason: string | null): Promise<void> {
  await db.deleteFrom('quota_reasons').where('indicator_id', '=', indicatorId).execute();
  if (reason !== null) await db.insertInto('quota_reasons').values({ indicator_id: indicatorId, reason }).execute();
}
