// A plan file read back: what `ledger plan --json` prints is a plan `readPlanFile` takes as it is, and a
// file that is not a plan is named with what to do, never thrown at the person.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAN_2019 } from '../../seeds/plan2019';
import { readPlanFile } from '../../electron/services/plan/read';
import { runLedger as ledger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';

describe('readPlanFile', () => {
  it('reads back the plan `ledger plan --json` printed, field for field', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    expect((await ledger('init', '--db', db)).code).toBe(0);
    const printed = await ledger('plan', '--db', db, '--json');
    expect(printed.code).toBe(0);
    const file = join(dir, 'plan.json');
    writeFileSync(file, printed.out);
    const read = await readPlanFile(file);
    expect(read.errors).toEqual([]);
    expect(read.plan).toEqual(PLAN_2019);
  });

  it('names what is wrong in a JSON plan, and refuses .doc with how to save it as .docx', async () => {
    const dir = tempDir();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...PLAN_2019, year: '二〇二〇' }));
    const bad = await readPlanFile(broken);
    expect(bad.errors.map((e) => e.where)).toEqual(['year']);

    const notJson = join(dir, 'notes.json');
    writeFileSync(notJson, '{ 计划');
    expect((await readPlanFile(notJson)).errors[0]!.message).toMatch(/^不是有效的 JSON/);

    const doc = join(dir, '要点.doc');
    writeFileSync(doc, 'x');
    expect((await readPlanFile(doc)).errors[0]!.message).toContain('另存为');
  });
});
