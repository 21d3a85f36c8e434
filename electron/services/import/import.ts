/**
 * Importing packages from a USB drive. Each file is verified, checked against what this
 * computer knows (plan, unit, pinned key, revisions, locks) and merged in one transaction: all of
 * it or none of it. One bad file never stops the rest of a batch.
 */
import { CompiledQuery, type ControlledTransaction } from 'kysely';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImportFileResult, ImportProgress, ValueChange } from '../../../shared/api';
import type { ErrorCode } from '../../../shared/errors';
import { FREQUENCY_LABELS, VALUE_WORDS, type PlanDef, type ReportFields, type Role, type UnitKind } from '../../../shared/domain';
import { failureOf, failureWords, StoreError, type StoreFailure } from '../../../db/errors';
import { isPostgresUrl, storeName } from '../../../db/location';
import { LedgerError, toErrorInfo } from '../../../shared/errors';
import { DEFAULT_DUE_DAY, hasStarted, isPeriodId, isPeriodOf, PERIOD_UNIT_WORDS, periodLabel, periodStart, planPeriodsText, receivedOnProblem } from '../../../shared/rules/periods';
import { appendAudit, type AuditEntry } from '../../../db/queries/audit';
import { holdersOfKey, pinKey, trustedKey, unitKeyRetirement, type KeyHolder, type PinnedKey } from '../../../db/queries/keys';
import { listOffices } from '../../../db/queries/levels';
import { OFFICE_HOLDER } from '../../../shared/levels';
import { getParent, listOfficeKeys } from '../../../db/queries/rollups';
import { hasPackage, newestRevision, receivedBefore, refuseRevisionJump, restoredHint, type PackageOwner } from '../../../db/queries/packages';
import type { RollupPreview } from '../levels/rollup-import';
import { findPeriod, findUnitByName, insertPlan, planAtRevision, planHasReports, planModelToDef, recordPlanRevision, setDueDates, setPlanFrequency, type PeriodRow, type PlanModel, type TaskModel } from '../../../db/queries/plan';
import { applyPlanRevision } from '../../../db/queries/plan-revision';
import { changeLines, diffPlans } from '../../../shared/plan-diff';
import { isComplete, listReports, reportRow, writeReports, type Report, type ReportValue } from '../../../db/queries/reports';
import { getSetting, setSetting, type SettingKey } from '../../../db/queries/settings';
import type { Database, Db, Tx } from '../../../db/schema';
import { ruleDueOf } from '../deadlines';
import { answerReturns } from '../entry/returns';
import { recordSetupStart } from '../entry/starts';
import { activePlan, nowIso, officeName, openLedger, requireRole, roleOf, today, type Ctx, type OpenLedger, type Role as Side } from '../context';
import { namesAlike } from '../../../shared/format';
import { backupWhenNeeded, type PendingBackup } from '../backup/backup';
import { withWriterLock, type Waiting } from './writer-lock';
import { isPostgres } from '../../../db/dialect/postgres';
import { fieldsOf, rolesOfUnit, toTaskEntry } from '../entry/entry';
import { blockingIssues, validateTaskEntry, type IssueCode } from '../../../shared/rules/validation';
import { fingerprint, loadOrCreateKey, retiredKeyAdvice, retiredKeyWords } from '../keys/keys';
import { carryKeyFile, readCarried, type Carried } from '../plan/carry';
import { describeZodError, readVerifiedFile, readVerifiedSmallFile, type PackageFile, type VerifiedFile } from '../packages/package-format';
import type { WorkerVerifier } from '../packages/worker-verifier';
import { feedbackDataSchema, KIND_LABELS, readPackageFile, reportDataSchema, withReport, type ReportData } from '../packages/package-data';
import { archive } from '../packages/archive';
import { expandPaths, fitsReadAhead, sizeOf } from './files';

export { expandPaths } from './files';

export interface ImportOptions {
  readonly dryRun?: boolean;
  /** Trust on first use: accept the key of a unit that has none pinned yet (audited). */
  readonly acceptNewKeys?: boolean;
  /** Date the office received the batch (YYYY-MM-DD); today by default. */
  readonly receivedOn?: string;
  readonly onProgress?: (p: ImportProgress) => void;
  /** Reads and verifies a file, in a worker thread in the app (createWorkerVerifier); in-process by default. */
  readonly read?: (file: string) => Promise<VerifiedFile> | VerifiedFile;
  /**
   * Called before waiting for a file `read` has not finished: verifies one waiting file on this thread and
   * says so, or returns false when there is nothing to do but wait (WorkerVerifier.help).
   */
  readonly whileWaiting?: (file: string) => boolean;
  /** How long to wait for another import into the same database at most (default DEFAULT_LOCK_WAIT_MS). */
  readonly lockWaitMs?: number;
}

/**
 * The options that verify in the worker, this thread verifying small files the worker has not started
 * while it would wait (the app, `ledger import`, the bench).
 */
export function verifyingWith(verifier: Pick<WorkerVerifier, 'read' | 'help'>): Pick<ImportOptions, 'read' | 'whileWaiting'> {
  return { read: (file) => verifier.read(file), whileWaiting: (file) => verifier.help(file, readVerifiedSmallFile) };
}

/** A refusal for one file: a stable code and a Chinese message. */
class Refusal extends LedgerError {}

const refuse = (code: ErrorCode, message: string, details?: unknown): never => {
  throw new Refusal(code, message, details);
};

/**
 * Imports files and folders. Works on both sides: report packages at the summary office;
 * feedback and (later) assignment packages at a unit. One import at a time writes into a database,
 * whichever program runs it: a second one waits for the first (saying so through onProgress), then
 * finds what the first brought in as duplicates.
 * @example await importFiles(ctx, ['/media/usb'], { acceptNewKeys: true })
 */
export async function importFiles(ctx: Ctx, paths: readonly string[], opts: ImportOptions = {}): Promise<ImportFileResult[]> {
  // A mistyped year (2030 for 2020) would file every report of the batch as late.
  const dateProblem = opts.receivedOn === undefined ? null : receivedOnProblem(opts.receivedOn, today(ctx));
  if (dateProblem !== null) throw new LedgerError('E_VALIDATION', `${dateProblem},没有导入任何文件。请填写这批文件实际收到的日期。`);
  const files = expandPaths(paths);
  if (files.length === 0 && paths.length > 0) {
    const where = paths.length === 1 ? `所选文件夹「${basename(paths[0]!)}」` : '所选的文件夹';
    throw new LedgerError('E_NOT_FOUND', `${where}(含其中三层以内的子文件夹)里没有找到数据包(.xlsx 文件),没有导入任何文件。请确认选的是U盘上存放数据包的文件夹。`);
  }
  const role = await roleOf(ctx);
  if (opts.dryRun || files.length === 0) return importBatch(ctx, role, files, opts, null);
  const lock = {
    ...(opts.lockWaitMs === undefined ? {} : { waitMs: opts.lockWaitMs }),
    onWait: (w: Waiting) => opts.onProgress?.({ done: 0, total: files.length, file: '', waiting: w.message }),
  };
  // On PostgreSQL several clerks import at once: each package's writes take the database's own write lock
  // (db/dialect/postgres.ts) while the files are read and verified side by side, and the server's backups
  // (pg_dump, base backups) stand where a SQLite office keeps a copy of its file before each batch.
  if (isPostgres(ctx.db)) return importBatch(ctx, role, files, opts, null);
  // A copy of the database before the batch's first write: whatever arrives on the USB drive, the
  // office can go back. Without a backup, nothing is imported; a batch that writes nothing makes none.
  return withWriterLock(ctx.file, 'import', lock, () => importBatch(ctx, role, files, opts, backupWhenNeeded(ctx, { reason: 'before-import' })));
}

/** The backup before a batch's first write could not be made: the batch stops, and none of it is imported. */
class NoBackup extends Error {
  constructor(readonly reason: unknown) {
    super('no backup');
  }
}

