/**
 * The subordinate offices (下级汇总端) of a summary office: an ordered list, edited by name and audited.
 * The office's own departments are not in it: they are 本级 (shared/levels.ts ownLabel).
 */
import type { OfficesView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { officeNameProblemOf, ownLabel, XUANCHENG_OFFICES } from '../../../shared/levels';
import { sameName } from '../../../shared/format';
import { PLAN_2019 } from '../../../seeds/plan2019';
import { appendAudit } from '../../../db/queries/audit';
import { countQuotasOf, countRecordsOf, deleteOffice, insertOffice, listOffices, renameOffice, setOfficeOrder, type OfficeRow } from '../../../db/queries/levels';
import { getParent } from '../../../db/queries/rollups';
import type { Tx } from '../../../db/schema';
import { activePlan, nowIso, officeName, requireRole, type Ctx } from '../context';

/**
 * A new office's subordinate offices: 宣城's seven county-level divisions on the embedded plan, none on any
 * other (a notice names its subordinates only as a group, 各乡镇人民政府, so their names are the office's to list).
 * @example await seedDefaultOffices(trx, 'xuancheng-2019')
 */
export async function seedDefaultOffices(db: Tx, planId: string): Promise<void> {
  if (planId !== PLAN_2019.id) return;
  for (const name of XUANCHENG_OFFICES) await insertOffice(db, name);
}

/** The office this one rolls up to, by name, or null at the top. */
export async function parentNames(ctx: Ctx): Promise<OfficesView['parent']> {
  const parent = await getParent(ctx.db);
  return parent ? { name: parent.name, officeName: parent.officeName } : null;
}

/**
 * The list, with what the office calls its own departments and, while the list is empty, the phrases by
 * which the plan names its subordinates (各乡镇人民政府): the screen and `ledger offices` ask for the list then.
 * @example (await officesView(ctx)).offices // ['宣州区', …]
 */
export async function officesView(ctx: Ctx): Promise<OfficesView> {
  const offices = await listOffices(ctx.db);
  const plan = await activePlan(ctx);
  const phrases = [...new Set(plan.tasks.flatMap((t) => (t.subordinates ? [t.subordinates.phrase] : [])))];
  const tasksNaming = plan.tasks.filter((t) => t.subordinates !== null).length;
  return {
    own: ownLabel(await officeName(ctx)),
    offices: offices.map((o) => o.name),
    subordinatePhrases: phrases,
    tasksNamingSubordinates: tasksNaming,
    parent: await parentNames(ctx),
  };
}

function notFound(name: string, offices: readonly OfficeRow[]): LedgerError {
  return new LedgerError('E_NOT_FOUND', `没有名为「${name}」的下级汇总端。现有:${offices.length ? offices.map((o) => o.name).join('、') : '(无)'}。`);
}

async function checkedName(ctx: Ctx, raw: string, offices: readonly OfficeRow[], except?: OfficeRow): Promise<string> {
  const name = raw.trim();
  const problem = officeNameProblemOf(name, ownLabel(await officeName(ctx)));
  if (problem) throw new LedgerError('E_VALIDATION', `下级汇总端名称「${raw}」不可用:${problem}。`);
  const same = offices.find((o) => sameName(o.name, name) && o !== except);
  if (same) {
    throw new LedgerError('E_EXISTS', same.name === name ? `已有名为「${name}」的下级汇总端,请换一个名称。`
      : `已有下级汇总端「${same.name}」,与「${name}」只差全角、半角的字母或数字,算同一个名称,请换一个名称。`);
  }
  return name;
}

async function change(ctx: Ctx, action: string, entityId: string, before: unknown, after: unknown, edit: (trx: Tx) => Promise<void>): Promise<OfficesView> {
  await ctx.db.transaction().execute(async (trx) => {
    await edit(trx);
    await appendAudit(trx, { at: nowIso(ctx), actor: ctx.actor, action, entity: 'office', entityId, before, after });
  });
  return officesView(ctx);
}

/** Adds an office at the end of the list; audited. @example await addOffice(ctx, '宣州区') */
export async function addOffice(ctx: Ctx, raw: string): Promise<OfficesView> {
  await requireRole(ctx, 'summary', '设置下级汇总端');
  const offices = await listOffices(ctx.db);
  const name = await checkedName(ctx, raw, offices);
  return change(ctx, 'office.add', name, null, { name, position: offices.length + 1 }, async (trx) => { await insertOffice(trx, name); });
}

/**
 * Removes an office; refused while it holds quotas. A quota is a decision the office made and may have sent
 * out: it is not lost silently with its office, but cleared first (its column left blank), which is audited.
 * @example await removeOffice(ctx, '旌德县')
 */
export async function removeOffice(ctx: Ctx, raw: string): Promise<OfficesView> {
  await requireRole(ctx, 'summary', '设置下级汇总端');
  const offices = await listOffices(ctx.db);
  const office = offices.find((o) => o.name === raw.trim());
  if (!office) throw notFound(raw, offices);
  const quotas = await countQuotasOf(ctx.db, office.id);
  if (quotas > 0) {
    throw new LedgerError('E_VALIDATION', `「${office.name}」已分解了 ${quotas} 项指标的任务,不能删除。请先在任务分解中把它这一列清空(留空即无任务),再删除。`, { quotas });
  }
  // Its roll-ups, the 下达包 sent to it and its keys are records kept for good: an office that has them stays.
  const kept = await countRecordsOf(ctx.db, office.id);
  if (kept.rollups + kept.packages + kept.keys > 0) {
    const what = [kept.rollups > 0 ? `${kept.rollups} 份汇总数据` : '', kept.packages > 0 ? `${kept.packages} 个收发的数据包` : '', kept.keys > 0 ? '已登记的密钥' : ''].filter(Boolean).join('、');
    throw new LedgerError('E_VALIDATION', `「${office.name}」已有${what},这些记录须保留,不能删除。如名称有误请改名;如它今后不再报送,保留在名单中即可。`, kept);
  }
  const rest = offices.filter((o) => o !== office);
  return change(ctx, 'office.remove', office.name, { name: office.name, position: offices.indexOf(office) + 1 }, null, async (trx) => {
    await deleteOffice(trx, office.id);
    await setOfficeOrder(trx, rest.map((o) => o.id));
  });
}

/** Renames an office; its quotas stay with it. @example await renameOfficeNamed(ctx, '广德县', '广德市') */
export async function renameOfficeNamed(ctx: Ctx, from: string, to: string): Promise<OfficesView> {
  await requireRole(ctx, 'summary', '设置下级汇总端');
  const offices = await listOffices(ctx.db);
  const office = offices.find((o) => o.name === from.trim());
  if (!office) throw notFound(from, offices);
  const name = await checkedName(ctx, to, offices, office);
  if (name === office.name) return officesView(ctx);
  return change(ctx, 'office.rename', office.name, { name: office.name }, { name }, async (trx) => { await renameOffice(trx, office.id, name); });
}

/** Moves an office to a position (1 = first) in the list. @example await moveOffice(ctx, '旌德县', 1) */
export async function moveOffice(ctx: Ctx, raw: string, position: number): Promise<OfficesView> {
  await requireRole(ctx, 'summary', '设置下级汇总端');
  const offices = await listOffices(ctx.db);
  const office = offices.find((o) => o.name === raw.trim());
  if (!office) throw notFound(raw, offices);
  if (!Number.isInteger(position) || position < 1 || position > offices.length) {
    throw new LedgerError('E_VALIDATION', `位置应为 1 至 ${offices.length} 之间的整数,不是「${position}」。`);
  }
  const from = offices.indexOf(office) + 1;
  if (from === position) return officesView(ctx);
  const order = offices.filter((o) => o !== office);
  order.splice(position - 1, 0, office);
  return change(ctx, 'office.move', office.name, { position: from }, { position }, async (trx) => { await setOfficeOrder(trx, order.map((o) => o.id)); });
}
