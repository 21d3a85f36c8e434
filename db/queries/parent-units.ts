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
  const rows = await db.selectFrom('parent_units').select(['parent_name', 'name']).execute();
  return new Map(rows.map((r) => [r.parent_name, r.name]));
}

/** Records (or replaces) the own name of each parent unit given. @example await saveParentUnits(trx, new Map([['市人社局', '郎溪县人社局']])) */
export async function saveParentUnits(db: Tx, names: ReadonlyMap<string, string>): Promise<void> {
  for (const [parentName, name] of names) {
    await db.insertInto('parent_units').values({ parent_name: parentName, name })
      .onConflict((oc) => oc.column('parent_name').doUpdateSet({ name })).execute();
  }
}