async function importBatch(ctx: Ctx, role: Side, files: readonly string[], opts: ImportOptions, backup: PendingBackup | null): Promise<ImportFileResult[]> {
  const withBackup: FileOptions = {
    ...opts, backupFile: backup?.name ?? null, preview: { packages: new Map(), revisions: new Map(), keys: new Map(), rollups: { revisions: new Map(), keys: new Map() } },
    // Written through a connection of its own, it copies what is committed: called with a package's
    // writes made but not committed, it is the database as it was before the batch.
    backupBeforeCommit: async () => {
      try {
        await backup?.take();
      } catch (err) {
        throw new NoBackup(err);
      }
    },
  };
  const results: ImportFileResult[] = [];
  const read = opts.read ?? readVerifiedFile;
  // Reports never change the plan: the office reads it once per batch, not once per file
  // (loading the plan is the biggest read of an import; see docs/performance.md).
  const batch = role === 'summary' && files.length > 0 ? await summaryBatch(ctx) : null;
  // What another writer may change between two of this batch's transactions (keys pinned, periods locked: on
  // PostgreSQL other clerks' imports commit in between), and what a lost group takes with it (its key pins).
  const forget = () => {
    batch?.keys.clear();
    batch?.periods.clear();
  };
  const group = batch && !opts.dryRun ? new MergeGroup(ctx.db, results, forget) : null;
  // The next files are read and verified while this one merges: with verification in a worker (the
  // app), a batch on two cores takes about the longer of the two steps, not their sum.
  const prepare = (file: string, bytes: number) => {
    // In a promise even when `read` runs here and throws at once: the refusal is the file's, in its turn.
    const entry = { file, read: Promise.resolve().then(() => read(file)), bytes, settled: false };
    const settle = () => { entry.settled = true; };
    entry.read.then(settle, settle); // also keeps an early refusal from counting as unhandled: it is awaited in its turn below
    return entry;
  };
  // On PostgreSQL other clerks' imports wait for this one's write lock while its group is open: the group is
  // committed before waiting for a file still being verified, so that they write meanwhile (docs/performance.md).
  const shared = isPostgres(ctx.db);
  const ahead: ReturnType<typeof prepare>[] = [];
  let bytesAhead = 0;
  for (let i = 0; i < files.length; i++) {
    const name = basename(files[i]!);
    while (ahead.length < LOOKAHEAD_FILES && i + ahead.length < files.length) {
      const file = files[i + ahead.length]!;
      const bytes = sizeOf(file);
      if (!fitsReadAhead(ahead.length, bytesAhead, bytes, LOOKAHEAD_FILES, LOOKAHEAD_BYTES)) break;
      ahead.push(prepare(file, bytes));
      bytesAhead += bytes;
    }
    const current = ahead.shift()!;
    bytesAhead -= current.bytes;
    opts.onProgress?.({ done: i, total: files.length, file: name });
    if (shared && !current.settled) await group?.commit();
    // Rather than wait idle for the worker, this thread verifies files it has not started (docs/performance.md).
    if (!current.settled && opts.whileWaiting) while (opts.whileWaiting(current.file)) { /* one more verified here */ }
    try {
      const received = withReport(await current.read);
      let r: Outcome;
      if (!batch) {
        r = await importAtUnit(ctx, received, name, withBackup);
      } else if (group) {
        r = await group.merge((db) => importAtSummary({ ...ctx, db }, batch, received, name, withBackup));
        if (r.status === 'accepted') await withBackup.backupBeforeCommit();
      } else {
        r = await importAtSummary(ctx, batch, received, name, withBackup);
      }
      results.push({ file: name, ...r });
      if (r.status === 'accepted') group?.added(results.length - 1, received.pkg.manifest.packageId);
    } catch (caught) {
      if (caught instanceof NoBackup) {
        await group?.rollback();
        throw caught.reason;
      }
      const err = caught instanceof StoreError ? writeFailed(caught) : caught;
      if (!(err instanceof WriteFailure)) {
        results.push(rejection(name, err, opts.dryRun));
      } else {
        results.push({ file: name, status: 'rejected', code: err.code, message: `文件「${name}」未能导入:${err.message}${err.failure ? AGAIN_IS_SAFE : ''}` });
        if (err.failure) {
          // The database itself cannot be written (read-only, held by another program, full, damaged):
          // the files after this one would only fail the same way, each after its own wait.
          for (const rest of files.slice(i + 1)) results.push(notTried(basename(rest), err.failure, err.where));
          break;
        }
      }
    }
    await group?.commitIfDue();
  }
  await group?.commit();
  opts.onProgress?.({ done: files.length, total: files.length, file: '' });
  return results;
}

type Outcome = Omit<ImportFileResult, 'file'>;

/** A file's refusal as the caller sees it: a code and a Chinese message naming the file (a preview says what would happen). */
function rejection(name: string, err: unknown, dryRun = false): ImportFileResult {
  const info = toErrorInfo(err);
  if (info.code === 'E_INTERNAL' && !(err instanceof LedgerError)) {
    // An unexpected failure is still one file's refusal, never the batch's end.
    return { file: name, status: 'rejected', code: 'E_UNREADABLE', message: `文件「${name}」无法处理:${info.message}` };
  }
  const details = (info.details ?? {}) as { fingerprint?: unknown; unit?: unknown; holders?: unknown; cells?: ImportFileResult['cells'] };
  return {
    file: name, status: 'rejected', code: info.code, message: `文件「${name}」${dryRun ? '将被拒收' : '被拒收'}:${info.message}`,
    ...(typeof details.fingerprint === 'string' ? { fingerprint: details.fingerprint } : {}),
    ...(typeof details.unit === 'string' ? { unit: details.unit } : {}),
    ...(Array.isArray(details.holders) ? { holders: details.holders as string[] } : {}),
    ...(Array.isArray(details.cells) ? { cells: details.cells } : {}),
  };
}

/** A file that could not be written into the database: why, in words from db/errors.ts. */
class WriteFailure extends LedgerError {
  /** `where`: the store that failed (StoreError.file), for the words that differ on a server. */
  constructor(readonly failure: StoreFailure | null, code: ErrorCode, message: string, readonly where = '') {
    super(code, message);
  }
}

function writeFailed(err: unknown): WriteFailure {
  const failure = failureOf(err);
  if (!failure) {
    const why = err instanceof Error ? err.message : String(err);
    return new WriteFailure(null, 'E_WRITE_FAILED', `写入数据库失败(${why}),这个文件未导入,数据库未被改动。请重新导入这个文件;如仍失败,请联系技术人员。`);
  }
  const where = err instanceof StoreError ? err.file : '';
  const words = failureWords(failure, where);
  // A damaged database was damaged before this file: "not changed" would read as "fine".
  const unchanged = failure === 'damaged' ? '' : ',数据库未被改动';
  return new WriteFailure(failure, words.code, `写入数据库失败:${words.reason},这个文件未导入${unchanged}。${words.advice}。`, where);
}

/** A file after the database failed: not tried, and said so. */
function notTried(file: string, failure: StoreFailure, where: string): ImportFileResult {
  const words = failureWords(failure, where);
  return { file, status: 'rejected', code: words.code, message: `文件「${file}」未导入:${words.reason},本批其余文件都没有写入。${words.advice.replace(/后再试$/, '')}后重新导入。${AGAIN_IS_SAFE}` };
}

/** Said of every file a failing database left out: the clerk imports the whole drive again rather than pick files. */
const AGAIN_IS_SAFE = '重新导入同一批文件是安全的:已导入的文件会被识别为重复,不会导入两次。';

/**
 * Files read and queued for verification ahead of the one merging: enough that the worker keeps
 * verifying while a group commits (about 15 ms, five packages), few enough that memory stays bounded
 * whatever the drive holds (each file is at most maxFileBytes).
 */
const LOOKAHEAD_FILES = 16;
const LOOKAHEAD_BYTES = 32 * 1024 * 1024;

const SAVEPOINT = CompiledQuery.raw('SAVEPOINT package');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('ROLLBACK TO SAVEPOINT package');
const RELEASE_SAVEPOINT = CompiledQuery.raw('RELEASE SAVEPOINT package');

/** Packages merged per transaction at most, and how long a transaction stays open at most. */
export const GROUP_FILES = 50;
export const GROUP_MS = 250;

/**
 * Group commit: up to GROUP_FILES packages (or GROUP_MS of work) share one transaction, and so one
 * fsync, which was a sixth of an import's time (docs/performance.md). Each package is merged inside
 * its own SAVEPOINT, so a refused or failing file still leaves nothing behind, and a crash loses
 * whole packages only (those of the open group; importing the folder again brings them in once).
 * While a group is open it holds the connection: every query of the merge must use the `db` given.
 */
class MergeGroup {
  private trx: ControlledTransaction<Database> | null = null;
  private openedAt = 0;
  /** Indexes in `results` of the packages merged in the open group. */
  private merged: number[] = [];
  /** The package id of one of them: whether the group was committed can be asked of the store by it. */
  private witness: string | null = null;

  /** `forget`: the batch's cached reads are out of date, when a transaction begins and when one is lost. */
  constructor(private readonly db: Db, private readonly results: ImportFileResult[], private readonly forget: () => void = () => {}) {}

  async merge(work: (db: Tx) => Promise<Outcome>): Promise<Outcome> {
    if (!this.trx) {
      try {
        this.trx = await this.db.startTransaction().execute();
      } catch (err) {
        throw writeFailed(err);
      }
      this.openedAt = performance.now();
      this.forget();
    }
    // Plain statements on the group's transaction: Kysely's savepoint() builds a transaction object
    // for each one, a tenth of a package's merge on the importing thread (docs/performance.md).
    const trx = this.trx;
    await trx.executeQuery(SAVEPOINT);
    let out: Outcome;
    try {
      out = await work(trx);
    } catch (err) {
      try {
        await trx.executeQuery(ROLLBACK_TO_SAVEPOINT);
        await trx.executeQuery(RELEASE_SAVEPOINT);
      } catch {
        // SQLite rolled the whole transaction back itself (disk full, I/O error): the packages
        // merged before this one in the group are not in the database either.
        await this.abandon(err);
      }
      // A refusal keeps its code; anything else failed while writing the database.
      throw err instanceof LedgerError && !(err instanceof StoreError) ? err : writeFailed(err);
    }
    await trx.executeQuery(RELEASE_SAVEPOINT);
    return out;
  }

  /** The package at results[index], of id `packageId`, was merged in the open group. */
  added(index: number, packageId: string): void {
    this.merged.push(index);
    this.witness ??= packageId;
  }

  async commitIfDue(): Promise<void> {
    if (this.trx && (this.merged.length >= GROUP_FILES || performance.now() - this.openedAt >= GROUP_MS)) await this.commit();
  }

