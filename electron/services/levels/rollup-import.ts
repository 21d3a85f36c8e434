/**
 * A 汇总包 at the parent office, through the same import as units' reports (import.ts): bound to this office
 * by key, from an office of its list whose key is pinned as units' are, for its plan and a started period;
 * duplicates skipped, older revisions refused, a later revision replacing the earlier one (kept in
 * rollup_history). Writes go straight to `ctx.db`: the caller runs this inside the package's savepoint.
 */
import type { ImportFileResult } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { localDate } from '../../../shared/format';
import { hasStarted, periodLabel, periodStart, PERIOD_UNIT_WORDS, planPeriodsText } from '../../../shared/rules/periods';
import { rollupDataSchema } from '../../../shared/rollup';
import { OFFICE_HOLDER, officeTarget } from '../../../shared/levels';
import { appendAudit, listAudit, type AuditEntry } from '../../../db/queries/audit';
import { holdersOfKey } from '../../../db/queries/keys';
import { listOffices, loadQuotas, type OfficeRow } from '../../../db/queries/levels';
import { newestRevision, receivedBefore, refuseRevisionJump, restoredHint } from '../../../db/queries/packages';
import { findPeriod, type PlanModel } from '../../../db/queries/plan';
import { getParent, getRollup, listOfficeKeys, officeKeyRetirement, pinOfficeKey, storeRollup } from '../../../db/queries/rollups';
import { getSetting } from '../../../db/queries/settings';
import { nowIso, officeName, today, type Ctx } from '../context';
import type { PreviewedPackage } from '../import/import';
import { namesAlike } from '../../../shared/format';
import { archive } from '../packages/archive';
import { fingerprint, retiredKeyAdvice, retiredKeyWords } from '../keys/keys';
import type { Manifest, PackageFile } from '../packages/package-format';

/** What a dry run would have written so far in its batch, for the roll-ups after it. */
export interface RollupPreview {
  /** `${officeId}:${period}` → the highest revision */
  readonly revisions: Map<string, number>;
  /** officeId → the key accepted for it */
  readonly keys: Map<number, string>;
}

export interface RollupImportOptions {
  readonly dryRun?: boolean | undefined;
  readonly acceptNewKeys?: boolean | undefined;
  readonly receivedOn?: string | undefined;
  readonly backupFile: string | null;
  /** packageId → the file that brought it, across the whole batch */
  readonly packages: Map<string, PreviewedPackage>;
  readonly rollups: RollupPreview;
}

const refuse = (code: LedgerError['code'], message: string, details?: unknown): never => {
  throw new LedgerError(code, message, details);
};

/**
 * Why a report addressed to another key is at the wrong level, in plain words, or null: one of a subordinate
 * office's units (it goes to that office, which rolls it up), or this office's own report to its parent.
 * @example await wrongLevel(ctx, manifest) // '这个填报包是郎溪县的单位(郎溪县人社局)报给郎溪县汇总端的……'
 */
