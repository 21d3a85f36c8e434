// A notice as the file a clerk picks: a county plan (several lines per task, 县 units, 各乡镇人民政府) read
// end to end from .txt in every encoding Windows editors save, and from .docx files LibreOffice made from
// the documents beside them in tests/fixtures/plans/ (.txt, .html with <ol>, .fodt with automatic numbering):
//   soffice --headless --infilter="Text (encoded):UTF8,,," --convert-to docx:"MS Word 2007 XML" county-plan-several-lines-per-task.txt
//   soffice --headless --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" county-plan-auto-numbered.html
//   soffice --headless --convert-to docx:"MS Word 2007 XML" seed-layout-auto-numbered-headings.fodt
//   soffice --headless --convert-to docx:"MS Word 2007 XML" seed-layout-headings-numbered-by-style.fodt
//   soffice --headless --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" county-plan-projects-table.html
//   soffice --headless --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" county-plan-tasks-and-appendix-table.html
// and seed-layout-headings-numbered-by-style-xml-only.docx is that file with the one <w:pStyle w:val="Heading1"/>
// taken out of word/numbering.xml (Python's zipfile), so that only word/styles.xml numbers the headings.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { readPlanFile } from '../../electron/services/plan/read';
import { planSchema } from '../../shared/plan';
import { tempDir } from '../helpers/ledger';

const PLANS = new URL('../fixtures/plans/', import.meta.url);
const plan = (name: string) => new URL(name, PLANS).pathname;

describe('a county plan notice, parsed end to end', () => {
  it('reads every task, unit, leader, subordinate group, target, kind and deadline of the composed county notice', async () => {
    const { plan: p, review, errors } = await readPlanFile(plan('county-plan-several-lines-per-task.txt'));
    expect(errors).toEqual([]);
    expect({ title: p.title, year: p.year, issuedOn: p.issuedOn, issuer: p.issuer }).toEqual({
      title: '2022年全县民生实事工作计划', year: 2022, issuedOn: '2022-03-15', issuer: '绩溪县人民政府',
    });
    expect(p.categories.map((c) => [c.no, c.name, c.tasks.map((t) => t.no)])).toEqual([
      ['一', '就业和收入', [1, 2]], ['二', '教育和健康', [3, 4]], ['三', '基础设施', [5, 6]],
    ]);
    const tasks = p.categories.flatMap((c) => c.tasks);
    expect(tasks.map((t) => [t.no, t.leader, t.leadUnits, t.coUnits, t.coUnitsOpenEnded, t.subordinates])).toEqual([
      [1, '副县长 王建国', ['县人社局'], ['县财政局', '县商务局'], true, { role: 'co', phrase: '各乡镇人民政府' }],
      [2, '副县长 王建国', ['县人社局'], ['县乡村振兴局'], false, { role: 'co', phrase: '各乡镇人民政府' }],
      [3, '副县长 李红梅', ['县教体局'], ['县发改委', '县财政局', '县住建局'], false, null],
      [4, '副县长 李红梅', ['县卫健委'], [], false, { role: 'co', phrase: '各乡镇人民政府' }],
      [5, '副县长 赵志刚', ['县交运局'], ['县财政局', '县自然资源局'], false, { role: 'co', phrase: '各乡镇人民政府' }],
      [6, '副县长 赵志刚', ['县农业农村局'], ['县卫健委', '县爱卫会成员单位'], false, null],
    ]);
    expect(tasks.flatMap((t) => t.indicators.map((i) => [t.no, i.comparator, i.target, i.targetMax, i.unit, i.kind, i.deadline, i.source]))).toEqual([
      [1, '>=', 2800, null, '人', 'cumulative', null, '城镇新增就业2800人以上'],
      [1, '<=', 4, null, '%', 'level', null, '城镇登记失业率控制在4%以内'],
      [2, '>=', 120, null, '个', 'milestone', 6, '6月底前新增农村公益性岗位120个'],
      [3, '>=', 3, null, '所', 'milestone', 12, '年内新建、改扩建公办幼儿园3所'],
      [4, '>=', 70, null, '%', 'level', null, '65岁以上老年人健康管理率达到70%以上'],
      [4, '~', 35_000, null, '人', 'cumulative', null, '家庭医生签约服务覆盖约3.5万人'],
      [5, '>=', 36.5, null, '公里', 'cumulative', null, '实施农村公路提质改造工程36.5公里'],
      [5, '>=', 1, null, '项', 'milestone', 9, '三季度末前完成招标'],
      [6, 'range', 1200, 1500, '户', 'cumulative', null, '完成农村改厕1200-1500户'],
    ]);
    expect(p.units.map((u) => `${u.name}:${u.kind}`)).toEqual([
      '县人社局:unit', '县财政局:unit', '县商务局:unit', '县乡村振兴局:unit', '县教体局:unit', '县发改委:unit', '县住建局:unit',
      '县卫健委:unit', '县交运局:unit', '县自然资源局:unit', '县农业农村局:unit', '县爱卫会成员单位:group',
    ]);
    expect(review).toEqual([
      { task: 2, indicator: 1, reason: '「6月底前新增农村公益性岗位120个」所在句有完成时限,按节点类(6月底前)提出,请确认。' },
      { task: 3, indicator: 1, reason: '「年内新建、改扩建公办幼儿园3所」所在句有完成时限,按节点类(12月底前)提出,请确认。' },
      { task: 5, indicator: 2, reason: '「三季度末前完成招标」有完成时限但没有数量,按节点类(9月底前完成1项)提出,请确认。' },
    ]);
    expect(planSchema.parse(p)).toEqual(p);
  });
});

