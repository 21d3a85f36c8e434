import { existsSync } from 'node:fs';
import type { PlanDef, ReportingFrequency } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { planProblems } from '../../../shared/plan-check';
import { DEFAULT_DUE_DAY } from '../../../shared/rules/periods';
import { DEFAULT_THRESHOLDS } from '../../../shared/rules/progress';
import { PLAN_2019 } from '../../../seeds/plan2019';
import { appendAudit } from '../../../db/queries/audit';
import { insertPlan } from '../../../db/queries/plan';
import { getSetting, setSetting } from '../../../db/queries/settings';
import { isPostgresUrl, localBase, storeName } from '../../../db/location';
import type { Tx } from '../../../db/schema';
import { checkedOfficeName, openLedger, type OpenLedger } from '../context';
import { ruleDueOf } from '../deadlines';
import { fingerprint, keyFilePath, loadOrCreateKey } from '../keys/keys';
import { carryKeyFile, carryOffices, pinCarriedKeys, readCarried, type Carried } from './carry';
import { seedDefaultOffices } from '../levels/offices';

export interface InitSummaryOptions {
  readonly plan?: PlanDef;
  readonly officeName?: string;
  /**
   * How often units report, when chosen (or stated by the plan file: ParsedPlan.frequencyStated); else last year's
   * with `carryFrom`, else the plan's own (monthly for the 2019 plan).
   */
  readonly frequency?: ReportingFrequency;
  readonly dueDay?: number;
  /** Last year's office database: its key, name, settings and the units' pinned keys carry over (plan/carry.ts). */
  readonly carryFrom?: string;
  /** The same, already read (a county's new year checks it against the 下达包 first: levels/allocation.ts). */
  readonly carried?: Carried;
  readonly now?: () => Date;
  readonly actor?: string;
  /** Whether the embedded plan's default subordinate offices are listed (yes unless told): a county set up from its parent's 下达包 starts with none. */
  readonly defaultOffices?: boolean;
  /** More of the set-up, written in the same transaction (a county pins its parent): all of it or none. */
  readonly within?: (trx: Tx, at: string) => Promise<void>;
}

/** Name the summary office signs as, unless set up otherwise. */
export const DEFAULT_OFFICE_NAME = '市民生工作办公室';

/**
 * Creates a new summary-office database with a plan (the embedded 2019 plan by default) and this
 * installation's signing key. Refuses to touch an existing file.
 * @example const ledger = await initSummary('S.db');
 */
export async function initSummary(file: string, opts: InitSummaryOptions = {}): Promise<OpenLedger> {
  if (!isPostgresUrl(file) && existsSync(file)) {
    throw new LedgerError('E_EXISTS', `文件 ${file} 已存在,为防止覆盖数据,未做任何修改。请换一个文件名。`);
  }
  const base = opts.plan ?? PLAN_2019;
  const carried = opts.carried ?? (opts.carryFrom === undefined ? null : await readCarried(opts.carryFrom, 'summary', base));
  const officeName = checkedOfficeName(opts.officeName ?? carried?.settings.get('office_name') ?? DEFAULT_OFFICE_NAME);
  const problems = opts.plan ? planProblems(opts.plan) : [];
  if (problems.length > 0) {
    throw new LedgerError('E_VALIDATION', `工作计划有 ${problems.length} 处问题,未新建数据库:\n${problems.map((p) => `· ${p.where}:${p.message}`).join('\n')}`, { problems });
  }
  const takeBackKey = carried ? carryKeyFile(carried.file, localBase(file)) : () => undefined;
  const ledger = await openLedger(file, { mustExist: false, ...(opts.now ? { now: opts.now } : {}), actor: opts.actor ?? '汇总端' }).catch((err: unknown) => {
    takeBackKey();
    throw err;
  });
  // A server database has no file to find beforehand: one that already holds a ledger is left as it is.
  if (await getSetting(ledger.db, 'role').catch(() => null)) {
    await ledger.close();
    takeBackKey();
    throw new LedgerError('E_EXISTS', `数据库 ${ledger.handle.shown} 里已经有台账,为防止覆盖数据,未做任何修改。`);
  }
  // A server ledger's key and backups live under LEDGER_HOME by a name made of its database's (location.ts), and two
  // names may make one (台账 2019, 台账_2019): a new ledger never takes up another's key.
  if (!carried && isPostgresUrl(file) && existsSync(keyFilePath(ledger.file))) {
    await ledger.close();
    throw new LedgerError('E_EXISTS', `本机已有签名密钥文件 ${keyFilePath(ledger.file)},它属于另一个服务器台账(数据库名只差空格或符号,或以前同名的数据库),`
      + '新台账不能与它共用密钥和备份文件夹,未做任何修改。请换一个数据库名;如确是重建以前同名的数据库,请先把这个密钥文件移到别处保存。');
  }
  try {
    const plan: PlanDef = { ...base, frequency: opts.frequency ?? carried?.frequency ?? base.frequency };
    const dueDay = opts.dueDay ?? Number(carried?.settings.get('due_day') ?? DEFAULT_DUE_DAY);
    const key = loadOrCreateKey(ledger.file);
    const at = ledger.now().toISOString();
    await ledger.db.transaction().execute(async (trx) => {
      await insertPlan(trx, plan, { createdAt: at, dueOn: ruleDueOf(dueDay), actor: ledger.actor });
      if (opts.defaultOffices ?? true) await seedDefaultOffices(trx, plan.id);
      await setSetting(trx, 'role', 'summary');
      await setSetting(trx, 'plan_id', plan.id);
      await setSetting(trx, 'office_name', officeName);
      await setSetting(trx, 'due_day', String(dueDay));
      await setSetting(trx, 'yellow_points', carried?.settings.get('yellow_points') ?? String(DEFAULT_THRESHOLDS.yellowPoints));
      await setSetting(trx, 'public_key', key.publicKey);
      await setSetting(trx, 'fingerprint', fingerprint(key.publicKey));
      await appendAudit(trx, {
        at, actor: ledger.actor, action: 'plan.create', entity: 'plan', entityId: plan.id,
        after: { title: plan.title, year: plan.year, revision: plan.revision, frequency: plan.frequency, dueDay, officeName },
      });
      await opts.within?.(trx, at);
      if (carried) {
        const keys = await pinCarriedKeys(trx, carried, plan);
        const offices = await carryOffices(trx, carried);
        await appendAudit(trx, {
          at, actor: ledger.actor, action: 'plan.carry', entity: 'plan', entityId: plan.id,
          after: { from: storeName(carried.file), year: carried.year, planId: carried.planId, officeFingerprint: fingerprint(key.publicKey), keys, ...(offices.length > 0 ? { offices } : {}) },
        });
      }
    });
    return ledger;
  } catch (err) {
    await ledger.close();
    takeBackKey();
    throw err;
  }
}