export async function wrongLevel(ctx: Ctx, m: Pick<Manifest, 'recipient' | 'unit' | 'to' | 'planId'>): Promise<string | null> {
  if (m.recipient === null) return null;
  const offices = new Map((await listOffices(ctx.db)).map((o) => [o.id, o.name]));
  const office = (await listOfficeKeys(ctx.db)).find((k) => k.fingerprint === m.recipient);
  if (office) {
    const name = offices.get(office.officeId) ?? m.to;
    return `这个填报包是${name}的单位(${m.unit})报给${name}汇总端(「${m.to}」)的,不是报给本机的,未导入。下级的单位向本级汇总端报送,`
      + `由${name}汇总端导入后生成汇总包报给本机:请把这个文件交给${name}汇总端导入。`;
  }
  const parent = await getParent(ctx.db);
  if (parent && parent.fingerprint === m.recipient) {
    return `这个填报包是报给上级汇总端(${parent.name})的,不是报给本机的,未导入。${m.unit}是上级的单位,请把这个文件交给上级汇总端导入。`;
  }
  // Before a subordinate office's first 汇总包 its key is not known here: its units' reports are on this plan
  // (the office's plan is ours, from our 下达包) and addressed to the office by its own name (郎溪县民生工作办公室).
  const plan = await getSetting(ctx.db, 'plan_id');
  if (m.planId === plan) {
    const sent = new Set((await ctx.db.selectFrom('packages').select('office_id').distinct().where('kind', '=', 'allocation').where('direction', '=', 'out').execute()).map((r) => r.office_id));
    const to = m.to.trim();
    const county = [...offices].filter(([id]) => sent.has(id)).map(([, name]) => name).sort((a, b) => b.length - a.length).find((name) => to === name || to.startsWith(name));
    if (county !== undefined) {
      return `这个填报包是报给「${m.to}」的,看来是${county}的单位(${m.unit})报给${county}汇总端的:本机给${county}下达过下达包,${county}的单位应向${county}汇总端报送,不是报给本机的,未导入。`
        + `请把这个文件交给${county}汇总端导入,由它汇总后生成汇总包报给本机。不要为它从本机生成任务包:那样会把${county}的单位当作本级的单位。请电话与该单位核实。`;
    }
  }
  return null;
}

/**
 * The office now on the list that `name` was renamed to here (following one rename after another, by the audit
 * log's office.rename lines), with when it was first renamed; null when no office of the list ever had the name.
 */
export async function renamedFrom(ctx: Ctx, name: string, offices: readonly OfficeRow[]): Promise<{ readonly office: OfficeRow; readonly at: string } | null> {
  const renames = (await listAudit(ctx.db, { action: 'office.rename', limit: 10_000 })).reverse();
  let current = name;
  let at: string | null = null;
  const seen = new Set<string>();
  for (;;) {
    const step = renames.filter((r) => (r.before as { name?: string } | null)?.name === current).at(-1);
    const to = (step?.after as { name?: string } | null)?.name;
    if (!step || to === undefined || seen.has(to)) break;
    seen.add(to);
    at ??= step.at;
    current = to;
    const office = offices.find((o) => o.name === current);
    if (office) return { office, at };
  }
  return null;
}

/**
 * A reminder when the office still holds a 下达包 of an older revision of this plan (a 下达包 carries the plan's
 * revision as its own): it reports against targets this office has since revised. Empty when it is up to date.
 */
async function allocationNote(ctx: Ctx, plan: PlanModel, officeId: number, office: string): Promise<string> {
  const sent = await ctx.db.selectFrom('packages').select((eb) => eb.fn.max('revision').as('r'))
    .where('kind', '=', 'allocation').where('direction', '=', 'out').where('office_id', '=', officeId).executeTakeFirst();
  const revision = sent?.r ?? null;
  if (revision === null || revision >= plan.revision) return '';
  return `;注意:本机工作计划已修订为第${plan.revision}版,给${office}的下达包还是按第${revision}版生成的,请生成新的下达包交给${office}(ledger assign --office ${office},或「下级汇总端」页)`;
}

/**
 * Checks one 汇总包 against this office (key, plan, office list, pinned keys, period, revisions) and stores it.
 * @example await importRollup(ctx, { plan, fingerprint }, received, '汇总包-郎溪县-2019-06-第1版.xlsx', opts)
 */
