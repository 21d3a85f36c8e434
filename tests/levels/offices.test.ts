/**
 * Subordinate offices (issue 13 item 1) on real SQLite files: the embedded plan's seven divisions by default,
 * an empty list on another plan (with the prompt its 各乡镇人民政府 gives), add/remove/rename/move audited,
 * and the refusals with their messages. Migration 006 on a database an older program left.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, openDatabase } from '../../db/open';
import { MIGRATIONS } from '../../db/migrations';
import { listAudit } from '../../db/queries/audit';
import { addOffice, moveOffice, officesView, removeOffice, renameOfficeNamed } from '../../electron/services/levels/offices';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { initSummary } from '../../electron/services/plan/setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import type { PlanDef } from '../../shared/domain';
import { XUANCHENG_OFFICES } from '../../shared/levels';
import { createLoop } from '../helpers/loop';
import { createTestLedger, fixedClock, tempDir } from '../helpers/ledger';

/** A county's own plan: the 2019 plan's shape under another id, two tasks given to 各乡镇人民政府. */
const COUNTY_PLAN: PlanDef = {
  ...PLAN_2019,
  id: 'langxi-2019',
  title: '2019年郎溪县民生工作要点',
  issuer: '郎溪县人民政府',
  categories: PLAN_2019.categories.map((c) => ({
    ...c,
    tasks: c.tasks.map((t) => (t.no <= 2 ? { ...t, subordinates: { role: 'co' as const, phrase: '各乡镇人民政府' } } : t)),
  })),
};

describe('subordinate offices', () => {
  it('the embedded plan starts with 宣城’s seven county-level divisions in order, and its own departments are 市本级', async () => {
    const l = await createTestLedger();
    const v = await officesView(l);
    expect(v.offices).toEqual(['宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县']);
    expect(v.offices).toEqual(XUANCHENG_OFFICES);
    expect(v.own).toBe('市本级');
  });

  it('an office on another plan starts with none, is 县本级 by its name, and is told which phrase of its plan asks for the list', async () => {
    const l = await initSummary(join(tempDir(), 'langxi.db'), { plan: COUNTY_PLAN, officeName: '郎溪县民生工作办公室', now: fixedClock() });
    try {
      expect(await officesView(l)).toEqual({ own: '县本级', offices: [], subordinatePhrases: ['各乡镇人民政府'], tasksNamingSubordinates: 2, parent: null });
    } finally {
      await l.close();
    }
  });

  it('add, rename, move and remove keep one ordered list, each audited with before and after', async () => {
    const l = await createTestLedger();
    await addOffice(l, ' 宣城经开区 ');
    expect((await officesView(l)).offices.at(-1)).toBe('宣城经开区');
    await renameOfficeNamed(l, '宣城经开区', '宣城经济技术开发区');
    await moveOffice(l, '宣城经济技术开发区', 2);
    expect((await officesView(l)).offices).toEqual(['宣州区', '宣城经济技术开发区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县']);
    await moveOffice(l, '宣州区', 8);
    expect((await officesView(l)).offices).toEqual(['宣城经济技术开发区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县', '宣州区']);
    await removeOffice(l, '宣城经济技术开发区');
    expect((await officesView(l)).offices).toEqual(['郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县', '宣州区']);

    const audit = (await listAudit(l.db)).filter((a) => a.entity === 'office').reverse();
    expect(audit.map((a) => [a.action, a.entityId, a.before, a.after])).toEqual([
      ['office.add', '宣城经开区', null, { name: '宣城经开区', position: 8 }],
      ['office.rename', '宣城经开区', { name: '宣城经开区' }, { name: '宣城经济技术开发区' }],
      ['office.move', '宣城经济技术开发区', { position: 8 }, { position: 2 }],
      ['office.move', '宣州区', { position: 1 }, { position: 8 }],
      ['office.remove', '宣城经济技术开发区', { name: '宣城经济技术开发区', position: 1 }, null],
    ]);
    expect(audit.every((a) => a.actor === '测试汇总端')).toBe(true);
  });

  it('a rename keeps the office’s quotas', async () => {
    const l = await createTestLedger();
    await saveQuotas(l, { quotas: [{ task: 1, indicator: 1, office: '广德市', value: 40 }], reasons: [] });
    await renameOfficeNamed(l, '广德市', '广德县');
    await expect(removeOffice(l, '广德县')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('「广德县」已分解了 1 项指标的任务,不能删除') });
  });

  it('refuses with words that say what to do: a duplicate, 本级, a column name, an unknown office, a bad position, an office holding quotas', async () => {
    const l = await createTestLedger();
    await expect(addOffice(l, '郎溪县')).rejects.toMatchObject({ code: 'E_EXISTS', message: '已有名为「郎溪县」的下级汇总端,请换一个名称。' });
    await expect(addOffice(l, '市本级')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('「市本级」是本级各部门的合称,不是下级汇总端') });
    await expect(addOffice(l, '合计')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('是任务分解表的列名') });
    await expect(addOffice(l, '  ')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('名称不能为空') });
    await expect(renameOfficeNamed(l, '郎溪县', '宣州区')).rejects.toMatchObject({ code: 'E_EXISTS' });
    // A look-alike: an invisible character (zero-width space, BOM, bidi control, soft hyphen …) is refused, saying where.
    for (const [name, at, code] of [['郎溪县\u200b', 4, 'U+200B'], ['郎\ufeff溪县', 2, 'U+FEFF'], ['郎\u202e溪县', 2, 'U+202E'], ['郎溪\u00ad县', 3, 'U+00AD'], ['郎\u200d溪县', 2, 'U+200D'], ['郎溪县\u2066', 4, 'U+2066']] as const) {
      await expect(addOffice(l, name)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining(`不可用:第${at}个字符是看不见的字符(${code}`) });
    }
    await expect(renameOfficeNamed(l, '郎溪县', '宣州\u200c区')).rejects.toMatchObject({ code: 'E_VALIDATION' });
    // Full-width letters or digits are the same name (NFKC).
    await addOffice(l, '经开区2');
    await expect(addOffice(l, '经开区２')).rejects.toMatchObject({ code: 'E_EXISTS', message: '已有下级汇总端「经开区2」,与「经开区２」只差全角、半角的字母或数字,算同一个名称,请换一个名称。' });
    await removeOffice(l, '经开区2');
    await expect(removeOffice(l, '黄山区')).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringMatching(/^没有名为「黄山区」的下级汇总端。现有:宣州区、郎溪县/) });
    await expect(moveOffice(l, '泾县', 9)).rejects.toMatchObject({ code: 'E_VALIDATION', message: '位置应为 1 至 7 之间的整数,不是「9」。' });

    await saveQuotas(l, { quotas: [{ task: 1, indicator: 1, office: '泾县', value: 30 }, { task: 1, indicator: 2, office: '泾县', value: 1000 }], reasons: [] });
    await expect(removeOffice(l, '泾县')).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: '「泾县」已分解了 2 项指标的任务,不能删除。请先在任务分解中把它这一列清空(留空即无任务),再删除。',
    });
    // Once its column is blank again it can go.
    await saveQuotas(l, { quotas: [{ task: 1, indicator: 1, office: '泾县', value: null }, { task: 1, indicator: 2, office: '泾县', value: null }], reasons: [] });
    await removeOffice(l, '泾县');
    expect((await officesView(l)).offices).not.toContain('泾县');
  });

  it('a unit’s computer has no subordinate offices to edit', async () => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    await expect(addOffice(unit, '宣州区')).rejects.toMatchObject({ code: 'E_WRONG_ROLE', message: '只有汇总端可以设置下级汇总端。' });
  });
});

