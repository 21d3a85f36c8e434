/**
 * Making the three kinds of signed package: assignment (任务包, office → unit), report
 * (填报包, unit → office) and feedback (反馈包, office → unit). The codec is package-format.ts;
 * this module decides what goes in them. Format: docs/package-format.md.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LIGHT_LABELS, type PlanDef, type ReportingFrequency, type Role } from '../../../shared/domain';
import { COMPARATOR_WORDS } from '../../../shared/plan-diff';
import type { ExportResult } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { localDate, percent, scheduleWord, targetFigure, valueWord } from '../../../shared/format';
import { periodLabel, requireStarted } from '../../../shared/rules/periods';
import { completion, indicatorLight, timeProgress } from '../../../shared/rules/progress';
import { blockingIssues, validateTaskEntry, type ValidationIssue } from '../../../shared/rules/validation';
import { appendAudit } from '../../../db/queries/audit';
import { trustedKey } from '../../../db/queries/keys';
import { insertPackage } from '../../../db/queries/packages';
import { listPeriods, planModelToDef, type PlanModel, type TaskModel } from '../../../db/queries/plan';
import type { Report } from '../../../db/queries/reports';
import { getSetting } from '../../../db/queries/settings';
import { sha256Hex } from './hash';
import { activePlan, nowIso, officeName, requireRole, thresholdsOf, today, type Ctx } from '../context';
import { removeIfPresent, replaceFile } from '../files';
import { fieldsOf, loadUnitPeriod, resolveUnit, rolesOfUnit, toTaskEntry } from '../entry/entry';
import { fingerprint, loadKey, type KeyPair } from '../keys/keys';
import { type CellValue, type PackageKind, type SheetContent } from './package-format';
import { writePackage } from './package-writer';
import { KIND_LABELS, type FeedbackData, type ReportData } from './package-data';

export interface ExportedPackage extends ExportResult {
  /** Full path of the written file. */
  readonly file: string;
}

// ---------------------------------------------------------------------------------------------
// Writing a package file safely

/** Local date-time for people (the cover sheet), e.g. 2019-07-03 10:00. */
/**
 * A period in a package's file name: the period id for a month (sorts by name); for a quarter what a clerk
 * reads, since 2019-06 would read as June alone.
 * @example periodFileTag('2019-06', 'quarterly') // '2019年1-6月'
 */
export function periodFileTag(period: string, frequency: ReportingFrequency): string {
  return frequency === 'monthly' ? period : periodLabel(period, frequency);
}

/** Characters of a name kept in a file name: with the rest of the name it stays far below 255 bytes (Chinese is 3 bytes each). */
const NAME_CHARS = 40;

/**
 * File names keep to characters every file system and USB stick accepts, and that a directory listing
 * shows as they are: no control characters, escape sequences, bidi overrides or invisible characters
 * (a unit's name comes from a plan file). A name cut short keeps a tag of the whole, so two long names
 * never share a file.
 * @example safeName('市\u001b[31m残联') // '市_[31m残联'
 */
