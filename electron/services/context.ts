import { openDatabase, type OpenDatabase } from '../../db/open';
import { StoreError } from '../../db/errors';
import { isPostgres } from '../../db/dialect/postgres';
import type { Db } from '../../db/schema';
import { getSetting } from '../../db/queries/settings';
import { loadPlanModel, type PlanModel } from '../../db/queries/plan';
import type { ReportingFrequency } from '../../shared/domain';
import { LedgerError } from '../../shared/errors';
import { localDate, officeNameProblem } from '../../shared/format';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../shared/rules/progress';
import { settleOnOpen, storedDueDay } from './deadlines';

/**
 * What every service call gets: the database, a clock and who is acting. The app, the command line
 * and the test bridge each build one; tests pass a fixed clock so outputs are stable.
 */
export interface Ctx {
  readonly db: Db;
  /** Path of the database file; the key file and backups live beside it. */
  readonly file: string;
  readonly now: () => Date;
  readonly actor: string;
}

export type Role = 'summary' | 'unit';

export interface OpenLedger extends Ctx {
  readonly handle: OpenDatabase;
  close(): Promise<void>;
}

export async function openLedger(location: string, opts: { now?: () => Date; actor?: string; mustExist?: boolean; readonly?: boolean; copyIfReadOnly?: boolean } = {}): Promise<OpenLedger> {
  const handle = await openDatabase(location, { mustExist: opts.mustExist ?? true, readonly: opts.readonly ?? false, copyIfReadOnly: opts.copyIfReadOnly ?? false });
  const ledger: OpenLedger = {
    db: handle.db,
    // Where the key and backups live: the file itself, or a PostgreSQL database's folder on this PC.
    file: handle.file,
    handle,
    now: opts.now ?? (() => new Date()),
    actor: opts.actor ?? '本机用户',
    close: () => handle.close(),
  };
  // An earlier year opened read-only is shown as it was: nothing is settled in it.
  if (!opts.readonly) try {
    await settleOnOpen(ledger.db, nowIso(ledger), ledger.actor);
  } catch (err) {
    // A damaged, read-only or busy file must still open (to back up, restore or read): the dates are
    // settled on the next open that can write, and the operation that follows reports the file's failure.
    // On a server, busy means a table another session holds made this read wait the whole lock timeout: what
    // follows would wait as long again, so the clerk is told now.
    if (!(err instanceof StoreError) || (err.failure === 'busy' && isPostgres(ledger.db))) {
      await ledger.close();
      throw err;
    }
  }
  return ledger;
}

/** ISO timestamp of the context's clock. */
export function nowIso(ctx: Pick<Ctx, 'now'>): string {
  return ctx.now().toISOString();
}

/** Local calendar date (YYYY-MM-DD) of the context's clock: due dates are local dates. */
export function today(ctx: Pick<Ctx, 'now'>): string {
  return localDate(ctx.now());
}

export async function roleOf(ctx: Ctx): Promise<Role> {
  const role = await getSetting(ctx.db, 'role');
  if (role !== 'summary' && role !== 'unit') throw new LedgerError('E_NOT_LEDGER_DB', '数据库尚未初始化(缺少端类型设置)。');
  return role;
}

/** Refuses an action this side may not take: 只有汇总端可以…/只有填报端可以… */
export async function requireRole(ctx: Ctx, role: Role, what: string): Promise<void> {
  if ((await roleOf(ctx)) !== role) {
    throw new LedgerError('E_WRONG_ROLE', role === 'summary' ? `只有汇总端可以${what}。` : `只有填报端可以${what}。`);
  }
}

/** The summary office's name: set up on both sides (office at init, unit from its assignment). */
export async function officeName(ctx: Ctx): Promise<string> {
  return (await getSetting(ctx.db, 'office_name')) ?? '汇总端';
}

/**
 * The office name as it will be signed into packages, or E_VALIDATION saying what is wrong with it.
 * @example checkedOfficeName(' 郎溪县民生办 ') // '郎溪县民生办'
 */
export function checkedOfficeName(name: string): string {
  const trimmed = name.trim();
  const problem = officeNameProblem(trimmed);
  if (problem) throw new LedgerError('E_VALIDATION', `汇总单位名称「${name}」不可用:${problem}。`);
  return trimmed;
}

const noPlan = () => new LedgerError('E_NOT_FOUND', '数据库中没有工作计划,请先初始化。');

/** How often the active plan reports, read without loading the plan. */
export async function activeFrequency(ctx: Ctx): Promise<ReportingFrequency> {
  const id = await getSetting(ctx.db, 'plan_id');
  const row = id ? await ctx.db.selectFrom('plans').select('frequency').where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw noPlan();
  return row.frequency;
}

export async function activePlan(ctx: Ctx): Promise<PlanModel> {
  const id = await getSetting(ctx.db, 'plan_id');
  const plan = id ? await loadPlanModel(ctx.db, id) : null;
  if (!plan) throw noPlan();
  return plan;
}

export async function thresholdsOf(ctx: Ctx): Promise<Thresholds> {
  const y = await getSetting(ctx.db, 'yellow_points');
  return y === null ? DEFAULT_THRESHOLDS : { yellowPoints: Number(y) };
}

export function dueDayOf(ctx: Ctx): Promise<number> {
  return storedDueDay(ctx.db);
}