  async commit(): Promise<void> {
    const trx = this.trx;
    if (!trx) return;
    try {
      await trx.commit().execute();
      this.trx = null;
      this.merged = [];
      this.witness = null;
    } catch (err) {
      if (failureOf(err) !== 'lost') {
        await this.abandon(err);
        return;
      }
      // The connection to a server can break after the server committed and before it said so: the store is
      // asked anew, on a connection of its own once this one is given back.
      this.trx = null;
      await trx.rollback().execute().catch(() => undefined);
      const committed = await this.committedAnyway();
      if (committed === true) this.keepAfterLostCommit();
      else await this.abandon(err, committed === null);
    }
  }

  /** Whether the store holds the open group's packages (a group is all or nothing); null when it cannot be asked. */
  private async committedAnyway(): Promise<boolean | null> {
    if (this.witness === null) return false;
    try {
      return await hasPackage(this.db, this.witness);
    } catch {
      return null;
    }
  }

  /** The group was committed although its connection broke on the way back: its packages stay imported, and say so. */
  private keepAfterLostCommit(): void {
    for (const i of this.merged) {
      const r = this.results[i]!;
      this.results[i] = { ...r, message: `${r.message.replace(/。$/, "")};保存时与数据库服务器的连接中断,已重新连接核实:这个文件已保存。` };
    }
    this.merged = [];
    this.witness = null;
  }

  /** Drops the open group: nothing of it is written. */
  async rollback(): Promise<void> {
    const trx = this.trx;
    this.trx = null;
    this.merged = [];
    this.witness = null;
    this.forget();
    if (trx && !trx.isRolledBack) await trx.rollback().execute().catch(() => undefined);
  }

  /**
   * The open group is lost: roll back what is left of it and refuse each of its packages. `unknown`: its commit
   * was sent and the connection broke before the answer, and the server could not be asked again.
   */
  private async abandon(err: unknown, unknown = false): Promise<void> {
    const merged = this.merged;
    await this.rollback();
    const failed = writeFailed(err);
    for (const i of merged) {
      const r = this.results[i]!;
      const message = unknown
        ? `文件「${r.file}」不能确定是否已导入:保存时与数据库服务器的连接中断,服务器可能已经保存,也可能没有,又无法重新连接核实。请在服务器恢复后再导入一次:已保存的会显示为重复,没有保存的会导入,都只导入一次。`
        : `文件「${r.file}」未能导入:${failed.message}${failed.failure ? AGAIN_IS_SAFE : ''}`;
      this.results[i] = { file: r.file, status: 'rejected', code: failed.code, message, ...(r.unit ? { unit: r.unit } : {}) };
    }
  }
}


// ---------------------------------------------------------------------------------------------
// Summary office

/**
 * The day a task's report first came in, when one in full is being replaced: a later version (a correction, or a
 * task sent back and reported again) keeps it, so an on-time unit does not turn late by correcting, nor a late one
 * on time by a version dated earlier. The package itself is archived under the batch's own date.
 */
function firstReceived(task: TaskModel, before: Report | undefined): string | null {
  return isComplete(task, before) && before.receivedOn !== null ? before.receivedOn : null;
}

/** Options as each file sees them: with the name of the backup taken before the batch. */
type FileOptions = ImportOptions & {
  readonly backupFile: string | null;
  readonly preview: Preview;
  /** Makes the batch's backup (once) if it has none yet: called after a file's writes, before they are committed. */
  readonly backupBeforeCommit: () => Promise<void>;
};

/**
 * What a dry run would have written so far in its batch, so that later files are judged as a real
 * import would judge them: the same package twice is a duplicate, an older revision after a newer
 * one is stale, a unit's first key is accepted once.
 */
export interface PreviewedPackage {
  readonly file: string;
  readonly signer: string;
}

interface Preview {
  /** packageId → the file that brought it and the key that signed it (another key under the id is another package) */
  readonly packages: Map<string, PreviewedPackage>;
  /** `${unitId}:${period}` → the highest revision */
  readonly revisions: Map<string, number>;
  /** unitId → the key accepted for it */
  readonly keys: Map<number, KeyHolder & { readonly publicKey: string }>;
  /** The same for 汇总包 from subordinate offices. */
  readonly rollups: RollupPreview;
}

/**
 * What a batch at the office reads once, not once per file: each query a package saves is a
 * tenth of its merge (docs/performance.md).
 */
interface SummaryBatch {
  readonly plan: PlanModel;
  /** This office's key fingerprint: a report is for this office only if it names it. */
  readonly fingerprint: string;
  /** Units looked up by the name a package gives (a name or an alias), as they are found. */
  readonly units: Map<string, { id: number; name: string; kind: UnitKind } | null>;
  readonly planUnitIds: ReadonlySet<number>;
  readonly tasksByNo: ReadonlyMap<number, PlanModel['tasks'][number]>;
  /** Periods by 'YYYY-MM' as they are found (an import never changes one). */
  readonly periods: Map<string, PeriodRow | null>;
  /** Keys by unit id as they are found; a unit whose key a package pins is looked up again. */
  readonly keys: Map<number, PinnedKey | null>;
  readonly roles: Map<number, ReadonlyMap<number, Role>>;
  /** `${plan revision}:${unit name}` → the task numbers that unit led at that revision (null: revision not kept). */
  readonly leadTasks: Map<string, ReadonlySet<number> | null>;
  /** Every office key and whose it is (officeKeyHolders), read once; a roll-up pinning one reads them again. */
  officeKeys?: Promise<ReadonlyMap<string, readonly string[]>> | undefined;
}

async function summaryBatch(ctx: Ctx): Promise<SummaryBatch> {
  const plan = await activePlan(ctx);
  return {
    plan, fingerprint: await ownFingerprint(ctx), units: new Map(),
    planUnitIds: new Set(plan.units.map((u) => u.id)), tasksByNo: new Map(plan.tasks.map((t) => [t.no, t])),
    periods: new Map(), keys: new Map(), roles: new Map(), leadTasks: new Map(),
  };
}

/** The numbers of the tasks a unit (by a name it had then) led at a kept plan revision; null where the revision was not kept. */
async function leadTasksAt(db: Tx, planId: string, revision: number, unit: string): Promise<ReadonlySet<number> | null> {
  const then = await planAtRevision(db, planId, revision);
  if (!then) return null;
  const names = new Set([unit, ...then.units.filter((u) => u.name === unit || u.aliases.includes(unit)).flatMap((u) => [u.name, ...u.aliases])]);
  return new Set(then.categories.flatMap((c) => c.tasks).filter((t) => t.leadUnits.some((n) => names.has(n))).map((t) => t.no));
}

async function cached<K, V>(map: Map<K, V>, key: K, read: () => V | Promise<V>): Promise<V> {
  if (map.has(key)) return map.get(key)!;
  const v = await read();
  map.set(key, v);
  return v;
}

async function ownFingerprint(ctx: Ctx): Promise<string> {
  const own = await getSetting(ctx.db, 'fingerprint');
  if (!own) throw new LedgerError('E_NOT_LEDGER_DB', '数据库中没有本机的密钥指纹,请先初始化。');
  return own;
}

/**
 * Every office key and whose it is: this office's own, the 上级汇总端 it was set up from, and its 下级汇总端s.
 * An office's key is never a unit's, whatever is accepted on purpose: a report signed with it would be the
 * office speaking for a unit (docs/package-format.md §10).
 */
async function officeKeyHolders(ctx: Ctx): Promise<ReadonlyMap<string, readonly string[]>> {
  const out = new Map<string, string[]>();
  const add = (key: string, who: string) => out.set(key, [...out.get(key) ?? [], who]);
  const own = await getSetting(ctx.db, 'public_key');
  if (own) add(own, OFFICE_HOLDER.own);
  const parent = await getParent(ctx.db);
  if (parent) add(parent.publicKey, OFFICE_HOLDER.parent(parent.name));
  const keys = await listOfficeKeys(ctx.db);
  if (keys.length > 0) {
    const names = new Map((await listOffices(ctx.db)).map((o) => [o.id, o.name]));
    for (const k of keys) add(k.publicKey, OFFICE_HOLDER.subordinate(names.get(k.officeId) ?? String(k.officeId)));
  }
  return out;
}

function refuseOfficeKey(offices: readonly string[], unit: string, print: string, what: string): never {
  throw new LedgerError('E_KEY_OF_OTHER_UNIT', `${what}自称来自${unit},签名密钥(${print})却是${offices.join('、')}的密钥,不是任何单位的密钥,未导入,也不能登记为单位的密钥。`
    + `请电话与${unit}核实,请它用自己电脑上按任务包建立的填报端重新导出。`, { fingerprint: print, unit, holders: [...offices] });
}

/** The units a key already belongs to, in words: 市残联(现用)、市民政局(已停用). */
function holdersText(holders: readonly KeyHolder[]): string {
  return holders.map((h) => `${h.unit}(${h.status === 'trusted' ? '现用' : '已停用'})`).join('、');
}

/**
 * Checks one report package against the office's plan, keys and revisions and merges it. Writes
 * go straight to `ctx.db`: the caller runs this inside a savepoint (or, for a dry run, writes nothing).
 */
