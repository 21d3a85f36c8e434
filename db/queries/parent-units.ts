/**
 * At an office set up from its parent's 下达包 (migration 008): which of its own units stands for which unit of the
 * parent, as confirmed at set-up, so that a later 下达包 keeps the names the office chose.
 */
import type { Tx } from '../schema';

/**
 * Parent's unit name → this office's unit name.
 * @example (await loadParentUnits(db)).get('市人社局') // '郎溪县人社局'
 */
export async function loadParentUnits(db: Tx): Promise<Map<string, string>> {
  // A unit the office renamed since (编辑计划, plan revise) has the recorded name as an alias: its name now is the one
  // a later 下达包, or next year's ledger, gives it, not the old one back.
  const rows = await db.selectFrom('parent_units')
    .leftJoin('unit_aliases', 'unit_aliases.alias', 'parent_units.name')
    .leftJoin('units', 'units.id', 'unit_aliases.unit_id')
    .select(['parent_units.parent_name', 'parent_units.name', 'units.name as current']).execute();
  return new Map(rows.map((r) => [r.parent_name, r.current ?? r.name]));
}

/** Records (or replaces) the own name of each parent unit given. @example await saveParentUnits(trx, new Map([['市人社局', '郎溪县人社局']])) */
export async function saveParentUnits(db: Tx, names: ReadonlyMap<string, string>): Promise<void> {
  for (const [parentName, name] of names) {
    await db.insertInto('parent_units').values({ parent_name: parentName, name })
      .onConflict((oc) => oc.column('parent_name').doUpdateSet({ name })).execute();
  }
}
