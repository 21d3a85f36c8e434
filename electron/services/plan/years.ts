/**
 * Years in the app: each year's ledger is its own file (plan/carry.ts says why), and the files of one
 * office's years lie side by side in its data folder, named by year: minsheng-ledger.db (the first year),
 * minsheng-ledger-2020.db, minsheng-ledger-2021.db … The list of years is read from the files themselves,
 * not kept in a settings file: each file says its side, its plan's year and the office's key fingerprint
 * (which carries over from year to year), so a folder copied to another computer, a year restored from a
 * backup or a file put back by hand is listed as it is, and a list can never point at a file that is gone.
 * The newest year is the one worked in (the app opens it at start); earlier years open read-only.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CHANNELS, type Channel, type LedgerYearView, type NewYearPreview } from '../../../shared/api';
import type { PlanDef } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { getSetting } from '../../../db/queries/settings';
import { isPostgresUrl, storeName, typedStore } from '../../../db/location';
import { activePlan, openLedger, roleOf, type OpenLedger } from '../context';
import type { Handlers, LedgerSession } from '../host';
import { readPlanFile } from './read';
import { initSummary } from './setup';
import { getParent } from '../../../db/queries/rollups';
import { planModelToDef } from '../../../db/queries/plan';
import { initOfficeFromAllocation, previewAllocationPlan, setupKindOf } from '../levels/allocation';

/** A year's ledger file beside the current one. */
interface YearFile {
  readonly file: string;
  readonly year: number;
  readonly title: string;
  readonly role: string;
  readonly fingerprint: string | null;
}

const YEAR_SUFFIX = /-\d{4}$/;

/** The name the files of one office's years share: minsheng-ledger for minsheng-ledger-2020.db. */
function stemOf(file: string): string {
  return basename(file).replace(/\.db$/i, '').replace(YEAR_SUFFIX, '');
}

/**
 * Where the ledger of `year` goes: beside `current`, named by the year.
 * @example yearFile('/data/minsheng-ledger.db', 2020) // '/data/minsheng-ledger-2020.db'
 */
export function yearFile(current: string, year: number): string {
  return join(dirname(current), `${stemOf(current)}-${year}.db`);
}

async function readYearFile(file: string): Promise<YearFile | null> {
  let l: OpenLedger | null = null;
  try {
    l = await openLedger(file, { mustExist: true, readonly: true });
    // Read-only, an earlier year's file is not migrated: only what every version of the store has is read.
    const planId = await getSetting(l.db, 'plan_id');
    const plan = planId === null ? undefined : await l.db.selectFrom('plans').select(['year', 'title']).where('id', '=', planId).executeTakeFirst();
    if (!plan) return null;
    return { file, year: plan.year, title: plan.title, role: await roleOf(l), fingerprint: await getSetting(l.db, 'fingerprint') };
  } catch {
    // Not a ledger (a half-made first start, another program's file): not a year of this office.
    return null;
  } finally {
    await l?.close();
  }
}

/** The ledgers of the office whose ledger is `current`: same side, same key, by year, newest first. */
async function officeYears(current: string): Promise<YearFile[]> {
  const self = await readYearFile(current);
  if (!self) return [];
  // A server database's years are other databases, not files beside it: only the open one is known here.
  if (isPostgresUrl(current)) return [self];
  const stem = stemOf(current);
  const names = readdirSync(dirname(current)).filter((n) => n.endsWith('.db') && stemOf(n) === stem && (n === `${stem}.db` || YEAR_SUFFIX.test(n.slice(0, -3))));
  const out: YearFile[] = [];
  for (const name of names) {
    const file = join(dirname(current), name);
    const y = file === current ? self : await readYearFile(file);
    if (y && y.role === self.role && y.fingerprint === self.fingerprint) out.push(y);
  }
  return out.sort((a, b) => b.year - a.year || a.file.localeCompare(b.file));
}

/**
 * The ledger the app opens at start: the newest year's of the office whose first ledger is `file`, or
 * `file` itself (also before first start, when there is none).
 * @example const dbFile = await latestYearFile(defaultDbFile(dataDir))
 */
export async function latestYearFile(file: string): Promise<string> {
  if (!existsSync(file)) return file;
  return (await officeYears(file))[0]?.file ?? file;
}

/**
 * The years of this office's ledgers, newest first, the one open marked.
 * @example (await ledgerYears(session)).map((y) => y.year) // [2020, 2019]
 */
export async function ledgerYears(session: LedgerSession): Promise<LedgerYearView[]> {
  const years = await officeYears(session.dbFile);
  return years.map((y, k) => ({ year: y.year, title: y.title, fileName: storeName(y.file), open: y.file === session.dbFile, latest: k === 0 }));
}