/** A database file migrated through `version` only, as an older program left it. */
async function databaseBefore(version: number, settings: Record<string, string>) {
  const file = join(tempDir(), `v${version}.db`);
  const raw = new BetterSqlite3(file);
  const { Kysely, SqliteDialect, sql } = await import('kysely');
  const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: raw }) });
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) await m.up(db);
  for (const [k, v] of Object.entries(settings)) raw.prepare('INSERT INTO settings VALUES (?, ?)').run(k, v);
  await sql.raw(`PRAGMA application_id = ${APPLICATION_ID}`).execute(db);
  await sql.raw(`PRAGMA user_version = ${version}`).execute(db);
  await db.destroy();
  return file;
}

describe('migration 6', () => {
  it('gives an office already on the embedded plan its seven divisions, and nothing to an office on another plan or a unit', async () => {
    const on2019 = await openDatabase(await databaseBefore(4, { role: 'summary', plan_id: 'xuancheng-2019' }));
    expect(on2019.sqlite!.prepare('SELECT name FROM offices ORDER BY seq').all().map((r) => (r as { name: string }).name)).toEqual(XUANCHENG_OFFICES);
    await on2019.close();
    for (const settings of [{ role: 'summary', plan_id: 'langxi-2019' }, { role: 'unit', plan_id: 'xuancheng-2019' }]) {
      const h = await openDatabase(await databaseBefore(4, settings));
      expect(h.sqlite!.prepare('SELECT count(*) AS n FROM offices').get()).toEqual({ n: 0 });
      await h.close();
    }
  });

  it('the store itself keeps no NULL quota (a blank is no row), no blank office name and no blank reason', async () => {
    const h = await openDatabase(await databaseBefore(4, { role: 'summary', plan_id: 'xuancheng-2019' }));
    expect(() => h.sqlite!.prepare(`INSERT INTO offices (name, seq) VALUES ('  ', 9)`).run()).toThrow(/CHECK/);
    expect(() => h.sqlite!.prepare(`INSERT INTO quotas (indicator_id, office_id, value) VALUES (1, 1, NULL)`).run()).toThrow(/NOT NULL/);
    expect(() => h.sqlite!.prepare(`INSERT INTO quota_reasons (indicator_id, reason) VALUES (1, ' ')`).run()).toThrow(/CHECK/);
    await h.close();
  });
});