describe('.txt notices in the encodings Windows editors save', () => {
  const utf8 = readFileSync(plan('county-plan-several-lines-per-task.txt'));
  it.each([
    ['county-plan-utf8-bom.txt', 'UTF-8 with a BOM'],
    ['county-plan-gb18030.txt', "GB18030 (WPS/Notepad 'ANSI' on Chinese Windows), CRLF"],
    ['county-plan-utf16le-bom.txt', "UTF-16 LE with a BOM (Notepad 'Unicode'), CRLF"],
    ['county-plan-utf16be-bom.txt', 'UTF-16 BE with a BOM'],
  ])('%s (%s) reads as the UTF-8 file does', async (name) => {
    expect(readFileSync(plan(name)).equals(utf8)).toBe(false);
    const read = await readPlanFile(plan(name));
    expect(read).toEqual(await readPlanFile(plan('county-plan-several-lines-per-task.txt')));
  });

  it('refuses UTF-16 without its BOM rather than guess, saying how to save it', async () => {
    const file = join(tempDir(), '要点.txt');
    writeFileSync(file, Buffer.from(utf8.toString('utf8'), 'utf16le'));
    const read = await readPlanFile(file);
    expect(read.errors).toEqual([{ where: '要点.txt', message: '像是没有字节顺序标记的 UTF-16 文本,无法确定编码。请在记事本或 WPS 中另存为“UTF-8”后再选择。' }]);
  });
});

