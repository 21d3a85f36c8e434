import { sql, type Kysely } from 'kysely';

// Frozen: version 8 keeps, at an office set up from its parent's 下达包, which of its own units stands for which
// unit of the parent (市人社局 → 郎溪县人社局), as a person confirmed them at set-up. A later 下达包 names the
// parent's units again: the office's plan takes the same own names, not new proposals. Never imports app code.
const STATEMENTS = [
  `CREATE TABLE parent_units (
    parent_name TEXT PRIMARY KEY CHECK (length(trim(parent_name)) > 0),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0)
  ) STRICT`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