async function importAtSummary(ctx: Ctx, batch: SummaryBatch, received: PackageFile, fileName: string, opts: FileOptions): Promise<Outcome> {
  const { pkg } = received;
  const { plan } = batch;
  const m = pkg.manifest;
  const { preview } = opts;
  // A later 下达包 from the parent this office was set up from (levels/allocation.ts). It revises the plan: the
  // reports after it in the batch are judged against the new one, read inside the same transaction.
  if (m.kind === 'allocation') {
    // Loaded here only: it brings the package writer (SheetJS) and plan set-up, which reports never need.
    const { importAllocation } = await import('../levels/allocation');
    const r = await importAllocation(ctx, received, fileName, opts);
    if (r.status === 'accepted' && !opts.dryRun) Object.assign(batch, await summaryBatch(ctx));
    return r;
  }
  if (m.kind === 'rollup') {
    // Loaded only when a 汇总包 comes, as the 下达包's module is: reports never need the roll-up's schemas nor the plan's.
    const { importRollup } = await import('../levels/rollup-import');
    batch.officeKeys = undefined;
    return importRollup(ctx, batch, received, fileName, { ...opts, packages: preview.packages, rollups: preview.rollups });
  }
  if (m.kind !== 'report') {
    refuse('E_WRONG_RECIPIENT', `这是发给单位的${KIND_LABELS[m.kind]},应在填报端导入,不是汇总端。`);
  }
  // Bound by key, never by name: two offices may well keep the same default name.
  if (m.recipient === null) {
    refuse('E_WRONG_RECIPIENT', `这个填报包没有写明接收方汇总端的密钥指纹,无法确认是发给本机(指纹 ${batch.fingerprint})的,未导入。请${m.unit}升级程序后重新导出。`, { recipient: null, own: batch.fingerprint });
  }
  if (m.recipient !== batch.fingerprint) {
    const { wrongLevel } = await import('../levels/rollup-import');
    const level = await wrongLevel(ctx, m);
    if (level !== null) refuse('E_WRONG_RECIPIENT', level, { recipient: m.recipient, own: batch.fingerprint });
    const ours = await officeName(ctx);
    const elsewhere = namesAlike(m.to, ours) === '' ? `请把这个文件交给「${m.to}」导入。` : '';
    refuse('E_WRONG_RECIPIENT', `这个填报包是发给密钥指纹为 ${m.recipient} 的汇总端(「${m.to}」)的,本机汇总端(「${ours}」)的指纹是 ${batch.fingerprint}:${namesAlike(m.to, ours)}不是同一个汇总端,未导入。${elsewhere}`
      + `${m.unit}的程序是按那个汇总端的任务包建立的。请电话与该单位核对其「设置」页上的汇总端密钥指纹;如果它确实应当向本机报送,请从本机生成任务包交给它,按新任务包重新建立填报端后再导出。`, { recipient: m.recipient, own: batch.fingerprint });
  }
  if (m.planId !== plan.id) {
    // Another year's report, the commonest case after a new year is started: say which year's ledger takes it.
    const year = Number(m.periods[0]?.slice(0, 4));
    const otherYear = Number.isInteger(year) && year !== plan.year
      ? `它是 ${year} 年的填报包,本机是 ${plan.year} 年的台账;请在 ${year} 年的台账中导入(界面顶部「年度」下拉框切换,命令行 --db 该年的数据库)。`
      : '';
    refuse('E_WRONG_PLAN', `这个填报包属于另一个工作计划(${m.planId}),本机是「${plan.title}」。${otherYear}`);
  }
  if (!pkg.report) {
    // Where it is wrong, for the unit to hear: a compiled schema's verdict only says whether (package-format.ts).
    const parsed = reportDataSchema.safeParse(pkg.data);
    const where = parsed.success ? '' : `:${describeZodError(parsed.error)}`;
    refuse('E_NOT_A_PACKAGE', `填报包内容的结构不对${where},无法导入。本程序导出的数据包不会这样:请电话与${m.unit}核实,请它用本程序重新导出。`);
  }
  // A unit's plan is the office's, of this revision or an earlier one: a later one was never issued here.
  if (m.planRevision < 1 || m.planRevision > plan.revision) {
    refuse('E_WRONG_PLAN', `填报包写的工作计划是第${m.planRevision}版,本机的工作计划只有第1版到第${plan.revision}版,本机没有发出过这一版,未导入。本程序导出的数据包不会这样:请电话与${m.unit}核实,请它用本程序重新导出。`);
  }
  // A report's revisions count from 1 (docs/package-format.md §10); the store refuses anything else.
  if (m.revision < 1) refuse('E_NOT_A_PACKAGE', `填报包的版本号 ${m.revision} 无效(应从1开始),无法导入。`);
  const data = pkg.report!;
  const unit = await cached(batch.units, m.unit, () => findUnitByName(ctx.db, m.unit));
  if (!unit || unit.kind !== 'unit' || !batch.planUnitIds.has(unit.id)) refuse('E_UNKNOWN_UNIT', `本计划中没有名为「${m.unit}」的填报单位。`);
  if (data.unit !== m.unit || m.from !== m.unit) {
    refuse('E_UNKNOWN_UNIT', `填报包中的单位名称前后不一致(签名清单写「${m.unit}」,发送方写「${m.from}」,填报内容写「${data.unit}」),未导入。本程序导出的数据包不会这样:请让该单位用本程序重新导出。`);
  }
  const unitId = unit!.id;
  if (m.periods.length !== 1) refuse('E_WRONG_PLAN', `填报包写明了 ${m.periods.length} 个报送期,一个填报包应当只报一个报送期,未导入。请让该单位用本程序重新导出。`);
  const period = await cached(batch.periods, m.periods[0]!, () => findPeriod(ctx.db, plan.id, m.periods[0]!));
  if (!period) refuse('E_WRONG_PLAN', notAPeriodOfPlan(plan, m.periods, m.unit));
  if (data.period !== m.periods[0]) {
    refuse('E_WRONG_PLAN', `填报包中的报送期前后不一致(签名清单写 ${m.periods[0]},填报内容写 ${data.period}),未导入。本程序导出的数据包不会这样:请让该单位用本程序重新导出。`);
  }

  const pinnedKey = (await cached(batch.keys, unitId, () => trustedKey(ctx.db, unitId)))?.publicKey
    ?? (opts.dryRun ? preview.keys.get(unitId)?.publicKey : undefined) ?? null;
  let acceptKey = false;
  if (pinnedKey !== m.signerKey) {
    // A key is one unit's identity. Offered as another unit's, it is not new, so accepting new keys
    // does not take it; a retired one counts too, since a retired key is the likeliest to have left
    // its computer (a reinstalled or handed-over PC) and be used to sign as someone else.
    const offices = (await (batch.officeKeys ??= officeKeyHolders(ctx))).get(m.signerKey) ?? [];
    if (offices.length > 0) refuseOfficeKey(offices, m.unit, pkg.fingerprint, '这个填报包');
    const previewed = opts.dryRun ? [...preview.keys.values()].filter((k) => k.publicKey === m.signerKey) : [];
    const others = [...await holdersOfKey(ctx.db, m.signerKey), ...previewed].filter((h) => h.unitId !== unitId);
    if (others.length > 0) {
      refuse('E_KEY_OF_OTHER_UNIT', `这个填报包自称来自${m.unit},签名密钥(${pkg.fingerprint})却已登记为${holdersText(others)}的密钥,未导入。一个密钥只属于一个单位:请电话与${m.unit}和${others[0]!.unit}核实。`
        + `如果两个单位确实在同一台电脑上用同一个密钥填报,可以在「导入填报包」页弹出的对话框中确认,或用命令 keys --accept-from 该文件 --shared-key,把它登记为${m.unit}的共用密钥(记入审计日志)。`, { fingerprint: pkg.fingerprint, unit: m.unit, holders: others.map((h) => h.unit) });
    }
    if (pinnedKey === null) {
      if (!opts.acceptNewKeys) {
        refuse('E_UNKNOWN_KEY', `这是${m.unit}的第一个数据包,密钥指纹为 ${pkg.fingerprint}。请与该单位电话核对指纹,确认后选择「接受新密钥」再导入。`, { fingerprint: pkg.fingerprint, unit: m.unit });
      }
      acceptKey = true;
    } else {
      const pinnedPrint = fingerprint(pinnedKey);
      const retired = await unitKeyRetirement(ctx.db, unitId, m.signerKey);
      if (retired) {
        refuse('E_KEY_MISMATCH', `这个填报包是用${retiredKeyWords(m.unit, retired)}签名的,未导入。${retiredKeyAdvice(m.unit, '填报包')}`, { fingerprint: pkg.fingerprint, pinned: pinnedPrint, unit: m.unit, retired: true });
      }
      refuse('E_KEY_MISMATCH', `${m.unit}的密钥与本机登记的不一致(登记 ${pinnedPrint},收到 ${pkg.fingerprint})。可能是该单位重装了程序,也可能是冒名文件。请电话核实后,在「单位、密钥与数据包」页用「从填报包登记新密钥」选这个文件(命令行:keys --accept-from 该文件)。`, { fingerprint: pkg.fingerprint, pinned: pinnedPrint, unit: m.unit });
    }
  }

  // Judged by this office's clock (or the batch's received date, if earlier): the unit's clock may be wrong.
  const day = opts.receivedOn && opts.receivedOn < today(ctx) ? { date: opts.receivedOn, what: '这批文件的收到日期' } : { date: today(ctx), what: '本机今天' };
  const { frequency } = plan;
  const label = periodLabel(m.periods[0]!, frequency);
  if (!hasStarted(m.periods[0]!, day.date, frequency)) {
    const word = PERIOD_UNIT_WORDS[frequency];
    refuse('E_FUTURE_PERIOD', `这个填报包报送的是${label},该报送期从 ${periodStart(m.periods[0]!, frequency)} 才开始,${day.what}是 ${day.date}:还没有到这个${word},未导入。`
      + `可能是${m.unit}电脑的日期不对,请对方改正日期,到该${word}再填报导出。`, { unit: m.unit, period: m.periods[0] });
  }

  const sameInBatch = opts.dryRun ? preview.packages.get(m.packageId) : undefined;
  const holder = (o: PackageOwner) => (o.unitId === null ? '本机的另一个数据包' : `${plan.units.find((u) => u.id === o.unitId)?.name ?? '另一个单位'}的数据包`);
  if (await receivedBefore(ctx.db, m, m.unit, { from: { unitId }, holder, ...(sameInBatch ? { inBatch: sameInBatch } : {}) })) {
    const what = `${m.unit} ${label} 第${m.revision}版`;
    const message = sameInBatch !== undefined
      ? `文件「${fileName}」与本批的「${sameInBatch.file}」是同一个数据包(${what}),将作为重复跳过。`
      : `文件「${fileName}」已导入过(${what}),未做任何改动。`;
    return { status: 'duplicate', message, unit: m.unit, period: m.periods[0]!, revision: m.revision, kind: m.kind, fingerprint: pkg.fingerprint };
  }
  const revisionKey = `${unitId}:${m.periods[0]!}:${m.signer}`;
  const newest = await newestRevision(ctx.db, { unitId }, m.periods[0]!, m.signer);
  const highest = Math.max(newest.revision, (opts.dryRun ? preview.revisions.get(revisionKey) : undefined) ?? 0);
  refuseRevisionJump(m.unit, label, m.revision, highest);
  if (highest >= m.revision) {
    const inBatch = opts.dryRun && highest > newest.revision;
    refuse('E_STALE_REVISION', `${m.unit} ${label} ${inBatch ? '本批中已有' : '已导入'}第${highest}版,这个文件是第${m.revision}版,较旧,${opts.dryRun ? '将不导入' : '未导入'}。${inBatch ? '' : restoredHint(newest, m.createdAt)}`);
  }
  if (period!.locked) refuse('E_PERIOD_LOCKED', `${label} 已关账锁定,不能再导入;如需更新,请先重新开启该报送期。`);

  const roles = await cached(batch.roles, unitId, () => rolesOfUnit(plan, unitId));
  // A unit still on an older plan revision reports what that revision asked of it: what the plan no
  // longer asks (a task or indicator removed, a role taken away) is left out, never a reason to refuse.
  const older = m.planRevision < plan.revision;
  const skipped: string[] = [];
  const tasks = mapReports(batch.tasksByNo, roles, data, older ? skipped : null);
  // The unit's program never exports without every lead task; a package without one would leave
  // that task's older revision standing beside this one, so it is refused whoever signed it.
  // On an older revision, the lead tasks of that revision are the ones it must hold.
  const present = new Set(tasks.map((t) => t.taskId));
  const leadThen = older ? await cached(batch.leadTasks, `${m.planRevision}:${m.unit}`, () => leadTasksAt(ctx.db, plan.id, m.planRevision, m.unit)) : null;
  const missing = plan.tasks.filter((t) => roles.get(t.id) === 'lead' && !present.has(t.id) && (leadThen?.has(t.no) ?? true));
  if (missing.length > 0) {
    refuse('E_WRONG_PLAN', `填报包缺少本单位牵头的任务${missing.map((t) => t.no).join('、')}(每个填报包都应包含全部牵头任务;该单位的工作计划可能与本机不一致),未导入。`);
  }
  // Values are cumulative figures and targets live here, so a unit still on an older plan revision
  // is merged; the office is told, to remind the unit to import the latest assignment package.
  const planNote = m.planRevision === plan.revision ? ''
    : `;注意:该单位的工作计划是第${m.planRevision}版,本机是第${plan.revision}版,请提醒该单位导入最新的任务包${skipped.length > 0 ? `(本计划已不再要求的${skipped.join('、')}未导入)` : ''}`;
  const existing = new Map((await listReports(ctx.db, period!.id, { unitId })).map((r) => [r.taskId, r]));
  const changes = tasks.flatMap((t) => diff(t, existing.get(t.taskId)));
  const receivedOn = opts.receivedOn ?? today(ctx);
  const base = { unit: m.unit, period: m.periods[0]!, revision: m.revision, kind: m.kind, fingerprint: pkg.fingerprint, changes } as const;
  if (opts.dryRun) {
    preview.packages.set(m.packageId, { file: fileName, signer: m.signer });
    preview.revisions.set(revisionKey, m.revision);
    if (acceptKey) preview.keys.set(unitId, { unitId, unit: m.unit, status: 'trusted', publicKey: m.signerKey });
    return { status: 'accepted', message: `(预览)将导入 ${m.unit} ${label} 第${m.revision}版:${changes.length} 处变化${acceptKey ? `;将接受新密钥 ${pkg.fingerprint}` : ''}${planNote}。`, ...base };
  }

  const at = nowIso(ctx);
  const audit: AuditEntry[] = [];
  if (acceptKey) {
    batch.keys.delete(unitId); // pinned inside this package's savepoint, which may yet roll back
    await pinKey(ctx.db, { unitId, publicKey: m.signerKey, fingerprint: pkg.fingerprint, at, by: ctx.actor });
    audit.push({ at, actor: ctx.actor, action: 'key.accept-first', entity: 'unit', entityId: m.unit, before: null, after: { fingerprint: pkg.fingerprint, packageId: m.packageId } });
  }
  const written = await writeReports(ctx.db, tasks.map((t) => reportRow(t.fields, {
    periodId: period!.id, unitId, taskId: t.taskId, role: t.role, enteredBy: t.enteredBy, proxy: false,
    source: 'package', packageId: m.packageId, revision: m.revision, receivedOn: firstReceived(plan.tasks.find((x) => x.id === t.taskId)!, existing.get(t.taskId)) ?? receivedOn, values: t.values,
  })), at, existing);
  tasks.forEach((t, i) => {
    const { id, before } = written[i]!;
    audit.push({
      at, actor: ctx.actor, action: 'report.import', entity: 'report', entityId: String(id),
      before: before ? { revision: before.revision, status: before.status, values: before.values } : null,
      after: { unit: m.unit, period: m.periods[0], task: t.taskNo, revision: m.revision, status: t.fields.status, values: t.values, packageId: m.packageId },
    });
  });
  const answered = await answerReturns(ctx.db, { unitId, unit: m.unit, period: m.periods[0]!, taskIds: tasks.map((t) => t.taskId), revision: m.revision, at, actor: ctx.actor });
  audit.push(...answered.audit);
  await archive(ctx.db, received, fileName, unitId, at, receivedOn);
  audit.push({ at, actor: ctx.actor, action: 'package.import', entity: 'package', entityId: m.packageId, after: { file: fileName, unit: m.unit, period: m.periods[0], revision: m.revision, changes: changes.length, receivedOn, createdAt: m.createdAt, backup: opts.backupFile } });
  await appendAudit(ctx.db, audit);
  const answeredNote = answered.tasks.length > 0 ? `;退回的任务${answered.tasks.join('、')}已重报,请核对后关闭退回` : '';
  return { status: 'accepted', message: `已导入 ${m.unit} ${label} 第${m.revision}版(${tasks.length} 项任务,${changes.length} 处变化)${acceptKey ? `,已登记密钥 ${pkg.fingerprint}` : ''}${answeredNote}${planNote}。`, ...base };
}

