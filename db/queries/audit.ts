import type BetterSqlite3 from 'better-sqlite3';
import type { AuditView } from '../../shared/api';
import { sql } from 'kysely';
import { compiledRows, P } from '../compiled';
import { isPostgres } from '../dialect/postgres';
import type { Tx } from '../schema';

export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  /** e.g. report.enter, report.replace, plan.create, period.lock, key.accept */
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const AUDIT_COLUMNS = ['at', 'actor', 'action', 'entity', 'entity_id', 'before', 'after'] as const;

/**
 * SQLite numbers a new line one above the highest (a rowid), so the log's numbers run without a gap. A PostgreSQL
 * identity column would skip numbers (a rolled-back transaction keeps the numbers it drew, a crash loses those
 * cached), and a reader takes a gap for a deleted line; there each line is numbered the same way, as the highest
 * plus one. Safe because every write transaction holds the ledger's write lock (db/dialect/postgres.ts).
 */
const insertAudit = compiledRows((db, rows) => db.insertInto('audit_log').values(rows), {
  at: P, actor: P, action: P, entity: P, entity_id: P, before: P, after: P,
}, {
  postgres: (db, rows) => db.insertInto('audit_log').columns(['id', ...AUDIT_COLUMNS]).expression(sql`select
    (select coalesce(max(id), 0) from audit_log) + v.n, ${sql.join(AUDIT_COLUMNS.map((c) => sql.ref(`v.${c}`)))}
    from (values ${sql.join(rows.map((r, i) => sql`(${sql.lit(i + 1)}, ${sql.join(AUDIT_COLUMNS.map((c) => r[c]))})`))})
    as v(n, ${sql.join(AUDIT_COLUMNS.map((c) => sql.id(c)))})`),
});

/** Writes lines of the stored shape (JSON already text), in order, in as many statements as needed. */
async function insertAuditLines(db: Tx, lines: readonly Omit<StoredAuditLine, 'id'>[]): Promise<void> {
  // A lone write still takes the write lock on PostgreSQL, which its numbering counts on (insertAudit).
  if (isPostgres(db) && !db.isTransaction) {
    await db.transaction().execute((trx) => insertAuditLines(trx, lines));
    return;
  }
  for (let i = 0; i < lines.length; i += COPY_CHUNK) {
    const chunk = lines.slice(i, i + COPY_CHUNK);
    await insertAudit.query(chunk.length).run(db, chunk.flatMap((l) => AUDIT_COLUMNS.map((c) => l[c])));
  }
}

/**
 * Appends lines to the audit log, in the given order (one statement for a list). There is
 * deliberately no update or delete here: the log is append-only, and triggers in the schema
 * refuse anything else.
 * @example await appendAudit(trx, { at, actor: '市人社局', action: 'report.enter', entity: 'report', entityId: '12', after })
 */
export async function appendAudit(db: Tx, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const list: readonly AuditEntry[] = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (list.length === 0) return;
  await insertAuditLines(db, list.map((e) => ({
    at: e.at, actor: e.actor, action: e.action, entity: e.entity, entity_id: e.entityId,
    before: e.before === undefined ? null : JSON.stringify(e.before), after: e.after === undefined ? null : JSON.stringify(e.after),
  })));
}

/** One audit line as every reader sees it (the same shape the UI gets). */
export type AuditRow = AuditView;

export async function listAudit(db: Tx, opts: { limit?: number; action?: string } = {}): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(opts.limit ?? 1000);
  if (opts.action) q = q.where('action', '=', opts.action);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id, at: r.at, actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
  }));
}

/** An audit line as stored: its number, and its JSON columns as their text. */
export interface StoredAuditLine {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entity_id: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface MissingAudit {
  /** Lines of the current log the other one lacks, in their order, as stored. */
  readonly lines: StoredAuditLine[];
  /** The other log is the start of the current one (the usual case: a backup of this database). */
  readonly prefix: boolean;
}

const STORED_COLUMNS = 'id, at, actor, action, entity, entity_id, before, after';

/**
 * The lines of `current`'s audit log that `other`'s does not have: what a restore of `other` would
 * lose. The log only grows, so a backup's log is normally the start of the current one and the answer
 * is the rest of it. A log from another line of history (a backup of a database restored meanwhile
 * without this, or a copy made elsewhere) shares a start and then differs: past that point a current
 * line counts as had when the other log holds one with the same content (time, actor, action, object,
 * before, after), each of its lines matching once. Read as two streams, so a long shared history
 * costs no memory.
 * @example auditMissingFrom(currentDb, backupDb).lines.length // 1 (the period.lock since the backup)
 */
export function auditMissingFrom(current: BetterSqlite3.Database, other: BetterSqlite3.Database): MissingAudit {
  const ours = current.prepare(`SELECT ${STORED_COLUMNS} FROM audit_log ORDER BY id`).iterate() as IterableIterator<StoredAuditLine>;
  const theirs = other.prepare(`SELECT ${STORED_COLUMNS} FROM audit_log ORDER BY id`).iterate() as IterableIterator<StoredAuditLine>;
  try {
    let a = ours.next();
    let b = theirs.next();
    while (!a.done && !b.done && a.value.id === b.value.id && contentKey(a.value) === contentKey(b.value)) {
      a = ours.next();
      b = theirs.next();
    }
    const lines: StoredAuditLine[] = [];
    if (b.done) {
      for (; !a.done; a = ours.next()) lines.push(a.value);
      return { lines, prefix: true };
    }
    const had = new Map<string, number>();
    for (; !b.done; b = theirs.next()) {
      const k = contentKey(b.value);
      had.set(k, (had.get(k) ?? 0) + 1);
    }
    for (; !a.done; a = ours.next()) {
      const k = contentKey(a.value);
      const n = had.get(k) ?? 0;
      if (n > 0) had.set(k, n - 1);
      else lines.push(a.value);
    }
    return { lines, prefix: false };
  } finally {
    ours.return?.();
    theirs.return?.();
  }
}

function contentKey(l: StoredAuditLine): string {
  return JSON.stringify([l.at, l.actor, l.action, l.entity, l.entity_id, l.before, l.after]);
}

/** Rows per INSERT: 7 values each, well under SQLite's limit on bound values. */
const COPY_CHUNK = 500;

/**
 * Appends lines copied from another database verbatim (their own time, actor and content), in their
 * order, numbered after the lines already here.
 * @example await appendStoredAudit(trx, auditMissingFrom(current, backup).lines)
 */
export async function appendStoredAudit(db: Tx, lines: readonly StoredAuditLine[]): Promise<void> {
  await insertAuditLines(db, lines);
}
