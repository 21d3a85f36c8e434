/**
 * The audit log in plain Chinese (shared/audit.ts): every action the code records has words, and the
 * lines a real month writes (a report, an import, a proxy entry replacing it, a return, settings, a lock
 * and reopen) read as action, object and before → after, with indicator names and no JSON or English keys.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, describeAudit, type AuditLine, type AuditText } from '../../shared/audit';
import { enterReports } from '../../electron/services/entry/entry';
import { lockPeriod, reopenPeriod } from '../../electron/services/entry/periods';
import { returnTask } from '../../electron/services/entry/returns';
import { importFiles } from '../../electron/services/import/import';
import { KIND_LABELS } from '../../electron/services/packages/package-data';
import { auditViews, updateSettings } from '../../electron/services/views';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Table names of the schema: 'periods.id' in a query is a column, not an action. */
function tableNames(): Set<string> {
  const schema = readFileSync(join(ROOT, 'db/schema.ts'), 'utf8');
  const body = schema.slice(schema.indexOf('export interface Database {'));
  return new Set([...body.slice(0, body.indexOf('}')).matchAll(/^\s+(\w+):/gm)].map((m) => m[1]!));
}

/**
 * The actions the code can record: in every module that writes the log (appendAudit, AuditEntry), each
 * literal shaped like an action ('period.lock', also in a ternary or a helper's argument), and each
 * template `package.export.${kind}` for every kind of package.
 */
