// A plan file read back: what `ledger plan --json` prints is a plan `readPlanFile` takes as it is, and a
// file that is not a plan is named with what to do, never thrown at the person.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAN_2019 } from '../../seeds/plan2019';
import { readPlanFile } from '../../electron/services/plan/read';
import { planProblems } from '../../shared/plan-check';
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

  it('a parse’s answer in JSON keeps its 请核对 list: `init --plan` of it lists them, as of the notice itself', async () => {
    const dir = tempDir();
    const notice = join(dir, '2024年民生实事.txt');
    writeFileSync(notice, '2024年全县民生实事项目\n一、就业\n1.新增城镇就业2000人左右。牵头单位:县人社局\n2.新建公共充电桩100个。负责单位:县发改委、县住建局\n');
    const parsed = await ledger('plan', 'parse', notice, '--json');
    const review = (JSON.parse(parsed.out) as { review: unknown[] }).review;
    expect(review.length).toBeGreaterThan(0);
    const file = join(dir, 'plan.json');
    writeFileSync(file, parsed.out);
    expect((await readPlanFile(file)).review).toEqual(review);
    const init = await ledger('init', '--db', join(dir, 'S.db'), '--plan', file);
    expect(init.code).toBe(0);
    expect(init.out).toContain(`待确认事项:${review.length} 项`);
    // A doubt about a unit's name is answered once the corrected file no longer names that unit; one still named stays.
    const answer = JSON.parse(parsed.out) as { plan: { units: { name: string; aliases: string[] }[] }; review: { task: number | null; reason: string }[] };
    const doubts = [{ task: 1, reason: '「牵头:县住建局 配合:县水务公司」不像一个单位的名称,请核对单位名单。' }, { task: 1, reason: '「县人社局」不像一个单位的名称,请核对单位名单。' }];
    writeFileSync(file, JSON.stringify({ ...answer, review: [...answer.review, ...doubts] }));
    expect((await readPlanFile(file)).review).toEqual([...answer.review, doubts[1]]);
    // A list whose items are not review items is named, not taken.
    writeFileSync(file, JSON.stringify({ ...JSON.parse(parsed.out), review: ['x'] }));
    expect((await readPlanFile(file)).errors[0]!.message).toMatch(/待核对事项\(review\)的格式不对/);
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

describe('planProblems', () => {
  const task = PLAN_2019.categories[0]!.tasks[0]!;
  const withTask = (t: Partial<typeof task>) => ({
    ...PLAN_2019,
    categories: [{ ...PLAN_2019.categories[0]!, tasks: [{ ...task, ...t }, ...PLAN_2019.categories[0]!.tasks.slice(1)] }, ...PLAN_2019.categories.slice(1)],
  });

  it('finds nothing wrong with the embedded plan', () => {
    expect(planProblems(PLAN_2019)).toEqual([]);
  });

  it.each([
    ['a task without a lead unit', withTask({ leadUnits: [] }), '任务1', '「实施技工大省技能培训工程」没有牵头单位,请补上牵头单位。'],
    ['a unit not in the list', withTask({ coUnits: ['市气象局'] }), '任务1', '协同单位「市气象局」不在单位名单中:请把它加入单位名单,或改为名单中的名称。'],
    ['a duplicate task number', withTask({ no: 2 }), '任务2', '任务序号 2 出现了两次,每项任务的序号应不同。'],
    ['a unit twice in one task, once by its alias', withTask({ coUnits: ['市教体局', '市教体厅'] }), '任务1', '协同单位中「市教体局」列了两次(含别名),请只保留一次。'],
    ['a unit both leading and cooperating', withTask({ coUnits: ['市人社局'] }), '任务1', '「市人社局」既是牵头单位又是协同单位,请只保留一种。'],
    ['an indicator given twice (a row pasted twice)', withTask({ indicators: [...task.indicators, { ...task.indicators[0]!, no: 9 }] }), '任务1 指标9', '指标「技能脱贫培训」在本任务中出现了两次,请删去重复的一行,或改名以示区别。'],
    ['a range without its upper bound', withTask({ indicators: [{ ...task.indicators[0]!, comparator: 'range' }] }), '任务1 指标1', '区间目标「技能脱贫培训」须有不小于下限的上限。'],
  ])('%s', (_what, plan, where, message) => {
    expect(planProblems(plan)).toEqual([{ where, message }]);
  });

  it.each([
    ['an ANSI escape', '\u001b[31m市财政局', '单位「\\u001B[31m市财政局」', '的第1个字符是看不见的字符(U+001B'],
    ['a zero-width space', '市财政局\u200b', '单位「市财政局\\u200B」', '的第5个字符是看不见的字符(U+200B'],
    ['a right-to-left override', '市\u202e局政财', '单位「市\\u202E局政财」', '的第2个字符是看不见的字符(U+202E'],
    ['a soft hyphen', '市财\u00ad政局', '单位「市财\u00ad政局」', '的第3个字符是看不见的字符(U+00AD'],
    ['a word joiner', '市财政\u2060局', '单位「市财政\\u2060局」', '的第4个字符是看不见的字符(U+2060'],
    ['a trailing space', '市财政局 ', '单位「市财政局 」', '含有控制字符、不可见字符或首尾空格'],
  ])('a unit name with %s: two names that look alike would be two units', (_what, name, where, message) => {
    // The unit renamed everywhere it is named, so only the name itself is wrong.
    const rename = (n: string) => (n === '市财政局' ? name : n);
    const plan = {
      ...PLAN_2019,
      units: PLAN_2019.units.map((u) => ({ ...u, name: rename(u.name) })),
      categories: PLAN_2019.categories.map((c) => ({ ...c, tasks: c.tasks.map((t) => ({ ...t, leadUnits: t.leadUnits.map(rename), coUnits: t.coUnits.map(rename) })) })),
    };
    expect(planProblems(plan)).toEqual([{ where, message: expect.stringContaining(message) }]);
  });

  it('a unit name in full-width letters or digits is the same name as in half-width ones', () => {
    const plan = { ...PLAN_2019, units: [...PLAN_2019.units, { name: '市第２中学', aliases: [], kind: 'unit' as const }, { name: '市第2中学', aliases: [], kind: 'unit' as const }] };
    expect(planProblems(plan)).toEqual([{ where: '单位「市第2中学」', message: '名称「市第2中学」已是单位「市第２中学」的名称或别名(全角、半角字母或数字不同的算同一个名称),一个名称只能属于一个单位。' }]);
  });
});
