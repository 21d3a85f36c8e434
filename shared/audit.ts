/**
 * The audit log in plain Chinese: each recorded action as what was done, to what, what changed
 * (before → after) — for the log's page, the command line and its CSV alike. The log itself keeps the
 * raw lines (codes and JSON); this only reads them. Pure TypeScript.
 */
import { ENTRY_FIELD_WORDS } from './entry-items';
import { FREQUENCY_LABELS, type ReportingFrequency } from './domain';
import { printable } from './format';
import { periodLabel } from './rules/periods';

/** What each action the code records is called. An action missing here shows as recorded (tests/audit list them all). */
const ACTION_LABELS: Readonly<Record<string, string>> = {
  'plan.create': '新建计划', 'plan.update': '更新计划', 'plan.revise': '修订计划', 'plan.carry': '接续上年台账', 'unit.setup': '建立填报端', 'settings.update': '修改设置',
  'report.enter': '填报', 'report.proxy-entry': '代填', 'report.import': '导入填报', 'report.return': '退回',
  'package.import': '导入填报包', 'package.import.feedback': '导入反馈包', 'package.export.report': '导出填报包',
  'package.export.assignment': '导出任务包', 'package.export.feedback': '导出反馈包',
  'package.export.allocation': '导出下达包', 'package.export.rollup': '生成汇总包', 'package.import.rollup': '导入汇总包',
  'package.import.allocation': '导入下达包', 'office.setup': '按下达包建立本级汇总端',
  'rollup.import': '导入下级汇总数据', 'office-key.accept-first': '登记下级汇总端密钥',
  'period.due.set': '设定截止日期', 'period.due.rule': '截止日期恢复按规则', 'period.due.recompute': '截止日期按节假日顺延',
  'return.answered': '退回已重报', 'return.close': '关闭退回',
  'unit.start': '单位起报期', 'unit.start.set': '设定单位起报期', 'unit.opening': '期初累计数',
  'key.accept-first': '登记单位密钥', 'key.replace': '更换单位密钥', 'key.accept-shared': '登记共用密钥', 'period.lock': '关账', 'period.reopen': '重新开启报送期',
  'office.add': '添加下级汇总端', 'office.remove': '删除下级汇总端', 'office.rename': '重命名下级汇总端', 'office.move': '调整下级汇总端顺序',
  'quota.set': '任务分解', 'demo.fill': '填入演示数据', 'backup.create': '备份', 'backup.restore': '从备份恢复',
};

/** The actions with a name, for the test that every action the code records has one. */
export const AUDIT_ACTIONS: readonly string[] = Object.keys(ACTION_LABELS);

/**
 * An audit action in words; an action without a label shows as it is recorded.
 * @example auditActionLabel('period.reopen') // '重新开启报送期'
 */