export async function importRollup(
  ctx: Ctx, here: { readonly plan: PlanModel; readonly fingerprint: string }, received: PackageFile, fileName: string, opts: RollupImportOptions,
): Promise<Omit<ImportFileResult, 'file'>> {
  const { pkg } = received;
  const m = pkg.manifest;
  const { plan } = here;
  if (pkg.fingerprint === here.fingerprint) {
    refuse('E_WRONG_RECIPIENT', `这是本机自己生成的汇总包(${m.unit}报送上级「${m.to}」的),不需要在本机导入,未导入。请把它交给上级汇总端「${m.to}」导入。`, { recipient: m.recipient, own: here.fingerprint });
  }
  if (m.recipient !== here.fingerprint) {
    const ours = await officeName(ctx);
    const parent = await getParent(ctx.db);
    // Most often a neighbouring office's, brought here by mistake: both were set up from the same parent.
    if (parent !== null && m.recipient === parent.fingerprint) {
      refuse('E_WRONG_RECIPIENT', `这个汇总包是${m.unit}报给上级汇总端「${m.to}」的,本机「${ours}」与${m.unit}同级,不是它的上级,未导入。请把这个文件交给上级汇总端「${m.to}」导入。`, { recipient: m.recipient, own: here.fingerprint });
    }
    refuse('E_WRONG_RECIPIENT', `这个汇总包是${m.unit}发给密钥指纹为 ${m.recipient ?? '(未写明)'} 的上级汇总端(「${m.to}」)的,本机(「${ours}」)的指纹是 ${here.fingerprint}:${namesAlike(m.to, ours)}不是同一个汇总端,未导入。`
      + `请电话与${m.unit}核对:它的汇总端是按哪个上级的下达包建立的。`, { recipient: m.recipient, own: here.fingerprint });
  }
  if (m.planId !== plan.id) {
    // Its period says its year: a 汇总包 of last year's plan brought to this year's ledger.
    const year = Number((m.periods[0] ?? '').slice(0, 4));
    const otherYear = Number.isInteger(year) && year > 2000 && year !== plan.year;
    refuse('E_WRONG_PLAN', `这个汇总包属于另一个工作计划(${m.planId}),本机是「${plan.title}」(${plan.id}),未导入。`
      + (otherYear
        ? `它报送的是 ${year} 年的报送期(${m.periods.join(',')}),属于 ${year} 年的工作计划,本机是 ${plan.year} 年的台账:请导入 ${year} 年的台账(ledger import --db ${year}年的台账 该汇总包;程序中在「年度」中切换到 ${year} 年)。`
        : `请确认${m.unit}是按本机的下达包建立的。`));
  }
  const offices = await listOffices(ctx.db);
  const office = offices.find((o) => o.name === m.unit);
  if (!office) {
    // Its key pinned under another name: the office was renamed here after its 下达包, and adding the old name back
    // would only meet E_KEY_OF_OTHER_UNIT.
    const renamed = (await listOfficeKeys(ctx.db)).find((k) => k.publicKey === m.signerKey && k.status === 'trusted');
    const now = renamed && offices.find((o) => o.id === renamed.officeId);
    if (now) {
      refuse('E_UNKNOWN_OFFICE', `这个汇总包来自「${m.unit}」,它的密钥在本机登记为下级汇总端「${now.name}」的:本机已把它改名为「${now.name}」,未导入。`
        + `请为「${now.name}」重新生成下达包交给它,对方导入后再生成汇总包。`, { unit: m.unit, renamedTo: now.name });
    }
    const former = await renamedFrom(ctx, m.unit, offices);
    const formerKey = former && (await listOfficeKeys(ctx.db)).find((k) => k.officeId === former.office.id && k.status === 'trusted');
    if (former && formerKey) {
      refuse('E_UNKNOWN_OFFICE', `这个汇总包来自「${m.unit}」:本机已把下级汇总端「${m.unit}」改名为「${former.office.name}」,但它的签名密钥(${pkg.fingerprint})不是「${former.office.name}」登记的密钥(${formerKey.fingerprint}),未导入。`
        + `请不要再添加「${m.unit}」(那样会多出一个下级汇总端),请电话与${former.office.name}核实。`, { unit: m.unit, renamedTo: former.office.name });
    }
    if (former) {
      refuse('E_UNKNOWN_OFFICE', `这个汇总包来自「${m.unit}」:本机已于 ${localDate(new Date(former.at), 'minutes')} 把下级汇总端「${m.unit}」改名为「${former.office.name}」,未导入。`
        + `请不要再添加「${m.unit}」(那样会多出一个下级汇总端)。它还没有导入改名后的下达包:请电话与它核对这个汇总包的密钥指纹 ${pkg.fingerprint} 后,`
        + `用这个汇总包登记「${former.office.name}」的密钥(「单位、密钥与数据包」页「从填报包登记新密钥…」,命令行:keys --accept-from 该汇总包),`
        + `再为「${former.office.name}」重新生成下达包交给它:下达包写明它的密钥指纹,它导入后即改用新名称,再报送汇总包。`, { unit: m.unit, renamedTo: former.office.name });
    }
    refuse('E_UNKNOWN_OFFICE', `「${m.unit}」不是本机的下级汇总端,未导入。本机的下级汇总端:${offices.map((o) => o.name).join('、') || '(尚未设置)'}。`
      + '如果它应当向本机报送,请先在「任务分解」页的「下级汇总端…」中添加它(名称须一致),再导入。', { unit: m.unit });
  }
  const parsed = rollupDataSchema.safeParse(pkg.data);
  if (!parsed.success || parsed.data.office.name !== m.unit || parsed.data.office.publicKey !== m.signerKey || m.from.trim() === '') {
    refuse('E_NOT_A_PACKAGE', '汇总包内容的结构不对(或与封面写的下级汇总端不一致),无法导入。');
  }
  const data = parsed.data!;
  if (m.revision < 1) refuse('E_NOT_A_PACKAGE', `汇总包的版本号 ${m.revision} 无效(应从1开始),无法导入。`);
  const periodId = m.periods.length === 1 ? m.periods[0]! : null;
  const period = periodId === null ? null : await findPeriod(ctx.db, plan.id, periodId);
  if (!period || data.period !== periodId) {
    refuse('E_WRONG_PLAN', `这个汇总包报送的是 ${m.periods.join(',') || '(未写明)'},不是本计划的报送期,未导入。本计划${planPeriodsText(plan.year, plan.frequency)}。`);
  }
  const tasks = new Map(plan.tasks.map((t) => [t.no, t]));
  const unknown = [
    ...data.indicators.filter((i) => !tasks.get(i.task)?.indicators.some((x) => x.no === i.indicator)).map((i) => `任务${i.task} 指标${i.indicator}`),
    ...data.tasks.filter((t) => !tasks.has(t.task)).map((t) => `任务${t.task}`),
  ];
  if (unknown.length > 0) refuse('E_WRONG_PLAN', `汇总包中的${unknown.slice(0, 5).join('、')}不在本机的工作计划中(计划版本可能不一致),未导入。`);

  const officeId = office!.id;
  const keys = await listOfficeKeys(ctx.db);
  const pinned = keys.find((k) => k.officeId === officeId && k.status === 'trusted')?.publicKey ?? (opts.dryRun ? opts.rollups.keys.get(officeId) : undefined) ?? null;
  let acceptKey = false;
  if (pinned !== m.signerKey) {
    const holders = await otherHolders(ctx, offices, keys, officeId, m.signerKey, opts.dryRun ? opts.rollups.keys : undefined);
    if (holders.length > 0) {
      refuse('E_KEY_OF_OTHER_UNIT', `这个汇总包自称来自${m.unit},签名密钥(${pkg.fingerprint})却已登记为${holders.join('、')}的密钥,未导入。一个密钥只属于一方:请电话与${m.unit}核实。`,
        { fingerprint: pkg.fingerprint, unit: m.unit, holders });
    }
    if (pinned === null) {
      if (!opts.acceptNewKeys) {
        refuse('E_UNKNOWN_KEY', `这是${m.unit}的第一个汇总包,密钥指纹为 ${pkg.fingerprint}。请与${m.unit}汇总端电话核对指纹,确认后选择「接受新密钥」再导入。`, { fingerprint: pkg.fingerprint, unit: m.unit });
      }
      acceptKey = true;
    } else {
      const retired = await officeKeyRetirement(ctx.db, officeId, m.signerKey);
      if (retired) {
        refuse('E_KEY_MISMATCH', `这个汇总包是用${retiredKeyWords(m.unit, retired)}签名的,未导入。${retiredKeyAdvice(m.unit, '汇总包')}`,
          { fingerprint: pkg.fingerprint, pinned: fingerprint(pinned), unit: m.unit, retired: true });
      }
      refuse('E_KEY_MISMATCH', `${m.unit}的密钥与本机登记的不一致(登记 ${fingerprint(pinned)},收到 ${pkg.fingerprint}),未导入。可能是对方重装了程序,也可能是冒名文件:请电话与${m.unit}核实指纹后,`
        + `在「单位、密钥与数据包」页点「从填报包登记新密钥…」选这个汇总包(下级汇总端的密钥也在这里登记;命令行:keys --accept-from 该汇总包),再导入。`,
        { fingerprint: pkg.fingerprint, pinned: fingerprint(pinned), unit: m.unit });
    }
  }

  // Judged by this office's clock (or the batch's received date, if earlier): the sender's clock may be wrong.
  const day = opts.receivedOn && opts.receivedOn < today(ctx) ? { date: opts.receivedOn, what: '这批文件的收到日期' } : { date: today(ctx), what: '本机今天' };
  const label = periodLabel(periodId!, plan.frequency);
  if (!hasStarted(periodId!, day.date, plan.frequency)) {
    refuse('E_FUTURE_PERIOD', `这个汇总包报送的是${label},该报送期从 ${periodStart(periodId!, plan.frequency)} 才开始,${day.what}是 ${day.date}:还没有到这个${PERIOD_UNIT_WORDS[plan.frequency]},未导入。`
      + `可能是${m.unit}汇总端电脑的日期不对,请对方改正后重新生成。`, { unit: m.unit, period: periodId });
  }
  const sameInBatch = opts.dryRun ? opts.packages.get(m.packageId) : undefined;
  const what = `${m.unit} ${label} 汇总包第${m.revision}版`;
  const base = { unit: m.unit, period: periodId!, revision: m.revision, kind: m.kind, fingerprint: pkg.fingerprint } as const;
  if (await receivedBefore(ctx.db, m, m.unit, { from: { officeId }, ...(sameInBatch ? { inBatch: sameInBatch } : {}) })) {
    const message = sameInBatch !== undefined ? `文件「${fileName}」与本批的「${sameInBatch.file}」是同一个数据包(${what}),将作为重复跳过。` : `文件「${fileName}」已导入过(${what}),未做任何改动。`;
    return { status: 'duplicate', message, ...base };
  }
  const stored = await getRollup(ctx.db, officeId, periodId!);
  // Compared within the key's own numbering (newestRevision): a county that reinstalled starts again at 第1版.
  const revisionKey = `${officeId}:${periodId}:${m.signer}`;
  const newest = await newestRevision(ctx.db, { officeId }, periodId!, m.signer);
  const highest = Math.max(newest.revision, (opts.dryRun ? opts.rollups.revisions.get(revisionKey) : undefined) ?? 0);
  refuseRevisionJump(m.unit, label, m.revision, highest);
  if (highest >= m.revision) {
    const inBatch = opts.dryRun && highest > newest.revision;
    refuse('E_STALE_REVISION', `${m.unit} ${label} 的汇总包${inBatch ? '本批中已有' : '已导入'}第${highest}版,这个文件是第${m.revision}版,较旧,${opts.dryRun ? '将不导入' : '未导入'}。${inBatch ? '' : restoredHint(newest, m.createdAt)}`);
  }
  if (period!.locked) refuse('E_PERIOD_LOCKED', `${label} 已关账锁定,不能再导入;如需更新,请先重新开启该报送期。`);

  const replaces = stored ? `,替换第${stored.revision}版` : '';
  const targetNote = await targetsNote(ctx, plan, officeId, m.unit, data.indicators) + await allocationNote(ctx, plan, officeId, m.unit);
  const summary = `${data.indicators.filter((i) => i.value !== null).length} 个指标有数值,${data.tasks.length} 项任务,滞后事项 ${data.lagging.length} 项`;
  if (opts.dryRun) {
    opts.packages.set(m.packageId, { file: fileName, signer: m.signer });
    opts.rollups.revisions.set(revisionKey, m.revision);
    if (acceptKey) opts.rollups.keys.set(officeId, m.signerKey);
    return { status: 'accepted', message: `(预览)将导入 ${what}${replaces}:${summary}${acceptKey ? `;将接受新密钥 ${pkg.fingerprint}` : ''}${targetNote}。`, ...base };
  }
  const at = nowIso(ctx);
  const receivedOn = opts.receivedOn ?? today(ctx);
  const audit: AuditEntry[] = [];
  if (acceptKey) {
    await pinOfficeKey(ctx.db, { officeId, publicKey: m.signerKey, fingerprint: pkg.fingerprint, at, by: ctx.actor });
    audit.push({ at, actor: ctx.actor, action: 'office-key.accept-first', entity: 'office', entityId: m.unit, before: null, after: { fingerprint: pkg.fingerprint, packageId: m.packageId } });
  }
  await storeRollup(ctx.db, { officeId, period: periodId!, revision: m.revision, packageId: m.packageId, receivedOn, createdAt: m.createdAt, data: JSON.stringify(data) }, at);
  await archive(ctx.db, received, fileName, null, at, receivedOn, officeId);
  audit.push({
    at, actor: ctx.actor, action: 'rollup.import', entity: 'office', entityId: m.unit,
    before: stored ? { revision: stored.revision, packageId: stored.packageId } : null,
    after: { period: periodId, revision: m.revision, packageId: m.packageId, completeness: data.completeness, indicators: data.indicators.length, lagging: data.lagging.length },
  });
  audit.push({ at, actor: ctx.actor, action: 'package.import.rollup', entity: 'package', entityId: m.packageId, after: { file: fileName, office: m.unit, from: m.from, period: periodId, revision: m.revision, receivedOn, createdAt: m.createdAt, backup: opts.backupFile } });
  await appendAudit(ctx.db, audit);
  return { status: 'accepted', message: `已导入 ${what}${replaces}:${summary}${acceptKey ? `,已登记${m.unit}的密钥 ${pkg.fingerprint}` : ''}${targetNote}。`, ...base };
}