export function safeName(s: string): string {
  const clean = s.replace(/[\\/:*?"<>|\s\p{Cc}\p{Cf}\p{Co}\p{Cs}]+/gu, '_').replace(/^[._]+|[._ ]+$/g, '') || '_';
  const chars = Array.from(clean);
  if (chars.length <= NAME_CHARS) return clean;
  return `${chars.slice(0, NAME_CHARS - 7).join('')}…${sha256Hex(Buffer.from(s, 'utf8')).slice(0, 6)}`;
}

/**
 * Writes bytes under a temporary name in the same folder, flushes, then renames: a full disk or a
 * pulled USB stick never leaves a half-written package under the real name.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await replaceFile(file, `${file}.${process.pid}.tmp`, (temp) => writeFileSync(temp, bytes)).catch((err: unknown) => {
    throw writeFailure(file, err);
  });
}

/**
 * `fileName` in `outDir`, or, when a file of that name is there already, the same name with -2, -3 … before its
 * extension: a package written must never replace another on the USB stick (signAndWrite names every package so).
 * @example freeFileName('/media/usb', '下达包-郎溪县-2019-第1版-20190704-0930.xlsx') // '下达包-郎溪县-2019-第1版-20190704-0930-2.xlsx' if taken
 */
export function freeFileName(outDir: string, fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
  let name = fileName;
  for (let n = 2; existsSync(join(outDir, name)); n++) name = `${stem}-${n}${ext}`;
  return name;
}

/**
 * The refusal for a file that could not be written, in words a clerk can act on.
 * @example writeFailure('/media/usb/a.xlsx', { code: 'ENOSPC' }) // E_WRITE_FAILED 无法写入 …:磁盘空间不足…
 */
export function writeFailure(file: string, err: unknown): LedgerError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ENOSPC' ? '磁盘空间不足' : e.code === 'EROFS' || e.code === 'EACCES' || e.code === 'EPERM' ? '文件夹只读或没有写入权限' : e.code === 'ENOENT' || e.code === 'ENOTDIR' ? '文件夹不存在' : e.message;
  return new LedgerError('E_WRITE_FAILED', `无法写入 ${file}:${why}。请换一个文件夹或U盘后重试,未留下不完整的文件。`);
}

/** Where an exported package goes: a folder, and a file name of the caller's choosing or the standard one. */
export interface Destination {
  readonly outDir: string;
  readonly fileName?: string | undefined;
}

export interface Draft {
  readonly kind: PackageKind;
  readonly plan: PlanModel;
  readonly to: string;
  /** The recipient's key fingerprint; null for a unit whose key the office does not know yet. */
  readonly recipient: string | null;
  readonly unit: string;
  readonly periods: string[];
  readonly revision: number;
  readonly sheets: SheetContent[];
  readonly data: unknown;
  readonly fileName: string;
  readonly from: string;
  /** The unit the package is for or from, as recorded in the packages table; null for one between offices. */
  readonly unitId: number | null;
  /** The subordinate office a package between offices is for or from. */
  readonly officeId?: number;
}

/**
 * This computer's key for this database: the key file beside it must be the one the database was set up
 * with. Another office's key file copied in would sign packages every recipient refuses, found out weeks later.
 */
export async function signingKey(ctx: Ctx): Promise<KeyPair> {
  const key = loadKey(ctx.file);
  const own = await getSetting(ctx.db, 'public_key');
  if (own && own !== key.publicKey) {
    throw new LedgerError('E_KEY_MISMATCH', `本机密钥文件 ${ctx.file}.key(指纹 ${fingerprint(key.publicKey)})不是这个数据库建立时的密钥(指纹 ${fingerprint(own)}),未签名、未生成任何数据包。`
      + '可能是把另一台电脑或另一个数据库的密钥文件复制到了这里:请找回这个数据库原来的密钥文件放回原处。');
  }
  return key;
}

/** Signs and writes the package, then records it (with an audit line) as sent. */
export async function signAndWrite(ctx: Ctx, draft: Draft, outDir: string, signWith?: KeyPair): Promise<ExportedPackage> {
  const key = signWith ?? await signingKey(ctx);
  const signer = fingerprint(key.publicKey);
  const packageId = randomUUID();
  const createdAt = nowIso(ctx);
  const cover: SheetContent = {
    name: '封面',
    colWidths: [18, 60],
    rows: [
      ['民生工作督办台账 · ' + KIND_LABELS[draft.kind]],
      ['类型', KIND_LABELS[draft.kind]],
      ['工作计划', `${draft.plan.title}(第${draft.plan.revision}版)`],
      ['发送方', draft.from],
      ['接收方', draft.to],
      ['接收方密钥指纹', draft.recipient ?? (draft.kind === 'allocation' ? '(尚未登记:该下级汇总端还没有报送过汇总包)' : '(尚未登记:该单位还没有报送过)')],
      ['单位', draft.unit],
      ['报送期', draft.periods.map((p) => periodLabel(p, draft.plan.frequency)).join('、') || '全年'],
      ['生成时间', localDate(ctx.now(), 'minutes')],
      ['版本号', draft.revision],
      ['签名密钥指纹', signer],
      ['数据包编号', packageId],
      [],
      ['请勿修改本文件中的任何内容。本文件带有数字签名,任何改动都会在导入时被发现并拒收。'],
    ],
  };
  const manifest = {
    kind: draft.kind, packageId, planId: draft.plan.id, planRevision: draft.plan.revision,
    from: draft.from, to: draft.to, recipient: draft.recipient, unit: draft.unit, periods: draft.periods, revision: draft.revision, createdAt,
  };
  const bytes = writePackage({ manifest, sheets: [cover, ...draft.sheets], data: draft.data, key });
  // Never over another file: two units of the same name under two offices (a county-level city's 市残联 and the
  // city's), or the same package made twice, are two packages on one USB stick.
  const file = join(outDir, freeFileName(outDir, draft.fileName));
  await writeFileAtomic(file, bytes);
  const fileName = basename(file);
  await ctx.db.transaction().execute(async (trx) => {
    await insertPackage(trx, {
      packageId, kind: draft.kind, direction: 'out', unitId: draft.unitId, officeId: draft.officeId ?? null, periods: draft.periods, revision: draft.revision, signer,
      fileName, sha256: sha256Hex(bytes), size: bytes.length, bytes: null, createdAt, receivedAt: createdAt, receivedOn: null,
    });
    await appendAudit(trx, {
      at: createdAt, actor: ctx.actor, action: `package.export.${draft.kind}`, entity: 'package', entityId: packageId,
      after: { kind: draft.kind, to: draft.to, recipient: draft.recipient, unit: draft.unit, periods: draft.periods, revision: draft.revision, file: fileName },
    });
  }).catch((err: unknown) => {
    // Not recorded (a read-only or busy database): no package may be out there that this database does
    // not know, or the next export would sign another one with the same revision.
    removeIfPresent(file);
    throw err;
  });
  return { file, fileName, folder: outDir, revision: draft.revision, packageId };
}

/** The unit's pinned key fingerprint at the office, or null before its first report. */
async function unitFingerprint(ctx: Ctx, unitId: number): Promise<string | null> {
  return (await trustedKey(ctx.db, unitId))?.fingerprint ?? null;
}

// ---------------------------------------------------------------------------------------------
// Assignment: office → unit

/**
 * The assignment package for one unit: the whole plan (so the unit sees the context), its own
 * tasks marked, its periods and due dates, and the office's public key to pin.
 */
export async function exportAssignment(ctx: Ctx, opts: { unit: string } & Destination): Promise<ExportedPackage> {
  await requireRole(ctx, 'summary', '制作任务包');
  const plan = await activePlan(ctx);
  const unit = await resolveUnit(ctx, plan, opts.unit);
  const roles = rolesOfUnit(plan, unit.id);
  if (roles.size === 0) throw new LedgerError('E_UNKNOWN_UNIT', `${unit.name}在本计划中没有牵头或协同的任务。`);
  const periods = await listPeriods(ctx.db, plan.id);
  const office = await officeName(ctx);
  const key = await signingKey(ctx);
  const def: PlanDef = planModelToDef(plan);
  const unitName = new Map(plan.units.map((u) => [u.id, u.name]));
  const rows: CellValue[][] = [['序号', '任务', '本单位职责', '牵头单位', '协同单位', '指标', '要求', '目标', '计量单位', '填报口径']];
  for (const t of plan.tasks) {
    const role = roles.get(t.id);
    if (!role) continue;
    const base: CellValue[] = [t.no, t.title, role === 'lead' ? '牵头' : '协同', t.leadUnitIds.map((u) => unitName.get(u)).join('、'), t.coUnitIds.map((u) => unitName.get(u)).join('、')];
    if (t.indicators.length === 0) rows.push([...base, '(无量化指标,按进展填报)', '', '', '', '']);
    for (const i of t.indicators) rows.push([...base, i.name, COMPARATOR_WORDS[i.comparator], targetFigure(i), i.unit, valueWord(i)]);
  }
  const revision = plan.revision;
  return signAndWrite(ctx, {
    kind: 'assignment', plan, from: office, to: unit.name, recipient: await unitFingerprint(ctx, unit.id), unit: unit.name, unitId: unit.id, periods: [], revision,
    sheets: [
      { name: '任务清单', rows, colWidths: [6, 30, 10, 20, 30, 30, 8, 10, 8, 18] },
      { name: '报送期', rows: [['报送期', '截止日期'], ...periods.map((p): CellValue[] => [periodLabel(p.period, plan.frequency), p.dueOn])], colWidths: [14, 14] },
    ],
    data: { plan: def, periods: periods.map((p) => ({ period: p.period, dueOn: p.dueOn })), unit: unit.name, office: { name: office, publicKey: key.publicKey } },
    fileName: opts.fileName ?? `任务包-${safeName(unit.name)}-${plan.year}-第${revision}版.xlsx`,
  }, opts.outDir, key);
}

/**
 * 生成全部任务包: the assignment package of every unit with a task (leading or cooperating) into one folder,
 * in the plan's unit order; the answer is the list of what was written.
 * @example (await exportAllAssignments(ctx, { outDir: 'E:/任务包' })).map((p) => p.fileName)
 */
export async function exportAllAssignments(ctx: Ctx, opts: { readonly outDir: string }): Promise<(ExportedPackage & { readonly unit: string })[]> {
  await requireRole(ctx, 'summary', '制作任务包');
  const plan = await activePlan(ctx);
  const written: (ExportedPackage & { unit: string })[] = [];
  for (const u of plan.units) {
    // A group reports through its members; a unit the plan gives no task (after a revision) has nothing to report.
    if (u.kind !== 'unit' || rolesOfUnit(plan, u.id).size === 0) continue;
    written.push({ unit: u.name, ...(await exportAssignment(ctx, { unit: u.name, outDir: opts.outDir })) });
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// Report: unit → office


/**
 * The unit's report package for a period: every lead task complete (status and every value) and
 * nothing that validation blocks; cooperating tasks as far as entered. The revision grows with
 * every export of this unit and period.
 */
export async function exportReport(ctx: Ctx, opts: { period: string } & Destination): Promise<ExportedPackage> {
  await requireRole(ctx, 'unit', '导出填报包');
  const self = await getSetting(ctx.db, 'self_unit');
  if (!self) throw new LedgerError('E_NOT_LEDGER_DB', '本机尚未设置填报单位。');
  const { plan, unit, period, roles, reports, previous } = await loadUnitPeriod(ctx, self, opts.period);
  requireStarted(opts.period, today(ctx), plan.frequency, '导出填报包');
  // The office's key pinned from the assignment: the report is for that office only, whatever its name.
  const officeFingerprint = await getSetting(ctx.db, 'office_fingerprint');
  if (!officeFingerprint) throw new LedgerError('E_NOT_LEDGER_DB', '本机没有登记汇总端的密钥指纹,请按汇总端的任务包重新建立填报端。');
  const thresholds = await thresholdsOf(ctx);

  const problems: ValidationIssue[] = [];
  const included: { task: TaskModel; role: Role; report: Report; values: ReadonlyMap<number, { value: number | null; note: string }> }[] = [];
  for (const t of plan.tasks) {
    const role = roles.get(t.id);
    if (!role) continue;
    const r = reports.get(t.id);
    if (!r) {
      if (role === 'lead') problems.push({ level: 'error', code: 'MISSING_STATUS', taskNo: t.no, field: 'status', message: `任务${t.no}「${t.title}」是本单位牵头任务,还没有填报。` });
      continue;
    }
    const values = new Map(r.values.map((v) => [v.indicatorId, { value: v.value, note: v.note }]));
    problems.push(...blockingIssues(validateTaskEntry(toTaskEntry(t, role, r, values, previous), period.month, 'export', thresholds)));
    included.push({ task: t, role, report: r, values });
  }
  if (problems.length > 0) {
    throw new LedgerError('E_VALIDATION', `还有 ${problems.length} 处需要处理,未导出:\n` + problems.map((p) => `· ${p.message}`).join('\n'), { issues: problems });
  }

  const last = await ctx.db.selectFrom('packages').select((eb) => eb.fn.max('revision').as('r'))
    .where('kind', '=', 'report').where('direction', '=', 'out').where('period', '=', opts.period).executeTakeFirst();
  const revision = (last?.r ?? 0) + 1;
  const month = period.month;
  const tp = timeProgress(month);
  // One column for the figure of every kind, and beside it what that figure is: 累计完成 only where it adds up.
  const dataRows: CellValue[][] = [['序号', '任务', '职责', '指标', '目标', '计量单位', '填报口径', '进展情况', '完成率', '序时进度', '灯号', '推进状态', '工作进展', '存在问题', '下步措施', '说明']];
  const fundRows: CellValue[][] = [['序号', '任务', '计划资金(万元)', '到位资金(万元)', '支出资金(万元)', '联系人', '联系电话', '填报人']];
  const payload: ReportData = { unit: unit.name, period: opts.period, reports: [] };
  for (const { task: t, role, report: r, values } of included) {
    const narr: CellValue[] = [r.status ?? '', r.progress, r.problems, r.nextSteps, r.explanation];
    const head: CellValue[] = [t.no, t.title, role === 'lead' ? '牵头' : '协同'];
    // A task with no number is judged by its status: nothing of it is scaled by 序时进度.
    if (t.indicators.length === 0) dataRows.push([...head, '(无量化指标)', '', '', '', '', '', '', '', ...narr]);
    for (const i of t.indicators) {
      const v = values.get(i.id);
      const value = v?.value ?? null;
      dataRows.push([
        ...head, i.name, `${COMPARATOR_WORDS[i.comparator]}${targetFigure(i)}`, i.unit, valueWord(i), value,
        value === null ? '' : percent(completion(i, value)), scheduleWord(i) ?? percent(tp, ''),
        value === null ? '' : LIGHT_LABELS[indicatorLight(i, value, month, thresholds)], ...narr.slice(0, 4), v?.note ? `${v.note}${r.explanation ? `;${r.explanation}` : ''}` : r.explanation,
      ]);
    }
    fundRows.push([t.no, t.title, r.fundsPlanned, r.fundsAvailable, r.fundsSpent, r.contact, r.phone, r.enteredBy]);
    payload.reports.push({
      task: t.no, role, ...fieldsOf(r), enteredBy: r.enteredBy,
      values: t.indicators.flatMap((i) => {
        const v = values.get(i.id);
        return v ? [{ indicator: i.no, value: v.value, note: v.note }] : [];
      }),
    });
  }
  const office = await officeName(ctx);
  const exported = await signAndWrite(ctx, {
    kind: 'report', plan, from: unit.name, to: office, recipient: officeFingerprint, unit: unit.name, unitId: unit.id, periods: [opts.period], revision,
    sheets: [
      { name: '填报数据', rows: dataRows, colWidths: [6, 28, 6, 26, 14, 8, 18, 10, 8, 10, 6, 8, 40, 30, 30, 24] },
      { name: '资金及联系人', rows: fundRows, colWidths: [6, 28, 14, 14, 14, 10, 16, 10] },
    ],
    data: payload,
    fileName: opts.fileName ?? `填报包-${safeName(unit.name)}-${periodFileTag(opts.period, plan.frequency)}-第${revision}版.xlsx`,
  }, opts.outDir);
  // A returned task counts as answered once a corrected report has gone out.
  await ctx.db.updateTable('returns').set({ done: 1, answered_revision: revision, answered_at: nowIso(ctx) }).where('unit_id', '=', unit.id).where('period', '=', opts.period).where('done', '=', 0).execute();
  return exported;
}

// ---------------------------------------------------------------------------------------------
// Feedback: office → unit

/** Receipts for the unit's merged packages, and every return not yet sent. */
export async function exportFeedback(ctx: Ctx, opts: { unit: string } & Destination): Promise<ExportedPackage> {
  await requireRole(ctx, 'summary', '制作反馈包');
  const plan = await activePlan(ctx);
  const unit = await resolveUnit(ctx, plan, opts.unit);
  const receipts = await ctx.db.selectFrom('packages').select(['package_id', 'period', 'revision', 'received_on'])
    .where('unit_id', '=', unit.id).where('direction', '=', 'in').where('kind', '=', 'report').orderBy('received_at').execute();
  const open = await ctx.db.selectFrom('returns').innerJoin('tasks', 'tasks.id', 'returns.task_id')
    .select(['returns.id', 'returns.period', 'returns.comment', 'returns.created_at', 'tasks.no', 'tasks.title'])
    // Every return not yet answered nor closed, sent before or not: a feedback package lost on its way is made
    // good by the next one, and a unit that has one already takes it once (by its period, task and time).
    .where('returns.unit_id', '=', unit.id).where('returns.answered_revision', 'is', null).where('returns.closed_at', 'is', null)
    .orderBy('returns.id').execute();
  const office = await officeName(ctx);
  const data: FeedbackData = {
    unit: unit.name,
    receipts: receipts.map((r) => ({ packageId: r.package_id, period: r.period, revision: r.revision, receivedOn: r.received_on })),
    returns: open.map((r) => ({ period: r.period, task: r.no, comment: r.comment, createdAt: r.created_at })),
  };
  const exported = await signAndWrite(ctx, {
    kind: 'feedback', plan, from: office, to: unit.name, recipient: await unitFingerprint(ctx, unit.id), unit: unit.name, unitId: unit.id,
    periods: [...new Set(open.map((r) => r.period))].sort(), revision: 1,
    sheets: [
      { name: '退回事项', rows: [['报送期', '序号', '任务', '退回意见', '退回时间'], ...open.map((r): CellValue[] => [periodLabel(r.period, plan.frequency), r.no, r.title, r.comment, r.created_at.slice(0, 10)])], colWidths: [12, 6, 30, 50, 12] },
      { name: '回执', rows: [['数据包编号', '报送期', '版本号', '收到日期'], ...receipts.map((r): CellValue[] => [r.package_id, r.period ? periodLabel(r.period, plan.frequency) : '', r.revision, r.received_on ?? ''])], colWidths: [40, 12, 8, 12] },
    ],
    data,
    fileName: opts.fileName ?? `反馈包-${safeName(unit.name)}-${today(ctx).replaceAll('-', '')}-${randomUUID().slice(0, 4)}.xlsx`,
  }, opts.outDir);
  if (open.length > 0) {
    await ctx.db.updateTable('returns').set({ feedback_package_id: exported.packageId, done: 1 }).where('id', 'in', open.map((r) => r.id)).execute();
  }
  return exported;
}