describe('.docx notices made by LibreOffice', () => {
  it('reads the county notice typed with its numbers, as the .txt it was made from', async () => {
    const fromDocx = await readPlanFile(plan('county-plan-several-lines-per-task.docx'));
    const fromTxt = await readPlanFile(plan('county-plan-several-lines-per-task.txt'));
    expect(fromDocx.errors).toEqual([]);
    expect(fromDocx.plan).toEqual(fromTxt.plan);
  });

  it('puts back automatic task numbers, a list starting at 3 after a heading included', async () => {
    const raw = await mammoth.extractRawText({ path: plan('county-plan-auto-numbered.docx') });
    expect(raw.value).not.toMatch(/^\s*\d+\./m); // the numbers really are Word's list numbering, not text
    const { plan: p, errors } = await readPlanFile(plan('county-plan-auto-numbered.docx'));
    expect(errors).toEqual([]);
    expect(p.categories.map((c) => [c.no, c.name, c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.coUnits])])).toEqual([
      ['一', '稳定和扩大就业', [[1, '实施技能培训工程', ['县人社局'], ['县财政局']], [2, '实施就业帮扶工程', ['县人社局'], ['县民政局']]]],
      ['二', '办好公平优质教育', [[3, '推进学前教育', ['县教体局'], ['县住建局']], [4, '推进健康县城建设', ['县卫健委'], []]]],
    ]);
    // 一次性1000元补贴 and “健康旌德2030” are not targets; 65岁以上 is not a task number.
    expect(p.categories.flatMap((c) => c.tasks).flatMap((t) => t.indicators.map((i) => [t.no, i.target, i.unit]))).toEqual([
      [1, 1500, '人次'], [1, 1200, '人'], [2, 80, '个'], [3, 2, '所'], [3, 92, '%'], [4, 70, '%'],
    ]);
    expect(p.categories[0]!.tasks[0]!.subordinates).toEqual({ role: 'co', phrase: '各乡镇人民政府' });
  });

  it('reads a table of projects (序号, 项目名称, 建设内容, 牵头单位 …) a row a task: merged headings as categories, a merged lead cell for each row it covers', async () => {
    const { plan: p, review, errors } = await readPlanFile(plan('county-plan-projects-table.docx'));
    expect(errors).toEqual([]);
    expect([p.title, p.issuer, p.issuedOn]).toEqual(['2020年宁国市民生实事项目计划', '宁国市人民政府', '2020-03-01']);
    expect(p.categories.map((c) => [c.no, c.name, c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.coUnits])])).toEqual([
      ['一', '教育事业', [[1, '城南小学新建工程', ['市教体局'], ['市住建局', '市自然资源局']], [2, '农村学校食堂改造', ['市教体局'], ['市财政局']]]],
      ['二', '医疗卫生', [[3, '村卫生室标准化建设', ['市卫健委'], []]]],
    ]);
    expect(p.categories[1]!.tasks[0]!.subordinates).toEqual({ role: 'co', phrase: '各乡镇' });
    expect(p.categories.flatMap((c) => c.tasks).flatMap((t) => t.indicators.map((i) => [t.no, i.name, i.target, i.unit, i.kind, i.deadline]))).toEqual([
      [1, '新建教学楼', 2, '栋', 'milestone', 12], [1, '新增学位', 1800, '个', 'milestone', 12],
      [2, '改造农村学校食堂', 15, '所', 'milestone', 9], [3, '建成标准化村卫生室', 30, '个', 'milestone', 10],
    ]);
    // A column the plan has no place for is kept in the task's words, not made a target.
    expect(p.categories[0]!.tasks[0]!.text).toBe('城南小学新建工程。新建教学楼2栋,新增学位1800个。总投资(万元):12000');
    expect(review.some((r) => r.reason.includes('没有编号'))).toBe(false);
  });

  it('reads a table of projects beside tasks the notice numbers itself as the appendix it is: no task twice, no unit of it given to the last task', async () => {
    const { plan: p, errors } = await readPlanFile(plan('county-plan-tasks-and-appendix-table.docx'));
    expect(errors).toEqual([]);
    expect(p.categories.map((c) => [c.name, c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.coUnits])])).toEqual([
      ['教育', [[1, '新建幼儿园', ['县教体局'], ['县住建局']], [2, '改造农村学校食堂', ['县教体局'], []]]],
      ['卫生', [[3, '建设村卫生室', ['县卫健委'], []]]],
    ]);
    expect(p.units.map((u) => u.name)).toEqual(['县教体局', '县住建局', '县卫健委']);
  });

  it('puts back automatic 一、 headings and task numbers that run on across them', async () => {
    const raw = await mammoth.extractRawText({ path: plan('seed-layout-auto-numbered-headings.docx') });
    expect(raw.value).not.toContain('一、');
    const { plan: p, errors } = await readPlanFile(plan('seed-layout-auto-numbered-headings.docx'));
    expect(errors).toEqual([]);
    expect(p.categories.map((c) => [c.no, c.name, c.tasks.map((t) => [t.no, t.leadUnits, t.coUnits])])).toEqual([
      ['一', '提升就业质量', [[1, ['区人社局'], ['区财政局', '区教体局']], [2, ['区人社局'], ['区财政局', '人行区支行']]]],
      ['二', '改善生态环境', [[3, ['区生态环境局'], ['区住建局']]]],
    ]);
    expect(p.categories.flatMap((c) => c.tasks).flatMap((t) => t.indicators.map((i) => [t.no, i.comparator, i.target, i.unit, i.kind]))).toEqual([
      [1, '>=', 3000, '人次', 'cumulative'],
      [2, '>=', 200_000_000, '元', 'cumulative'],
      [3, '<=', 35, '微克/立方米', 'level'],
      [3, '>=', 85, '%', 'level'],
    ]);
  });

  // LibreOffice's outline numbering, like Word's 标题 1 with a numbered style: the heading paragraphs have no numPr
  // of their own, their style in word/styles.xml has. The tasks are a list whose count runs on across them.
  it.each([
    ['its numbering level names the style too (as LibreOffice and Word write it)', 'seed-layout-headings-numbered-by-style.docx'],
    ['only word/styles.xml numbers it (mammoth sees no numbering at all)', 'seed-layout-headings-numbered-by-style-xml-only.docx'],
  ])('puts back 一、 headings numbered through their paragraph style: %s', async (_what, name) => {
    const raw = await mammoth.extractRawText({ path: plan(name) });
    expect(raw.value).not.toContain('一、');
    const { plan: p, errors } = await readPlanFile(plan(name));
    expect(errors).toEqual([]);
    expect(p.categories.map((c) => [c.no, c.name, c.tasks.map((t) => [t.no, t.leadUnits, t.coUnits])])).toEqual([
      ['一', '提升就业质量', [[1, ['区人社局'], ['区财政局', '区教体局']], [2, ['区人社局'], ['区财政局', '人行区支行']]]],
      ['二', '改善生态环境', [[3, ['区生态环境局'], ['区住建局']]]],
    ]);
    expect(p.categories.flatMap((c) => c.tasks).flatMap((t) => t.indicators.map((i) => [t.no, i.comparator, i.target, i.unit, i.source]))).toEqual([
      [1, '>=', 3000, '人次', '开展职业技能培训三千人次'],
      [2, '>=', 200_000_000, '元', '发放创业担保贷款不少于2亿元'],
      [3, '<=', 35, '微克/立方米', 'PM2.5平均浓度控制在35微克/立方米以内'],
      [3, '>=', 12, '个', '新建十二个空气质量监测站'],
    ]);
  });

  it.each([
    ['a zip bomb', () => readFileSync(new URL('../fixtures/packages/zip-bomb-300mib-of-zeros.xlsx', import.meta.url)), '无法读取「要点.docx」:解压后过大,疑似压缩炸弹,已拒绝。'],
    ['a truncated .docx', () => readFileSync(plan('county-plan-auto-numbered.docx')).subarray(0, 3000), '无法读取「要点.docx」:'],
    ['a text file renamed', () => Buffer.from('2020年全县民生工作要点'), '「要点.docx」不是 Word 文档(.docx),可能已损坏或只是改了扩展名。'],
    ['an old .doc renamed', () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), '「要点.docx」其实是旧版 Word/WPS(.doc)格式'],
  ])('refuses %s with a message in Chinese, never a crash', async (_name, bytes, message) => {
    const file = join(tempDir(), '要点.docx');
    writeFileSync(file, bytes());
    const read = await readPlanFile(file);
    expect(read.errors).toHaveLength(1);
    expect(read.errors[0]!.message).toContain(message);
    expect(read.plan.categories).toEqual([]);
  });

  it('refuses a zip with no Word document inside', async () => {
    const file = join(tempDir(), '要点.docx');
    copyFileSync(new URL('../fixtures/packages/report-signed-by-test-unit-key.xlsx', import.meta.url), file);
    const read = await readPlanFile(file);
    expect(read.errors[0]!.message).toMatch(/^无法读取「要点.docx」:.*请在 WPS 或 Word 中打开后另存为 .docx 再选择。$/);
  });
});