/**
 * A note when the targets a 汇总包 reports differ from those this office handed down (its quotas, or the plan's
 * target where it is not split): the county revised its plan, or has not imported the latest 下达包. This office
 * judges the figures by its own targets either way, so without the note neither side would see the difference.
 */
async function targetsNote(ctx: Ctx, plan: PlanModel, officeId: number, office: string, indicators: readonly { task: number; indicator: number; target: number | null }[]): Promise<string> {
  const quota = new Map((await loadQuotas(ctx.db, plan.id)).quotas.filter((q) => q.officeId === officeId).map((q) => [q.indicatorId, q.value]));
  const tasks = new Map(plan.tasks.map((t) => [t.no, t]));
  const differs = indicators.flatMap((i) => {
    const def = tasks.get(i.task)?.indicators.find((x) => x.no === i.indicator);
    const ours = def ? officeTarget(def, quota.get(def.id) ?? null) : i.target;
    return ours === i.target ? [] : [`任务${i.task} 指标${i.indicator} 本机下达 ${ours ?? '无任务'},汇总包中为 ${i.target ?? '无任务'}`];
  });
  if (differs.length === 0) return '';
  const shown = differs.slice(0, 5).join(';') + (differs.length > 5 ? ` 等 ${differs.length} 处` : '');
  return `;注意:${office}的目标与本机下达的不一致(${shown}),本机仍按下达的目标统计。${office}可能改过计划,或还没有导入最新的下达包,请与其核实`;
}

