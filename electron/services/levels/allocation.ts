/**
 * The 下达包 (kind `allocation`, docs/package-format.md §10): an office hands one of its subordinate offices the
 * plan with that office's targets (任务分解), signed. The subordinate office is set up from it (a summary office
 * of its own, its parent's key pinned, its units proposed from the parent's names), and a later one revises its
 * plan through the same revision as any other (plan/revise.ts).
 */
import { basename } from 'node:path';
import type { AllocationExport, AllocationPreview, ImportFileResult, ProposedUnit } from '../../../shared/api';
import type { PlanDef } from '../../../shared/domain';
import { LedgerError, toErrorInfo } from '../../../shared/errors';
import { invisibleWords, localDate, nameKey, printable, targetFigure } from '../../../shared/format';
import { hasNoQuota, isSplit, officePlan, officeTarget, proposeUnitName, quotaGaps, quotaGapWarning, type QuotaGap } from '../../../shared/levels';
import { changeLines, type PlanChange } from '../../../shared/plan-diff';
import { allocationDataSchema, type AllocationData } from '../../../shared/rollup';
import { periodLabel } from '../../../shared/rules/periods';
import { appendAudit } from '../../../db/queries/audit';
import { listOffices } from '../../../db/queries/levels';
import { receivedBefore } from '../../../db/queries/packages';
import { loadParentUnits, saveParentUnits } from '../../../db/queries/parent-units';
import { listPeriods, planModelToDef, setDueDates } from '../../../db/queries/plan';
import { getParent, listOfficeKeys, setParent } from '../../../db/queries/rollups';
import { getSetting } from '../../../db/queries/settings';
import { activePlan, nowIso, officeName, requireRole, type Ctx, type OpenLedger } from '../context';
import { namesAlike } from '../../../shared/format';
import type { CellValue, PackageFile, PackageKind } from '../packages/package-format';
import { archive } from '../packages/archive';
import { KIND_LABELS, readPackageFile } from '../packages/package-data';
import { safeName, signAndWrite, signingKey, type Destination, type ExportedPackage } from '../packages/packages';
import { prepareRevision, saveRevision } from '../plan/revise';
import { initSummary } from '../plan/setup';
import { readCarried, type Carried } from '../plan/carry';
import { storeName } from '../../../db/location';
import { quotaGrid } from './quotas';

// ---------------------------------------------------------------------------------------------
// Writing: office → subordinate office

/** A 下达包 written, with how many indicators it gives the office a task and how many are 无任务. */
export type ExportedAllocation = ExportedPackage & AllocationExport;

/**
 * The 下达包 for one subordinate office: the whole plan, the office's target of every indicator (its quota; the
 * plan's target for an unsplit one without a quota; null, 无任务, for a blank cumulative one), the periods, and
 * this office's public key to pin. Addressed to the office's pinned key, or to no key before its first 汇总包.
 * Refused (E_VALIDATION, nothing written) while the office has no quota at all, unless `noQuotasOk`: such a
 * 下达包 gives it no cumulative target; cumulative targets left blank for it otherwise are named in `warning`.
 * @example await exportAllocation(ctx, { office: '郎溪县', outDir: '/media/usb' })
 */