export function auditActionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** An audit line as read back (AuditView). */
export interface AuditLine {
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** What the raw line does not say itself: how periods are named, and indicator names by their stored id. */
export interface AuditNames {
  readonly frequency?: ReportingFrequency;
  readonly indicators?: Readonly<Record<string, string>>;
}

/** An audit line in words: 操作, 对象 and the changes, each "字段:修改前 → 修改后" or a sentence. */
export interface AuditText {
  readonly action: string;
  readonly object: string;
  readonly changes: readonly string[];
}

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** A value as a clerk reads it: 空 for nothing, 是/否, numbers as they are, long text shortened. */
function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(空)';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return String(v);
  const text = printable(typeof v === 'string' ? v : JSON.stringify(v));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const arrow = (label: string, before: unknown, after: unknown) => `${label}:${shown(before)} → ${shown(after)}`;

/** The fields of a report, in the order of the form. */
const REPORT_FIELDS: readonly (readonly [string, string])[] = [
  ...(['status', 'progress', 'problems', 'nextSteps', 'explanation', 'fundsPlanned', 'fundsAvailable', 'fundsSpent', 'contact', 'phone'] as const)
    .map((k) => [k, ENTRY_FIELD_WORDS[k]] as const),
  ['receivedOn', '收到日期'],
];

const SETTINGS_FIELDS: readonly (readonly [string, string, (v: unknown) => unknown])[] = [
  ['officeName', '汇总单位名称', (v) => v],
  ['yellowPoints', '黄灯阈值', (v) => (typeof v === 'number' ? `${v}个百分点` : v)],
  ['dueDay', '截止日', (v) => (typeof v === 'number' ? `次月${v}日` : v)],
  ['frequency', '报送频率', (v) => (typeof v === 'string' && v in FREQUENCY_LABELS ? FREQUENCY_LABELS[v as ReportingFrequency] : v)],
];

interface ValueRow { readonly indicatorId: number; readonly value: number | null; readonly note?: string }

function valueRows(v: unknown): ValueRow[] {
  return Array.isArray(v) ? v.filter((x): x is ValueRow => typeof obj(x).indicatorId === 'number') : [];
}

/** Each indicator whose value or note changed: "技能脱贫培训:120 → 150". */
function valueChanges(before: unknown, after: unknown, names: AuditNames): string[] {
  const old = new Map(valueRows(before).map((v) => [v.indicatorId, v]));
  const out: string[] = [];
  for (const v of valueRows(after)) {
    const o = old.get(v.indicatorId);
    const name = names.indicators?.[String(v.indicatorId)] ?? `指标(编号${v.indicatorId})`;
    if (o?.value !== v.value) out.push(arrow(name, o?.value ?? null, v.value));
    if ((o?.note ?? '') !== (v.note ?? '')) out.push(arrow(`${name}的说明`, o?.note ?? '', v.note ?? ''));
  }
  return out;
}

function period(p: unknown, names: AuditNames): string {
  return typeof p === 'string' ? periodLabel(p, names.frequency ?? 'monthly') : '';
}

/** 市人社局 2019年9月 任务1 */
function reportObject(a: Obj, names: AuditNames): string {
  return [a.unit, period(a.period, names), typeof a.task === 'number' ? `任务${a.task}` : ''].filter((s) => typeof s === 'string' && s !== '').join(' ');
}

function reportChanges(line: AuditLine, names: AuditNames): string[] {
  const b = line.before === null || line.before === undefined ? null : obj(line.before);
  const a = obj(line.after);
  const out: string[] = [];
  if (b === null) out.push('首次录入');
  if (typeof a.revision === 'number' && b?.revision !== a.revision) out.push(b === null ? `第${a.revision}版` : arrow('版本', `第${String(b.revision)}版`, `第${a.revision}版`));
  for (const [key, label] of REPORT_FIELDS) {
    if (!(key in a)) continue;
    // A field the line does not keep the earlier value of (收到日期) is said as it now is.
    if (b === null || !(key in b)) {
      if (a[key] !== null && a[key] !== '') out.push(`${label}:${shown(a[key])}`);
    } else if (b[key] !== a[key]) {
      out.push(arrow(label, b[key], a[key]));
    }
  }
  out.push(...valueChanges(b?.values, a.values, names));
  if (b !== null && out.length === 0) out.push('内容没有变化(重新保存)');
  return out;
}

function fingerprintOf(v: unknown): unknown {
  return obj(v).fingerprint ?? null;
}

/**
 * An audit line in plain Chinese.
 * @example describeAudit({ action: 'period.reopen', entity: 'period', entityId: '2019-06', before: { locked: true }, after: { locked: false, reason: '补录' } })
 * // { action: '重新开启报送期', object: '报送期 2019年6月', changes: ['已关账 → 重新开启', '原因:补录'] }
 */
export function describeAudit(line: AuditLine, names: AuditNames = {}): AuditText {
  const action = auditActionLabel(line.action);
  const b = obj(line.before);
  const a = obj(line.after);
  const id = printable(line.entityId);
  const text = (object: string, changes: (string | null | false)[]): AuditText =>
    ({ action, object, changes: changes.filter((c): c is string => typeof c === 'string' && c !== '') });
  switch (line.action) {
    case 'plan.create':
      return text(`工作计划「${shown(a.title)}」`, [
        `${shown(a.year)}年,第${shown(a.revision)}版`,
        typeof a.frequency === 'string' ? `报送频率:${FREQUENCY_LABELS[a.frequency as ReportingFrequency] ?? a.frequency}` : null,
        typeof a.dueDay === 'number' ? `截止日:次月${a.dueDay}日` : null,
        a.officeName ? `汇总单位:${shown(a.officeName)}` : null,
      ]);
    case 'plan.carry':
      return text('工作计划', [`接续${shown(a.year)}年台账「${shown(a.from)}」`, Array.isArray(a.keys) ? `沿用 ${a.keys.length} 个单位的密钥` : null]);
    case 'plan.revise':
    case 'plan.update': {
      const changes = Array.isArray(a.changes) ? a.changes.map((c) => (typeof c === 'string' ? c : typeof obj(c).words === 'string' ? String(obj(c).words) : '')).filter((c) => c !== '') : [];
      return text('工作计划', [
        arrow('版本', `第${shown(b.revision)}版`, `第${shown(a.revision)}版`),
        'frequency' in a ? arrow('报送频率', FREQUENCY_LABELS[b.frequency as ReportingFrequency] ?? b.frequency, FREQUENCY_LABELS[a.frequency as ReportingFrequency] ?? a.frequency) : null,
        ...changes.slice(0, 8),
        changes.length > 8 ? `……共 ${changes.length} 处变化` : null,
        Array.isArray(a.units) && a.units.length > 0 ? `任务有变化的单位:${a.units.join('、')}` : null,
      ]);
    }
    case 'unit.setup':
      return text(`填报单位 ${id}`, [`按「${shown(a.office)}」的任务包建立(计划第${shown(a.revision)}版)`, `汇总端密钥指纹:${shown(a.officeFingerprint)}`]);
    case 'settings.update':
      return text('设置', SETTINGS_FIELDS.filter(([k]) => b[k] !== a[k]).map(([k, label, f]) => arrow(label, f(b[k]), f(a[k]))));
    case 'report.enter':
    case 'report.proxy-entry':
    case 'report.import':
      return text(reportObject(a, names) || `报告 ${id}`, reportChanges(line, names));
    case 'report.return':
      return text(reportObject(a, names), [`退回意见:${shown(a.comment)}`]);
    case 'package.import':
      return text(`填报包「${shown(a.file)}」`, [
        `${shown(a.unit)} ${period(a.period, names)} 第${shown(a.revision)}版`,
        typeof a.changes === 'number' ? `改变 ${a.changes} 处` : null,
        a.receivedOn ? `收到日期:${shown(a.receivedOn)}` : null,
      ]);
    case 'package.import.feedback':
      return text('反馈包', [Array.isArray(a.returns) ? `退回 ${a.returns.length} 项` : null, typeof a.receipts === 'number' ? `回执 ${a.receipts} 份` : null]);
    case 'key.accept-first':
    case 'key.replace':
    case 'key.accept-shared':
      return text(`${id}的密钥`, [
        arrow('密钥指纹', fingerprintOf(line.before), fingerprintOf(line.after)),
        Array.isArray(a.sharedWith) && a.sharedWith.length > 0 ? `与${a.sharedWith.join('、')}共用` : null,
        a.file ? `来自文件「${shown(a.file)}」` : null,
      ]);
    case 'period.lock':
    case 'period.reopen':
      return text(`报送期 ${period(line.entityId, names)}`, [
        line.action === 'period.lock' ? '未关账 → 已关账' : '已关账 → 重新开启',
        a.reason ? `原因:${shown(a.reason)}` : null,
      ]);
    case 'office.add':
      return text(`下级汇总端「${id}」`, [`添加,排第${shown(a.position)}位`]);
    case 'office.remove':
      return text(`下级汇总端「${id}」`, [`删除(原排第${shown(b.position)}位)`]);
    case 'office.rename':
      return text('下级汇总端', [arrow('名称', b.name, a.name)]);
    case 'office.move':
      return text(`下级汇总端「${id}」`, [arrow('位置', `第${shown(b.position)}位`, `第${shown(a.position)}位`)]);
    case 'quota.set': {
      const columns = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== '来源');
      return text(`任务分解 ${id.replace(/^任务(\d+)-(\d+)$/, '任务$1 指标$2')}`, [
        ...columns.map((k) => arrow(k, b[k] ?? '无任务', a[k] ?? '无任务')),
        a['来源'] ? `来源:${shown(a['来源'])}` : null,
      ]);
    }
    case 'period.due.set':
    case 'period.due.rule':
    case 'period.due.recompute':
      return text(`报送期 ${period(line.entityId, names)}`, [
        arrow('截止日期', b.dueOn, a.dueOn),
        line.action === 'period.due.set' ? '手工设定' : line.action === 'period.due.rule' ? '恢复按规则' : null,
        a.reason ? `原因:${shown(a.reason)}` : null,
        a.movedBecause ? shown(a.movedBecause) : null,
      ]);
    case 'return.answered':
    case 'return.close':
      return text(`退回 ${reportObject(a, names)}`, [
        arrow('状态', b.stage, a.stage),
        typeof a.revision === 'number' ? `重报第${a.revision}版` : null,
      ]);
    case 'unit.start':
      return text(`${id}的起报期`, [`${period(a.period, names)}起`, a.how ? shown(a.how) : null]);
    case 'unit.start.set':
      return text(`${id}的起报期`, [arrow('起报期', period(b.period, names), period(a.period, names)), a.reason ? `原因:${shown(a.reason)}` : null]);
    case 'unit.opening': {
      const labels = Object.keys(a).filter((k) => k !== 'start');
      return text(`${id}的期初累计数`, [`作为${period(a.start, names)}的上期累计`, ...labels.map((k) => arrow(k, b[k], a[k]))]);
    }
    case 'office.setup':
      return text(`本级汇总端「${id}」`, [
        `按${shown(a.parent)}的下达包建立(上级名单中为「${shown(a.listedAs)}」)`,
        a.parentFingerprint ? `上级密钥指纹:${shown(a.parentFingerprint)}` : null,
        typeof a.tasked === 'number' ? `本地任务 ${a.tasked} 个指标,无任务 ${shown(a.noTask)} 个` : null,
      ]);
    case 'package.import.allocation':
      return text(`下达包「${shown(a.file)}」`, [
        `来自:${shown(a.from)}`,
        typeof a.parentRevision === 'number' ? `上级计划第${a.parentRevision}版` : null,
        typeof a.changes === 'number' ? `本级计划 ${a.changes} 处变化` : null,
      ]);
    case 'package.import.rollup':
      return text(`汇总包「${shown(a.file)}」`, [
        `来自:${shown(a.office)}`, `报送期:${period(a.period, names)}`, typeof a.revision === 'number' ? `第${a.revision}版` : null,
        a.receivedOn ? `收到日期:${shown(a.receivedOn)}` : null,
      ]);
    case 'rollup.import':
      return text(`下级汇总端「${id}」${period(a.period, names)}的汇总数据`, [
        line.before ? arrow('版本', `第${shown(b.revision)}版`, `第${shown(a.revision)}版`) : `第${shown(a.revision)}版`,
        typeof a.indicators === 'number' ? `${a.indicators} 个指标` : null,
        typeof a.lagging === 'number' ? `滞后事项 ${a.lagging} 项` : null,
      ]);
    case 'office-key.accept-first':
      return text(`下级汇总端「${id}」的密钥`, [arrow('密钥指纹', null, a.fingerprint)]);
    case 'demo.fill':
      return text('演示数据', [`填入至${period(a.through, names)},共 ${shown(a.reports)} 条报告(均标注【演示数据】)`]);
    case 'backup.create':
      return text(`备份「${shown(a.file)}」`, [
        typeof a.bytes === 'number' ? `${Math.max(1, Math.round(a.bytes / 1024))} KB` : null,
        a.reason === 'before-import' ? '导入前自动备份' : a.reason === 'before-restore' ? '恢复前自动备份' : '手动备份',
      ]);
    case 'backup.restore':
      return text(`备份「${shown(a.from)}」`, [
        '从该备份恢复数据库',
        a.safetyCopy ? `恢复前的数据库另存为「${shown(a.safetyCopy)}」` : null,
        typeof a.carried === 'number' && a.carried > 0 ? `带回备份之后的审计记录 ${a.carried} 条` : null,
        a.auditNotCarried ? `未能带回审计记录:${shown(a.auditNotCarried)}` : null,
      ]);
    default:
      if (line.action.startsWith('package.export.')) {
        return text(`${action.replace(/^导出/, '')}「${shown(a.file)}」`, [
          a.to ? `发给:${shown(a.to)}` : null,
          Array.isArray(a.periods) && a.periods.length > 0 ? `报送期:${a.periods.map((p) => period(p, names)).join('、')}` : null,
          typeof a.revision === 'number' ? `第${a.revision}版` : null,
        ]);
      }
      // An action recorded by a newer version of the app: shown as recorded, never hidden.
      return text(`${printable(line.entity)} ${id}`, [line.before === null || line.before === undefined ? null : `修改前:${shown(line.before)}`, line.after === null || line.after === undefined ? null : `修改后:${shown(line.after)}`]);
  }
}