/**
 * Who else a key already belongs to, as a subordinate office's new key: this office itself, another subordinate
 * office (pinned, or accepted earlier in a dry run's batch), or a unit. A key is one party's identity.
 */
async function otherHolders(ctx: Ctx, offices: readonly { id: number; name: string }[], keys: readonly { officeId: number; publicKey: string }[], officeId: number, key: string, previewed?: ReadonlyMap<number, string>): Promise<string[]> {
  const byName = new Map(offices.map((o) => [o.id, o.name]));
  const otherOffices = [
    ...keys.filter((k) => k.publicKey === key && k.officeId !== officeId).map((k) => byName.get(k.officeId) ?? ''),
    ...[...previewed ?? []].filter(([id, k]) => k === key && id !== officeId).map(([id]) => byName.get(id) ?? ''),
  ];
  const units = (await holdersOfKey(ctx.db, key)).map((h) => h.unit);
  const own = key === (await getSetting(ctx.db, 'public_key')) ? [OFFICE_HOLDER.own] : [];
  return [...new Set([...own, ...otherOffices, ...units])];
}

/**
 * Accepts the key a subordinate office's 汇总包 carries, replacing the pinned one (kept as retired): for a county
 * that reinstalled its summary computer, after a phone check of the fingerprint. Audited. Refused when the file is
 * not addressed to this office, the office is not on its list, or the key is already another party's.
 * @example await acceptOfficeKey(ctx, received.pkg, '汇总包-郎溪县-2019-06-第1版.xlsx') // { unit: '郎溪县', previous: '…' }
 */
