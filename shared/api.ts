/**
 * The one typed contract between the renderer and the main process (and the loopback test
 * bridge, which serves the same map). Channel names are `domain:verb`. Every request is
 * validated with its zod schema on the main side before a handler runs; every answer is a
 * `Result`. File paths never cross from the renderer: main shows the dialogs.
 */
import * as z from 'zod';
import type { ErrorInfo } from './errors';
import { REPORTING_FREQUENCIES, type IndicatorFields, type PeriodId, type PlanDef, type ReportFields, type ReportingFrequency, type Role } from './domain';
import { planSchema, type ParsedPlan } from './plan';
import type { CategorySummary, PeriodSummaryHeader, TaskSummary, UnitSummary } from './summaries';
import { officeNameProblem } from './format';
import { isPeriodId } from './rules/periods';
import type { ValidationIssue } from './rules/validation';
import type { PriorSubmission } from './proxy';
import { EDITABLE_FIELDS, type Bulletin } from './bulletin';
import type { QuotaRowInput, QuotaTotals } from './levels';
import type { ByOfficeView } from './rollup';
import { OFFICE_TABLES, type OfficeTable } from './table-view';
import { entryItemSchema, openingValuesSchema } from './entry-items';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

const period = z.string().refine(isPeriodId, '报送期应为 YYYY-MM');
const unitName = z.string().min(1).max(100);
const officeName = z.string().max(60);
const frequency = z.enum(REPORTING_FREQUENCIES as [ReportingFrequency, ...ReportingFrequency[]]);

/**
 * The summary office's name, as `ledger init --office` and the settings page take it: it is signed into
 * every package the office sends and printed on their covers.
 * @example officeNameSchema.parse(' 郎溪县民生工作办公室 ') // '郎溪县民生工作办公室'
 */