interface MappedReport {
  readonly taskId: number;
  readonly taskNo: number;
  readonly role: Role;
  readonly enteredBy: string;
  readonly fields: ReportFields;
  readonly values: ReportValue[];
  /** indicator id → its number within the task, for messages */
  readonly indicatorNos: ReadonlyMap<number, number>;
  /** What each indicator's value is called in the preview of changes: 累计完成, 当前值, 增幅, 完成情况. */
  readonly valueWords: ReadonlyMap<number, string>;
}

/**
 * Why a report's period is not one of the plan's, in words: most often a unit still on an assignment made
 * before the office chose another reporting frequency (a monthly 2019-05 at a quarterly office).
 */
function notAPeriodOfPlan(plan: PlanModel, periods: readonly string[], unit: string): string {
  const period = periods.length === 1 ? periods[0]! : periods.join(',');
  const otherFrequency = plan.frequency === 'quarterly' ? 'monthly' : 'quarterly';
  const fromOtherFrequency = isPeriodId(period) && Number(period.slice(0, 4)) === plan.year && !isPeriodOf(period, plan.frequency) && isPeriodOf(period, otherFrequency);
  return `这个填报包报送的是 ${period}${fromOtherFrequency ? `(${periodLabel(period, otherFrequency)},${FREQUENCY_LABELS[otherFrequency]}报送的报送期)` : ''},不是本计划的报送期,未导入。本计划${planPeriodsText(plan.year, plan.frequency)}。`
    + (fromOtherFrequency ? `${unit}的程序可能是按改为${FREQUENCY_LABELS[plan.frequency]}报送之前的任务包建立的:请从本机重新生成${unit}的任务包,对方导入后按新的报送期重新填报导出。` : '');
}

