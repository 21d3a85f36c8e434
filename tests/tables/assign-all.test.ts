import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers, dispatch, LedgerSession } from '../../electron/services/api';
import { activePlan } from '../../electron/services/context';
import { rolesOfUnit } from '../../electron/services/entry/entry';
import { readPackageFile } from '../../electron/services/packages/package-data';
import { runLedger } from '../helpers/cli';
import { createTestLedger, tempDir } from '../helpers/ledger';

describe('生成全部任务包: every unit\'s assignment package at once into one folder', () => {
  it('ledger assign --all-units writes one signed package per unit with a task, in the plan\'s order, and lists them', async () => {
    const l = await createTestLedger();
    const plan = await activePlan(l);
    const withTasks = plan.units.filter((u) => u.kind === 'unit' && rolesOfUnit(plan, u.id).size > 0).map((u) => u.name);
    expect(withTasks.length).toBe(37);
    await l.close();
    const out = tempDir();
    const r = await runLedger('assign', '--db', l.file, '--all-units', '--out', out, '--json');
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.out) as { folder: string; written: { unit: string; file: string; revision: number }[] };
    expect(listed.written.map((w) => w.unit)).toEqual(withTasks);
    expect(readdirSync(out).sort()).toEqual(listed.written.map((w) => w.file).sort());
    // Each file is a real, verifiable assignment package for the unit it is listed for.
    for (const w of [listed.written[0]!, listed.written.at(-1)!]) {
      const { pkg } = readPackageFile(join(out, w.file));
      expect(pkg.manifest).toMatchObject({ kind: 'assignment', to: w.unit });
    }
    const words = await runLedger('assign', '--db', l.file, '--all-units', '--out', tempDir());
    expect(words.out).toContain('生成 37 个任务包');
    expect(words.out).toContain('1. 市人社局  任务包-市人社局-2019-第1版.xlsx(计划第1版)');
  });

  it('refuses --all-units with --unit or without an existing folder, as a usage error', async () => {
    const l = await createTestLedger();
    await l.close();
    const both = await runLedger('assign', '--db', l.file, '--all-units', '--unit', '市人社局', '--out', tempDir());
    expect(both).toMatchObject({ code: 2, err: expect.stringContaining('--all-units 与 --unit 只能选一个') });
    const noFolder = await runLedger('assign', '--db', l.file, '--all-units', '--out', join(tempDir(), 'nope'));
    expect(noFolder).toMatchObject({ code: 2, err: expect.stringContaining('应是一个已有的文件夹') });
  });

  it('packages:exportAllAssignments writes them into the folder the dialog gave and answers the list', async () => {
    const l = await createTestLedger();
    await l.close();
    const folder = tempDir();
    const session = new LedgerSession(l.file);
    try {
      const handlers = createHandlers({
        session, emit: () => undefined,
        dialogs: { openFiles: async () => null, openFolder: async () => null, chooseFolder: async () => folder, saveFile: async () => null },
      });
      const r = await dispatch(handlers, 'packages:exportAllAssignments', {});
      if (!r.ok) throw new Error(r.error.message);
      const value = r.value as { folder: string; written: { unit: string; fileName: string }[] };
      expect(value.folder).toBe(folder);
      expect(value.written).toHaveLength(37);
      expect(readdirSync(folder).sort()).toEqual(value.written.map((w) => w.fileName).sort());
    } finally {
      await session.close();
    }
  });
});
