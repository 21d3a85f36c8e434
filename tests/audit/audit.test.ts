/**
 * The audit log: every change to data, keys, periods, settings and plan is a line with who, when,
 * what it was before and what it became; the summary office can read and export it (`ledger audit`);
 * and it is append-only: no code path rewrites it, and the database refuses if one tried.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AuditView } from '../../shared/api';
import { run } from '../../electron/cli';
import type { OpenLedger } from '../../electron/services/context';
import { fillDemo } from '../../electron/services/entry/demo';
import { enterReports } from '../../electron/services/entry/entry';
import { acceptKeyFromFile, importFiles } from '../../electron/services/import/import';
import { listKeys } from '../../electron/services/keys/keys';
import { exportAssignment } from '../../electron/services/packages/packages';
import { lockPeriod, reopenPeriod } from '../../electron/services/entry/periods';
import { returnTask } from '../../electron/services/entry/returns';
import { updateSettings } from '../../electron/services/views';
import { appendAudit } from '../../db/queries/audit';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Audit lines written since the last call, oldest first, with before/after parsed. */
function auditReader(ledger: OpenLedger) {
  let last = 0;
  return async (): Promise<AuditView[]> => {
    const rows = await ledger.db.selectFrom('audit_log').selectAll().where('id', '>', last).orderBy('id').execute();
    last = rows.at(-1)?.id ?? last;
    return rows.map((r) => ({
      id: r.id, at: r.at, actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id,
      before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after),
    }));
  };
}

/** Who and when, on every line: the acting person and the context's clock. */
function byWhoWhen(rows: readonly AuditView[], ledger: OpenLedger): void {
  for (const r of rows) {
    expect(r.actor, r.action).toBe(ledger.actor);
    expect(r.at, r.action).toBe(ledger.now().toISOString());
  }
}

const actions = (rows: readonly AuditView[]) => rows.map((r) => r.action);