export async function exportAllocation(ctx: Ctx, opts: { office: string; noQuotasOk?: boolean } & Destination): Promise<ExportedAllocation> {
  await requireRole(ctx, 'summary', '制作下达包');
  const plan = await activePlan(ctx);
  const offices = await listOffices(ctx.db);
  const office = offices.find((o) => o.name === opts.office.trim());
  if (!office) {
    throw new LedgerError('E_NOT_FOUND', `没有名为「${opts.office}」的下级汇总端。现有:${offices.length ? offices.map((o) => o.name).join('、') : '(无,请先在「任务分解」页或用 ledger offices --add 添加)'}。`);
  }
  const grid = await quotaGrid(ctx);
  const column = grid.offices.indexOf(office.name);
  const gap = quotaGaps(grid.rows, grid.offices)[column]!;
  if (hasNoQuota(gap) && !opts.noQuotasOk) throw noQuotaError([gap]);
  const targets = grid.rows.map((r) => ({ task: r.task, indicator: r.indicator, value: officeTarget(r, r.quotas[column] ?? null) }));
  const periods = await listPeriods(ctx.db, plan.id);
  const from = await officeName(ctx);
  const key = await signingKey(ctx);
  const recipient = (await listOfficeKeys(ctx.db)).find((k) => k.officeId === office.id && k.status === 'trusted')?.fingerprint ?? null;
  const rows: CellValue[][] = [['序号', '任务', '指标', '计量单位', grid.targetHeader, '本地任务']];
  grid.rows.forEach((r, k) => {
    const value = targets[k]!.value;
    const local = value === null ? '无任务' : !isSplit(r.kind) && value === r.target ? targetFigure(r) : value;
    rows.push([`${r.task}-${r.indicator}`, `${r.task}. ${r.taskTitle}`, r.name, r.unit, targetFigure(r), local]);
  });
  const data: AllocationData = {
    plan: planModelToDef(plan), office: office.name, parent: { name: from, publicKey: key.publicKey },
    periods: periods.map((p) => ({ period: p.period, dueOn: p.dueOn })), targets,
  };
  const written = await signAndWrite(ctx, {
    kind: 'allocation', plan, from, to: office.name, recipient, unit: office.name, unitId: null, officeId: office.id, periods: [], revision: plan.revision,
    sheets: [
      { name: '指标分解', rows, colWidths: [8, 36, 30, 10, 12, 12] },
      { name: '报送期', rows: [['报送期', '截止日期'], ...periods.map((p): CellValue[] => [periodLabel(p.period, plan.frequency), p.dueOn])], colWidths: [14, 14] },
    ],
    data,
    // The time too, and never over another file: several 下达包 of one revision and day (quotas changed between them) are different packages.
    fileName: opts.fileName ?? `下达包-${safeName(office.name)}-${plan.year}-第${plan.revision}版-${localDate(ctx.now(), 'minutes').replace(/[-:]/g, '').replace(' ', '-')}.xlsx`,
  }, opts.outDir, key);
  const tasked = targets.filter((t) => t.value !== null).length;
  // A typo (7000 for 70) shows as shares adding up to more than the target: said when the package is made, not
  // found by the county. A sum short of the target is usual while 本级 keeps the rest, so only an excess is said.
  const unexplained = grid.rows.filter((r) => r.needsReason && r.reason === null && (r.difference ?? 0) > 0 && r.quotas[column] != null)
    .map((r) => `任务${r.task} 指标${r.indicator}「${r.name}」(${office.name} ${r.quotas[column]},${grid.targetHeader} ${r.target},各级合计超出 ${r.difference})`);
  const unexplainedWarning = unexplained.length === 0 ? null
    : `下达给${office.name}的指标中有 ${unexplained.length} 个的分解合计超过目标,且未说明原因:${unexplained.slice(0, 5).join('、')}${unexplained.length > 5 ? ' 等' : ''}。如是录入错误,请改正后重新生成下达包;如确实如此,请在「任务分解」页写明原因。`;
  const warning = [quotaGapWarning(gap), unexplainedWarning].filter((w) => w !== null).join('') || null;
  return { ...written, office: office.name, tasked, noTask: targets.length - tasked, warning };
}

/**
 * Every subordinate office's quota gap (quotaGaps), to warn before any 下达包 is written.
 * @example (await allocationGaps(ctx)).filter(hasNoQuota) // the offices that would get no cumulative target
 */
export async function allocationGaps(ctx: Ctx): Promise<QuotaGap[]> {
  const grid = await quotaGrid(ctx);
  return quotaGaps(grid.rows, grid.offices);
}

/** The refusal for offices with no quota at all, saying how to go on anyway. */
function noQuotaError(gaps: readonly QuotaGap[]): LedgerError {
  const go = '确实要这样下达的,请确认后再生成(命令行加 --no-quotas-ok)。';
  const offices = gaps.map((g) => g.office);
  const message = gaps.length === 1
    ? `${quotaGapWarning(gaps[0]!)}${go}`
    : `${gaps.length} 个下级汇总端还没有分解任何任务:${offices.join('、')}。下达包里它们的 ${gaps[0]!.cumulative} 个累计类指标都将是「无任务」,`
      + `它们将没有任何累计类目标。请先在「任务分解」页填好它们的任务;${go}`;
  return new LedgerError('E_VALIDATION', message, { noQuotas: offices });
}

/**
 * A 下达包 for every subordinate office, in the list's order; none is written while an office has no quota at
 * all, unless `noQuotasOk`. @example await exportAllocations(ctx, { outDir })
 */