export const officeNameSchema = z.string().trim().superRefine((s, ctx) => {
  const problem = officeNameProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A PostgreSQL server database as the settings page takes it: postgres://用户名@服务器:端口/数据库名, never with a
 * password (it would be stored and shown; PGPASSWORD or .pgpass give it).
 * @example postgresAddressSchema.parse(' postgres://clerk@10.0.0.5/ledger ') // 'postgres://clerk@10.0.0.5/ledger'
 */
export const postgresAddressSchema = z.string().trim().max(500)
  .regex(/^postgres(?:ql)?:\/\/[^\s/]+\/[^\s/]+$/i, 'PostgreSQL 地址应写作 postgres://用户名@服务器:端口/数据库名')
  .refine((s) => !/^[^:]+:\/\/[^@/]*:[^@/]*@/.test(s), '地址里不能写密码:请把密码放在环境变量 PGPASSWORD 或 .pgpass 文件中');

/** Request schemas, one per channel. `z.void()`-like channels take an empty object. */
export const requestSchemas = {
  'app:info': z.object({}).strict(),
  /**
   * A summary office on the embedded plan, or on `plan` (one a person read with plan:parseFile and confirmed),
   * reported monthly unless `frequency` says quarterly; refused while the plan has problems (planProblems).
   */
  'app:setupSummary': z.object({ withDemo: z.boolean(), frequency: frequency.optional(), plan: planSchema.optional(), officeName: officeNameSchema.optional() }).strict(),
  /** Main shows an open-file dialog for the assignment package. */
  'app:setupUnit': z.object({}).strict(),

  'plan:get': z.object({}).strict(),
  /** The whole plan (every field a plan file carries), for the plan page and its editor. */
  'plan:def': z.object({}).strict(),
  /** Main shows an open-file dialog (a notice .docx/.txt, a 责任分解表 .xlsx, a plan .json) and reads the plan in it; works before first start. */
  'plan:parseFile': z.object({}).strict(),
  /** A notice's text pasted in (from WPS, a web page, a chat): read as `ledger plan parse` reads a .txt; works before first start. */
  'plan:parseText': z.object({ text: z.string().min(1).max(2_000_000) }).strict(),
  /** The plan as a 责任分解表 (.xlsx), saved where a dialog says: to edit in WPS and read back with plan:revisePreview. */
  'plan:exportTemplate': z.object({}).strict(),
  /** Main shows an open-file dialog for the revised plan and answers what saving it would change (nothing is saved). */
  'plan:revisePreview': z.object({}).strict(),
  /** Saves `plan` (from plan:revisePreview) as the plan's next revision: audited, kept in the history. */
  'plan:revise': z.object({ plan: planSchema }).strict(),
  /** The plan the in-app editor built, compared with the stored one as a plan file is (a dry run of plan:revise). */
  'plan:previewEdit': z.object({ plan: planSchema }).strict(),
  /** Every kept revision of the plan, newest first, with its changes in words. */
  'plan:history': z.object({}).strict(),
  /** This office's ledgers, one per year, newest first (plan/years.ts). */
  'years:list': z.object({}).strict(),
  /** Opens the ledger of `year`: the newest to work in, an earlier one read-only. */
  'years:open': z.object({ year: z.number().int().min(2000).max(2100) }).strict(),
  /** Main shows an open-file dialog for the new year's plan (notice or 责任分解表) and answers it parsed. */
  'years:preview': z.object({}).strict(),
  /** Starts the new year on `plan` (from years:preview): a new ledger beside this one, carrying key, name and units' keys. */
  'years:start': z.object({ plan: planSchema }).strict(),
  'periods:list': z.object({}).strict(),
  'periods:lock': z.object({ period }).strict(),
  'periods:reopen': z.object({ period, reason: z.string().min(1).max(500) }).strict(),
  /** Summary side: a period's due date set by hand (with a reason), or `dueOn: null` back to the rule; audited. */
  'periods:setDue': z.object({ period, dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(), reason: z.string().max(500) }).strict(),

  /** The entry form of one unit for one period (unit side: this unit; summary side: proxy entry). */
  'entry:get': z.object({ period, unit: unitName.optional() }).strict(),
  /**
   * Saves the entry. Proxy entry: `receivedOn` only when the clerk set it on purpose (otherwise each task keeps
   * the date of what it replaces); `replace` once the clerk confirmed replacing what the unit reported.
   */
  'entry:save': z.object({
    period, unit: unitName.optional(), items: z.array(entryItemSchema).max(10_000), receivedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    replace: z.boolean().optional(), filledBy: z.string().max(100).optional(),
  }).strict(),

  /** Unit side: validate everything and write the report package into a folder chosen in a dialog. */
  'packages:exportReport': z.object({ period }).strict(),
  /** Summary side: the assignment package for one unit, saved where a dialog says. */
  'packages:exportAssignment': z.object({ unit: unitName }).strict(),
  /** Summary side: receipts and returned tasks for one unit. */
  'packages:exportFeedback': z.object({ unit: unitName }).strict(),
  /** Summary side: the assignment packages of several units into one folder a dialog says (after a revision, or all at once). */
  'packages:exportAssignments': z.object({ units: z.array(unitName).min(1).max(1000) }).strict(),
  /** Summary side: 生成全部任务包, every unit with a task, into one folder a dialog says; answers the list written. */
  'packages:exportAllAssignments': z.object({}).strict(),
  /** Import packages chosen in a dialog (files or a folder). Progress arrives as `import:progress` events. */
  'packages:import': z
    .object({
      mode: z.enum(['files', 'folder']),
      dryRun: z.boolean(),
      acceptNewKeys: z.boolean(),
      receivedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    })
    .strict(),
  /** Import again the files of the last dialog (after accepting a key), without asking again. */
  'packages:importAgain': z.object({ dryRun: z.boolean(), acceptNewKeys: z.boolean(), receivedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict(),

  'keys:list': z.object({}).strict(),
  /**
   * Accept the (changed) key carried by a report package; audited. The file is one of the last import
   * (by its name, never a path) or, without `file`, chosen in a dialog. `sharedKey` accepts a key that
   * already belongs to another unit, for this file's unit only, with a warning.
   */
  'keys:acceptFromFile': z.object({ file: z.string().max(255).regex(/^[^/\\]+$/, '只能选择上次导入的文件').optional(), sharedKey: z.boolean().optional() }).strict(),

  'summary:byUnit': z.object({ period }).strict(),
  'summary:byTask': z.object({ period }).strict(),
  'summary:byCategory': z.object({ period }).strict(),
  'summary:unitDetail': z.object({ period, unit: unitName }).strict(),
  'summary:trend': z.object({}).strict(),
  /** 分县区: every subordinate office against its quotas, 本级, and each indicator's total (levels/figures.ts). */
  'summary:byOffice': z.object({ period }).strict(),
  /** A subordinate office: its 汇总包 of a period for its parent, saved where a dialog says. */
  'levels:rollup': z.object({ period }).strict(),

  'returns:create': z.object({ period, unit: unitName, task: z.number().int().positive(), comment: z.string().min(1).max(1000) }).strict(),
  'returns:list': z.object({ period: period.optional() }).strict(),
  /** The period a unit starts reporting from (a unit set up or added mid-year), with a reason; audited. Unit side: its own. */
  'units:setStart': z.object({ unit: unitName.optional(), period, reason: z.string().min(1).max(500) }).strict(),
  /** A unit's opening cumulative values (上期累计 of its first period); null clears one; audited. Unit side: its own. */
  'units:setOpening': z.object({ unit: unitName.optional(), values: openingValuesSchema }).strict(),
  /** Summary side: closes a return (the corrected report was read and is accepted); audited. */
  'returns:close': z.object({ id: z.number().int().positive() }).strict(),

  'reports:exportWorkbook': z.object({ period }).strict(),
  /**
   * One dashboard table as shown (分单位/分任务/分类别): the shown rows' keys in their order (TableSpec.key) and the
   * query in words; main recomputes the rows and writes them laid out as the summary workbook's sheet, where a dialog says.
   */
  'reports:exportTable': z.object({ period, table: z.enum(OFFICE_TABLES as [OfficeTable, ...OfficeTable[]]), keys: z.array(z.string().min(1).max(100)).max(2000), note: z.string().max(500).optional() }).strict(),
  /** The bulletin's generated draft text (the renderer lets the office edit it). */
  'reports:bulletinDraft': z.object({ period }).strict(),
  /** Prints the (edited) bulletin to PDF where a save dialog says (Electron's printToPDF). */
  'reports:printBulletin': z.object({ period, edits: z.partialRecord(z.enum(EDITABLE_FIELDS), z.string().max(20_000)) }).strict(),

  'settings:get': z.object({}).strict(),
  /** `frequency` is refused once any report exists (SettingsView.frequencyLocked). */
  'settings:update': z.object({ yellowPoints: z.number().min(1).max(50).optional(), dueDay: z.number().int().min(1).max(28).optional(), officeName: officeNameSchema.optional(), frequency: frequency.optional() }).strict(),

  /** Subordinate offices (下级汇总端), edited by name; every change audited. */
  'offices:list': z.object({}).strict(),
  'offices:add': z.object({ name: officeName }).strict(),
  'offices:remove': z.object({ name: officeName }).strict(),
  'offices:rename': z.object({ from: officeName, to: officeName }).strict(),
  /** `position` 1 is the first of the list. */
  'offices:move': z.object({ name: officeName, position: z.number().int().min(1).max(1000) }).strict(),
  /** 任务分解: the grid of quotas (indicators × 本级 and offices). */
  'quotas:get': z.object({}).strict(),
  /** Quota cells (`office` null: 本级; `value` null: blank, 无任务) and reasons, saved all or nothing and audited. */
  'quotas:save': z.object({
    quotas: z.array(z.object({ task: z.number().int().positive(), indicator: z.number().int().positive(), office: officeName.nullable(), value: z.number().finite().nullable() }).strict()).max(20_000),
    reasons: z.array(z.object({ task: z.number().int().positive(), indicator: z.number().int().positive(), reason: z.string().max(500).nullable() }).strict()).max(5_000),
  }).strict(),

  /**
   * 下达包 (issue 13 item 3): the plan and one subordinate office's targets, signed, into a folder a dialog says.
   * Refused for an office with no quota at all unless `noQuotasOk` (the person confirmed it after being told).
   */
  'offices:exportAllocation': z.object({ office: officeName, noQuotasOk: z.boolean().optional() }).strict(),
  /** First start: main shows an open-file dialog for the parent's 下达包 and answers what setting up from it would do (nothing is written). */
  'app:chooseAllocation': z.object({}).strict(),
  /**
   * First start from the 下达包 chosen with app:chooseAllocation: this office's name and its units' names as the
   * person confirmed them (parent's name → own name; a unit not named keeps the proposed name).
   */
  'app:setupOffice': z.object({ officeName: officeNameSchema.optional(), names: z.record(unitName, unitName) }).strict(),

  'audit:list': z.object({ limit: z.number().int().min(1).max(5000).optional() }).strict(),

  /** Backups (electron/services/backup/backup.ts): on demand, the list, and restore of a listed one by its file name. */
  'backup:create': z.object({}).strict(),
  'backup:list': z.object({}).strict(),
  /** Only a name from `backup:list` (never a path): main resolves it inside the backup folder, closes, restores, reopens. */
  'backup:restore': z.object({ name: z.string().regex(/^[^/\\]+\.bak$/, '只能选择备份列表中的文件') }).strict(),

  /** Where this installation's ledger is (issue 15): its own file, or an office's PostgreSQL database. */
  'store:get': z.object({}).strict(),
  /**
   * Works on the office's PostgreSQL database from now on (and at every start): main then asks, in a folder
   * dialog, for the folder holding the office's key files (LEDGER_HOME), opens the database and remembers both.
   */
  'store:connect': z.object({ address: postgresAddressSchema }).strict(),
  /** Back to this computer's own ledger file. */
  'store:useLocal': z.object({}).strict(),
} as const;

export type Channel = keyof typeof requestSchemas;
export type RequestOf<C extends Channel> = z.infer<(typeof requestSchemas)[C]>;

// ---------------------------------------------------------------------------------------------
// Responses

export interface AppInfo {
  /** null before first start has chosen a side. */
  readonly role: 'summary' | 'unit' | null;
  readonly planTitle: string | null;
  readonly year: number | null;
  /** Unit side: which unit this computer reports for. */
  readonly unit: string | null;
  readonly officeName: string | null;
  /** This computer's key fingerprint. */
  readonly fingerprint: string | null;
  /** Unit side: the pinned fingerprint of the summary office. */
  readonly officeFingerprint: string | null;
  readonly version: string;
  /** The year of an earlier year's ledger being looked at (read-only); null while this year's is open. */
  readonly readOnlyYear: number | null;
}

/** One year's ledger of this office, as the year switcher lists it. */
export interface LedgerYearView {
  readonly year: number;
  readonly title: string;
  readonly fileName: string;
  /** The ledger open now. */
  readonly open: boolean;
  /** The newest year's: the one worked in; the others open read-only. */
  readonly latest: boolean;
}

export interface PlanView {
  readonly id: string;
  readonly year: number;
  readonly title: string;
  readonly revision: number;
  /** Monthly or quarterly: how every period is named (periodLabel) and which periods there are. */
  readonly frequency: ReportingFrequency;
  readonly categories: readonly { readonly no: string; readonly name: string; readonly taskNos: readonly number[] }[];
  readonly tasks: readonly {
    readonly no: number;
    readonly title: string;
    readonly text: string;
    readonly category: string;
    readonly leadUnits: readonly string[];
    readonly coUnits: readonly string[];
    readonly indicators: readonly IndicatorView[];
  }[];
  /** Reporting units in the fixed order (groups excluded). */
  readonly units: readonly string[];
}

export type IndicatorView = IndicatorFields;

/** A plan revision, saved or only previewed: from which to which, every change in words, the units needing a new assignment. */
export interface RevisionView {
  readonly from: number;
  readonly to: number;
  readonly dryRun: boolean;
  readonly changes: readonly string[];
  readonly units: readonly string[];
  /** What else the revision asks of the clerk (new 下达包, closed periods recomputed), in Chinese. */
  readonly notes: readonly string[];
}

/** One kept revision of the plan. */
export interface RevisionHistoryView {
  readonly revision: number;
  readonly at: string;
  readonly actor: string;
  readonly changes: readonly string[];
}

/** A plan file read for a person to look at before using it: the file's name and what was read. */
export interface PlanFileView {
  readonly fileName: string;
  readonly parsed: ParsedPlan;
}

/** A file chosen to start the new year, as read, with the new ledger's file name and what it takes from this year's. */
export interface NewYearPreview extends PlanFileView {
  readonly ledgerFileName: string;
  /** What carries over, in a sentence (a county's differs: its plan comes from the parent's 下达包). */
  readonly carried: string;
}

export interface PeriodView {
  readonly period: PeriodId;
  readonly month: number;
  readonly dueOn: string;
  readonly locked: boolean;
  /** Unit side: 已报送 (exported), 草稿 (saved, not exported), 未填报; summary side: null. */
  readonly state: '已导出' | '草稿' | '未填报' | null;
  /** Unit side: the latest exported revision for this period, if any. */
  readonly exportedRevision: number | null;
  /** Some report of this period is stored (the office opens on the latest such period). */
  readonly hasReports: boolean;
  /** The period has begun by this computer's clock: nothing can be entered for a month not begun. */
  readonly started: boolean;
  /**
   * Summary side: why the date is what it is (10月5日为国庆节假期,顺延至10月8日; or the office's own date
   * and reason), null when the due day itself is a working day; unit side: the holiday note where its date is the usual due day moved (the office's own reasons do not travel).
   */
  readonly dueNote: string | null;
  /** Summary side: the office set this date by hand (it wins over the rule). */
  readonly dueByHand: boolean;
  /** Summary side: the date by the rule (due day moved to a working day), what 恢复按规则 goes back to. */
  readonly ruleDueOn: string | null;
  /** Summary side: the holiday data does not know the year (weekends only were skipped). */
  readonly dueWarning: string | null;
  /** Unit side: before the period this unit starts reporting from (set up mid-year): nothing is due. */
  readonly beforeStart: boolean;
}

export interface EntryTaskView extends ReportFields {
  readonly no: number;
  readonly title: string;
  readonly text: string;
  readonly role: Role;
  readonly indicators: readonly (IndicatorView & {
    readonly previous: number | null;
    readonly value: number | null;
    readonly note: string;
    /** The plan's sentence the target comes from, shown beside the indicator. */
    readonly source: string;
  })[];
  /** Returned (退回) by the summary office with this comment, not yet re-exported. */
  readonly returnComment: string | null;
  readonly saved: boolean;
}

export interface EntryForm {
  readonly unit: string;
  readonly period: PeriodId;
  readonly month: number;
  readonly dueOn: string;
  readonly locked: boolean;
  readonly proxy: boolean;
  readonly tasks: readonly EntryTaskView[];
  /** Summary side: how what the unit reported for this period came in, which a proxy entry would replace; empty on a unit's computer. */
  readonly prior: readonly PriorSubmission[];
  /** Typed once per report: the contact and phone most of the saved tasks carry, and the 填报人 (empty when none was typed). */
  readonly reporter: { readonly contact: string; readonly phone: string; readonly filledBy: string };
}

export interface SaveResult {
  readonly tasks: readonly number[];
  readonly warnings: readonly ValidationIssue[];
}

export interface ExportResult {
  /** File name (not the full path) and the folder it went to, for the message. */
  readonly fileName: string;
  readonly folder: string;
  readonly revision: number;
  readonly packageId: string;
}

/** A 下达包 written: where, and how many indicators carry a task for the office and how many are 无任务. */
export interface AllocationExport extends ExportResult {
  readonly office: string;
  readonly tasked: number;
  readonly noTask: number;
  /** Cumulative targets left without a quota for the office, in words (shared/levels.ts quotaGapWarning); null when none. */
  readonly warning: string | null;
}

/** One of the parent's units and the name the office will give its own. */
export interface ProposedUnit {
  readonly parent: string;
  readonly name: string;
  /** Whether the name is the rule's proposal (shared/levels.ts proposeUnitName), not one a person gave. */
  readonly proposed: boolean;
}

/** What a person sees before an office is set up from its parent's 下达包, and confirms. */
export interface AllocationPreview {
  readonly fileName: string;
  readonly parent: string;
  /** The parent's key fingerprint, to be checked by phone. */
  readonly parentFingerprint: string;
  /** The parent's key is the one last year's ledger pinned (a new year carried over): no phone check needed. */
  readonly parentKnown: boolean;
  /** The office key fingerprint the parent addressed the 下达包 to (it knows this office's key), or null. */
  readonly recipient: string | null;
  readonly planTitle: string;
  readonly planYear: number;
  readonly planRevision: number;
  /** The name the parent lists this office under (郎溪县). */
  readonly office: string;
  /** The name this office will sign as unless another is chosen (郎溪县民生工作办公室). */
  readonly officeName: string;
  readonly tasks: number;
  /** Indicators held to a target, and those allotted 无任务. */
  readonly tasked: number;
  readonly noTask: number;
  readonly units: readonly ProposedUnit[];
}

export interface ValueChange {
  readonly task: number;
  readonly indicator: number | null;
  readonly field: string;
  readonly before: string | number | null;
  readonly after: string | number | null;
  /** The change in a sentence, where it is not one value of a task (a plan revision: a unit renamed, a task added). */
  readonly words?: string;
}

export interface ImportFileResult {
  readonly file: string;
  readonly status: 'accepted' | 'duplicate' | 'rejected';
  readonly code?: string;
  readonly message: string;
  readonly unit?: string;
  readonly period?: string;
  readonly revision?: number;
  readonly kind?: 'assignment' | 'report' | 'feedback' | 'allocation' | 'rollup';
  /** The signer's fingerprint (shown for a unit's first key). */
  readonly fingerprint?: string;
  /** E_KEY_OF_OTHER_UNIT: the units the signing key already belongs to. */
  readonly holders?: readonly string[];
  readonly changes?: readonly ValueChange[];
  /**
   * E_TAMPERED: the cells a person changed, signed value → found value; `problem` when the value is
   * the signed one but shown otherwise (a formula, a number format, a hidden row …).
   */
  readonly cells?: readonly {
    readonly sheet: string; readonly cell: string;
    readonly signed: string | number | boolean | null; readonly found: string | number | boolean | null; readonly problem?: string;
  }[];
}

export interface ImportProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
  /** Set while the import waits for another import into the same database: one line saying so. */
  readonly waiting?: string;
}

export interface KeysView {
  readonly own: string;
  readonly office: string | null;
  readonly pinned: readonly { readonly unit: string; readonly fingerprint: string; readonly acceptedAt: string; readonly acceptedBy: string }[];
  /** Subordinate offices' keys (下级汇总端), and the parent office this one reports to (上级汇总端). */
  readonly offices: readonly { readonly office: string; readonly fingerprint: string; readonly acceptedAt: string; readonly acceptedBy: string }[];
  readonly parent: { readonly name: string; readonly fingerprint: string } | null;
}

export interface UnitDetail {
  readonly header: PeriodSummaryHeader;
  readonly unit: UnitSummary;
  readonly tasks: readonly (TaskSummary & { readonly role: Role; readonly receivedOn: string | null; readonly proxy: boolean })[];
}

export interface TrendView {
  readonly periods: readonly PeriodId[];
  /** completion: the headline's 全市平均完成度; onSchedule: the share of reported indicators at or ahead of what is due (M/N). */
  readonly overall: readonly { readonly period: PeriodId; readonly completion: number | null; readonly onSchedule: number | null; readonly onTime: number; readonly late: number; readonly missing: number }[];
  readonly units: readonly { readonly unit: string; readonly completion: readonly (number | null)[] }[];
}

export interface ReturnView {
  readonly unit: string;
  readonly period: PeriodId;
  readonly task: number;
  readonly taskTitle: string;
  readonly comment: string;
  readonly createdAt: string;
  /** Summary side: sent in a feedback package; unit side: corrected and re-exported. */
  readonly done: boolean;
  readonly id: number;
  /**
   * Where the return stands: 已退回 (not sent yet), 已发反馈包, 已重报 (a later revision of the unit's
   * report of that period, with the task in it, was imported) and 已关闭 (the office accepted it).
   */
  readonly stage: ReturnStage;
  /** The revision of the unit's report that answered it (已重报), and when it came in. */
  readonly answeredRevision: number | null;
  readonly answeredAt: string | null;
  readonly closedAt: string | null;
}

/** The period a unit starts reporting from, and why. */
export interface UnitStartView {
  readonly unit: string;
  readonly period: PeriodId;
  readonly how: 'plan' | 'setup' | 'revision' | 'hand';
  readonly reason: string | null;
}

/** A return's life: 已退回 → 已发反馈包 → 已重报 (第N版) → 已关闭. */
export type ReturnStage = '已退回' | '已发反馈包' | '已重报' | '已关闭';

export interface SettingsView {
  readonly yellowPoints: number;
  readonly dueDay: number;
  readonly officeName: string | null;
  readonly frequency: ReportingFrequency;
  /** Some report is stored: the frequency can no longer change. */
  readonly frequencyLocked: boolean;
}

export interface OfficesView {
  /** What the office calls its own departments taken together: 市本级, 县本级 (shared/levels.ts ownLabel). */
  readonly own: string;
  /** Subordinate offices in their fixed order. */
  readonly offices: readonly string[];
  /** How the plan names its subordinates as a group (各县、市、区政府; 各乡镇人民政府), for the prompt to list them. */
  readonly subordinatePhrases: readonly string[];
  /** Tasks the plan gives to its subordinates as a group. */
  readonly tasksNamingSubordinates: number;
  /** The office this one rolls up to (汇总包), and the name it is listed under there; null for an office at the top. */
  readonly parent: { readonly name: string; readonly officeName: string } | null;
}

/** One indicator's row of the decomposition grid. Quotas null are blank: 无任务 (同目标 where the target is not split). */
export interface QuotaRowView extends QuotaRowInput, QuotaTotals {
  /** 类别 as printed: 一、稳定和扩大就业. */
  readonly category: string;
  readonly task: number;
  readonly taskTitle: string;
  readonly indicator: number;
  readonly name: string;
  readonly unit: string;
  readonly reason: string | null;
}

export interface QuotaGridView {
  readonly officeName: string;
  /** 市本级 / 县本级. */
  readonly own: string;
  /** 全市目标 / 全县目标. */
  readonly targetHeader: string;
  readonly offices: readonly string[];
  readonly rows: readonly QuotaRowView[];
}

/** One cell a save changed: an office's (or 本级's) quota, or the row's 说明. */
export interface QuotaChangeView {
  readonly task: number;
  readonly indicator: number;
  readonly name: string;
  /** An office's name, the 本级 label, or 说明. */
  readonly column: string;
  readonly before: number | string | null;
  readonly after: number | string | null;
}

export interface AuditView {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Names of the indicators a report line holds values of, by stored id (audit:list fills them in, for describeAudit). */
  readonly indicators?: Readonly<Record<string, string>>;
}

export interface BackupView {
  /** File name inside the backup folder. */
  readonly name: string;
  readonly bytes: number;
  readonly createdAt: string;
  readonly reason: 'manual' | 'before-import' | 'before-restore';
}

/** What each channel answers. A cancelled dialog answers `null`. */
export interface ResponseMap {
  'app:info': AppInfo;
  'app:setupSummary': AppInfo;
  'app:setupUnit': AppInfo | null;
  'plan:get': PlanView;
  'plan:def': PlanDef;
  'plan:parseFile': PlanFileView | null;
  'plan:parseText': PlanFileView;
  'plan:exportTemplate': { readonly fileName: string; readonly folder: string } | null;
  'plan:revisePreview': (PlanFileView & { readonly revision: RevisionView | null }) | null;
  'plan:revise': RevisionView;
  'plan:previewEdit': RevisionView;
  'plan:history': readonly RevisionHistoryView[];
  'years:list': readonly LedgerYearView[];
  'years:open': AppInfo;
  'years:preview': NewYearPreview | null;
  'years:start': AppInfo;
  'periods:list': readonly PeriodView[];
  'periods:lock': PeriodView;
  'periods:reopen': PeriodView;
  'periods:setDue': PeriodView;
  'entry:get': EntryForm;
  'entry:save': SaveResult;
  'packages:exportReport': ExportResult | null;
  'packages:exportAssignment': ExportResult | null;
  'packages:exportFeedback': ExportResult | null;
  'packages:exportAssignments': { readonly folder: string; readonly written: readonly (ExportResult & { readonly unit: string })[] } | null;
  'packages:exportAllAssignments': { readonly folder: string; readonly written: readonly (ExportResult & { readonly unit: string })[] } | null;
  'packages:import': readonly ImportFileResult[] | null;
  'packages:importAgain': readonly ImportFileResult[];
  'keys:list': KeysView;
  'keys:acceptFromFile': { readonly unit: string; readonly fingerprint: string; readonly warning: string | null } | null;
  'summary:byUnit': { readonly header: PeriodSummaryHeader; readonly rows: readonly UnitSummary[] };
  'summary:byTask': { readonly header: PeriodSummaryHeader; readonly rows: readonly TaskSummary[] };
  'summary:byCategory': { readonly header: PeriodSummaryHeader; readonly rows: readonly CategorySummary[] };
  'summary:unitDetail': UnitDetail;
  'summary:trend': TrendView;
  'summary:byOffice': ByOfficeView;
  'levels:rollup': (ExportResult & { readonly office: string; readonly parent: string }) | null;
  'returns:create': ReturnView;
  'returns:list': readonly ReturnView[];
  'returns:close': ReturnView;
  'units:setStart': UnitStartView;
  'units:setOpening': { readonly unit: string; readonly start: PeriodId; readonly values: number };
  'reports:exportWorkbook': { readonly fileName: string; readonly folder: string } | null;
  'reports:exportTable': { readonly fileName: string; readonly folder: string; readonly rows: number } | null;
  'reports:bulletinDraft': { readonly bulletin: Bulletin; readonly timeProgress: number; readonly html: string };
  'reports:printBulletin': { readonly fileName: string; readonly folder: string } | null;
  'settings:get': SettingsView;
  'settings:update': SettingsView;
  'offices:list': OfficesView;
  'offices:add': OfficesView;
  'offices:remove': OfficesView;
  'offices:rename': OfficesView;
  'offices:move': OfficesView;
  'quotas:get': QuotaGridView;
  'quotas:save': { readonly changes: readonly QuotaChangeView[]; readonly notes: readonly string[]; readonly grid: QuotaGridView };
  'offices:exportAllocation': AllocationExport | null;
  'app:chooseAllocation': AllocationPreview | null;
  'app:setupOffice': { readonly info: AppInfo; readonly preview: AllocationPreview };
  'audit:list': readonly AuditView[];
  'backup:create': BackupView;
  'backup:list': readonly BackupView[];
  'backup:restore': {
    readonly restoredFrom: string;
    readonly safetyCopy: string | null;
    /** Audit lines made since the backup, carried into the restored database. */
    readonly carriedAudit: number;
    /** Why they could not be carried (the database was damaged), or null. */
    readonly auditNotCarried: string | null;
  };
  'store:get': StoreView;
  /** null: the folder dialog was cancelled, nothing changed. */
  'store:connect': StoreView | null;
  'store:useLocal': StoreView;
}

/** Where the ledger is: this computer's file, or a PostgreSQL server database (never with a password). */
export interface StoreView {
  readonly kind: 'local' | 'postgres';
  /** The file, or `PostgreSQL 用户@服务器:端口/库`. */
  readonly shown: string;
  /** The folder of the office's key and backups on this computer (LEDGER_HOME), on PostgreSQL. */
  readonly ledgerHome: string | null;
  /** Whether this host can switch (the desktop app and the bridge can; a host without a place to remember the choice cannot). */
  readonly canSwitch: boolean;
}

export type ResponseOf<C extends Channel> = ResponseMap[C];

/** Events main pushes to the renderer. */
export interface EventMap {
  'import:progress': ImportProgress;
}

/** The object the preload exposes as `window.ledger` (and the browser harness provides). */
export interface LedgerApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  on<E extends keyof EventMap>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

export const CHANNELS = Object.keys(requestSchemas) as Channel[];