describe('the audit log', () => {
  it('records every change at the summary office with who, when, before and after', async () => {
    const loop = await createLoop();
    const office = loop.office;
    const audit = auditReader(office);

    // The plan, when the office was set up.
    let rows = await audit();
    expect(rows).toEqual([expect.objectContaining({ action: 'plan.create', entity: 'plan', entityId: 'xuancheng-2019', before: null, after: { title: '2019年全市民生工作要点', year: 2019, revision: 1, frequency: 'monthly', dueDay: 5, officeName: '市民生工作办公室' } })]);
    byWhoWhen(rows, office);

    // Proxy entry (代填) from a paper form: marked as such; a correction shows what it replaced.
    await enterReports(office, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE, receivedOn: '2019-07-04' });
    rows = await audit();
    expect(actions(rows)).toEqual(['report.proxy-entry', 'report.proxy-entry']);
    const task24 = rows.find((r) => (r.after as { task: number }).task === 24)!;
    expect(task24.before).toBeNull();
    expect(task24.after).toMatchObject({ unit: '市残联', period: '2019-06', proxy: true, receivedOn: '2019-07-04', status: '推进中', values: expect.arrayContaining([expect.objectContaining({ value: 214 })]) });
    byWhoWhen(rows, office);
    await enterReports(office, { unit: '市残联', period: '2019-06', items: [{ task: 24, indicator: 2, value: 220 }], replace: true });
    rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.before).toMatchObject({ status: '推进中', values: expect.arrayContaining([expect.objectContaining({ value: 214 })]) });
    expect(rows[0]!.after).toMatchObject({ values: expect.arrayContaining([expect.objectContaining({ value: 220 })]) });

    // Import: the key pinned on first use, each report replaced (before = the proxy entry), the package.
    const canlian = await loop.unit('市残联');
    expect(actions(await audit())).toEqual(['package.export.assignment']);
    const file = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const [imported] = await importFiles(office, [file], { acceptNewKeys: true, receivedOn: '2019-07-03' });
    expect(imported!.status).toBe('accepted');
    rows = await audit();
    expect(actions(rows)).toEqual(['key.accept-first', 'report.import', 'report.import', 'package.import']);
    byWhoWhen(rows, office);
    const fingerprint = (await listKeys(canlian)).own;
    expect(rows[0]).toMatchObject({ entity: 'unit', entityId: '市残联', before: null, after: { fingerprint } });
    const imported24 = rows.find((r) => r.action === 'report.import' && (r.after as { task: number }).task === 24)!;
    expect(imported24.before).toMatchObject({ revision: 1, status: '推进中', values: expect.arrayContaining([expect.objectContaining({ value: 220 })]) });
    expect(imported24.after).toMatchObject({ unit: '市残联', period: '2019-06', revision: 1, values: expect.arrayContaining([expect.objectContaining({ value: 214 })]) });
    expect(rows[3]).toMatchObject({ entity: 'package', after: { file: '填报包-市残联-2019-06-第1版.xlsx', unit: '市残联', period: '2019-06', revision: 1, receivedOn: '2019-07-03' } });

    // A new key for a known unit, accepted explicitly: the old and the new fingerprint.
    const reinstalled = await loop.unit('市残联', { dbName: 'reinstalled.db' });
    expect(actions(await audit())).toEqual(['package.export.assignment']);
    const fromNewKey = await loop.report(reinstalled, '2019-07', [...CANLIAN_JUNE, { task: 24, problems: '资金到位慢', nextSteps: '加快发放' }]);
    await acceptKeyFromFile(office, fromNewKey);
    rows = await audit();
    expect(rows).toEqual([expect.objectContaining({ action: 'key.replace', entityId: '市残联', before: { fingerprint }, after: { fingerprint: (await listKeys(reinstalled)).own, file: '填报包-市残联-2019-07-第1版.xlsx' } })]);
    byWhoWhen(rows, office);

    // Return (退回), lock, reopen with its reason, settings.
    await returnTask(office, { unit: '市残联', period: '2019-06', task: 24, comment: '请核实康复训练人数' });
    await lockPeriod(office, '2019-06');
    await reopenPeriod(office, '2019-06', '市残联更正数据');
    await updateSettings(office, { yellowPoints: 15 });
    rows = await audit();
    expect(rows).toEqual([
      expect.objectContaining({ action: 'report.return', entity: 'return', before: null, after: { unit: '市残联', period: '2019-06', task: 24, comment: '请核实康复训练人数' } }),
      expect.objectContaining({ action: 'period.lock', entityId: '2019-06', before: { locked: false }, after: { locked: true } }),
      expect.objectContaining({ action: 'period.reopen', entityId: '2019-06', before: { locked: true }, after: { locked: false, reason: '市残联更正数据' } }),
      expect.objectContaining({ action: 'settings.update', before: { yellowPoints: 10, dueDay: 5, officeName: '市民生工作办公室', frequency: 'monthly' }, after: { yellowPoints: 15, dueDay: 5, officeName: '市民生工作办公室', frequency: 'monthly' } }),
    ]);
    byWhoWhen(rows, office);

    // Demo data: one line for the whole fill, naming how much it wrote.
    await fillDemo(office, '2019-02');
    rows = await audit();
    expect(rows).toEqual([expect.objectContaining({ action: 'demo.fill', entity: 'plan', after: { through: '2019-02', reports: expect.any(Number) } })]);
    byWhoWhen(rows, office);

    // Packages made here are recorded too.
    await exportAssignment(office, { unit: '市人社局', outDir: loop.dir });
    rows = await audit();
    expect(rows).toEqual([expect.objectContaining({ action: 'package.export.assignment', entity: 'package', after: expect.objectContaining({ kind: 'assignment', to: '市人社局' }) })]);
    byWhoWhen(rows, office);
  });

  it('records the unit’s own changes: set-up, entry, export, a new plan revision', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const audit = auditReader(canlian);
    let rows = await audit();
    expect(rows).toEqual([
      expect.objectContaining({ action: 'unit.setup', entityId: '市残联', actor: '市残联', after: expect.objectContaining({ plan: 'xuancheng-2019', revision: 1 }) }),
      // Set up on 2019-07-02, it owes June (due 7月5日) and what follows.
      expect.objectContaining({ action: 'unit.start', entityId: '市残联', actor: '市残联', after: expect.objectContaining({ period: '2019-06' }) }),
    ]);
    await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    rows = await audit();
    expect(actions(rows)).toEqual(['report.enter', 'report.enter', 'package.export.report']);
    byWhoWhen(rows, canlian);
    expect(rows[0]!.after).toMatchObject({ proxy: false, unit: '市残联', period: '2019-06' });

    await loop.office.db.updateTable('indicators').set({ target: 500 }).where('source', 'like', '%428名%').execute();
    await loop.office.db.updateTable('plans').set({ revision: 2 }).execute();
    const a2 = await exportAssignment(loop.office, { unit: '市残联', outDir: loop.usb });
    await importFiles(canlian, [a2.file]);
    rows = await audit();
    expect(rows).toEqual([expect.objectContaining({ action: 'plan.update', before: { revision: 1 }, after: { revision: 2, changes: [expect.objectContaining({ task: 24, indicator: 2, before: 428, after: 500 })] } })]);
    byWhoWhen(rows, canlian);
  });

  it('can be read and exported by the summary office: ledger audit (text, JSON, CSV for WPS/Excel)', async () => {
    const loop = await createLoop();
    await enterReports(loop.office, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE });
    await lockPeriod(loop.office, '2019-06');
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };

    expect(await run(['audit', '--db', loop.office.handle.location], io)).toBe(0);
    expect(out[0]).toBe('审计日志(最近 4 条,最新的在前):');
    expect(out[1]).toMatch(/^#4 {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}汇总端测试 {2}关账 {2}报送期 2019年6月$/);
    expect(out[2]).toBe('    未关账 → 已关账');
    // The proxy entry in words: who it was for, the fields and the indicators by name, not ids.
    expect(out).toContain('    推进状态:推进中');
    expect(out.some((l) => /^ {4}\S+:\(空\) → \d/.test(l) && !l.includes('编号'))).toBe(true);

    out.length = 0;
    expect(await run(['audit', '--db', loop.office.handle.location, '--json', '--limit', '2'], io)).toBe(0);
    const json = JSON.parse(out.join('\n')) as AuditView[];
    expect(json.map((r) => r.action)).toEqual(['period.lock', 'report.proxy-entry']);
    expect(json[0]).toMatchObject({ actor: '汇总端测试', before: { locked: false }, after: { locked: true } });

    out.length = 0;
    const csvFile = join(loop.dir, '审计日志.csv');
    expect(await run(['audit', '--db', loop.office.handle.location, '--out', csvFile], io)).toBe(0);
    expect(out).toEqual([`已导出审计日志 ${csvFile}(4 条,最新的在前)。`]);
    const bytes = readFileSync(csvFile);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: WPS and Excel read Chinese right
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('序号,时间,操作人,操作,对象,内容,操作代码,对象类别,对象编号,修改前,修改后');
    expect(lines[1]).toMatch(/^4,[^,]+,汇总端测试,关账,报送期 2019年6月,未关账 → 已关账,period\.lock,period,2019-06,"\{""locked"":false\}","\{""locked"":true\}"$/);
    expect(lines.filter((l) => /^\d+,/.test(l))).toHaveLength(4);
    expect(readdirSync(loop.dir).filter((f) => f.includes('.tmp'))).toEqual([]);

    out.length = 0;
    expect(await run(['audit', '--db', loop.office.handle.location, '--limit', 'x'], io)).toBe(2);
  });

  it('a cell a spreadsheet would run as a formula is exported as text', async () => {
    const loop = await createLoop();
    const actor = { ...loop.office, actor: '=HYPERLINK("http://example.invalid","点我")' };
    await lockPeriod(actor, '2019-03');
    const csvFile = join(loop.dir, 'a.csv');
    expect(await run(['audit', '--db', loop.office.handle.location, '--out', csvFile], { out: () => {}, err: () => {} })).toBe(0);
    expect(readFileSync(csvFile, 'utf8')).toContain(`,"'=HYPERLINK(""http://example.invalid"",""点我"")",`);
  });

  it('numbers its lines without a gap, also after a change that was rolled back', async () => {
    // A reader takes a skipped number for a deleted line. PostgreSQL's identity numbers skip after a rollback.
    const loop = await createLoop();
    const office = loop.office;
    const ids = async () => (await office.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((r) => r.id);
    const before = await ids();
    await expect(office.db.transaction().execute(async (trx) => {
      await appendAudit(trx, { at: office.now().toISOString(), actor: office.actor, action: 'period.lock', entity: 'period', entityId: '2019-06' });
      throw new Error('断电');
    })).rejects.toThrow('断电');
    expect(await ids()).toEqual(before);
    await lockPeriod(office, '2019-06');
    await reopenPeriod(office, '2019-06', '更正数据');
    const after = await ids();
    expect(after).toEqual(Array.from({ length: before.length + 2 }, (_, k) => k + 1));
  });

  it('is append-only: the database refuses an update or a delete', async () => {
    const loop = await createLoop();
    const db = loop.office.db;
    await expect(sql`UPDATE audit_log SET actor = 'x'`.execute(db)).rejects.toThrow(/审计日志只能追加,不能修改/);
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/审计日志只能追加,不能删除/);
    expect(await db.selectFrom('audit_log').select('actor').execute()).toEqual([{ actor: '汇总端测试' }]);
  });

  it('is append-only in the code: nothing outside db/migrations updates, deletes or replaces its rows', () => {
    const forbidden = [
      /\bUPDATE\s+["'`]?audit_log\b/i,
      /\bDELETE\s+FROM\s+["'`]?audit_log\b/i,
      /\bREPLACE\s+INTO\s+["'`]?audit_log\b/i,
      /\bDROP\s+(TABLE|TRIGGER)\s+(IF\s+EXISTS\s+)?["'`]?audit_log/i,
      /\bupdateTable\(\s*['"`]audit_log['"`]/,
      /\bdeleteFrom\(\s*['"`]audit_log['"`]/,
      /\breplaceInto\(\s*['"`]audit_log['"`]/,
    ];
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (!['node_modules', 'dist', 'migrations', '.git'].includes(name)) walk(path);
        } else if (/\.(ts|tsx|js|mjs|cjs|sql)$/.test(name)) {
          sources.push(path);
        }
      }
    };
    for (const top of ['electron', 'db', 'shared', 'renderer', 'scripts', 'seeds']) walk(join(ROOT, top));
    expect(sources.length).toBeGreaterThan(20);
    const hits = sources.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return forbidden.filter((re) => re.test(text)).map((re) => `${relative(ROOT, file)}: ${re}`);
    });
    expect(hits).toEqual([]);
  });
});