export async function exportAllocations(ctx: Ctx, opts: { readonly outDir: string; readonly noQuotasOk?: boolean }): Promise<ExportedAllocation[]> {
  await requireRole(ctx, 'summary', '制作下达包');
  const offices = await listOffices(ctx.db);
  if (offices.length === 0) throw new LedgerError('E_NOT_FOUND', '还没有下级汇总端,请先在「任务分解」页或用 ledger offices --add 添加。');
  const none = (await allocationGaps(ctx)).filter(hasNoQuota);
  if (none.length > 0 && !opts.noQuotasOk) throw noQuotaError(none);
  const out: ExportedAllocation[] = [];
  for (const o of offices) out.push(await exportAllocation(ctx, { office: o.name, outDir: opts.outDir, noQuotasOk: true }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

const malformed = () => new LedgerError('E_NOT_A_PACKAGE', '下达包内容的结构不对,无法使用。请向上级汇总端索取新的下达包。');

/**
 * A verified 下达包's data, checked strictly and against its manifest: for the office it names, signed by the
 * parent it names, on the plan it names, one target for every indicator of that plan and nothing else.
 */
export function allocationOf({ pkg }: PackageFile): AllocationData {
  const m = pkg.manifest;
  if (m.kind !== 'allocation') throw new LedgerError('E_NOT_A_PACKAGE', `这是${KIND_LABELS[m.kind]},不是下达包。`);
  const parsed = allocationDataSchema.safeParse(pkg.data);
  if (!parsed.success) throw malformed();
  const data = parsed.data;
  if (data.office !== m.to || data.office !== m.unit || data.parent.publicKey !== m.signerKey || data.plan.id !== m.planId || data.plan.revision !== m.planRevision) throw malformed();
  const indicators = data.plan.categories.flatMap((c) => c.tasks.flatMap((t) => t.indicators.map((i) => `${t.no}.${i.no}`)));
  const given = data.targets.map((t) => `${t.task}.${t.indicator}`);
  if (new Set(given).size !== given.length || given.length !== indicators.length || !indicators.every((k) => given.includes(k))) throw malformed();
  return data;
}

/** Reads and verifies a 下达包 file; every refusal names the file. */
function readAllocationFile(file: string): { received: PackageFile; data: AllocationData } {
  try {
    const received = readPackageFile(file);
    return { received, data: allocationOf(received) };
  } catch (err) {
    const info = toErrorInfo(err);
    throw new LedgerError(info.code, `下达包「${basename(file)}」无法使用:${info.message}`, info.details);
  }
}

/**
 * The kind of package a file is, verified: what `init --from` sets up from it (a unit from a 任务包, an office
 * from a 下达包). A file that does not verify is refused here, naming the file, whatever it claims to be.
 */
export function setupKindOf(file: string): PackageKind {
  try {
    return readPackageFile(file).pkg.manifest.kind;
  } catch (err) {
    const info = toErrorInfo(err);
    throw new LedgerError(info.code, `「${basename(file)}」无法使用:${info.message}`, info.details);
  }
}

// ---------------------------------------------------------------------------------------------
// Setting a subordinate office up

/** What a person may change before the office is set up: its own name and its units' names (parent name → own). */
export interface OfficeSetupChoices {
  readonly officeName?: string;
  readonly names?: Readonly<Record<string, string>>;
  /**
   * Last year's ledger of this office (a new year from the parent's new 下达包): its key, settings, units' keys and
   * subordinate offices carry over, its names for the parent's units and its own name are the defaults, and the
   * 下达包 must be signed by the parent it pinned and, when addressed, to its key (checkCarried). Refused when it
   * is not an office's ledger of an earlier year (plan/carry.ts readCarried).
   */
  readonly carryFrom?: string;
}

/** Last year's ledger `carryFrom` as the 下达包 of `data` takes it (OfficeSetupChoices.carryFrom). */
async function carriedFrom(carryFrom: string | undefined, data: AllocationData): Promise<Carried | undefined> {
  if (carryFrom === undefined) return undefined;
  // The same year's later 下达包 is imported into that year's ledger, not set up from.
  return readCarried(carryFrom, 'summary', data.plan, `同一年上级发来的新下达包请导入本年的台账(ledger import --db ${storeName(carryFrom)} 下达包)。`);
}

/**
 * A 下达包 taken with last year's ledger must be for the office that ledger was: a ledger set up from a 下达包 of the
 * same parent (its pinned key the signer's), never the signer's own (its key the signer's: the city's ledger would
 * become a bogus county holding the city's key), and, when the parent addressed it to a key, to that ledger's key;
 * addressed to no key (the office never sent a 汇总包), to the name the parent listed that ledger's office under.
 * Otherwise a stranger's 下达包, or another county's, would be taken without the fingerprint checked by phone, since
 * carrying over is what spares that check.
 */
function checkCarried(received: PackageFile, data: AllocationData, fileName: string, carried: Carried): void {
  const from = storeName(carried.file);
  const signer = received.pkg.fingerprint;
  if (carried.fingerprint === signer) {
    throw new LedgerError('E_WRONG_RECIPIENT', `上年台账「${from}」是签发下达包「${fileName}」的上级汇总端「${data.parent.name}」自己的台账(密钥指纹同为 ${signer}),`
      + `不是「${data.office}」的台账,未新建。下达包是给「${data.office}」在它自己的电脑上、用它自己的上年台账新建本年台账的;`
      + `「${data.parent.name}」接续新一年请用 ledger init --db 新文件.db --plan 新一年计划 --carry-from ${from}。`, { signer, own: carried.fingerprint });
  }
  if (!carried.parent) {
    throw new LedgerError('E_WRONG_RECIPIENT', `上年台账「${from}」不是按上级下达包建立的汇总端台账(没有登记上级汇总端),无法确认它是「${data.office}」的台账,未新建。`
      + `请选「${data.office}」上年按「${data.parent.name}」的下达包建立的台账;上年没有这样的台账的,请不带 --carry-from 新建,并与上级电话核对指纹。`, { signer });
  }
  if (carried.parent.publicKey !== data.parent.publicKey) {
    throw new LedgerError('E_KEY_MISMATCH', `下达包「${fileName}」的签名密钥(指纹 ${signer})不是上年台账「${from}」登记的上级汇总端「${carried.parent.name}」的密钥(指纹 ${carried.parent.fingerprint}),未新建。请电话与上级汇总端核实:如果上级确实换了密钥,请不带 --carry-from 新建,并与上级电话核对新的指纹。`, { fingerprint: signer });
  }
  const to = received.pkg.manifest.recipient;
  const was = carried.parent.officeName;
  if (to !== null && to !== carried.fingerprint) {
    throw new LedgerError('E_WRONG_RECIPIENT', `下达包「${fileName}」是发给密钥指纹为 ${to} 的汇总端(「${data.office}」)的,上年台账「${from}」的密钥指纹是 ${carried.fingerprint ?? '(无)'}(上级名单中的「${was}」):不是发给这个台账的,未新建。请确认上年台账选对了,或请上级汇总端核对后重新生成。`, { recipient: to, own: carried.fingerprint });
  }
  // Addressed to no key: the name is all that tells one county's 下达包 from another's.
  if (to === null && data.office !== was) {
    throw new LedgerError('E_WRONG_RECIPIENT', `下达包「${fileName}」是「${data.parent.name}」发给「${data.office}」的,上年台账「${from}」是「${was}」的汇总端(上级名单中的名称):`
      + `不是同一个汇总端,未新建。请用「${was}」自己的下达包,或为「${data.office}」选它自己的上年台账。如果上级确已把「${was}」改名为「${data.office}」,`
      + `请与上级电话核实后不带 --carry-from 新建,并与上级电话核对指纹。`, { recipient: null, office: data.office, carried: was });
  }
}

/** Last year's own names for the parent's units (by the unit's name or any it went by), for the units still in its plan. */
function carriedNames(data: AllocationData, carried: Carried | undefined): Record<string, string> {
  const names: Record<string, string> = {};
  if (!carried) return names;
  for (const u of data.plan.units) {
    const own = [u.name, ...u.aliases].map((n) => carried.parentUnits.get(n)).find((n) => n !== undefined);
    if (own !== undefined) names[u.name] = own;
  }
  return names;
}

/** The name an office set up from a 下达包 signs as unless told: 郎溪县 → 郎溪县民生工作办公室. */
export function defaultOfficeName(office: string): string {
  return `${office}民生工作办公室`;
}

/**
 * The own name of every unit of the parent's plan: the rule's proposal unless a person gave another; refused
 * (E_VALIDATION) where a name given is for no unit of the plan, is blank or too long, or two units would share one.
 */
function ownNames(data: AllocationData, given: Readonly<Record<string, string>> = {}): ProposedUnit[] {
  const problems: string[] = [];
  const parents = new Set(data.plan.units.map((u) => u.name));
  for (const k of Object.keys(given)) if (!parents.has(k)) problems.push(`上级计划中没有单位「${k}」,不能为它指定名称`);
  const units = data.plan.units.map((u): ProposedUnit => {
    const own = given[u.name]?.trim();
    return own === undefined ? { parent: u.name, name: proposeUnitName(u.name, data.parent.name, data.office), proposed: true } : { parent: u.name, name: own, proposed: false };
  });
  for (const u of units) {
    const invisible = invisibleWords(u.name);
    if (u.name.length === 0) problems.push(`「${u.parent}」的本地名称不能为空`);
    else if (invisible) problems.push(`「${u.parent}」的本地名称「${printable(u.name)}」的${invisible}`);
    else if (u.name.length > 100) problems.push(`「${u.parent}」的本地名称不能超过100个字`);
  }
  const holders = new Map<string, string[]>();
  for (const u of units) holders.set(nameKey(u.name), [...(holders.get(nameKey(u.name)) ?? []), u.parent]);
  for (const [name, of] of holders) if (of.length > 1) problems.push(`「${of.join('」「')}」的本地名称都是「${name}」,请给它们不同的名称`);
  if (problems.length > 0) throw new LedgerError('E_VALIDATION', `单位名称有 ${problems.length} 处问题,未新建:\n${problems.map((p) => `· ${p}`).join('\n')}`, { problems });
  return units;
}

/**
 * What setting an office up from this 下达包 would do, for a person to check (nothing is written).
 * @example previewAllocation('下达包-郎溪县.xlsx').units[0] // { parent: '市人社局', name: '郎溪县人社局', proposed: true }
 */
export function previewAllocation(file: string, choices: Omit<OfficeSetupChoices, 'carryFrom'> = {}): AllocationPreview {
  const { received, data } = readAllocationFile(file);
  return setupOf(received, data, basename(file), choices, undefined).preview;
}

/** previewAllocation, last year's ledger carried too, and the plan the office would be set up on (its own names, its targets). */
export async function previewAllocationPlan(file: string, choices: OfficeSetupChoices = {}): Promise<{ readonly preview: AllocationPreview; readonly plan: PlanDef }> {
  const { received, data } = readAllocationFile(file);
  return setupOf(received, data, basename(file), choices, await carriedFrom(choices.carryFrom, data));
}

function setupOf(received: PackageFile, data: AllocationData, fileName: string, choices: OfficeSetupChoices, carried: Carried | undefined): { readonly preview: AllocationPreview; readonly plan: PlanDef } {
  const preview = previewOf(received, data, fileName, choices, carried);
  return { preview, plan: { ...planFrom(data, preview.units), revision: 1 } };
}

function previewOf(received: PackageFile, data: AllocationData, fileName: string, choices: OfficeSetupChoices, carried: Carried | undefined): AllocationPreview {
  if (carried) checkCarried(received, data, fileName, carried);
  // Given names win over last year's: a clerk renaming a unit this year says so.
  const units = ownNames(data, { ...carriedNames(data, carried), ...choices.names });
  const tasked = data.targets.filter((t) => t.value !== null).length;
  return {
    fileName, parent: data.parent.name, parentFingerprint: received.pkg.fingerprint,
    parentKnown: carried?.parent != null, recipient: received.pkg.manifest.recipient,
    planTitle: data.plan.title, planYear: data.plan.year, planRevision: data.plan.revision,
    office: data.office, officeName: choices.officeName?.trim() || carried?.settings.get('office_name') || defaultOfficeName(data.office),
    tasks: data.plan.categories.reduce((n, c) => n + c.tasks.length, 0), tasked, noTask: data.targets.length - tasked, units,
  };
}

/** The office's plan from a 下达包: the parent's, its own units' names, its targets; its own revision count starts at 1. */
function planFrom(data: AllocationData, units: readonly ProposedUnit[]): PlanDef {
  return officePlan(data.plan, data.targets, new Map(units.map((u) => [u.parent, u.name])), data.parent.name);
}

/**
 * Creates a subordinate summary office from its parent's 下达包: its plan is the parent's with its own targets
 * (officePlan), its units the parent's under their own names (proposed, or as given), its subordinate list
 * empty; it pins the parent's key (trust on first use: the fingerprint is shown to be checked by phone) and
 * signs as `<office>民生工作办公室` unless told otherwise. All of it or nothing.
 * @example const county = await initOfficeFromAllocation('郎溪县.db', '下达包-郎溪县.xlsx', { names: { 市人社局: '郎溪县人力资源和社会保障局' } })
 */
export async function initOfficeFromAllocation(
  dbFile: string, file: string, opts: OfficeSetupChoices & { readonly now?: () => Date; readonly actor?: string } = {},
): Promise<OpenLedger & { readonly preview: AllocationPreview }> {
  const { received, data } = readAllocationFile(file);
  const carried = await carriedFrom(opts.carryFrom, data);
  const { preview, plan } = setupOf(received, data, basename(file), opts, carried);
  const fingerprint = received.pkg.fingerprint;
  const ledger = await initSummary(dbFile, {
    plan, officeName: preview.officeName, frequency: plan.frequency, defaultOffices: false, ...(carried ? { carried } : {}),
    ...(opts.now ? { now: opts.now } : {}), actor: opts.actor ?? preview.officeName,
    within: async (trx, at) => {
      // The parent's due dates to begin with: the office may set its own units' earlier (设置页).
      await setDueDates(trx, plan.id, data.periods);
      await setParent(trx, { name: data.parent.name, publicKey: data.parent.publicKey, fingerprint, planId: data.plan.id, officeName: data.office, pinnedAt: at });
      await saveParentUnits(trx, new Map(preview.units.map((u) => [u.parent, u.name])));
      await archive(trx, received, basename(file), null, at, null);
      await appendAudit(trx, {
        at, actor: opts.actor ?? preview.officeName, action: 'office.setup', entity: 'office', entityId: preview.officeName,
        after: {
          parent: data.parent.name, parentFingerprint: fingerprint, listedAs: data.office, planId: data.plan.id, parentRevision: data.plan.revision,
          tasked: preview.tasked, noTask: preview.noTask, renamed: preview.units.filter((u) => !u.proposed).map((u) => ({ [u.parent]: u.name })),
        },
      });
    },
  });
  return Object.assign(ledger, { preview });
}

// ---------------------------------------------------------------------------------------------
// A later 下达包, imported at the subordinate office

/** An indicator the office holds as `from` that its parent numbers `to` (the same name, in the same task). */
interface NumberMove { readonly task: number; readonly from: number; readonly to: number; readonly name: string; readonly id: number }

/**
 * The office's indicators whose number is not the parent's: an indicator of `next` (numbered as the parent
 * numbers it) held under another number by name, where the parent's number is free in that task (no row, live or
 * retired). Only an office an earlier version numbered by name can have any.
 */
async function numberMoves(ctx: Ctx, next: PlanDef): Promise<NumberMove[]> {
  const plan = await activePlan(ctx);
  const rows = await ctx.db.selectFrom('indicators').innerJoin('tasks', 'tasks.id', 'indicators.task_id')
    .select(['indicators.id', 'indicators.no', 'indicators.name', 'indicators.retired_revision', 'tasks.no as task'])
    .where('tasks.plan_id', '=', plan.id).execute();
  const moves: NumberMove[] = [];
  for (const t of next.categories.flatMap((c) => c.tasks)) {
    const held = rows.filter((r) => r.task === t.no);
    for (const i of t.indicators) {
      if (held.some((r) => r.no === i.no)) continue;
      const same = held.filter((r) => r.retired_revision === null && r.name.trim() === i.name.trim() && !t.indicators.some((x) => x.no === r.no));
      if (same.length === 1) moves.push({ task: t.no, from: same[0]!.no, to: i.no, name: i.name, id: same[0]!.id });
    }
  }
  return moves;
}

async function applyNumberMoves(ctx: Ctx, moves: readonly NumberMove[]): Promise<void> {
  for (const mv of moves) await ctx.db.updateTable('indicators').set({ no: mv.to }).where('id', '=', mv.id).execute();
}

/** `plan` as it is once `moves` are made. */
function movedPlan(plan: PlanDef, moves: readonly NumberMove[]): PlanDef {
  const to = (task: number, no: number) => moves.find((m) => m.task === task && m.from === no)?.to ?? no;
  return { ...plan, categories: plan.categories.map((c) => ({ ...c, tasks: c.tasks.map((t) => ({ ...t, indicators: t.indicators.map((i) => ({ ...i, no: to(t.no, i.no) })) })) })) };
}

/**
 * A later 下达包 (quotas changed, or the parent's plan revised) at the office it was for: signed by the pinned
 * parent key, addressed to this office's key or to none, on the parent's plan, newer than the last one taken.
 * Its targets become the office's next plan revision (plan/revise.ts), so the units whose tasks changed need new
 * 任务包. Writes through `ctx.db` (the import's savepoint); with `dryRun` only says what would change.
 */
export async function importAllocation(ctx: Ctx, received: PackageFile, fileName: string, opts: { readonly dryRun?: boolean } = {}): Promise<Omit<ImportFileResult, 'file'>> {
  const { pkg } = received;
  const m = pkg.manifest;
  const parent = await getParent(ctx.db);
  if (!parent) {
    if (pkg.fingerprint === await getSetting(ctx.db, 'fingerprint')) {
      throw new LedgerError('E_WRONG_RECIPIENT', `这是本机自己生成的下达包(发给「${m.to}」的),应由${m.to}的汇总端导入(新建时 ledger init --from 该下达包),不需要在本机导入,未导入。`);
    }
    throw new LedgerError('E_WRONG_RECIPIENT', `本机汇总端不是按上级汇总端的下达包建立的,不能导入下达包(这个下达包是「${m.from}」发给「${m.to}」的)。`
      + `如果本机应作为「${m.to}」的汇总端,请另建一个数据库:ledger init --db 新文件.db --from 该下达包(或在首次设置时选「用上级下达包建立本级汇总端」)。`);
  }
  if (m.signerKey !== parent!.publicKey) {
    throw new LedgerError('E_KEY_MISMATCH', `这个下达包的签名密钥(${pkg.fingerprint})不是本机登记的上级汇总端「${parent!.name}」的密钥(${parent!.fingerprint}),未导入。请电话与上级汇总端核实。`, { fingerprint: pkg.fingerprint });
  }
  const own = await getSetting(ctx.db, 'fingerprint');
  if (m.recipient !== null && m.recipient !== own) {
    throw new LedgerError('E_WRONG_RECIPIENT', `这个下达包是发给密钥指纹为 ${m.recipient} 的汇总端(「${m.to}」)的,本机的指纹是 ${own}:${namesAlike(m.to, await officeName(ctx))}不是发给本机的,未导入。请上级汇总端核对后重新生成。`, { recipient: m.recipient, own });
  }
  // Before the parent has this office's key (its first 汇总包), the name the parent lists it under is all that
  // tells one of its offices from another; once addressed to the key, a new name in the parent's list is taken.
  if (m.recipient === null && m.to !== parent!.officeName) {
    throw new LedgerError('E_WRONG_RECIPIENT', `这个下达包是「${m.from}」发给「${m.to}」的,本机在上级名单中是「${parent!.officeName}」,未导入。请把它交给${m.to}。`
      + `如果是上级把本机改名为「${m.to}」:上级还没有登记本机的密钥(还没有导入过本机的汇总包),这个下达包没有写明本机的密钥指纹,无法确认是发给本机的。`
      + `请把本机的汇总包(ledger rollup)交给上级,请上级与本机电话核对指纹后用它登记本机的密钥(ledger keys --accept-from 该汇总包),再重新生成下达包:`
      + `新的下达包写明本机的密钥指纹,导入后本机即改用「${m.to}」这个名称。`, { recipient: null, own });
  }
  if (m.planId !== parent!.planId) {
    const next = allocationDataSchema.safeParse(pkg.data).data?.plan;
    const plan = await activePlan(ctx);
    throw new LedgerError('E_WRONG_PLAN', `这个下达包属于另一个工作计划(${m.planId}),本机是按上级的工作计划 ${parent!.planId} 建立的,未导入。`
      + (next && next.year > plan.year ? `它是 ${next.year} 年「${next.title}」的下达包:新一年请新建本级汇总端的台账,保留本机密钥和各单位的密钥,不用重新核对指纹:`
        + `ledger init --db 新文件.db --from 该下达包 --carry-from ${storeName(ctx.file)}。本机 ${plan.year} 年的台账保持不变,仍可查看。` : '')
      + (next && next.year < plan.year ? `它是 ${next.year} 年「${next.title}」的下达包,本机是 ${plan.year} 年的台账:往年的下达包请导入往年的台账。` : ''));
  }
  const data = allocationOf(received);
  if (await receivedBefore(ctx.db, m, m.from)) {
    return { status: 'duplicate', message: `文件「${fileName}」已导入过,未做任何改动。`, kind: m.kind, revision: m.revision };
  }
  const newest = await ctx.db.selectFrom('packages').select((eb) => eb.fn.max('created_at').as('at'))
    .where('kind', '=', 'allocation').where('direction', '=', 'in').executeTakeFirst();
  if (newest?.at && newest.at > m.createdAt) {
    // To the second: two 下达包 of one minute are told apart (to the minute the older read as made at the same time).
    const seconds = (iso: string) => localDate(new Date(iso), 'seconds');
    // Within one second: the milliseconds too, so the two never read the same.
    const when = (iso: string) => (seconds(newest.at!) === seconds(m.createdAt) ? `${seconds(iso)}.${new Date(iso).getMilliseconds().toString().padStart(3, '0')}` : seconds(iso));
    throw new LedgerError('E_STALE_REVISION', `本机已按上级 ${when(newest.at)} 生成的下达包更新过,这个下达包是 ${when(m.createdAt)} 生成的,较旧,未导入。`);
  }
  // The units the office named at set-up keep their names; a unit new to the parent's plan gets the rule's.
  const known = await loadParentUnits(ctx.db);
  const units = data.plan.units.map((u): ProposedUnit => {
    const name = [u.name, ...u.aliases].map((n) => known.get(n)).find((n) => n !== undefined);
    return { parent: u.name, name: name ?? proposeUnitName(u.name, data.parent.name, data.office), proposed: name === undefined };
  });
  const next = planFrom(data, units);
  // The parent's numbers are the office's: an office whose plan was numbered otherwise by an earlier version
  // (an indicator given back as 指标3 where the parent has 指标1) takes the parent's again, its reports with it.
  const moves = await numberMoves(ctx, next);
  if (!opts.dryRun) await applyNumberMoves(ctx, moves);
  const unmoved = await prepareRevision(ctx, next, { keepNumbers: true, ...(opts.dryRun ? { current: (p: PlanDef) => movedPlan(p, moves) } : {}) });
  const touched = (mv: NumberMove) => {
    const task = next.categories.flatMap((c) => c.tasks).find((t) => t.no === mv.task);
    return [...(task?.leadUnits ?? []), ...(task?.coUnits ?? [])].filter((u) => next.units.some((x) => x.name === u && x.kind === 'unit'));
  };
  const prepared = moves.length === 0 ? unmoved : {
    ...unmoved,
    diff: {
      ...unmoved.diff,
      changes: [...moves.map((mv): PlanChange => ({
        kind: 'indicator-changed', task: mv.task, indicator: mv.to, field: '序号', before: mv.from, after: mv.to,
        words: `任务${mv.task} 指标${mv.from}「${mv.name}」按上级的编号改为指标${mv.to}(已填报的数据随之保留)`,
      })), ...unmoved.diff.changes],
      units: [...new Set([...unmoved.diff.units, ...moves.flatMap(touched)])],
    },
  };
  const { diff, current, revised } = prepared;
  const newUnits = units.filter((u) => u.proposed);
  const at = nowIso(ctx);
  if (!opts.dryRun) {
    if (diff.changes.length > 0) await saveRevision(ctx.db, ctx, prepared, at, { allocation: m.packageId, parentRevision: data.plan.revision });
    await saveParentUnits(ctx.db, new Map(newUnits.map((u) => [u.parent, u.name])));
    if (data.office !== parent!.officeName) await setParent(ctx.db, { ...parent!, officeName: data.office });
    await archive(ctx.db, received, fileName, null, at, null);
    await appendAudit(ctx.db, {
      at, actor: ctx.actor, action: 'package.import.allocation', entity: 'package', entityId: m.packageId,
      after: { file: fileName, from: m.from, parentRevision: data.plan.revision, changes: diff.changes.length, units: diff.units, ...(data.office !== parent!.officeName ? { listedAs: data.office, listedBefore: parent!.officeName } : {}) },
    });
  }
  const changes = changeLines(diff);
  const will = opts.dryRun ? '(预览)将' : '已';
  // Addressed to this office's key under another name: the parent renamed it in its list; its 汇总包 go under the new name.
  const renamed = data.office !== parent!.officeName
    ? `上级已把本机在其名单中的名称由「${parent!.officeName}」改为「${data.office}」:本机${opts.dryRun ? '将' : '已'}改用新名称,今后的汇总包按「${data.office}」报送(记入审计日志)。` : '';
  const message = renamed + (diff.changes.length === 0
    ? `${will}导入上级下达包:本地任务没有变化,工作计划仍是第${current.revision}版。`
    : `${will}按上级下达包把工作计划从第${current.revision}版更新到第${revised.revision}版:${diff.changes.length} 处变化。`
      + (diff.units.length > 0 ? `任务有变化的单位(${diff.units.length} 个)需要新的任务包:${diff.units.join('、')}(ledger assign --unit 单位,或「单位、密钥与数据包」页)。` : '')
      + (newUnits.length > 0 ? `上级计划新增单位,本地名称按规则拟定为:${newUnits.map((u) => `${u.parent} → ${u.name}`).join('、')}。` : ''));
  return { status: 'accepted', message, kind: m.kind, revision: m.revision, changes };
}