function actionsInCode(): string[] {
  const tables = tableNames();
  const found = new Set<string>();
  for (const file of [...sources(join(ROOT, 'electron')), ...sources(join(ROOT, 'db'))]) {
    const text = readFileSync(file, 'utf8');
    if (!/appendAudit|AuditEntry/.test(text) || file.includes(`${join('db', 'queries', 'audit.ts')}`)) continue;
    for (const m of text.matchAll(/'([a-z]+(?:\.[a-z-]+)+)'/g)) if (!tables.has(m[1]!.split('.')[0]!)) found.add(m[1]!);
    for (const m of text.matchAll(/`([a-z]+(?:\.[a-z-]+)*\.)\$\{/g)) {
      if (m[1] !== 'package.export.') throw new Error(`an action made from a template this test cannot list: ${m[1]}… in ${file}`);
      for (const kind of Object.keys(KIND_LABELS)) found.add(`${m[1]}${kind}`);
    }
  }
  return [...found].sort();
}

const RAW = /[{}"]|\b[a-z]+[A-Z]\w*\b|\b(before|after|null|undefined|true|false)\b/;

function expectPlain(t: AuditText): void {
  expect(t.action).toMatch(/^[\u4e00-\u9fff]+$/);
  for (const s of [t.object, ...t.changes]) expect(s, s).not.toMatch(RAW);
}

describe('the audit log in plain Chinese', () => {
  it('has words for every action the code records (listed from the source)', () => {
    const actions = actionsInCode();
    expect(actions.length).toBeGreaterThan(25);
    expect(actions).toContain('period.reopen');
    expect(actions).toContain('package.export.assignment');
    const missing = actions.filter((a) => !AUDIT_ACTIONS.includes(a));
    expect(missing, `actions without Chinese words in shared/audit.ts: ${missing.join(', ')}`).toEqual([]);
    for (const action of actions) {
      const t = describeAudit({ action, entity: 'x', entityId: '1', before: null, after: {} });
      expect(t.action).not.toBe(action);
      expect(t.action).toMatch(/^[\u4e00-\u9fff]+$/);
    }
  });

  it('reads a month\'s lines as action, object and before → after, indicators by name', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const file = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    await importFiles(loop.office, [file], { acceptNewKeys: true });
    // A proxy entry over the imported report: one value and the status change, and the received date is set.
    await enterReports(loop.office, { unit: '市残联', period: '2019-06', items: [{ task: 24, status: '已完成' }, { task: 24, indicator: 1, value: 2000 }], receivedOn: '2019-07-03', replace: true });
    await returnTask(loop.office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实培训人数' });
    await updateSettings(loop.office, { yellowPoints: 8, dueDay: 10 });
    await lockPeriod(loop.office, '2019-06');
    await reopenPeriod(loop.office, '2019-06', '补录市残联的说明');

    const lines = await auditViews(loop.office, { limit: 100 });
    const words = new Map(lines.map((l) => [l.action, describeAudit(l, { ...(l.indicators ? { indicators: l.indicators } : {}) })]));
    for (const t of words.values()) expectPlain(t);

    const proxy = words.get('report.proxy-entry')!;
    expect(proxy.action).toBe('代填');
    expect(proxy.object).toBe('市残联 2019年6月 任务24');
    expect(proxy.changes).toContain('推进状态:推进中 → 已完成');
    expect(proxy.changes).toContain('收到日期:2019-07-03');
    const first = lines.find((l) => l.action === 'report.proxy-entry')!;
    const name = Object.values(first.indicators ?? {})[0]!;
    expect(name).toMatch(/[\u4e00-\u9fff]/);
    expect(proxy.changes.some((c) => c.startsWith(`${name}:`) && c.endsWith('→ 2000'))).toBe(true);

    expect(words.get('report.import')).toMatchObject({ action: '导入填报', object: expect.stringMatching(/^市残联 2019年6月 任务2[34]$/) });
    expect(words.get('report.import')!.changes[0]).toBe('首次录入');
    expect(words.get('package.import')!.object).toMatch(/^填报包「.+\.xlsx」$/);
    expect(words.get('package.import')!.changes[0]).toBe('市残联 2019年6月 第1版');
    expect(words.get('key.accept-first')).toMatchObject({ action: '登记单位密钥', object: '市残联的密钥' });
    expect(words.get('key.accept-first')!.changes[0]).toMatch(/^密钥指纹:\(空\) → [0-9A-F]{4}-/);
    expect(words.get('report.return')).toEqual({ action: '退回', object: '市残联 2019年6月 任务24', changes: ['退回意见:请核实培训人数'] });
    expect(words.get('settings.update')).toEqual({ action: '修改设置', object: '设置', changes: ['黄灯阈值:10个百分点 → 8个百分点', '截止日:次月5日 → 次月10日'] });
    expect(words.get('period.lock')).toEqual({ action: '关账', object: '报送期 2019年6月', changes: ['未关账 → 已关账'] });
    expect(words.get('period.reopen')).toEqual({ action: '重新开启报送期', object: '报送期 2019年6月', changes: ['已关账 → 重新开启', '原因:补录市残联的说明'] });
    expect(words.get('plan.create')!.object).toBe('工作计划「2019年全市民生工作要点」');
    expect(words.get('package.export.assignment')).toMatchObject({ action: '导出任务包', object: expect.stringMatching(/^任务包「任务包-市残联-2019-第1版\.xlsx」$/) });
  });

  it('names a quarter as the plan does, and shows an action from a newer version as recorded, not hidden', () => {
    expect(describeAudit({ action: 'period.lock', entity: 'period', entityId: '2019-06', before: { locked: false }, after: { locked: true } }, { frequency: 'quarterly' }).object).toBe('报送期 2019年1-6月');
    const unknown = describeAudit({ action: 'deadline.set', entity: 'period', entityId: '2019-09', before: { dueOn: '2019-10-05' }, after: { dueOn: '2019-10-08' } });
    expect(unknown.action).toBe('deadline.set');
    expect(unknown.changes).toEqual(['修改前:{"dueOn":"2019-10-05"}', '修改后:{"dueOn":"2019-10-08"}']);
  });
});

describe('the audit lines of deadlines, returns, mid-year units, 下达包 and 汇总包', () => {
  // As the services record them (entry/periods.ts, deadlines.ts, entry/returns.ts, entry/starts.ts, levels/).
  const lines: AuditLine[] = [
    { action: 'period.due.recompute', entity: 'period', entityId: '2019-09', before: { dueOn: '2019-10-05' }, after: { dueOn: '2019-10-08', why: 'open', movedBecause: '10月5日为国庆节假期,顺延至10月8日' } },
    { action: 'period.due.set', entity: 'period', entityId: '2019-09', before: { dueOn: '2019-10-08', byHand: false }, after: { dueOn: '2019-10-10', byHand: true, reason: '市政府要求' } },
    { action: 'return.answered', entity: 'return', entityId: '3', before: { stage: '已发反馈包' }, after: { stage: '已重报', unit: '市残联', period: '2019-06', task: 24, revision: 2 } },
    { action: 'unit.start.set', entity: 'unit', entityId: '市残联', before: { period: '2019-01', how: '计划建立时即有此单位' }, after: { period: '2019-10', reason: '10月新设' } },
    { action: 'unit.opening', entity: 'unit', entityId: '市残联', before: { 康复训练人数: null }, after: { start: '2019-10', 康复训练人数: 1200 } },
    { action: 'office.setup', entity: 'office', entityId: '郎溪县民生工作办公室', before: null, after: { parent: '市民生工作办公室', parentFingerprint: '8A4A-57D3-5265-EE58', listedAs: '郎溪县', planId: 'xuancheng-2019', parentRevision: 1, tasked: 19, noTask: 43, renamed: [] } },
    { action: 'rollup.import', entity: 'office', entityId: '郎溪县', before: { revision: 1, packageId: 'a' }, after: { period: '2019-06', revision: 2, packageId: 'b', completeness: {}, indicators: 11, lagging: 3 } },
    { action: 'office-key.accept-first', entity: 'office', entityId: '郎溪县', before: null, after: { fingerprint: 'C504-4E59-40E0-9E29', packageId: 'b' } },
  ];
  it.each(lines)('$action reads as plain Chinese', (line) => {
    const t = describeAudit(line);
    expect(t.action).not.toBe(line.action);
    expect(t.changes.length).toBeGreaterThan(0);
    for (const s of [t.object, ...t.changes]) expect(s, s).not.toMatch(RAW);
  });
  it('says what moved a deadline and what a return became', () => {
    expect(describeAudit(lines[0]!).changes).toEqual(['截止日期:2019-10-05 → 2019-10-08', '10月5日为国庆节假期,顺延至10月8日']);
    expect(describeAudit(lines[2]!)).toMatchObject({ object: '退回 市残联 2019年6月 任务24', changes: ['状态:已发反馈包 → 已重报', '重报第2版'] });
  });
});