/** Task and indicator numbers to this plan's rows; anything that does not fit refuses the package. */
function mapReports(tasksByNo: SummaryBatch['tasksByNo'], roles: ReadonlyMap<number, Role>, data: ReportData, skipped: string[] | null): MappedReport[] {
  const seen = new Set<number>();
  return data.reports.flatMap((r) => {
    const t = tasksByNo.get(r.task);
    const role = t && roles.get(t.id);
    if (skipped && (!t || !role)) {
      skipped.push(`任务${r.task}`);
      return [];
    }
    if (!t) return refuse('E_WRONG_PLAN', `填报包中的任务${r.task}不在本机的工作计划中(计划版本可能不一致)。`);
    if (seen.has(t.no)) return refuse('E_TAMPERED', `填报包中任务${t.no}出现了两次。`);
    seen.add(t.no);
    if (!role) return refuse('E_WRONG_PLAN', `任务${t.no}不是该单位牵头或协同的任务。`);
    const seenIndicators = new Set<number>();
    const values = r.values.flatMap((v) => {
      const ind = t.indicators.find((i) => i.no === v.indicator);
      if (!ind && skipped) {
        skipped.push(`任务${t.no}的第${v.indicator}个指标`);
        return [];
      }
      if (!ind) return refuse('E_WRONG_PLAN', `任务${t.no}没有第${v.indicator}个指标(计划版本可能不一致)。`);
      if (seenIndicators.has(ind.no)) return refuse('E_TAMPERED', `填报包中任务${t.no}的第${ind.no}个指标出现了两次。`);
      seenIndicators.add(ind.no);
      return { indicatorId: ind.id, value: v.value, note: v.note };
    });
    refuseAgainstEntryRules(t, role, fieldsOf(r), values, skipped === null);
    return {
      taskId: t.id, taskNo: t.no, role, enteredBy: r.enteredBy || data.unit,
      fields: fieldsOf(r),
      values,
      indicatorNos: new Map(t.indicators.map((i) => [i.id, i.no])),
      valueWords: new Map(t.indicators.map((i) => [i.id, VALUE_WORDS[i.kind].value])),
    };
  });
}

/**
 * The entry rules that hold whatever the office's plan version and earlier data: a unit's program
 * refuses to export such figures, so a package carrying them comes from an older or altered program,
 * and the office is the last place to stop a negative count or an unexplained 1.7e308 turning green.
 */
const CONTEXT_FREE_RULES: ReadonlySet<IssueCode> = new Set([
  'NEGATIVE', 'NOT_A_NUMBER', 'FUNDS_NEGATIVE', 'FUNDS_SPENT_OVER_AVAILABLE', 'FUNDS_AVAILABLE_OVER_PLANNED', 'OVER_3X_TARGET', 'TOO_LONG',
  'BAD_PHONE', 'FRACTION_FOR_PERCENT', 'TOO_BIG',
]);
/**
 * What the unit's program requires before it exports, of a unit on the office's own plan revision: every lead task
 * with a status and a value for each indicator. A package without them would replace a complete report with an
 * empty one. A unit on an older revision is held to what that revision asked (mapReports leaves the rest out).
 */
const EXPORT_RULES: ReadonlySet<IssueCode> = new Set(['MISSING_STATUS', 'MISSING_VALUE']);
const NO_PREVIOUS: ReadonlyMap<number, number> = new Map();

function refuseAgainstEntryRules(t: TaskModel, role: Role, fields: ReportFields, values: readonly { indicatorId: number; value: number | null; note: string }[], current: boolean): void {
  const byId = new Map(values.map((v) => [v.indicatorId, v]));
  const broken = blockingIssues(validateTaskEntry(toTaskEntry(t, role, fields, byId, NO_PREVIOUS), 12, 'export'))
    .filter((i) => CONTEXT_FREE_RULES.has(i.code) || (current && EXPORT_RULES.has(i.code)));
  if (broken.length > 0) {
    refuse('E_VALIDATION', `填报包中的数据不符合填报规则:${broken.slice(0, 3).map((i) => i.message).join('')}${broken.length > 3 ? `等 ${broken.length} 处` : ''}未导入。`
      + '本程序导出时不允许这样的数据,这个文件可能是旧版或被改动过的程序导出的:请电话与该单位核实,请它用正式版程序改正后重新导出。');
  }
}

const FIELD_LABELS: Readonly<Record<keyof ReportFields, string>> = {
  status: '推进状态', progress: '工作进展', problems: '存在问题', nextSteps: '下步措施', explanation: '情况说明',
  fundsPlanned: '计划资金', fundsAvailable: '到位资金', fundsSpent: '支出资金', contact: '联系人', phone: '联系电话',
};