export async function acceptOfficeKey(ctx: Ctx, pkg: PackageFile['pkg'], fileName: string, ownPrint: string): Promise<{ unit: string; fingerprint: string; previous: string | null }> {
  const m = pkg.manifest;
  if (m.recipient !== ownPrint) {
    refuse('E_WRONG_RECIPIENT', `「${fileName}」是发给密钥指纹为 ${m.recipient ?? '(未写明)'} 的汇总端的,本机指纹是 ${ownPrint}:不能用它登记密钥。请让${m.unit}按本机的下达包建立汇总端后重新生成汇总包。`);
  }
  const offices = await listOffices(ctx.db);
  const keys = await listOfficeKeys(ctx.db);
  // An office renamed here before its first 汇总包 sends under the name its 下达包 gave it: its key is
  // registered for the office it is now, so that the next 下达包 is addressed to its key and renames it there.
  const former = offices.some((o) => o.name === m.unit) ? null : await renamedFrom(ctx, m.unit, offices);
  const office = offices.find((o) => o.name === m.unit)
    ?? (former && !keys.some((k) => k.officeId === former.office.id && k.status === 'trusted') ? former.office : undefined);
  if (!office) refuse('E_UNKNOWN_OFFICE', `「${m.unit}」不是本机的下级汇总端,不能登记它的密钥。`, { unit: m.unit });
  const name = office!.name;
  const holders = await otherHolders(ctx, offices, keys, office!.id, m.signerKey);
  if (holders.length > 0) {
    refuse('E_KEY_OF_OTHER_UNIT', `「${fileName}」的签名密钥(${pkg.fingerprint})已登记为${holders.join('、')}的密钥,不能登记为${name}的密钥。一个密钥只属于一方:请电话与${m.unit}核实。`,
      { fingerprint: pkg.fingerprint, unit: m.unit, holders });
  }
  const before = keys.find((k) => k.officeId === office!.id && k.status === 'trusted');
  if (before?.publicKey === m.signerKey) refuse('E_EXISTS', `${name}的现用密钥已经是 ${pkg.fingerprint},无需重新登记,未做任何修改。`);
  const retired = await officeKeyRetirement(ctx.db, office!.id, m.signerKey);
  if (retired) {
    refuse('E_KEY_MISMATCH', `「${fileName}」是用${retiredKeyWords(name, retired)}签名的,不能把它重新登记为现用密钥,未做任何修改。${retiredKeyAdvice(name, '汇总包')}`,
      { fingerprint: pkg.fingerprint, unit: name, retired: true });
  }
  const at = nowIso(ctx);
  const previous = before?.fingerprint ?? null;
  await ctx.db.transaction().execute(async (trx) => {
    await pinOfficeKey(trx, { officeId: office!.id, publicKey: m.signerKey, fingerprint: pkg.fingerprint, at, by: ctx.actor });
    await appendAudit(trx, {
      at, actor: ctx.actor, action: previous ? 'office-key.replace' : 'office-key.accept-first', entity: 'office', entityId: name,
      before: previous ? { fingerprint: previous } : null, after: { fingerprint: pkg.fingerprint, file: fileName, ...(name !== m.unit ? { listedAs: m.unit } : {}) },
    });
  });
  return { unit: name, fingerprint: pkg.fingerprint, previous };
}
