import { sql, type Kysely } from 'kysely';

// Frozen: version 4 keeps what a notice says of a task beside its units: the leader in charge
// (牵头负责领导) and the subordinate governments it names as a group (各县、市、区政府). Never imports app code.
const STATEMENTS = [
  `ALTER TABLE tasks ADD COLUMN leader TEXT`,
  `ALTER TABLE tasks ADD COLUMN subordinate_role TEXT CHECK (subordinate_role IS NULL OR subordinate_role IN ('lead', 'co'))`,
  `ALTER TABLE tasks ADD COLUMN subordinate_phrase TEXT CHECK ((subordinate_role IS NULL) = (subordinate_phrase IS NULL))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