/** What would change, value by value, old → new. */
function diff(t: MappedReport, before: Report | undefined): ValueChange[] {
  const out: ValueChange[] = [];
  for (const [k, v] of Object.entries(t.fields) as [keyof MappedReport['fields'], string | number | null][]) {
    const old = before ? (before[k] as string | number | null) : null;
    if ((old ?? '') !== (v ?? '')) out.push({ task: t.taskNo, indicator: null, field: FIELD_LABELS[k], before: old, after: v });
  }
  for (const v of t.values) {
    const old = before?.values.find((x) => x.indicatorId === v.indicatorId);
    const indicator = t.indicatorNos.get(v.indicatorId) ?? null;
    if ((old?.value ?? null) !== v.value) out.push({ task: t.taskNo, indicator, field: t.valueWords.get(v.indicatorId) ?? VALUE_WORDS.cumulative.value, before: old?.value ?? null, after: v.value });
    if ((old?.note ?? '') !== v.note) out.push({ task: t.taskNo, indicator, field: '说明', before: old?.note || null, after: v.note || null });
  }
  // A value the new version leaves out is gone once it replaces the old one: a change too.
  for (const old of before?.values ?? []) {
    if (old.value === null || t.values.some((v) => v.indicatorId === old.indicatorId)) continue;
    const indicator = t.indicatorNos.get(old.indicatorId) ?? null;
    out.push({ task: t.taskNo, indicator, field: t.valueWords.get(old.indicatorId) ?? VALUE_WORDS.cumulative.value, before: old.value, after: null });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Unit side

/** The 任务包's payload shape, with the plan's: loaded when an assignment comes, never for a batch of reports. */
async function assignmentShape() {
  return (await import('../packages/assignment-data')).assignmentDataSchema;
}

async function importAtUnit(ctx: Ctx, received: PackageFile, fileName: string, opts: FileOptions): Promise<Outcome> {
  const { pkg } = received;
  const m = pkg.manifest;
  if (m.kind === 'report') refuse('E_WRONG_RECIPIENT', '这是单位报给汇总端的填报包,应在汇总端导入。');
  if (m.kind === 'allocation' || m.kind === 'rollup') refuse('E_WRONG_RECIPIENT', `这是汇总端之间传递的${KIND_LABELS[m.kind]},应在汇总端使用,不是填报端。`);
  const self = (await getSetting(ctx.db, 'self_unit')) ?? '';
  // A 任务包's payload, checked once: its units name this unit, its plan's year and its targets are read below.
  const assignment = m.kind === 'assignment' ? (await assignmentShape()).safeParse(pkg.data) : null;
  // A revision that renamed this unit (or merged its misspelt name into the right one) addresses its new
  // assignment to the new name, keeping the old one as an alias.
  const renamedTo = m.to !== self && assignment?.data?.plan.units.some((u) => u.name === m.to && u.aliases.includes(self));
  const addressee = renamedTo ? m.to : self;
  if (m.to !== addressee || m.unit !== addressee) refuse('E_WRONG_RECIPIENT', `这个${KIND_LABELS[m.kind]}是发给「${m.to}」的,不是本单位(${self})。`);
  const officeKey = await getSetting(ctx.db, 'office_key');
  if (officeKey !== m.signerKey) {
    refuse('E_KEY_MISMATCH', `这个${KIND_LABELS[m.kind]}的签名密钥(${pkg.fingerprint})不是本机登记的汇总端密钥(${await getSetting(ctx.db, 'office_fingerprint')}),未导入。请与汇总端电话核实。`, { fingerprint: pkg.fingerprint });
  }
  // Null: the office had no key of this unit when it wrote the package (docs/package-format.md §5);
  // the pinned office signature above is what vouches for it then.
  const own = await ownFingerprint(ctx);
  if (m.recipient !== null && m.recipient !== own) {
    refuse('E_WRONG_RECIPIENT', `这个${KIND_LABELS[m.kind]}是发给密钥指纹为 ${m.recipient} 的${self}填报端的,本机的指纹是 ${own},未导入。汇总端登记的是本单位以前的密钥(例如重装程序之前的):`
      + `请先从本机导出一次填报包交给汇总端,由汇总端电话核实后登记本机的新密钥,再请汇总端重新生成${KIND_LABELS[m.kind]}。`, { recipient: m.recipient, own });
  }
  const plan = await activePlan(ctx);
  if (m.planId !== plan.id) {
    const next = assignment?.data?.plan;
    refuse('E_WRONG_PLAN', `这个${KIND_LABELS[m.kind]}属于另一个工作计划(${m.planId})。`
      + (next && next.year > plan.year ? `它是 ${next.year} 年「${next.title}」的任务包:新一年请新建填报端,保留本机密钥,不用重新核对指纹:ledger init --db 新文件.db --from 该任务包 --carry-from ${basename(ctx.file)}。本机 ${plan.year} 年的台账保持不变,仍可查看。` : ''));
  }
  const sameInBatch = opts.dryRun ? opts.preview.packages.get(m.packageId) : undefined;
  if (sameInBatch !== undefined) {
    return { status: 'duplicate', message: `文件「${fileName}」与本批的「${sameInBatch.file}」是同一个数据包,将作为重复跳过。`, kind: m.kind, revision: m.revision };
  }
  if (await receivedBefore(ctx.db, m, m.from)) {
    return { status: 'duplicate', message: `文件「${fileName}」已导入过,未做任何改动。`, kind: m.kind, revision: m.revision };
  }
  const at = nowIso(ctx);
  const unit = (await findUnitByName(ctx.db, self))!; // set up from its own assignment package
  if (m.kind === 'feedback') {
    const parsed = feedbackDataSchema.safeParse(pkg.data);
    if (!parsed.success) refuse('E_NOT_A_PACKAGE', '反馈包内容的结构不对,无法导入。');
    const data = parsed.data!;
    const returns = data.returns.map((r) => {
      const t = plan.tasks.find((x) => x.no === r.task);
      if (!t) return refuse('E_WRONG_PLAN', `反馈包中的任务${r.task}不在本机的工作计划中。`);
      return { ...r, taskId: t.id };
    });
    // A return this computer already has (an office sends every open return again until it is answered) is taken once.
    const known = new Set((await ctx.db.selectFrom('returns').select(['period', 'task_id', 'created_at']).where('unit_id', '=', unit.id).execute())
      .map((r) => `${r.period}|${r.task_id}|${r.created_at}`));
    const fresh = returns.filter((r) => !known.has(`${r.period}|${r.taskId}|${r.createdAt}`));
    const again = returns.length - fresh.length;
    // A report of the period exported after the return was made may already answer it (a stick that came late).
    const exported = fresh.length === 0 ? []
      : await ctx.db.selectFrom('packages').select(['period', 'created_at']).where('direction', '=', 'out').where('kind', '=', 'report').execute();
    const answeredMaybe = fresh.filter((r) => exported.some((e) => e.period === r.period && e.created_at > r.createdAt)).map((r) => r.task);
    const changes: ValueChange[] = fresh.map((r) => ({ task: r.task, indicator: null, field: '退回意见', before: null, after: r.comment }));
    if (!opts.dryRun) {
      await ctx.db.transaction().execute(async (trx) => {
        for (const r of fresh) {
          await trx.insertInto('returns').values({
            unit_id: unit.id, period: r.period, task_id: r.taskId, comment: r.comment, created_at: r.createdAt,
            created_by: m.from, feedback_package_id: m.packageId,
          }).execute();
        }
        await archive(trx, received, fileName, unit.id, at, today(ctx));
        await appendAudit(trx, { at, actor: ctx.actor, action: 'package.import.feedback', entity: 'package', entityId: m.packageId, after: { returns: data.returns, receipts: data.receipts.length, backup: opts.backupFile } });
        await opts.backupBeforeCommit();
      });
    }
    if (opts.dryRun) opts.preview.packages.set(m.packageId, { file: fileName, signer: m.signer });
    const [did, will] = opts.dryRun ? ['(预览)将导入', '将被退回,导入后请修改并重新导出'] : ['已导入', '被退回,请修改后重新导出'];
    const seen = again > 0 ? `(另有 ${again} 项此前的反馈包已送达,不重复记录)` : '';
    const late = answeredMaybe.length > 0 ? `注意:任务${answeredMaybe.join('、')}在退回之后本机已导出过该期的填报包;如已按退回意见改正,无需再报。` : '';
    const message = fresh.length > 0
      ? `${did}反馈包:${fresh.length} 项任务${will}${seen}。回执 ${data.receipts.length} 份。${late}`
      : `${did}反馈包:回执 ${data.receipts.length} 份,没有新的退回任务${seen}。`;
    return { status: 'accepted', message, kind: m.kind, revision: m.revision, changes };
  }
  // A later assignment: targets changed mid-year.
  if (!assignment?.success) refuse('E_NOT_A_PACKAGE', '任务包内容的结构不对,无法导入。');
  const data = assignment!.data!;
  if (data.plan.revision < plan.revision) refuse('E_STALE_REVISION', `本机计划已是第${plan.revision}版,这个任务包是第${data.plan.revision}版,较旧,未导入。`);
  // The office may choose another reporting frequency before any report exists, without a new plan revision.
  const newFrequency = data.plan.frequency !== plan.frequency;
  if (data.plan.revision === plan.revision && !newFrequency) {
    return { status: 'duplicate', message: `本机计划已是第${plan.revision}版,无需更新。`, kind: m.kind, revision: m.revision };
  }
  if (newFrequency && await planHasReports(ctx.db, plan.id)) {
    refuse('E_WRONG_PLAN', `这个任务包把报送频率从「${FREQUENCY_LABELS[plan.frequency]}」改为「${FREQUENCY_LABELS[data.plan.frequency]}」,本机已经有${FREQUENCY_LABELS[plan.frequency]}填报的内容,报送期不能再改,未导入。`
      + `请与汇总端联系:这些内容汇总端不能接收;如需改为${FREQUENCY_LABELS[data.plan.frequency]}报送,请在另一台电脑(或另一个数据库文件)上按这个任务包重新建立填报端,再按新的报送期填报。`);
  }
  const changes = await updatePlan(ctx, plan, data.plan, data.periods, opts, at, received, fileName);
  if (opts.dryRun) opts.preview.packages.set(m.packageId, { file: fileName, signer: m.signer });
  const frequencyNote = newFrequency ? `;报送频率改为「${FREQUENCY_LABELS[data.plan.frequency]}」,报送期随之改为 ${data.periods.map((p) => periodLabel(p.period, data.plan.frequency)).join('、')}` : '';
  return { status: 'accepted', message: `${opts.dryRun ? '(预览)将' : '已'}更新工作计划到第${data.plan.revision}版:${changes.length} 处变化${frequencyNote}。`, kind: m.kind, revision: m.revision, changes };
}

/**
 * Makes the unit's plan the newer assignment's: every change of the revision (targets, indicators, tasks,
 * roles, units renamed or merged, order), its frequency and due dates. Reports stored here are never
 * rewritten; what the revision removed is retired where this unit has reported it.
 */
async function updatePlan(
  ctx: Ctx, plan: PlanModel, next: PlanDef, periods: readonly { period: string; dueOn: string }[],
  opts: FileOptions, at: string, received: PackageFile, fileName: string,
): Promise<ValueChange[]> {
  const diff = next.revision > plan.revision ? diffPlans(planModelToDef(plan), next) : null;
  const changes = changeLines(diff);
  if (!opts.dryRun) {
    const refrequenced = next.frequency !== plan.frequency;
    await ctx.db.transaction().execute(async (trx) => {
      const self = (await getSetting(trx, 'self_unit')) ?? '';
      if (diff) {
        await applyPlanRevision(trx, plan.id, next, diff.renamed);
        await recordPlanRevision(trx, { plan: next, at, actor: ctx.actor, diff });
        if (diff.renamed[self]) await setSetting(trx, 'self_unit', diff.renamed[self]);
      }
      // Due dates come from the assignment just after; the default only fills the new rows first.
      if (refrequenced) await setPlanFrequency(trx, plan.id, next.frequency, ruleDueOf(DEFAULT_DUE_DAY));
      await setDueDates(trx, plan.id, periods);
      await trx.updateTable('plans').set({ revision: next.revision }).where('id', '=', plan.id).execute();
      const unit = await findUnitByName(trx, diff?.renamed[self] ?? self);
      await archive(trx, received, fileName, unit?.id ?? null, at, null);
      await appendAudit(trx, {
        at, actor: ctx.actor, action: 'plan.update', entity: 'plan', entityId: plan.id,
        before: { revision: plan.revision, ...(refrequenced ? { frequency: plan.frequency } : {}) },
        after: { revision: next.revision, ...(refrequenced ? { frequency: next.frequency } : {}), changes },
      });
      await opts.backupBeforeCommit();
    });
  }
  return changes;
}

/**
 * Sets up a unit's database from an assignment package and pins the summary office's key
 * (trust on first use: the office's fingerprint is shown to be checked by phone).
 */
export async function initUnitFromAssignment(
  dbFile: string, assignmentFile: string, opts: { now?: () => Date; actor?: string; carryFrom?: string } = {},
): Promise<OpenLedger & { officeFingerprint: string }> {
  if (isPostgresUrl(dbFile)) {
    // A unit fills in its own figures on its own PC and hands them over on a USB drive: one file is its ledger.
    throw new LedgerError('E_USAGE', `填报端在本单位的电脑上用一个数据库文件,不用服务器数据库(${storeName(dbFile)}):请把 --db 改为文件名,例如 --db 本单位.db。服务器数据库只用于汇总端。`);
  }
  if (existsSync(dbFile)) throw new LedgerError('E_EXISTS', `文件 ${dbFile} 已存在,为防止覆盖数据,未做任何修改。请换一个文件名。`);
  let received: PackageFile;
  try {
    received = readPackageFile(assignmentFile);
  } catch (err) {
    const info = toErrorInfo(err);
    throw new LedgerError(info.code, `任务包「${basename(assignmentFile)}」无法使用:${info.message}`, info.details);
  }
  const { pkg } = received;
  if (pkg.manifest.kind !== 'assignment') throw new LedgerError('E_NOT_A_PACKAGE', `「${basename(assignmentFile)}」是${KIND_LABELS[pkg.manifest.kind]},不是任务包。`);
  const parsed = (await assignmentShape()).safeParse(pkg.data);
  if (!parsed.success || parsed.data.unit !== pkg.manifest.to || parsed.data.office.publicKey !== pkg.manifest.signerKey) {
    throw new LedgerError('E_NOT_A_PACKAGE', '任务包内容的结构不对,无法使用。');
  }
  const data = parsed.data;
  const carried = opts.carryFrom === undefined ? null : await carriedForUnit(opts.carryFrom, pkg, data.plan, data.unit);
  const takeBackKey = carried ? carryKeyFile(carried.file, dbFile) : () => undefined;
  const ledger = await openLedger(dbFile, { mustExist: false, ...(opts.now ? { now: opts.now } : {}), actor: opts.actor ?? data.unit }).catch((err: unknown) => {
    takeBackKey();
    throw err;
  });
  try {
    const key = loadOrCreateKey(dbFile);
    const at = nowIso(ledger);
    await ledger.db.transaction().execute(async (trx) => {
      // Due dates come from the office's assignment just after; the default only fills the rows first.
      await insertPlan(trx, data.plan, { createdAt: at, dueOn: ruleDueOf(DEFAULT_DUE_DAY), actor: ledger.actor });
      await setDueDates(trx, data.plan.id, data.periods);
      await setSetting(trx, 'role', 'unit');
      await setSetting(trx, 'plan_id', data.plan.id);
      await setSetting(trx, 'self_unit', data.unit);
      await setSetting(trx, 'office_name', data.office.name);
      await setSetting(trx, 'office_key', data.office.publicKey);
      await setSetting(trx, 'office_fingerprint', pkg.fingerprint);
      await setSetting(trx, 'public_key', key.publicKey);
      await setSetting(trx, 'fingerprint', fingerprint(key.publicKey));
      const unit = await findUnitByName(trx, data.unit);
      await archive(trx, received, basename(assignmentFile), unit?.id ?? null, at, null);
      await appendAudit(trx, { at, actor: ledger.actor, action: 'unit.setup', entity: 'unit', entityId: data.unit, after: { plan: data.plan.id, revision: data.plan.revision, office: data.office.name, officeFingerprint: pkg.fingerprint } });
      if (unit) await recordSetupStart(trx, { planId: data.plan.id, unitId: unit.id, unit: unit.name, at, actor: ledger.actor, day: today(ledger) });
      if (carried) {
        await appendAudit(trx, { at, actor: ledger.actor, action: 'plan.carry', entity: 'plan', entityId: data.plan.id, after: { from: basename(carried.file), year: carried.year, planId: carried.planId, fingerprint: fingerprint(key.publicKey) } });
      }
    });
    return Object.assign(ledger, { officeFingerprint: pkg.fingerprint });
  } catch (err) {
    await ledger.close();
    takeBackKey();
    throw err;
  }
}

/**
 * Last year's unit ledger, checked against the new year's assignment: signed by the office key pinned
 * last year (so no new phone check), for this unit (by its name or a name it went by), and addressed to
 * this unit's key where the office named one.
 */
async function carriedForUnit(file: string, { manifest, fingerprint: officePrint }: PackageFile['pkg'], plan: PlanDef, unit: string): Promise<Carried> {
  const carried = await readCarried(file, 'unit', plan);
  const s = (k: SettingKey) => carried.settings.get(k) ?? '';
  if (s('office_key') !== manifest.signerKey) {
    throw new LedgerError('E_KEY_MISMATCH', `新任务包的签名密钥(${officePrint})不是上年台账登记的汇总端密钥(${s('office_fingerprint')}),未新建。请电话与汇总端核实;确认汇总端换了密钥的,不用 --carry-from,按新任务包重新建立填报端并核对指纹。`);
  }
  const names = [unit, ...plan.units.find((u) => u.name === unit)?.aliases ?? []];
  if (!names.includes(s('self_unit'))) {
    throw new LedgerError('E_WRONG_RECIPIENT', `新任务包是发给「${unit}」的,上年台账「${basename(file)}」是「${s('self_unit')}」的,未新建。请选择本单位的任务包。`);
  }
  if (manifest.recipient !== null && manifest.recipient !== s('fingerprint')) {
    throw new LedgerError('E_WRONG_RECIPIENT', `新任务包是发给密钥指纹为 ${manifest.recipient} 的填报端的,上年台账的密钥指纹是 ${s('fingerprint')},未新建。请在原来那台电脑上接续,或请汇总端重新生成任务包。`);
  }
  return carried;
}

export interface AcceptedKey {
  readonly unit: string;
  readonly fingerprint: string;
  readonly previous: string | null;
  /** Accepted as a shared key: the units it already belonged to, and the warning shown for it. */
  readonly sharedWith: readonly string[];
  readonly warning: string | null;
}

/**
 * Accepts the key a unit's package carries, replacing the pinned one (the old key is kept as
 * retired). For a unit that reinstalled its computer; always audited. A subordinate office's 汇总包 does
 * the same for that office's key (levels/rollup-import.ts `acceptOfficeKey`). A key that already belongs
 * to another unit is refused (E_KEY_OF_OTHER_UNIT) unless `sharedKey` accepts it on purpose, for
 * the unit of this file only, with a warning naming the units it belongs to.
 */
export async function acceptKeyFromFile(ctx: Ctx, file: string, opts: { readonly sharedKey?: boolean } = {}): Promise<AcceptedKey> {
  await requireRole(ctx, 'summary', '登记单位密钥');
  const { pkg } = readPackageFile(file);
  const m = pkg.manifest;
  const own = await ownFingerprint(ctx);
  if (m.kind === 'rollup') {
    const { acceptOfficeKey } = await import('../levels/rollup-import');
    return { ...await acceptOfficeKey(ctx, pkg, basename(file), own), sharedWith: [], warning: null };
  }
  if (m.kind !== 'report') throw new LedgerError('E_NOT_A_PACKAGE', '请选择该单位的填报包(或下级汇总端的汇总包)来登记它的密钥。');
  if (m.recipient !== own) {
    throw new LedgerError('E_WRONG_RECIPIENT', `「${basename(file)}」是发给密钥指纹为 ${m.recipient ?? '(未写明)'} 的汇总端的,本机指纹是 ${own}:不能用它登记密钥。请让该单位按本机的任务包建立填报端后重新导出。`);
  }
  const plan = await activePlan(ctx);
  const unit = await findUnitByName(ctx.db, m.unit);
  if (!unit || unit.kind !== 'unit' || !plan.units.some((u) => u.id === unit.id)) throw new LedgerError('E_UNKNOWN_UNIT', `本计划中没有名为「${m.unit}」的填报单位。`);
  const offices = (await officeKeyHolders(ctx)).get(m.signerKey) ?? [];
  if (offices.length > 0) refuseOfficeKey(offices, unit.name, pkg.fingerprint, `「${basename(file)}」`);
  const others = (await holdersOfKey(ctx.db, m.signerKey)).filter((h) => h.unitId !== unit.id);
  if (others.length > 0 && !opts.sharedKey) {
    throw new LedgerError('E_KEY_OF_OTHER_UNIT', `「${basename(file)}」的签名密钥(${pkg.fingerprint})已登记为${holdersText(others)}的密钥,不能直接登记为${unit.name}的密钥。请电话与两个单位核实;`
      + `如果它们确实在同一台电脑上用同一个密钥填报,请在「导入填报包」页导入这个文件,在弹出的对话框中确认登记为共用密钥(命令行:keys --accept-from 该文件 --shared-key),记入审计日志。`, { fingerprint: pkg.fingerprint, unit: unit.name, holders: others.map((h) => h.unit) });
  }
  const sharedWith = others.map((h) => h.unit);
  const current = others.filter((h) => h.status === 'trusted').map((h) => h.unit);
  const retired = others.filter((h) => h.status !== 'trusted').map((h) => h.unit);
  const warning = others.length > 0
    ? `注意:密钥 ${pkg.fingerprint} 同时是${holdersText(others)}的密钥。`
      + (current.length > 0 ? `今后用这个密钥签名的数据包,既可以是${unit.name}的,也可以是${current.join('、')}的。` : `今后用这个密钥签名的数据包只能是${unit.name}的。`)
      + (retired.length > 0 ? `它是${retired.join('、')}已停用的密钥:${retired.join('、')}用它签名的数据包仍会被拒收。` : '')
    : null;
  const before = await trustedKey(ctx.db, unit.id);
  if (before?.publicKey === m.signerKey) {
    throw new LedgerError('E_EXISTS', `${unit.name}的现用密钥已经是 ${pkg.fingerprint},无需重新登记,未做任何修改。`);
  }
  const ownRetired = await unitKeyRetirement(ctx.db, unit.id, m.signerKey);
  if (ownRetired) {
    throw new LedgerError('E_KEY_MISMATCH', `「${basename(file)}」是用${retiredKeyWords(unit.name, ownRetired)}签名的,不能把它重新登记为现用密钥,未做任何修改。${retiredKeyAdvice(unit.name, '填报包')}`,
      { fingerprint: pkg.fingerprint, unit: unit.name, retired: true });
  }
  const at = nowIso(ctx);
  const action = others.length > 0 ? 'key.accept-shared' : before ? 'key.replace' : 'key.accept-first';
  await ctx.db.transaction().execute(async (trx) => {
    await pinKey(trx, { unitId: unit.id, publicKey: m.signerKey, fingerprint: pkg.fingerprint, at, by: ctx.actor });
    await appendAudit(trx, {
      at, actor: ctx.actor, action, entity: 'unit', entityId: unit.name, before: before ? { fingerprint: before.fingerprint } : null,
      after: { fingerprint: pkg.fingerprint, file: basename(file), ...(others.length > 0 ? { sharedWith, warning } : {}) },
    });
  });
  return { unit: unit.name, fingerprint: pkg.fingerprint, previous: before?.fingerprint ?? null, sharedWith, warning };
}