/**
 * Opens the ledger of `year`: the newest year's to work in, an earlier year's read-only.
 * @example await openYear(session, 2019) // 2019 is shown; saving anything is refused
 */
export async function openYear(session: LedgerSession, year: number): Promise<void> {
  const years = await officeYears(session.dbFile);
  const target = years.find((y) => y.year === year);
  if (!target) throw new LedgerError('E_NOT_FOUND', `本机没有 ${year} 年的台账。可选的年度:${years.map((y) => y.year).join('、') || '(无)'}。`);
  const latest = years[0]!;
  if (target !== latest) {
    // An earlier year's file from before this version is brought up to date once, as the current one was.
    await (await openLedger(target.file, { mustExist: true })).close();
  }
  await session.switchTo(target.file, target === latest ? null : target.year);
}

/**
 * Starts the new year: a new summary ledger beside this year's, on `plan`, carrying this year's key, name,
 * settings, frequency and the units' pinned keys (plan/carry.ts), then works in it. This year's file stays
 * as it is, readable from the year switcher. Refused while an earlier year is open, or for a plan not of
 * a later year.
 * @example await startNewYear(session, plan2020, { now, actor }) // → minsheng-ledger-2020.db open
 */
export async function startNewYear(session: LedgerSession, plan: PlanDef, opts: { readonly now: () => Date; readonly actor: string }): Promise<void> {
  refuseWhileEarlierYear(session, '开始新的一年');
  refuseNewYearOnServer(session);
  const ctx = await session.require();
  const parent = await getParent(ctx.db);
  if (parent) return startCountyYear(session, parent.name, plan, opts);
  const current = await activePlan(ctx);
  if (plan.year <= current.year) {
    throw new LedgerError('E_WRONG_PLAN', `这是 ${plan.year} 年的计划,本台账已是 ${current.year} 年的:新的一年须是 ${current.year + 1} 年或以后。同一年的计划调整请用「编辑计划」或「从文件修订计划」。`);
  }
  const file = yearFile(session.dbFile, plan.year);
  if (existsSync(file)) throw new LedgerError('E_EXISTS', `本机已有 ${plan.year} 年的台账(${basename(file)}),未做任何修改。请在年度切换中选择 ${plan.year} 年。`);
  const made = await initSummary(file, { plan, frequency: current.frequency, carryFrom: session.dbFile, now: opts.now, actor: opts.actor });
  await made.close();
  await session.switchTo(file, null);
}

/**
 * The new year's plan as read from `file`, with what stops it from starting the new year added to its
 * errors (a plan not of a later year), and the name its ledger file will have.
 */
export async function previewNewYear(session: LedgerSession, file: string): Promise<NewYearPreview> {
  refuseWhileEarlierYear(session, '开始新的一年');
  refuseNewYearOnServer(session);
  const ctx = await session.require();
  const current = await activePlan(ctx);
  const refused = (message: string): NewYearPreview => ({ fileName: basename(file), parsed: { plan: planModelToDef(current), review: [], errors: [{ where: '文件', message }] }, ledgerFileName: '', carried: '' });
  const parent = await getParent(ctx.db);
  if (parent) {
    pendingAllocations.delete(session);
    if (!isAllocation(file)) return refused(`本级汇总端是按上级「${parent.name}」的下达包建立的:新的一年请选择上级发来的新一年的下达包(.xlsx),本级的单位名称、密钥和设置会接续过去。`);
    // Checked as `init --from 下达包 --carry-from` checks it: an earlier year's ledger, the parent it pinned, addressed to its key.
    const { plan } = await previewAllocationPlan(file, { carryFrom: session.dbFile });
    pendingAllocations.set(session, { file, planId: plan.id, year: plan.year });
    return { fileName: basename(file), parsed: { plan, review: [], errors: [] }, ledgerFileName: basename(yearFile(session.dbFile, plan.year)), carried: COUNTY_CARRIES };
  }
  const parsed = await readPlanFile(file);
  // A 下达包 chosen by mistake reads as no plan at all: said for what it is (looked at only then, not read twice for every plan).
  if (parsed.errors.length > 0 && isAllocation(file)) return refused('这是上级发给下级汇总端的下达包,不是工作计划:新的一年请选择新一年的通知(.docx、.txt)或责任分解表(.xlsx)。');
  const late = parsed.errors.length === 0 && parsed.plan.year <= current.year
    ? [{ where: '年度', message: `这是 ${parsed.plan.year} 年的计划,本台账已是 ${current.year} 年的:新的一年须是 ${current.year + 1} 年或以后。同一年的计划调整请用「编辑计划」。` }]
    : [];
  return { fileName: basename(file), parsed: { ...parsed, errors: [...parsed.errors, ...late] }, ledgerFileName: basename(yearFile(session.dbFile, parsed.plan.year)), carried: OFFICE_CARRIES };
}

const OFFICE_CARRIES = '沿用本机签名密钥(各单位无需重新核对指纹)、汇总单位名称、报送频率和设置,各单位已登记的密钥一并接续';
const COUNTY_CARRIES = '沿用本机签名密钥(上级和各单位无需重新核对指纹)、上年给上级各单位定的本地名称、汇总单位名称和设置,各单位和下级汇总端已登记的密钥一并接续;报送频率和各期截止日按上级的下达包';

/** A county's 下达包 chosen for its new year (previewNewYear), set up from when the clerk confirms (startNewYear). */
const pendingAllocations = new WeakMap<LedgerSession, { readonly file: string; readonly planId: string; readonly year: number }>();

/** Whether `file` is a 下达包 (a signed package the parent sends its offices): read only when it looks like a package workbook. */
function isAllocation(file: string): boolean {
  if (!/\.xlsx$/i.test(file)) return false;
  try {
    return setupKindOf(file) === 'allocation';
  } catch {
    return false; // not a package at all: a 责任分解表, read as a plan
  }
}

/**
 * A county's new year: its ledger set up again from the parent's new 下达包 chosen in previewNewYear, carrying this
 * year's key, unit names, units' keys and settings (levels/allocation.ts), then worked in.
 */
async function startCountyYear(session: LedgerSession, parent: string, plan: PlanDef, opts: { readonly now: () => Date; readonly actor: string }): Promise<void> {
  const pending = pendingAllocations.get(session);
  if (!pending || pending.planId !== plan.id) {
    throw new LedgerError('E_USAGE', `本级汇总端是按上级「${parent}」的下达包建立的:新的一年请先选择上级发来的新一年的下达包(.xlsx)。`);
  }
  const file = yearFile(session.dbFile, pending.year);
  if (existsSync(file)) throw new LedgerError('E_EXISTS', `本机已有 ${pending.year} 年的台账(${basename(file)}),未做任何修改。请在年度切换中选择 ${pending.year} 年。`);
  const made = await initOfficeFromAllocation(file, pending.file, { carryFrom: session.dbFile, now: opts.now, actor: opts.actor });
  await made.close();
  pendingAllocations.delete(session);
  await session.switchTo(file, null);
}

/**
 * On a server the new year is a new database, which only the server's administrator can create: the clerk
 * is told how, and the ledger sets it up from the command line carrying this year's key, name and settings.
 */
function refuseNewYearOnServer(session: LedgerSession): void {
  if (!isPostgresUrl(session.dbFile)) return;
  const here = typedStore(session.dbFile);
  const next = `${here.slice(0, here.lastIndexOf('/') + 1)}新数据库名`;
  throw new LedgerError('E_USAGE', `台账在服务器数据库(${storeName(session.dbFile)})上:新的一年是一个新的数据库,不能在这里开始。请服务器管理员新建一个空数据库,再运行 ledger init --db ${next} --plan 新一年的计划文件 --carry-from ${here}(沿用本机密钥、名称、设置和各单位密钥),然后在设置中改为连接新数据库。今年的台账保持不变。`);
}

function refuseWhileEarlierYear(session: LedgerSession, what: string): void {
  const year = session.readOnlyYear;
  if (year !== null) {
    throw new LedgerError('E_READ_ONLY', `正在查看 ${year} 年的台账:往年的台账只能查看、打印和导出,不能${what}。要继续工作,请在「工作计划」页的年度中选回今年的台账。`);
  }
}

/** What an earlier year's ledger still does: show, print and export; switch years. */
const READABLE: ReadonlySet<Channel> = new Set<Channel>([
  'app:info', 'plan:get', 'plan:def', 'plan:history', 'plan:exportTemplate', 'plan:parseFile', 'plan:parseText',
  'periods:list', 'entry:get', 'keys:list', 'summary:byUnit', 'summary:byTask', 'summary:byCategory', 'summary:unitDetail',
  'summary:trend', 'returns:list', 'reports:exportWorkbook', 'reports:bulletinDraft', 'reports:printBulletin',
  'settings:get', 'offices:list', 'quotas:get', 'audit:list', 'backup:list', 'years:list', 'years:open', 'store:get',
]);

/**
 * The handlers with every channel that writes refused (E_READ_ONLY, in Chinese) while an earlier year is
 * open. The file is open read-only as well; this says why before SQLite would.
 */
export function refusingWritesToEarlierYears(session: LedgerSession, handlers: Handlers): Handlers {
  const out: Record<string, (req: never) => Promise<unknown>> = { ...handlers };
  for (const channel of CHANNELS) {
    if (READABLE.has(channel)) continue;
    const handler = handlers[channel] as (req: never) => Promise<unknown>;
    out[channel] = async (req: never) => {
      refuseWhileEarlierYear(session, '修改');
      return handler(req);
    };
  }
  return out as unknown as Handlers;
}
