// parseNoticeText on small notices written for each test: every layout real notices use, the ways they
// number items, the targets and the numbers that are not targets, kinds and deadlines, and the errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IndicatorDef, TaskDef } from '../../shared/domain';
import { planSchema } from '../../shared/plan';
import { chineseNumeral } from '../../shared/numerals';
import { deadlineMonth } from '../../shared/rules/kinds';
import { cardLines, parseNoticeText } from '../../electron/services/plan/notice';

/** The same text typed with a Chinese input method: full-width digits, letters and punctuation. */
const wide = (s: string) => s.replace(/[0-9A-Za-z.,:;()%]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const HEAD = '2020年全县民生工作要点\n';
const tasksOf = (text: string): TaskDef[] => parseNoticeText(text).plan.categories.flatMap((c) => c.tasks);
/** The indicators one task's sentence gives, in the seed's layout. */
const indicatorsOf = (sentence: string): readonly IndicatorDef[] => tasksOf(`${HEAD}一、民生\n1.测试任务。${sentence}(牵头责任单位:县民政局)`)[0]!.indicators;
const figure = (i: IndicatorDef) => ({ comparator: i.comparator, target: i.target, targetMax: i.targetMax, unit: i.unit, kind: i.kind, deadline: i.deadline });
const roles = (t: TaskDef) => ({ no: t.no, lead: t.leadUnits, co: t.coUnits, openEnded: t.coUnitsOpenEnded, leader: t.leader, subordinates: t.subordinates });

describe('parseNoticeText: layouts', () => {
  const layouts: { name: string; text: string; tasks: ReturnType<typeof roles>[] }[] = [
    {
      name: "the seed's: a closing parenthesis with the lead and the cooperating units, 等 left open",
      text: `${HEAD}一、稳定就业\n1.实施技能培训。开展培训250人。(牵头责任单位:县人社局,协同责任单位:县财政局、县农业农村局等)\n2.保障工资支付。加强欠薪治理。(牵头责任单位:县人社局、县住建局)`,
      tasks: [
        { no: 1, lead: ['县人社局'], co: ['县财政局', '县农业农村局'], openEnded: true, leader: null, subordinates: null },
        { no: 2, lead: ['县人社局', '县住建局'], co: [], openEnded: false, leader: null, subordinates: null },
      ],
    },
    {
      name: 'one line of units, the first leading, as the note says once for all items (下同)',
      text: `${HEAD}一、稳定就业\n1.实施技能培训。开展培训250人。\n责任单位:县人社局、县财政局、县教体局(列第一位者为牵头单位,下同)\n2.保障工资支付。\n责任单位:县住建局、县人社局`,
      tasks: [
        { no: 1, lead: ['县人社局'], co: ['县财政局', '县教体局'], openEnded: false, leader: null, subordinates: null },
        { no: 2, lead: ['县住建局'], co: ['县人社局'], openEnded: false, leader: null, subordinates: null },
      ],
    },
    {
      name: 'several lines per task: the target line, then 牵头负责领导, 牵头责任单位, 协同责任单位',
      text: `${HEAD}一、稳定就业\n1.城镇新增就业2800人以上。\n牵头负责领导:副县长 王建国。\n牵头责任单位:县人社局。\n协同责任单位:县财政局、县商务局等,各县、市、区政府。`,
      tasks: [
        { no: 1, lead: ['县人社局'], co: ['县财政局', '县商务局'], openEnded: true, leader: '副县长 王建国', subordinates: { role: 'co', phrase: '各县、市、区政府' } },
      ],
    },
    {
      name: 'all three layouts mixed in one notice, typed with full-width digits and punctuation',
      text: wide(`${HEAD}一、稳定就业\n1.实施技能培训。开展培训250人。(牵头责任单位:县人社局)\n2.保障工资支付。\n责任单位:县住建局、县人社局(列第一位者为牵头单位,下同)\n二、教育\n3.新建幼儿园3所。\n牵头负责领导:副县长 李红梅。\n牵头责任单位:县教体局。\n协同责任单位:各乡镇人民政府。`),
      tasks: [
        { no: 1, lead: ['县人社局'], co: [], openEnded: false, leader: null, subordinates: null },
        { no: 2, lead: ['县住建局'], co: ['县人社局'], openEnded: false, leader: null, subordinates: null },
        { no: 3, lead: ['县教体局'], co: [], openEnded: false, leader: '副县长 李红梅', subordinates: { role: 'co', phrase: '各乡镇人民政府' } },
      ],
    },
  ];
  it.each(layouts)('$name', ({ text, tasks }) => {
    const parsed = parseNoticeText(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.plan.categories.flatMap((c) => c.tasks).map(roles)).toEqual(tasks);
  });

  it('a notice pasted from a web page: zero-width spaces, a bidi mark and a stray control character in unit names do not make look-alike units', () => {
    const parsed = parseNoticeText(`${HEAD}一、稳定就业\n1.实施技能培训。开展培训250人。(牵头责任单位:县人社局\u200b,协同责任单位:县财政局\u200e、县教体局\u0007)\n2.保障工资支付。(牵头责任单位:\ufeff县人社局)`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.plan.categories[0]!.tasks.map(roles)).toEqual([
      { no: 1, lead: ['县人社局'], co: ['县财政局', '县教体局'], openEnded: false, leader: null, subordinates: null },
      { no: 2, lead: ['县人社局'], co: [], openEnded: false, leader: null, subordinates: null },
    ]);
    expect(parsed.plan.units.map((u) => u.name).sort()).toEqual(['县人社局', '县教体局', '县财政局']);
  });

  it('keeps a task text whole across lines until its units, and drops the closing paragraph after the last task', () => {
    const [t] = tasksOf(`${HEAD}一、民生\n1.实施技能培训。开展培训250人,\n企业新录用人员培训120人。\n牵头责任单位:县人社局。\n各乡镇、县直各单位要加强组织领导。`);
    expect(t!.title).toBe('实施技能培训');
    expect(t!.text).toBe('实施技能培训。开展培训250人,企业新录用人员培训120人。');
    expect(t!.indicators.map((i) => i.target)).toEqual([250, 120]);
  });

  it('reads 责任单位 without a note as the first leading, and asks a person to confirm it', () => {
    const parsed = parseNoticeText(`${HEAD}1.保障工资支付。\n责任单位:县住建局、县人社局`);
    expect(roles(parsed.plan.categories[0]!.tasks[0]!)).toMatchObject({ lead: ['县住建局'], co: ['县人社局'] });
    expect(parsed.plan.categories[0]!.name).toBe('工作任务');
    expect(parsed.review.some((r) => r.reason.includes('没有说明哪个牵头'))).toBe(true);
  });
});

describe('parseNoticeText: how items are numbered', () => {
  const styles: { name: string; first: string; second: string }[] = [
    { name: '1.', first: '1.', second: '2.' },
    { name: '1、', first: '1、', second: '2、' },
    { name: 'full-width 1.', first: wide('1.'), second: wide('2.') },
    { name: '(1)', first: '(1)', second: '(2)' },
    { name: 'full-width (1)', first: wide('(1)'), second: wide('(2)') },
    { name: '(一)', first: '(一)', second: '(二)' },
    { name: '一是', first: '一是', second: '二是' },
  ];
  it.each(styles)('numbers tasks written $name', ({ first, second }) => {
    const tasks = tasksOf(`${HEAD}一、民生\n${first}实施技能培训。(牵头责任单位:县人社局)\n${second}保障工资支付。(牵头责任单位:县住建局)`);
    expect(tasks.map((t) => [t.no, t.title])).toEqual([[1, '实施技能培训'], [2, '保障工资支付']]);
  });

  it('reads (一) as a heading where the tasks are numbered 1. under it', () => {
    const parsed = parseNoticeText(`${HEAD}(一)稳定就业\n1.实施技能培训。(牵头责任单位:县人社局)\n(二)办好教育\n2.新建幼儿园。(牵头责任单位:县教体局)`);
    expect(parsed.plan.categories.map((c) => [c.no, c.name, c.tasks.map((t) => t.no)])).toEqual([['一', '稳定就业', [1]], ['二', '办好教育', [2]]]);
  });

  it.each([
    ['ends with 。', '健康旌川。', '健康旌川', '以句号或分号结尾'],
    ['is a sentence of more than 40 characters', '坚持教育优先发展,办好人民满意的教育,推动义务教育优质均衡和城乡一体化发展,加快建设教育强县', '坚持教育优先发展,办好人民满意的教育,推动义务教育优质均衡和城乡一体化发展,加快建设教育强县', '有46个字'],
  ])('reads a heading that %s as the next category when its number follows, and asks a person', (_, printed, name, doubt) => {
    const parsed = parseNoticeText(`${HEAD}一、稳定就业\n1.甲。(牵头责任单位:县人社局)\n二、${printed}\n2.乙。(牵头责任单位:县卫健委)\n三、社会保障\n3.丙。(牵头责任单位:县民政局)`);
    expect(parsed.plan.categories.map((c) => [c.no, c.name, c.tasks.map((t) => t.no)])).toEqual([['一', '稳定就业', [1]], ['二', name, [2]], ['三', '社会保障', [3]]]);
    expect(parsed.review.map((r) => r.reason).filter((r) => r.includes('类别标题'))).toEqual([`第4行「二、${name}」${doubt},不像通常的类别标题,因编号接着上一个类别,已按类别标题读取,请核对。`]);
  });

  it('takes "4.65岁以上…" after task 3 as task 4, not as the figure 4.65', () => {
    const tasks = tasksOf(`${HEAD}3.推进养老服务。(牵头责任单位:县民政局)\n4.65岁以上老年人健康管理率达到70%。(牵头责任单位:县卫健委)`);
    expect(tasks.map((t) => t.no)).toEqual([3, 4]);
    expect(tasks[1]!.indicators.map(figure)).toEqual([{ comparator: '>=', target: 70, targetMax: null, unit: '%', kind: 'level', deadline: null }]);
  });
});

describe('parseNoticeText: subordinate governments and groups of units', () => {
  it.each([
    ['各县、市、区政府'], ['各县(市、区)政府'], ['各县市区人民政府'], ['各乡镇人民政府'], ['各县(市、区)人民政府'],
  ])('%s is the subordinate offices as a group, never a unit', (phrase) => {
    const parsed = parseNoticeText(`${HEAD}1.推进改厕。\n牵头责任单位:县农业农村局。\n协同责任单位:县卫健委,${phrase}。`);
    const t = parsed.plan.categories[0]!.tasks[0]!;
    expect(t.subordinates).toEqual({ role: 'co', phrase });
    expect(t.coUnits).toEqual(['县卫健委']);
    expect(parsed.plan.units.map((u) => u.name)).toEqual(['县农业农村局', '县卫健委']);
  });

  it('lets subordinate governments lead a task without a unit of their own', () => {
    const parsed = parseNoticeText(`${HEAD}1.推进改厕。\n牵头责任单位:各乡镇人民政府。\n协同责任单位:县农业农村局。`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.plan.categories[0]!.tasks[0]!.subordinates).toEqual({ role: 'lead', phrase: '各乡镇人民政府' });
  });

  it('keeps a body such as 县安全生产委员会成员单位 as a unit of kind group', () => {
    const parsed = parseNoticeText(`${HEAD}1.提升安全生产能力。(牵头责任单位:县应急局,协同责任单位:县安全生产委员会成员单位)`);
    expect(parsed.plan.units).toEqual([
      { name: '县应急局', aliases: [], kind: 'unit' },
      { name: '县安全生产委员会成员单位', aliases: [], kind: 'group' },
    ]);
  });

  it('lists units in order of first appearance, leads before cooperating units, task by task', () => {
    const parsed = parseNoticeText(`${HEAD}1.甲。(牵头责任单位:县人社局,协同责任单位:县财政局)\n2.乙。(牵头责任单位:县教体局,协同责任单位:县人社局、县住建局)`);
    expect(parsed.plan.units.map((u) => u.name)).toEqual(['县人社局', '县财政局', '县教体局', '县住建局']);
  });

  it('merges spellings that differ only by spaces or brackets, and asks about names one last character apart', () => {
    const parsed = parseNoticeText(`${HEAD}1.甲。(牵头责任单位:县委宣传部)\n2.乙。(牵头责任单位:县委 宣传部,协同责任单位:县教体局)\n3.丙。(牵头责任单位:县教体厅)`);
    expect(parsed.plan.units).toEqual([
      { name: '县委宣传部', aliases: ['县委 宣传部'], kind: 'unit' },
      { name: '县教体局', aliases: [], kind: 'unit' },
      { name: '县教体厅', aliases: [], kind: 'unit' },
    ]);
    expect(parsed.plan.categories[0]!.tasks[1]!.leadUnits).toEqual(['县委宣传部']);
    expect(parsed.review.filter((r) => r.reason.includes('只差一个字')).map((r) => r.reason)).toEqual([
      '单位「县教体局」和「县教体厅」只差一个字,可能是同一单位的不同写法,请确认后合并。',
    ]);
  });
});

describe('parseNoticeText: a unit under its short name', () => {
  it('asks whether 县发改委 is 县发展和改革委员会 and 县教体局 县教育体育局, merging nothing; 县民政局 beside 县民族宗教局 is no question', () => {
    const parsed = parseNoticeText(`${HEAD}1.甲。(牵头责任单位:县发展和改革委员会,协同责任单位:县教育体育局)\n2.乙。(牵头责任单位:县发改委,协同责任单位:县教体局、县民政局、县民族宗教局)`);
    expect(parsed.plan.units.map((u) => u.name)).toEqual(['县发展和改革委员会', '县教育体育局', '县发改委', '县教体局', '县民政局', '县民族宗教局']);
    expect(parsed.review.filter((r) => r.reason.includes('简称')).map((r) => r.reason)).toEqual([
      '单位「县发改委」可能是「县发展和改革委员会」的简称,请确认是否同一单位,是则合并。',
      '单位「县教体局」可能是「县教育体育局」的简称,请确认是否同一单位,是则合并。',
    ]);
  });
});

describe('parseNoticeText: what a unit list holds besides units', () => {
  const role = (text: string) => {
    const parsed = parseNoticeText(text);
    return { ...roles(parsed.plan.categories[0]!.tasks[0]!), units: parsed.plan.units.map((u) => u.name), review: parsed.review.map((r) => r.reason), errors: parsed.errors };
  };

  it.each([
    ['配合责任单位', '(牵头单位:县人社局;配合责任单位:县教育局、县财政局)'],
    ['协作单位', '(牵头单位:县人社局;协作单位:县教育局、县财政局)'],
    ['参与部门', '(牵头部门:县人社局;参与部门:县教育局、县财政局)'],
    ['配合单位 after a space, no separator', '(牵头单位:县人社局 配合单位:县教育局、县财政局)'],
    ['the lead named by (牵头) in a 责任单位 list', '(责任单位:县教育局、县人社局(牵头)、县财政局)'],
    ['one marked as helping (县教育局配合) in the lead list', '(牵头单位:县人社局,县教育局配合,县财政局协助)'],
    ['names separated by spaces', '\n责任单位:县人社局  县教育局  县财政局(列第一位者为牵头单位,下同)'],
    ['names separated by / and 和', '(牵头单位:县人社局;配合单位:县教育局/县财政局)'],
    ['主责单位', '(主责单位:县人社局;协办单位:县教育局、县财政局)'],
    ['主要责任单位', '(主要责任单位:县人社局;配合单位:县教育局、县财政局)'],
    ['负责单位', '(负责单位:县人社局;配合单位:县教育局、县财政局)'],
    ['实施单位 (the first leads)', '(实施单位:县人社局、县教育局、县财政局)'],
    ['a line of its own with no label: 县人社局牵头,…配合', '\n县人社局牵头,县教育局、县财政局配合。'],
    ['labels in 【】 on lines of their own', '\n【牵头单位】县人社局 【配合单位】县教育局、县财政局\n【完成时间】2020年12月底'],
    ['协办: with no 单位', '(牵头单位:县人社局;协办:县教育局、县财政局)'],
    ['配合: and 协助: with no 单位', '(牵头单位:县人社局;配合:县教育局;协助:县财政局)'],
    ['牵头: and 配合: split by a space only', '(牵头:县人社局 配合:县教育局、县财政局)'],
    ['由…牵头, …协助 with no label', '(由县人社局牵头,县教育局、县财政局协助)'],
  ])('%s: a label is no unit and every name is its own', (_, paren) => {
    const r = role(`${HEAD}一、民生\n1.开展培训250人。${paren}`);
    expect(r.errors).toEqual([]);
    expect({ lead: r.lead, co: r.co }).toEqual({ lead: ['县人社局'], co: expect.arrayContaining(['县教育局', '县财政局']) as unknown });
    expect(r.units.sort()).toEqual(['县人社局', '县教育局', '县财政局'].sort());
  });

  it('keeps 县发展和改革委员会 and 县委 宣传部 whole: what stands before 和 or the space is no name', () => {
    const r = role(`${HEAD}1.甲。(牵头单位:县发展和改革委员会,配合单位:县住房和城乡建设局和县委 宣传部)`);
    expect({ lead: r.lead, co: r.co }).toEqual({ lead: ['县发展和改革委员会'], co: ['县住房和城乡建设局', '县委 宣传部'] });
  });

  it('reads 分管市领导, 县级责任领导 and 牵头县领导 as the leader, inside the parenthesis or on a line', () => {
    expect(role(`${HEAD}1.甲。(牵头单位:县住建局,分管市领导:副市长李明,配合单位:县城管局)`)).toMatchObject({ lead: ['县住建局'], co: ['县城管局'], leader: '副市长李明', units: ['县住建局', '县城管局'] });
    expect(role(`${HEAD}1.甲。\n县级责任领导:副县长 王建国\n责任单位:县人社局`)).toMatchObject({ lead: ['县人社局'], leader: '副县长 王建国' });
    expect(role(`${HEAD}1.甲。\n牵头县领导:副县长李芳\n牵头单位:县民政局`)).toMatchObject({ lead: ['县民政局'], leader: '副县长李芳' });
  });

  it('takes 完成时限 in the parenthesis as the deadline of the task’s figures, for review, not as a unit', () => {
    const parsed = parseNoticeText(`${HEAD}1.新建幼儿园2所,新增学位540个。(牵头单位:县教体局,完成时限:2020年8月底前)`);
    const t = parsed.plan.categories[0]!.tasks[0]!;
    expect(t.leadUnits).toEqual(['县教体局']);
    expect(parsed.plan.units.map((u) => u.name)).toEqual(['县教体局']);
    expect(t.indicators.map((i) => [i.kind, i.deadline])).toEqual([['milestone', 8], ['milestone', 8]]);
    expect(parsed.review.filter((r) => r.reason.includes('完成时限「2020年8月底前」'))).toHaveLength(2);
  });

  it('asks about a 完成时限 it cannot read or that falls in another year', () => {
    const r = role(`${HEAD}1.新建幼儿园2所。(牵头单位:县教体局,完成时限:2021年3月底前)`);
    expect(r.review.some((x) => x.includes('完成时限「2021年3月底前」不在计划年度'))).toBe(true);
    expect(role(`${HEAD}1.新建幼儿园2所。(牵头单位:县教体局,完成时限:长期坚持)`).review.some((x) => x.includes('读不出月份'))).toBe(true);
  });

  it('takes a 完成时限 of a month alone (2020年12月, 9月30日) as due in that month: in its own field it names by when', () => {
    const parsed = parseNoticeText(`${HEAD}1.新建幼儿园2所。\n牵头单位:县教体局\n完成时限:2020年12月\n2.改造食堂5所。\n牵头单位:县教体局\n完成时限:2020年9月30日`);
    expect(parsed.plan.categories[0]!.tasks.map((t) => t.indicators.map((i) => [i.kind, i.deadline]))).toEqual([[['milestone', 12]], [['milestone', 9]]]);
    expect(parsed.review.some((r) => r.reason.includes('读不出月份'))).toBe(false);
  });

  it('a clause that says when work starts (6月底前全部开工) is a stage of its own, not the deadline of the figure before it', () => {
    const parsed = parseNoticeText(`${HEAD}1.改造城镇老旧小区。改造城镇老旧小区26个,建筑面积25.6万平方米,6月底前全部开工,年底前完工。(牵头单位:县住建局)`);
    const shown = parsed.plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.name, i.target, i.unit, i.kind, i.deadline]);
    expect(shown).toEqual([
      ['改造城镇老旧小区', 26, '个', 'cumulative', null],
      ['建筑面积', 256000, '平方米', 'cumulative', null],
      ['全部开工', 1, '项', 'milestone', 6],
      ['完工', 1, '项', 'milestone', 12],
    ]);
  });

  it('reads a 完成时限 typed as a date in text (2020-12-31, 2020/9, 2020.6.30) as the same date in words', () => {
    const parsed = parseNoticeText(`${HEAD}1.新建幼儿园2所。\n牵头单位:县教体局\n完成时限:2020-12-31\n2.改造食堂5所。\n牵头单位:县教体局\n完成时限:2020/9\n3.新建公厕6座。\n牵头单位:县城管局\n完成时限:2021-06-30`);
    expect(parsed.plan.categories[0]!.tasks.slice(0, 2).map((t) => t.indicators.map((i) => [i.kind, i.deadline]))).toEqual([[['milestone', 12]], [['milestone', 9]]]);
    expect(parsed.review.some((r) => r.reason.includes('读不出月份'))).toBe(false);
    expect(parsed.review.some((r) => r.reason.includes('完成时限「2021-06-30」不在计划年度'))).toBe(true);
  });

  it('reads a line in brackets after the task that starts with (配合单位:', () => {
    expect(role(`${HEAD}1.改造老旧小区12个。(牵头单位:县住建局)\n(配合单位:县财政局、城关镇人民政府)`)).toMatchObject({ lead: ['县住建局'], co: ['县财政局', '城关镇人民政府'] });
  });

  it('reads a closing parenthesis with no label that says who leads: (市卫健委牵头,市财政局、各县(市、区)配合)', () => {
    expect(role(`${HEAD}1.甲。建设村卫生室50个。(市卫健委牵头,市财政局、各县(市、区)配合)`)).toMatchObject({ lead: ['市卫健委'], co: ['市财政局'], subordinates: { role: 'co', phrase: '各县(市、区)' }, errors: [] });
    expect(role(`${HEAD}1.甲。建设村卫生室50个。(县卫健委牵头)`)).toMatchObject({ lead: ['县卫健委'], errors: [] });
    const sentence = parseNoticeText(`${HEAD}1.甲。建立联席会议制度(由县政府牵头)。\n牵头单位:县民政局`);
    expect(sentence.plan.categories[0]!.tasks.map((x) => [x.text, x.leadUnits])).toEqual([['甲。建立联席会议制度(由县政府牵头)。', ['县民政局']]]);
  });

  it('reads labels after the last sentence with no parenthesis, and 各镇(区) as the subordinate governments', () => {
    const r = role(`${HEAD}1.甲。新开工安置住房2000套。牵头单位:市住建局;配合单位:市自然资源和规划局、各镇(区)。`);
    expect(r).toMatchObject({ lead: ['市住建局'], co: ['市自然资源和规划局'], subordinates: { role: 'co', phrase: '各镇(区)' }, errors: [] });
    expect(tasksOf(`${HEAD}1.甲。新开工安置住房2000套。牵头单位:市住建局。`)[0]!.text).toBe('甲。新开工安置住房2000套。');
  });

  it('takes 各县(市、区) as the subordinate governments, not as two units', () => {
    expect(role(`${HEAD}1.甲。(牵头单位:市卫健委;配合单位:各县(市、区),市财政局)`)).toMatchObject({ co: ['市财政局'], subordinates: { role: 'co', phrase: '各县(市、区)' }, units: ['市卫健委', '市财政局'] });
  });

  it('takes the note 列第一位的为牵头单位 printed once before the tasks', () => {
    const r = role(`${HEAD}责任单位中列第一位的为牵头单位。\n一、民生\n1.甲。\n责任单位:县人社局、县财政局`);
    expect({ lead: r.lead, co: r.co }).toEqual({ lead: ['县人社局'], co: ['县财政局'] });
    expect(r.review.some((x) => x.includes('没有说明哪个牵头'))).toBe(false);
  });

  it('asks about 责任单位 beside a 牵头单位 that is not among them, making them all cooperating', () => {
    const r = role(`${HEAD}1.甲。\n牵头单位:县民政局\n责任单位:县财政局、县残联`);
    expect({ lead: r.lead, co: r.co }).toEqual({ lead: ['县民政局'], co: ['县财政局', '县残联'] });
    expect(r.review.some((x) => x.includes('既写了牵头单位又写了责任单位'))).toBe(true);
  });

  it.each([
    ['县直有关部门', '(牵头单位:县文旅局;配合单位:县直有关部门)', ['县文旅局'], true],
    ['……等5个单位', '(牵头单位:县文旅局;配合单位:县财政局、县自然资源局等5个单位)', ['县文旅局', '县财政局', '县自然资源局'], true],
    ['负责具体实施', '(牵头单位:县交通局;配合单位:县财政局;各乡镇人民政府负责具体实施)', ['县交通局', '县财政局'], false],
  ])('does not take %s for a unit, and asks for the units meant', (_, paren, units, openEnded) => {
    const r = role(`${HEAD}1.甲。${paren}`);
    expect(r.units).toEqual(units);
    expect(r.openEnded).toBe(openEnded);
    expect(r.review.length).toBeGreaterThan(0);
  });

  it.each([['县直各部门'], ['市直各单位'], ['各部门']])('does not take %s for a unit: it is a group of offices, asked about', (group) => {
    const r = role(`${HEAD}1.甲。(牵头单位:县数据资源局;配合单位:${group})`);
    expect([r.lead, r.co, r.units, r.openEnded]).toEqual([['县数据资源局'], [], ['县数据资源局'], true]);
    expect(r.review).toContain(`「${group}」是一类单位的统称,不是一个单位,未作为单位;请写明具体单位。`);
  });

  it('takes 县扶贫开发领导小组办公室 for a unit without asking: 领导小组 is no leader', () => {
    const r = role(`${HEAD}1.甲。(牵头单位:县扶贫开发领导小组办公室)`);
    expect([r.lead, r.review.filter((x) => x.includes('不像一个单位的名称'))]).toEqual([['县扶贫开发领导小组办公室'], []]);
  });

  it.each([
    ['a label it does not know', '督办单位:县委督查室'],
    ['a figure', '县第2人民医院'],
    ['a sentence', '县教体局负责校舍改造'],
    ['a name longer than twenty characters', '县城乡建设投资集团有限责任公司下属第三工程项目部'],
    ['two names joined by 和 it cannot split', '县人社局和人行县支行'],
    ['a group word (各…)', '各街道社区'],
  ])('asks a person about a unit name holding %s instead of taking it silently', (_, name) => {
    const r = role(`${HEAD}1.甲。(牵头单位:县民政局;配合单位:${name})`);
    expect(r.review.some((x) => x.includes('不像一个单位的名称'))).toBe(true);
  });
});

describe('parseNoticeText: targets', () => {
  const targets: { phrase: string; comparator: string; target: number; targetMax?: number; unit: string; kind: string }[] = [
    { phrase: '开展技能培训250人', comparator: '>=', target: 250, unit: '人', kind: 'cumulative' },
    { phrase: '新增城镇就业1200人以上', comparator: '>=', target: 1200, unit: '人', kind: 'cumulative' },
    { phrase: '监测信息不低于7500条', comparator: '>=', target: 7500, unit: '条', kind: 'cumulative' },
    { phrase: '培训人数不少于300名', comparator: '>=', target: 300, unit: '人', kind: 'cumulative' },
    { phrase: '毛入学率达到96%', comparator: '>=', target: 96, unit: '%', kind: 'level' },
    { phrase: '至少完成培训250名', comparator: '>=', target: 250, unit: '人', kind: 'cumulative' },
    { phrase: '成灾率控制在5.46‰以内', comparator: '<=', target: 5.46, unit: '‰', kind: 'level' },
    { phrase: '城镇登记失业率控制在4.5%', comparator: '<=', target: 4.5, unit: '%', kind: 'level' },
    { phrase: '个人自付费用不超过0.3万元', comparator: '<=', target: 3000, unit: '元', kind: 'level' },
    { phrase: '婴儿死亡率低于5‰', comparator: '<=', target: 5, unit: '‰', kind: 'level' },
    { phrase: '开展幼儿资助约2700人次', comparator: '~', target: 2700, unit: '人次', kind: 'cumulative' },
    { phrase: '报销比例稳定在75%左右', comparator: '~', target: 75, unit: '%', kind: 'level' },
    { phrase: '农村居民人均可支配收入增长9%左右', comparator: '~', target: 9, unit: '%', kind: 'growth' },
    { phrase: '完成农村改厕1-2万户', comparator: 'range', target: 10_000, targetMax: 20_000, unit: '户', kind: 'cumulative' },
    { phrase: '当年缴费总人数达到86.79万', comparator: '>=', target: 867_900, unit: '人', kind: 'cumulative' },
    { phrase: '发放创业担保贷款2.5亿元', comparator: '>=', target: 250_000_000, unit: '元', kind: 'cumulative' },
    { phrase: '完成人工造林1.6万亩', comparator: '>=', target: 16_000, unit: '亩', kind: 'cumulative' },
    { phrase: '项目应用试点增加甲县和乙县2个县', comparator: '=', target: 2, unit: '个', kind: 'cumulative' },
    { phrase: '婴儿死亡率降至5‰', comparator: '<=', target: 5, unit: '‰', kind: 'level' },
    { phrase: 'PM2.5平均浓度下降到35微克/立方米', comparator: '<=', target: 35, unit: '微克/立方米', kind: 'level' },
    { phrase: '5岁以下儿童死亡率降低到6‰', comparator: '<=', target: 6, unit: '‰', kind: 'level' },
    { phrase: '死亡人数压减至8人', comparator: '<=', target: 8, unit: '人', kind: 'cumulative' },
    { phrase: '抽检不合格率小于2%', comparator: '<=', target: 2, unit: '%', kind: 'level' },
    { phrase: '抽检不合格批次少于20批', comparator: '<=', target: 20, unit: '批', kind: 'cumulative' },
    { phrase: '新增3岁以下婴幼儿托位200个', comparator: '>=', target: 200, unit: '个', kind: 'cumulative' },
    { phrase: '为65岁以上老年人体检1万人', comparator: '>=', target: 10_000, unit: '人', kind: 'cumulative' },
    { phrase: '抽检合格率不小于98%', comparator: '>=', target: 98, unit: '%', kind: 'level' },
    { phrase: '孕产妇死亡率降至12/10万', comparator: '<=', target: 12, unit: '/10万', kind: 'level' },
    { phrase: '孕产妇死亡率控制在12/10万以下', comparator: '<=', target: 12, unit: '/10万', kind: 'level' },
    { phrase: '新建口袋公园三至五个', comparator: 'range', target: 3, targetMax: 5, unit: '个', kind: 'cumulative' },
    { phrase: '新建口袋公园3至5个', comparator: 'range', target: 3, targetMax: 5, unit: '个', kind: 'cumulative' },
    { phrase: '日间照料中心覆盖率达90%—95%', comparator: 'range', target: 90, targetMax: 95, unit: '%', kind: 'level' },
    { phrase: '日间照料中心覆盖率达到90%~95%', comparator: 'range', target: 90, targetMax: 95, unit: '%', kind: 'level' },
    { phrase: '新建学生宿舍30余间', comparator: '>=', target: 30, unit: '间', kind: 'cumulative' },
    { phrase: '受益学生三百余人', comparator: '>=', target: 300, unit: '人', kind: 'cumulative' },
    { phrase: '惠及群众1万余人', comparator: '>=', target: 10_000, unit: '人', kind: 'cumulative' },
    { phrase: '医保参保率达到百分之九十五以上', comparator: '>=', target: 95, unit: '%', kind: 'level' },
    { phrase: '资助参保率百分之百', comparator: '>=', target: 100, unit: '%', kind: 'level' },
    { phrase: '实施复明手术300例', comparator: '>=', target: 300, unit: '例', kind: 'cumulative' },
    { phrase: '免费发放叶酸2000份', comparator: '>=', target: 2000, unit: '份', kind: 'cumulative' },
    { phrase: '开展婚前医学检查1500对', comparator: '>=', target: 1500, unit: '对', kind: 'cumulative' },
    { phrase: '安装节能路灯500盏', comparator: '>=', target: 500, unit: '盏', kind: 'cumulative' },
    { phrase: '新建塑胶跑道3片', comparator: '>=', target: 3, unit: '片', kind: 'cumulative' },
    { phrase: '新增绿化面积8000㎡', comparator: '>=', target: 8000, unit: '平方米', kind: 'cumulative' },
    { phrase: '新打机井20眼', comparator: '>=', target: 20, unit: '眼', kind: 'cumulative' },
    { phrase: '新建农村公路120km', comparator: '>=', target: 120, unit: '公里', kind: 'cumulative' },
    { phrase: '新建公共充电桩200根', comparator: '>=', target: 200, unit: '根', kind: 'cumulative' },
    { phrase: '完成疫苗接种12万剂次', comparator: '>=', target: 120_000, unit: '剂次', kind: 'cumulative' },
    { phrase: '开展送戏下乡80场次', comparator: '>=', target: 80, unit: '场次', kind: 'cumulative' },
    { phrase: '抽检食品400批次', comparator: '>=', target: 400, unit: '批次', kind: 'cumulative' },
    { phrase: '举办培训班4期', comparator: '>=', target: 4, unit: '期', kind: 'cumulative' },
    { phrase: '登记失业率下降0.5个百分点', comparator: '>=', target: 0.5, unit: '百分点', kind: 'level' },
    { phrase: '人口自然增长率控制在千分之五以内', comparator: '<=', target: 5, unit: '‰', kind: 'level' },
    { phrase: '婴儿死亡率控制在千分之三以内', comparator: '<=', target: 3, unit: '‰', kind: 'level' },
    { phrase: '人口出生率保持在千分之八左右', comparator: '~', target: 8, unit: '‰', kind: 'level' },
    { phrase: '营养改善计划覆盖率九成以上', comparator: '>=', target: 90, unit: '%', kind: 'level' },
    { phrase: '每千人口医疗机构床位数达到6.5张', comparator: '>=', target: 6.5, unit: '张', kind: 'level' },
    { phrase: '每千人口执业(助理)医师数达到3.2人', comparator: '>=', target: 3.2, unit: '人', kind: 'level' },
    { phrase: '每千人口拥有3岁以下婴幼儿托位数达到4.5个', comparator: '>=', target: 4.5, unit: '个', kind: 'level' },
    { phrase: '每万人口拥有公共文化设施面积达到1500平方米', comparator: '>=', target: 1500, unit: '平方米', kind: 'level' },
    { phrase: 'PM2.5年均浓度下降到30微克/立方米', comparator: '<=', target: 30, unit: '微克/立方米', kind: 'level' },
    { phrase: '公交站点500米覆盖率达到100%', comparator: '>=', target: 100, unit: '%', kind: 'level' },
    { phrase: '每十万人口献血率达到12‰', comparator: '>=', target: 12, unit: '‰', kind: 'level' },
    { phrase: '孕产妇死亡率控制在每十万人12人以内', comparator: '<=', target: 12, unit: '/10万', kind: 'level' },
    { phrase: '增速达到7%', comparator: '>=', target: 7, unit: '%', kind: 'growth' },
    { phrase: '增速不低于7%', comparator: '>=', target: 7, unit: '%', kind: 'growth' },
    { phrase: '规模以上工业增加值增速达到8%', comparator: '>=', target: 8, unit: '%', kind: 'growth' },
    { phrase: '人口自然增长率控制在3‰以内', comparator: '<=', target: 3, unit: '‰', kind: 'level' },
    { phrase: '城镇调查失业率控制在5.5%左右', comparator: '<=', target: 5.5, unit: '%', kind: 'level' },
    { phrase: '生产安全事故死亡人数控制在0', comparator: '<=', target: 0, unit: '人', kind: 'cumulative' },
    { phrase: '甲类传染病发病率控制在0', comparator: '<=', target: 0, unit: '', kind: 'level' },
    { phrase: '道路交通事故万车死亡率低于1.5', comparator: '<=', target: 1.5, unit: '', kind: 'level' },
    { phrase: '实现零死亡', comparator: '<=', target: 0, unit: '人', kind: 'cumulative' },
    { phrase: '实现重大火灾事故零发生', comparator: '<=', target: 0, unit: '起', kind: 'cumulative' },
    { phrase: '人均预期寿命达到79岁', comparator: '>=', target: 79, unit: '岁', kind: 'level' },
    { phrase: '劳动年龄人口平均受教育年限达到10.5年', comparator: '>=', target: 10.5, unit: '年', kind: 'level' },
  ];
  it.each(targets)('$phrase → $comparator $target $unit ($kind)', ({ phrase, comparator, target, targetMax = null, unit, kind }) => {
    const found = indicatorsOf(`${phrase}。`);
    expect(found.map(figure)).toEqual([{ comparator, target, targetMax, unit, kind, deadline: null }]);
    expect(found[0]!.source).toBe(phrase);
  });

  it('keeps a per-population base (每十万人口) and a defining distance (500米覆盖率) in the name, no target of their own', () => {
    expect(indicatorsOf('公交站点500米覆盖率达到100%,每十万人口献血率达到12‰,孕产妇死亡率控制在每十万人12人以内。').map((i) => [i.name, i.target, i.unit])).toEqual([
      ['公交站点500米覆盖率', 100, '%'], ['每十万人口献血率', 12, '‰'], ['孕产妇死亡率', 12, '/10万'],
    ]);
  });

  it('asks for the unit of a target printed without one (控制在0, 低于1.5) and to confirm a target of 零 (实现零死亡)', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。甲类传染病发病率控制在0,道路交通事故万车死亡率低于1.5,实现零死亡。(牵头责任单位:县卫健委)`);
    const reasons = parsed.review.filter((r) => r.task === 1).map((r) => [r.indicator, r.reason]);
    expect(reasons).toEqual([
      [1, '「甲类传染病发病率控制在0」没有计量单位,请补上。'],
      [2, '「道路交通事故万车死亡率低于1.5」没有计量单位,请补上。'],
      [3, '「实现零死亡」按死亡人数不超过0人提出,请确认指标名称和计量单位。'],
    ]);
  });

  it('asks about a clause worded as a goal with a figure that gives no indicator (零就业家庭动态清零), not about one with none', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。零就业家庭动态清零,城乡居民收入增长与经济增长同步。(牵头责任单位:县人社局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators).toEqual([]);
    expect(parsed.review.filter((r) => r.task === 1).map((r) => r.reason)).toEqual(['「零就业家庭动态清零」像是目标,但没有读出指标;如是目标请手工添加。']);
  });

  it('reads no target of its own only from a distance or an area that defines a rate, and no unit from 为', () => {
    expect(indicatorsOf('城区1公里服务半径覆盖率达到90%,编号为12,于都县新建学校3所。').map((i) => [i.name, i.target, i.unit])).toEqual([
      ['城区1公里服务半径覆盖率', 90, '%'], ['于都县新建学校', 3, '所'],
    ]);
  });

  it('reads 控制在……左右 as a ceiling, and asks a person about the 左右', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。城镇调查失业率控制在5.5%左右。(牵头责任单位:县人社局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators.map(figure)).toEqual([{ comparator: '<=', target: 5.5, targetMax: null, unit: '%', kind: 'level', deadline: null }]);
    expect(parsed.review.some((r) => r.task === 1 && r.indicator === 1 && r.reason.includes('左右'))).toBe(true);
  });

  it('reads a list under one comparator (分别不超过A、B、C) as three targets, each source unique in the task', () => {
    const found = indicatorsOf('在县域、市级医疗机构就诊个人年度自付费用分别不超过0.3万元、0.5万元、1万元。');
    expect(found.map((i) => [i.comparator, i.target, i.unit, i.additive])).toEqual([['<=', 3000, '元', false], ['<=', 5000, '元', false], ['<=', 10_000, '元', false]]);
    expect(new Set(found.map((i) => i.source)).size).toBe(3);
  });

  it('reads a lower and an upper bound of one thing (5个以上、10个以下) as one range, and keeps bounds of two things apart', () => {
    expect(indicatorsOf('新建公益性公墓5个以上、10个以下。').map((i) => [i.comparator, i.target, i.targetMax, i.unit, i.source])).toEqual([['range', 5, 10, '个', '新建公益性公墓5个以上、10个以下']]);
    expect(indicatorsOf('新建公墓5个以上,改造殡仪馆3个以下。').map((i) => [i.comparator, i.target, i.targetMax])).toEqual([['>=', 5, null], ['<=', 3, null]]);
  });

  it('reads 3,000米 as three thousand: the comma separates thousands, it ends no clause', () => {
    expect(indicatorsOf('完成管网改造3,000米,新建泵站2座。').map((i) => [i.target, i.unit, i.source])).toEqual([[3000, '米', '完成管网改造3000米'], [2, '座', '新建泵站2座']]);
  });

  it('asks a person about 1.100 (a dot and three digits: 1100 as half of Europe writes it, or 1.1), never about 1.25, 0.125 or 1.100万', () => {
    const parsed = parseNoticeText(`${HEAD}1.甲。完成管网改造1.100公里,新建泵站1.25座,改造水表0.125万只,新增绿地1.100万平方米。(牵头责任单位:县教体局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.target, i.unit])).toEqual([[1.1, '公里'], [1.25, '座'], [1250, '只'], [11000, '平方米']]);
    expect(parsed.review.filter((r) => r.reason.includes('两种读法')).map((r) => [r.indicator, r.reason])).toEqual([
      [1, '「完成管网改造1.100公里」中的 1.100 有两种读法:1100(点号分隔千位)或 1.1,已按 1.1 读取,请核对。'],
    ]);
  });

  it('asks a person about a count given as 余 (30余间), read as at least the figure', () => {
    const parsed = parseNoticeText(`${HEAD}1.甲。新建学生宿舍30余间,受益学生三百余人。(牵头责任单位:县教体局)`);
    expect(parsed.review.filter((r) => r.reason.includes('是约数')).map((r) => r.indicator)).toEqual([1, 2]);
  });

  it('keeps 90%—95‰ two figures: a range has one unit', () => {
    expect(indicatorsOf('甲率达到90%—95‰。').map((i) => [i.comparator, i.target, i.targetMax, i.unit])).toEqual([['>=', 90, null, '%'], ['>=', 95, null, '‰']]);
  });

  it.each([
    ['a measure it does not know', '新建智慧灯杆30樘。', '不是已知的计量单位'],
    ['the count of what was listed', '改造城区学校、乡镇卫生院等15所。', '所列各项的总数'],
    ['a bounded length of time', '重污染天数减少至3天以内。', '天数或时长'],
    ['a length of time cut to', '办理时限压缩至5个工作日。', '天数或时长'],
  ])('asks a person about a figure with %s instead of dropping it', (_, sentence, reason) => {
    const parsed = parseNoticeText(`${HEAD}1.甲。${sentence}(牵头责任单位:县教体局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators).toEqual([]);
    expect(parsed.review.some((r) => r.task === 1 && r.reason.includes(reason))).toBe(true);
  });

  it('reads 为零 and 为0 as 零发生 is: a ceiling of 0 named by the clause\u2019s subject, for review', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。食品安全事故为零,欠薪案件保持为0,火灾死亡人数为零。(牵头责任单位:县民政局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.name, i.comparator, i.target, i.unit])).toEqual([
      ['食品安全事故起数', '<=', 0, '起'], ['欠薪案件起数', '<=', 0, '起'], ['火灾死亡人数', '<=', 0, '人'],
    ]);
    expect(parsed.review.map((r) => r.reason)).toContain('「食品安全事故为零」按食品安全事故起数不超过0起提出,请确认指标名称和计量单位。');
  });

  it('names a range by its subject, not by 之间, and keeps 公里/小时 one unit, the speed a level', () => {
    expect(indicatorsOf('公租房分配率控制在95%至100%之间,城区平均车速不低于25公里/小时。').map((i) => [i.name, i.comparator, i.target, i.targetMax, i.unit, i.kind])).toEqual([
      ['公租房分配率', 'range', 95, 100, '%', 'level'], ['城区平均车速', '>=', 25, null, '公里/小时', 'level'],
    ]);
  });

  it('reads no target from a count that names a policy (两项补贴, 三项制度): only the amount is one', () => {
    expect(indicatorsOf('发放残疾人两项补贴资金800万元,落实残疾人两项补贴,建立健全三项制度。').map((i) => [i.name, i.target, i.unit])).toEqual([
      ['发放残疾人两项补贴资金', 8_000_000, '元'],
    ]);
  });

  it('makes a repeated phrase unique by the words before it', () => {
    const found = indicatorsOf('实施排涝工程,新开工4个项目;实施河流治理,新开工4个项目。');
    expect(found.map((i) => i.source)).toEqual(['实施排涝工程,新开工4个项目', '实施河流治理,新开工4个项目']);
  });
});

describe('parseNoticeText: targets in Chinese numerals', () => {
  it.each([
    ['三', 3], ['十二', 12], ['二十', 20], ['两千', 2000], ['一百万', 1_000_000], ['三万五千', 35_000], ['一千零五', 1005],
    ['一二', null], ['二〇二〇', null], ['十三五', null], ['百', null], ['千万', null], ['是', null],
  ])('chineseNumeral(%s) = %s', (s, value) => {
    expect(chineseNumeral(s)).toBe(value);
  });

  it.each([
    { phrase: '新建三个社区养老服务中心', target: 3, unit: '个' },
    { phrase: '新建十二所公办幼儿园', target: 12, unit: '所' },
    { phrase: '培训农村劳动力两千人', target: 2000, unit: '人' },
    { phrase: '发放助学金一百万元', target: 1_000_000, unit: '元' },
    { phrase: '完成人工造林三万五千亩', target: 35_000, unit: '亩' },
    { phrase: '开展义诊不少于二十场', target: 20, unit: '场' },
  ])('$phrase → $target $unit, keeping its source phrase', ({ phrase, target, unit }) => {
    const found = indicatorsOf(`${phrase}。`);
    expect(found.map((i) => [i.comparator, i.target, i.targetMax, i.unit])).toEqual([['>=', target, null, unit]]);
    expect(found[0]!.source).toBe(phrase);
  });

  it.each([
    ['二十五点五', 25.5], ['一点二万', 12_000], ['零点五', 0.5], ['三点一四', 3.14], ['二十五点', null], ['十点十', null],
  ])('chineseNumeral(%s) = %s: 点 is the decimal point', (s, value) => {
    expect(chineseNumeral(s)).toBe(value);
  });

  it('reads 点 in Chinese numerals as a decimal point, and asks about numerals around 点 it cannot read instead of guessing', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。改造老旧供水管网二十五点五公里,新增就业一点二万人,发放补助零点五万户,铺设管道十点十公里。(牵头责任单位:县民政局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.name, i.target, i.unit])).toEqual([
      ['改造老旧供水管网', 25.5, '公里'], ['新增就业', 12_000, '人'], ['发放补助', 5000, '户'],
    ]);
    expect(parsed.review.map((r) => r.reason)).toContain('「铺设管道十点十公里」中的「十点十」读不出数字,未作为指标;如是目标请手工添加。');
  });

  it('reads a list of counts in Chinese numerals as one indicator each', () => {
    const found = indicatorsOf('新建三所幼儿园、两个养老服务中心。');
    expect(found.map((i) => [i.target, i.unit, i.source])).toEqual([[3, '所', '新建三所幼儿园'], [2, '个', '两个养老服务中心']]);
  });

  it.each([
    ['一是 (an item marker inside a sentence)', '一是加强就业服务,二是强化技能培训'],
    ['第一 (an ordinal)', '开展第一批试点,推进第三个年度行动'],
    ['一批 (a batch, no count)', '推出一批就业岗位'],
    ['一站式 (a kind of service)', '推行一站式服务'],
    ['一网通办 (a slogan)', '推进政务服务一网通办'],
    ['一次性 (a way of paying)', '发放一次性补贴'],
    ['十三五 and 三大革命', '总结十三五经验,推进农村三大革命'],
    ['千家万户 (no leading digit)', '把温暖送到千家万户'],
    ['三支一扶 (a programme’s name)', '招募三支一扶人员'],
    ['二期工程 (a phase)', '推进二期工程建设'],
    ['一户一档 (a way of keeping records)', '建立一户一档'],
    ['a year in Chinese numerals', '力争二〇二二年全面完成'],
    ['a month in Chinese numerals', '十二月底前召开推进会'],
  ])('%s: 「%s」 gives no indicator', (_name, sentence) => {
    expect(indicatorsOf(`${sentence}。`)).toEqual([]);
  });

  it('asks a person about 一 before a measure where something is to be built, instead of reading it in or out silently', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。建成一所标准化幼儿园。(牵头责任单位:县民政局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators).toEqual([]);
    expect(parsed.review).toContainEqual({ task: 1, reason: '「建成一所标准化幼儿园」中的「一所」可能是数量目标,也可能只是「一」的习惯说法,未作为指标;如是目标请手工添加。' });
  });

  it('sends a count that only gives an example (……九处遗址等一批) to review', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。维修九处遗址等一批革命旧址。(牵头责任单位:县民政局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators).toEqual([]);
    expect(parsed.review.map((r) => r.reason)).toContain('「维修九处遗址等一批革命旧址」的数字是举例(……等一批),未作为指标;如是目标请手工添加。');
  });
});

describe('parseNoticeText: numbers that are not targets', () => {
  const traps: { name: string; sentence: string }[] = [
    { name: 'a year', sentence: '力争2022年全面完成改革' },
    { name: 'a month deadline', sentence: '6月底前召开全县推进会议' },
    { name: 'a date', sentence: '10月1日起施行新办法' },
    { name: 'a document number', sentence: '按照宣政〔2019〕12号文件要求推进' },
    { name: 'a document number in square brackets', sentence: '按照皖政[2017]58号文件推进' },
    { name: 'PM2.5 in a name', sentence: '加强PM2.5和臭氧协同治理' },
    { name: '5G in a name', sentence: '推进5G网络覆盖' },
    { name: '十三五 and 三大革命 (numerals in names)', sentence: '完成“十三五”规划,推进农村“三大革命”' },
    { name: 'a quoted project name', sentence: '实施健康脱贫“351”和“180”工程' },
    { name: 'a hotline', sentence: '畅通12345热线诉求渠道' },
    { name: 'an age range', sentence: '组织16-24岁失业青年参加见习' },
    { name: 'a duration', sentence: '参加3-12个月就业见习' },
    { name: 'a subsidy paid', sentence: '给予一次性1000元求职创业补贴' },
    { name: 'a subsidy before its amount', sentence: '给予补贴1000元' },
    { name: 'the size that makes a firm count', sentence: '扶持年网销额超1000万元的电商企业' },
    { name: 'a share applied', sentence: '再按80%给予补偿' },
    { name: 'an enumeration’s count', sentence: '上报苯、铅等28种职业病监测信息' },
    { name: 'a multiple', sentence: '报酬不低于人均收入2倍标准' },
  ];
  it.each(traps)('$name: 「$sentence」 gives no indicator', ({ sentence }) => {
    expect(indicatorsOf(`${sentence}。`)).toEqual([]);
  });

  it.each([
    ['a baseline (在…完成N个…的基础上)', '在2018年完成422个改革村的基础上,全面推开改革', '基数'],
    ['a scope (N个县…范围内)', '试点6个县(市、区)范围内的全部农户参加保险', '范围'],
  ])('%s goes to review, not silently out', (_name, sentence, word) => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。${sentence}。(牵头责任单位:县民政局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators).toEqual([]);
    expect(parsed.review.filter((r) => r.task === 1).map((r) => r.reason).join('')).toContain(word);
  });

  it('asks for a unit where a figure in 万 has none it can tell', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。覆盖达到3.5万。(牵头责任单位:县民政局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.target, i.unit])).toEqual([[35_000, '']]);
    expect(parsed.review).toContainEqual({ task: 1, indicator: 1, reason: '「覆盖达到3.5万」没有计量单位,请补上。' });
  });
});

describe('parseNoticeText: project cards (项目名称:… 建设内容:… 牵头单位:…)', () => {
  const card = (title: string, content: string, lead: string, co: string, due: string) =>
    `${title}\n建设内容:${content}\n牵头单位:${lead}\n配合单位:${co}\n完成时限:${due}\n`;
  const CARDS = `2020年宁国市民生实事项目计划\n一、教育事业\n`
    + card('项目名称:城南小学新建工程', '新建教学楼2栋,新增学位1800个。', '市教体局', '市住建局、市自然资源局', '2020年12月')
    + card('项目名称:农村学校食堂改造', '改造农村学校食堂15所。一是完善设施;二是规范管理。', '市教体局', '市财政局', '2020年9月底前')
    + `二、医疗卫生\n` + card('项目名称:村卫生室标准化建设', '建成标准化村卫生室30个', '市卫健委', '各乡镇', '2020年10月')
    + '宁国市人民政府\n2020年3月1日';
  const summary = (t: TaskDef) => ({ no: t.no, title: t.title, text: t.text, lead: t.leadUnits, co: t.coUnits, indicators: t.indicators.map((i) => [i.name, i.target, i.unit, i.kind, i.deadline]) });

  it('reads each card as a task: the name its title, the content its text, the labels in neither, numbered in order for review', () => {
    const parsed = parseNoticeText(CARDS);
    expect(parsed.errors).toEqual([]);
    expect(parsed.plan.categories.map((c) => [c.name, c.tasks.map(summary)])).toEqual([
      ['教育事业', [
        { no: 1, title: '城南小学新建工程', text: '城南小学新建工程。新建教学楼2栋,新增学位1800个。', lead: ['市教体局'], co: ['市住建局', '市自然资源局'], indicators: [['新建教学楼', 2, '栋', 'milestone', 12], ['新增学位', 1800, '个', 'milestone', 12]] },
        // 一是、二是 inside a card's text enumerate, they are no tasks of their own.
        { no: 2, title: '农村学校食堂改造', text: '农村学校食堂改造。改造农村学校食堂15所。一是完善设施;二是规范管理。', lead: ['市教体局'], co: ['市财政局'], indicators: [['改造农村学校食堂', 15, '所', 'milestone', 9]] },
      ]],
      ['医疗卫生', [
        { no: 3, title: '村卫生室标准化建设', text: '村卫生室标准化建设。建成标准化村卫生室30个', lead: ['市卫健委'], co: [], indicators: [['建成标准化村卫生室', 30, '个', 'milestone', 10]] },
      ]],
    ]);
    expect(parsed.plan.categories[1]!.tasks[0]!.subordinates).toEqual({ role: 'co', phrase: '各乡镇' });
    expect(parsed.review).toContainEqual({ task: null, reason: '通知中的3个项目没有编号,已按出现顺序编为任务1–3,请核对。' });
    expect(JSON.stringify(parsed.plan)).not.toMatch(/项目名称|建设内容/);
  });

  it.each([
    ['1.项目名称:城南小学新建工程', '2.项目名称:村卫生室标准化建设'],
    ['项目一:城南小学新建工程', '项目二:村卫生室标准化建设'],
  ])('takes the card’s own number where it has one (%s), asking nothing about numbering', (first, second) => {
    const parsed = parseNoticeText(`2020年宁国市民生实事项目计划\n一、民生\n${card(first, '新建教学楼2栋。', '市教体局', '市住建局', '2020年12月')}${card(second, '建成村卫生室30个。', '市卫健委', '市财政局', '2020年10月')}`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.plan.categories[0]!.tasks.map((t) => [t.no, t.title])).toEqual([[1, '城南小学新建工程'], [2, '村卫生室标准化建设']]);
    expect(parsed.review.some((r) => r.reason.includes('没有编号'))).toBe(false);
  });
});

describe('cardLines: a table of projects as project cards', () => {
  const row = (...cells: (string | string[])[]) => cells.map((c) => (typeof c === 'string' ? (c === '' ? [] : [c]) : c));

  it('writes a card a row under the header, units of a cell a paragraph each as a list, a heading row as a line', () => {
    expect(cardLines([
      row('附表'),
      row('序 号', '项目名称', '主要内容', '责任单位', '完成时间', '备注'),
      row('一、教育'),
      row('一', '新建幼儿园', ['新建幼儿园2所,', '新增学位540个。'], ['县教体局', '县住建局'], '2020年8月', ''),
      row('', '', '改造食堂5所', '县教体局', '', '续建'),
    ])).toEqual([
      '附表', '一、教育',
      '1.项目名称:新建幼儿园', '建设内容:新建幼儿园2所,新增学位540个。', '责任单位:县教体局、县住建局', '完成时间:2020年8月',
      // Its 序号 left blank among numbered rows, a project naming its units is the next.
      '2.项目名称:改造食堂5所。', '备注:续建', '责任单位:县教体局',
    ]);
  });

  it('reads a project that is a table of its own, each label with its value beside it, two pairs a row or one', () => {
    expect(cardLines([
      row('项目名称', '城南小学新建工程', '序号', '3'),
      row('建设内容', ['新建教学楼2栋,', '新增学位1800个。'], '总投资', '12000万元'),
      row('牵头单位', '市教体局', '配合单位', ['市住建局', '市自然资源局']),
      row('完成时限', '2020年12月', '', ''),
    ])).toEqual([
      '3.项目名称:城南小学新建工程', '建设内容:新建教学楼2栋,新增学位1800个。', '总投资:12000万元',
      '牵头单位:市教体局', '配合单位:市住建局、市自然资源局', '完成时限:2020年12月',
    ]);
    // Read as a card, a task like any other.
    const lines = cardLines([row('项目名称', '城南小学新建工程'), row('建设内容', '新建教学楼2栋。'), row('牵头单位', '市教体局'), row('完成时限', '2020年12月')])!;
    const [task] = tasksOf(`2020年宁国市民生实事项目\n一、教育\n${lines.join('\n')}`);
    expect([task!.no, task!.title, task!.leadUnits, task!.indicators.map((i) => [i.name, i.target, i.kind, i.deadline])]).toEqual([1, '城南小学新建工程', ['市教体局'], [['新建教学楼', 2, 'milestone', 12]]]);
  });

  it('keeps a card\u2019s 建设内容 written after its units as the task\u2019s text and figures', () => {
    const [task] = tasksOf('2022年全县民生实事项目\n一、教育\n项目一:幼儿园建设\n牵头单位:县教体局\n配合单位:县财政局\n建设内容:新建公办幼儿园8所。\n完成时限:2022年12月');
    expect([task!.title, task!.text, task!.leadUnits, task!.coUnits, task!.indicators.map((i) => [i.name, i.target, i.deadline])]).toEqual(
      ['幼儿园建设', '幼儿园建设。新建公办幼儿园8所。', ['县教体局'], ['县财政局'], [['新建公办幼儿园', 8, 12]]],
    );
  });

  it('leaves a table that lists no projects with units to its lines (null)', () => {
    expect(cardLines([row('姓名', '电话'), row('张三', '123')])).toBeNull();
    expect(cardLines([row('项目名称', '总投资'), row('新建幼儿园', '500')])).toBeNull();
    expect(cardLines([row('项目名称', '新建幼儿园'), row('总投资', '500')])).toBeNull(); // a card needs who does it
    expect(cardLines([row('牵头单位', '县教体局', '配合单位', '县财政局')])).toBeNull();
  });
});

describe('parseNoticeText: kinds and deadlines', () => {
  it.each([
    ['6月底前完成改造项目3个', 'milestone', 6],
    ['年内建成村级综合服务中心5个', 'milestone', 12],
    ['三季度末前完成农村公路改造20公里', 'milestone', 9],
    ['6月底前,完成老旧小区改造8个', 'milestone', 6],
    ['前三季度完成农村危房改造300户', 'milestone', 9],
    ['第三季度完成农村危房改造300户', 'milestone', 9],
    ['10月份完成老旧小区改造20个', 'milestone', 10],
    ['年中完成农贸市场改造10个', 'milestone', 6],
    ['建设高标准农田1.2万亩,三季度末前完成', 'milestone', 9],
  ])('「%s」 is proposed as a %s due in month %i, and listed for review', (sentence, kind, deadline) => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。${sentence}。(牵头责任单位:县民政局)`);
    const [i] = parsed.plan.categories[0]!.tasks[0]!.indicators;
    expect([i!.kind, i!.deadline]).toEqual([kind, deadline]);
    expect(parsed.review.some((r) => r.task === 1 && r.indicator === 1 && r.reason.includes('节点类'))).toBe(true);
  });

  it.each([
    ['每千常住人口执业(助理)医师数达到3.2人', 'level', false],
    ['每万人口全科医生数达到4.2名', 'level', false],
    ['每百户拥有家用汽车30辆', 'level', false],
    ['每十万人口献血人数达到1200人', 'level', false],
    ['耕地保有量不低于85万亩', 'level', false],
    ['生猪存栏量稳定在20万头', 'level', false],
    ['新建公办幼儿园3所', 'cumulative', true],
    ['完成1456户农村危房存量改造', 'cumulative', true],
  ])('「%s」 is %s: a ratio per population or a stock kept is a level, never summed across units', (sentence, kind, additive) => {
    const [i] = indicatorsOf(`${sentence}。`);
    expect([i!.kind, i!.additive]).toEqual([kind, additive]);
  });

  it('leaves the time phrase (前三季度, 10月份, 年中, 于…前) out of a counted target’s name', () => {
    const names = (sentence: string) => indicatorsOf(`${sentence}。`).map((i) => i.name);
    expect(['前三季度完成农村危房改造300户', '10月份完成老旧小区改造20个', '年中完成农贸市场改造10个', '于8月底前完成学校食堂改造20所'].map(names)).toEqual([
      ['农村危房改造'], ['老旧小区改造'], ['农贸市场改造'], ['学校食堂改造'],
    ]);
  });

  it('gives a count the deadline of the clause after it that says only by when, as one indicator', () => {
    expect(indicatorsOf('建设高标准农田1.2万亩,三季度末前完成。').map((i) => [i.name, i.target, i.unit, i.kind, i.deadline])).toEqual([['建设高标准农田', 12_000, '亩', 'milestone', 9]]);
  });

  it.each([
    ['县医院新院区6月底前开工、年底前完工', [['县医院新院区开工', 'milestone', 6], ['县医院新院区完工', 'milestone', 12]]],
    ['县第二污水处理厂9月底前投入使用,城市生活污水集中收集率提高2个百分点', [['城市生活污水集中收集率提高', 'level', null], ['县第二污水处理厂投入使用', 'milestone', 9]]],
    ['9月底前建成投用县第三中学,新增学位2400个', [['新增学位', 'milestone', 9], ['建成投用县第三中学', 'milestone', 9]]],
    ['二季度末完成市妇幼保健院迁建,一季度完成招标', [['市妇幼保健院迁建', 'milestone', 6], ['招标', 'milestone', 3]]],
    ['筹集保障性租赁住房5000套(间),6月底前开工1500套,年底前竣工交付', [['筹集保障性租赁住房', 'cumulative', null], ['开工', 'milestone', 6], ['竣工交付', 'milestone', 12]]],
    ['6月底前开工建设学校2所、年底前建成', [['开工建设学校', 'milestone', 6], ['学校建成', 'milestone', 12]]],
  ])('keeps every milestone of 「%s」 besides its figures', (sentence, expected) => {
    expect(indicatorsOf(`${sentence}。`).map((i) => [i.name, i.kind, i.deadline])).toEqual(expected);
  });

  it('reads a later stage in a figure’s own clause (…学校2所、年底前建成) as a milestone of the same count, for review', () => {
    const parsed = parseNoticeText(`${HEAD}一、民生\n1.测试任务。6月底前开工建设学校2所、年底前建成。(牵头责任单位:县教体局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.name, i.target, i.unit, i.deadline])).toEqual([['开工建设学校', 2, '所', 6], ['学校建成', 2, '所', 12]]);
    expect(parsed.review.find((r) => r.task === 1 && r.indicator === 2)?.reason).toBe('「年底前建成」与「6月底前开工建设学校2所、年底前建成」同句,按节点类(12月底前建成2所)提出,请确认。');
  });

  it('names a figure after 增长…同步 by the clause before it, growth, for review', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。居民人均可支配收入增长与经济增长基本同步,达到6.5%左右。(牵头责任单位:县统计局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.name, i.comparator, i.target, i.kind])).toEqual([['居民人均可支配收入增长', '~', 6.5, 'growth']]);
    expect(parsed.review.some((r) => r.task === 1 && r.indicator === 1 && r.reason.includes('前一分句'))).toBe(true);
  });

  it('keeps a rate a level beside 年内, asking a person; a deadline in another clause is not the figure’s', () => {
    const parsed = parseNoticeText(`${HEAD}1.测试任务。实现年内破案率达85%以上。\n(牵头责任单位:县公安局)\n2.乙。6月底前新建幼儿园2所,毛入园率达到92%以上。(牵头责任单位:县教体局)`);
    const [t1, t2] = parsed.plan.categories[0]!.tasks;
    expect(t1!.indicators.map(figure)).toEqual([{ comparator: '>=', target: 85, targetMax: null, unit: '%', kind: 'level', deadline: null }]);
    expect(parsed.review.some((r) => r.task === 1 && r.reason.includes('按水平类提出'))).toBe(true);
    expect(t2!.indicators.map((i) => [i.kind, i.deadline])).toEqual([['milestone', 6], ['level', null]]);
  });

  it('makes a deadline with something to finish and no figure a milestone of one item, for review', () => {
    const parsed = parseNoticeText(`${HEAD}1.推进改革。确保2019年10月前全面完成试点任务。(牵头责任单位:县农业农村局)\n2.建设学校。6月底前完成县第三中学新校区建设。(牵头责任单位:县教体局)`);
    expect(parsed.plan.categories[0]!.tasks.flatMap((t) => t.indicators.map((i) => [t.no, i.name, i.target, i.unit, i.kind, i.deadline, i.source]))).toEqual([
      [1, '试点任务', 1, '项', 'milestone', 9, '确保2019年10月前全面完成试点任务'],
      [2, '县第三中学新校区建设', 1, '项', 'milestone', 6, '6月底前完成县第三中学新校区建设'],
    ]);
    expect(parsed.review).toContainEqual({ task: 2, indicator: 1, reason: '「6月底前完成县第三中学新校区建设」有完成时限但没有数量,按节点类(6月底前完成1项)提出,请确认。' });
  });

  it('names a task whose deadline has nothing to finish and no figure', () => {
    const parsed = parseNoticeText(`${HEAD}1.推进改革。年内持续推进试点工作。(牵头责任单位:县农业农村局)`);
    expect(parsed.plan.categories[0]!.tasks[0]!.indicators).toEqual([]);
    expect(parsed.review).toContainEqual({ task: 1, reason: '任务有完成时限(12月底前)但没有数量目标;如需按节点考核,请手工添加指标。' });
  });

  it.each([
    ['年内', 12], ['年底前', 12], ['6月底前', 6], ['6月30日前', 6], ['10月前', 9], ['10月1日前', 9], ['十月底前', 10],
    ['三季度末', 9], ['第二季度末', 6], ['上半年', 6], ['2019年', null], ['每月', null],
  ])('deadlineMonth(%s) = %s', (phrase, month) => {
    expect(deadlineMonth(phrase)).toBe(month);
  });

  it.each([
    ['2020年12月', 12, null], ['12月份', 12, null], ['10月1日', 10, null], ['6月底前', 6, 6], ['长期坚持', null, null],
  ])('deadlineMonth(%s) in a 完成时限 field = %s, in running text = %s', (phrase, inField, inText) => {
    expect(deadlineMonth(phrase.replace(/^\d{4}年(?!\d)/, ''), { field: true })).toBe(inField);
    expect(deadlineMonth(phrase.replace(/^\d{4}年(?!\d)/, ''))).toBe(inText);
  });

  it('holds kindProblem for every proposed kind: the plan passes the strict schema', () => {
    const parsed = parseNoticeText(readFileSync(new URL('../fixtures/plans/county-plan-several-lines-per-task.txt', import.meta.url), 'utf8'));
    expect(planSchema.safeParse(parsed.plan).success).toBe(true);
  });
});

describe('parseNoticeText: the plan as a whole', () => {
  it('reads title, year, date and issuer; the id follows year and title', () => {
    const text = '各乡镇人民政府:\n泾县人民政府\n二〇二一年三月五日\n2021年全县民生工作要点\n1.甲。(牵头责任单位:县民政局)';
    const { plan, review } = parseNoticeText(text);
    expect({ ...plan, categories: undefined, units: undefined }).toEqual({
      id: plan.id, year: 2021, title: '2021年全县民生工作要点', issuedOn: '2021-03-05', issuer: '泾县人民政府', revision: 1, frequency: 'monthly',
      categories: undefined, units: undefined,
    });
    expect(plan.id).toMatch(/^plan-2021-[0-9a-f]{8}$/);
    expect(parseNoticeText(text).plan.id).toBe(plan.id);
    expect(parseNoticeText(text.replace('民生工作要点', '民生实事计划')).plan.id).not.toBe(plan.id);
    expect(review.map((r) => r.reason)).toEqual(['部分任务前没有“一、……”类别标题,已归入类别「工作任务」,请核对。']);
  });

  it('takes the issuer from 关于印发 and the title from its 《》, and asks for what it cannot find', () => {
    const withIssuer = parseNoticeText('宣城市人民政府关于印发《2019年全市民生工作要点》的通知\n1.甲。(牵头责任单位:市民政局)');
    expect([withIssuer.plan.issuer, withIssuer.plan.title, withIssuer.plan.year]).toEqual(['宣城市人民政府', '2019年全市民生工作要点', 2019]);
    const bare = parseNoticeText('2020年全县民生工作要点\n1.甲。(牵头责任单位:县民政局)');
    expect(bare.review.map((r) => r.reason)).toEqual([
      '通知里找不到印发日期(如“2019年4月24日”一行),请补上。',
      '通知没有写明印发机关(落款),请补上(如“××县人民政府”)。',
      '部分任务前没有“一、……”类别标题,已归入类别「工作任务」,请核对。',
    ]);
  });
});

describe('parseNoticeText: what other cities call their plans', () => {
  const titleOf = (head: string) => {
    const r = parseNoticeText(`${head}\n一、民生\n1.新建学校4所。(牵头单位:县教体局)`, { fileName: '通知.txt' });
    return [r.plan.title, r.review.some((x) => x.reason.startsWith('通知里找不到计划标题'))];
  };

  it.each([
    ['蚌埠市人民政府关于印发2021年蚌埠市民生实事项目的通知', '2021年蚌埠市民生实事项目'],
    ['2022年全市十件民生实事', '2022年全市十件民生实事'],
    ['关于印发《2020年全县33项民生工程》的通知', '2020年全县33项民生工程'],
    ['2021年度全区民生工作目标任务', '2021年度全区民生工作目标任务'],
    ['县政府办公室关于印发2023年重点民生工作安排的通知', '2023年重点民生工作安排'],
  ])('takes 「%s」 as the title', (head, title) => {
    expect(titleOf(head)).toEqual([title, false]);
  });

  it('takes the title from 《》 in the sentence that issues it', () => {
    expect(titleOf('各区人民政府:\n现将《2021年全市民生实事项目》印发给你们,请认真组织实施。\n市人民政府\n2021年2月1日')).toEqual(['2021年全市民生实事项目', false]);
  });

  it('still asks for a title where the head names none', () => {
    expect(titleOf('各区人民政府:\n市人民政府\n2021年2月1日')).toEqual(['通知', true]);
  });
});

describe('parseNoticeText: (1) under a task numbered 1.', () => {
  it('reads (1) (2) after a 1. task as that task\u2019s points, its figures the task\u2019s indicators', () => {
    const r = parseNoticeText(`${HEAD}一、教育\n1.学前教育提升工程。\n(1)新建幼儿园5所;\n(2)新增学位1500个。\n(牵头单位:县教体局,配合单位:县财政局)\n2.义务教育改善工程。\n(1)改造校舍3万平方米。\n(牵头单位:县教体局)\n二、养老\n(1)新增养老床位500张。(牵头单位:县民政局)`);
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.map((c) => c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.indicators.map((i) => [i.name, i.target])]))).toEqual([
      [[1, '学前教育提升工程', ['县教体局'], [['新建幼儿园', 5], ['新增学位', 1500]]], [2, '义务教育改善工程', ['县教体局'], [['改造校舍', 30000]]]],
      // Under a heading with no 1. task, (1) numbers the task as before.
      [[3, '新增养老床位500张', ['县民政局'], [['新增养老床位', 500]]]],
    ]);
  });
});

describe('parseNoticeText: 十件民生实事 numbered 一、二、三、', () => {
  it('reads items numbered 一、 with nothing under them as the tasks, and asks a person to confirm', () => {
    const r = parseNoticeText('2022年县政府十件民生实事\n广德县人民政府\n2022年1月20日\n一、新建公办幼儿园3所,新增学位900个。(牵头单位:县教体局;配合单位:县财政局)\n二、改造农村公路50公里。\n牵头单位:县交通运输局\n三、为全县65岁以上老年人免费体检3万人次。(牵头单位:县卫健委)');
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.map((c) => [c.name, c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.indicators.map((i) => i.target)])])).toEqual([
      ['工作任务', [[1, '新建公办幼儿园3所,新增学位900个', ['县教体局'], [3, 900]], [2, '改造农村公路50公里', ['县交通运输局'], [50]], [3, '为全县65岁以上老年人免费体检3万人次', ['县卫健委'], [30000]]]],
    ]);
    expect(r.review.map((x) => x.reason)).toEqual(['通知中的3个事项以“一、二、……”编号,其下没有分项,已作为任务1–3读取,归入类别「工作任务」,请核对。']);
  });

  it('keeps 一、 as a heading where tasks are numbered under it', () => {
    const r = parseNoticeText(`${HEAD}一、教育\n1.新建幼儿园3所。(牵头单位:县教体局)`);
    expect(r.plan.categories.map((c) => [c.name, c.tasks.length])).toEqual([['教育', 1]]);
  });
});

describe('parseNoticeText: tasks numbered ①②③, 第一项, and (一) over 1. items', () => {
  const shape = (r: ReturnType<typeof parseNoticeText>) => r.plan.categories.map((c) => [c.name, c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.coUnits, t.indicators.map((i) => [i.name, i.target, i.unit])])]);

  it('reads ①②③ under 一、 二、 as the tasks, numbered on across headings, without the marks in their titles', () => {
    const r = parseNoticeText('2026年广德市民生实事工作安排\n一、就业\n①开展技能培训。培训3000人次。(牵头单位:市人社局)\n②新增城镇就业。城镇新增就业5000人。(牵头单位:市人社局;配合单位:市财政局)\n二、养老\n③建设助餐点。新建老年助餐点30个。(牵头单位:市民政局)\n广德市人民政府办公室\n2026年2月10日');
    expect(r.errors).toEqual([]);
    expect(shape(r)).toEqual([
      ['就业', [[1, '开展技能培训', ['市人社局'], [], [['培训', 3000, '人次']]], [2, '新增城镇就业', ['市人社局'], ['市财政局'], [['城镇新增就业', 5000, '人']]]]],
      ['养老', [[3, '建设助餐点', ['市民政局'], [], [['新建老年助餐点', 30, '个']]]]],
    ]);
    expect(r.review).toEqual([]);
  });

  it('keeps ①…;②… inside a task (one line, or ① again under each heading) as the task\u2019s items, their figures its indicators', () => {
    const r = parseNoticeText('2024年十件民生实事\n一、义务教育学校提质工程\n①新建义务教育学校三十五所;②教师培训5000人次。\n责任单位:市教体局、市发改委\n二、城市更新工程\n①改造老旧小区150个。\n②新建城市绿道50公里。\n牵头单位:市住建局');
    expect(r.errors).toEqual([]);
    expect(shape(r)).toEqual([['工作任务', [
      [1, '义务教育学校提质工程', ['市教体局'], ['市发改委'], [['新建义务教育学校', 35, '所'], ['教师培训', 5000, '人次']]],
      [2, '城市更新工程', ['市住建局'], [], [['改造老旧小区', 150, '个'], ['新建城市绿道', 50, '公里']]],
    ]]]);
  });

  it('reads 第一项 … 第十项 (and 第X件) headings as the tasks, the paragraph under a heading its text, not its title', () => {
    const r = parseNoticeText('关于实施2024年十件民生实事的通知\n第一项 城乡学前教育扩容工程\n新建、改扩建公办幼儿园十五所,新增公办学位4500个。\n责任单位:市教体局、市财政局(列第一位者为牵头单位,下同)\n第二项 义务教育学校提质工程\n①新建义务教育学校三十五所;②教师培训5000人次。\n责任单位:市教体局、市发改委\n第十件:困难群众救助工程\n发放临时救助资金不少于5000万元。\n牵头单位:市民政局');
    expect(r.errors).toEqual([]);
    expect(shape(r)).toEqual([['工作任务', [
      [1, '城乡学前教育扩容工程', ['市教体局'], ['市财政局'], [['新建、改扩建公办幼儿园', 15, '所'], ['新增公办学位', 4500, '个']]],
      [2, '义务教育学校提质工程', ['市教体局'], ['市发改委'], [['新建义务教育学校', 35, '所'], ['教师培训', 5000, '人次']]],
      [10, '困难群众救助工程', ['市民政局'], [], [['发放临时救助资金', 50_000_000, '元']]],
    ]]]);
    expect(r.plan.categories[0]!.tasks[0]!.text).toBe('城乡学前教育扩容工程。新建、改扩建公办幼儿园十五所,新增公办学位4500个。');
  });

  it('reads 一、 / (一) / 1. as category, task and the task\u2019s items where the (一) lines name the units', () => {
    const r = parseNoticeText('2025年宁国市民生实事项目计划\n一、教育类项目\n(一)学前教育扩容。牵头单位:市教体局;配合单位:市财政局。\n1.新建公办幼儿园3所,新增学位900个。\n2.公办园在园幼儿占比达到60%以上。\n(二)义务教育质量提升。牵头单位:市教体局。\n1.建设智慧教室120间。\n二、卫生健康类项目\n(三)免费健康体检。\n牵头单位:市卫健委\n1.为65周岁以上老年人免费体检2.6万人次。');
    expect(r.errors).toEqual([]);
    expect(shape(r)).toEqual([
      ['教育类项目', [
        [1, '学前教育扩容', ['市教体局'], ['市财政局'], [['新建公办幼儿园', 3, '所'], ['新增学位', 900, '个'], ['公办园在园幼儿占比', 60, '%']]],
        [2, '义务教育质量提升', ['市教体局'], [], [['建设智慧教室', 120, '间']]],
      ]],
      ['卫生健康类项目', [[3, '免费健康体检', ['市卫健委'], [], [['65周岁以上老年人免费体检', 26_000, '人次']]]]],
    ]);
    expect(r.plan.categories[0]!.tasks[0]!.text).toBe('学前教育扩容。1.新建公办幼儿园3所,新增学位900个。2.公办园在园幼儿占比达到60%以上。');
  });

  it('keeps (一) a heading over 1. tasks where the 1. lines name the units', () => {
    const r = parseNoticeText(`${HEAD}一、民生\n(一)稳定就业\n1.实施技能培训。(牵头责任单位:县人社局)\n(二)办好教育\n2.新建幼儿园。(牵头责任单位:县教体局)`);
    expect(r.plan.categories.map((c) => [c.name, c.tasks.map((t) => t.no)])).toEqual([['稳定就业', [1]], ['办好教育', [2]]]);
  });

  it('never drops a numbered line silently: one no rule places, or units under a heading with no task, go to review', () => {
    const r = parseNoticeText(`${HEAD}一、就业\n1.开展技能培训。培训3000人次。(牵头单位:县人社局)\n(1)新增城镇就业5000人。(牵头单位:县财政局)\n二、养老\n新建老年助餐点30个。\n牵头单位:县民政局`);
    expect(r.review.map((x) => x.reason)).toEqual(expect.arrayContaining([
      '第4行「(1)新增城镇就业5000人。(牵头单位:县财政局)」有编号,但没有读作任务,也没有归入任何任务,请核对是否漏读。',
      '第5行「二、养老」下写了责任单位,但没有读到编号的任务,未读入计划,请核对是否漏读。',
    ]));
    expect(r.plan.categories.flatMap((c) => c.tasks).map((t) => [t.no, t.leadUnits])).toEqual([[1, ['县人社局']]]);
  });
});

describe('parseNoticeText: a table pasted from WPS or Excel (cells separated by tabs)', () => {
  it('reads it as a table of projects: a row with one cell a category, each other row a task', () => {
    const r = parseNoticeText('2022年全县民生实事项目\n序号\t项目名称\t建设内容\t牵头单位\t配合单位\n一、教育\t\t\t\t\n1\t幼儿园建设\t新建公办幼儿园8所\t县教体局\t县财政局\n2\t老年人体检\t免费体检10万人次\t县卫健委\t');
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.map((c) => [c.name, c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.coUnits, t.indicators.map((i) => i.target)])])).toEqual([
      ['教育', [[1, '幼儿园建设', ['县教体局'], ['县财政局'], [8]], [2, '老年人体检', ['县卫健委'], [], [100000]]]],
    ]);
  });

  it('takes a project whose 序号 was left blank among numbered ones as the next, not as the text of the one before', () => {
    const r = parseNoticeText('2022年全县民生实事项目\n序号\t项目名称\t建设内容\t牵头单位\n1\t幼儿园建设\t新建公办幼儿园8所\t县教体局\n\t老年人体检\t免费体检10万人次\t县卫健委');
    expect(r.plan.categories.flatMap((c) => c.tasks.map((t) => [t.no, t.title, t.leadUnits]))).toEqual([[1, '幼儿园建设', ['县教体局']], [2, '老年人体检', ['县卫健委']]]);
  });

  it('leaves lines with tabs that are no table of projects as they were', () => {
    const r = parseNoticeText(`${HEAD}一、教育\n1.新建幼儿园3所。\t(牵头单位:县教体局)`);
    expect(r.plan.categories[0]!.tasks.map((t) => [t.title, t.leadUnits])).toEqual([['新建幼儿园3所', ['县教体局']]]);
  });
});

describe('parseNoticeText: items marked with ● where nothing numbers them', () => {
  it('reads each as a task, numbered in order for a person to confirm; beside numbered tasks ● is their text', () => {
    const r = parseNoticeText(`${HEAD}一、教育\n●新建公办幼儿园8所。(牵头单位:县教体局)\n●改造校舍2万平方米。(牵头单位:县教体局)\n二、健康\n■免费体检10万人次。(牵头单位:县卫健委)`);
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.map((c) => c.tasks.map((t) => [t.no, t.title]))).toEqual([[[1, '新建公办幼儿园8所'], [2, '改造校舍2万平方米']], [[3, '免费体检10万人次']]]);
    expect(r.review.map((x) => x.reason)).toContain('通知中的3个项目没有编号,已按出现顺序编为任务1–3,请核对。');
    const numbered = parseNoticeText(`${HEAD}一、教育\n1.学前教育提升。\n●新建公办幼儿园8所;\n●新增学位900个。\n(牵头单位:县教体局)`);
    expect(numbered.plan.categories[0]!.tasks.map((t) => [t.no, t.indicators.map((i) => i.target)])).toEqual([[1, [8, 900]]]);
  });
});

describe('parseNoticeText: units named on a category\u2019s heading', () => {
  it('are those of each task under it that names no lead of its own; a task\u2019s own units stand', () => {
    const r = parseNoticeText(`${HEAD}一、教育(牵头单位:县教体局;配合单位:县财政局)\n1.新建公办幼儿园8所。\n2.改造校舍2万平方米。(配合单位:县住建局)\n3.新建学校食堂5个。(牵头单位:县市场监管局)\n二、健康\n4.免费体检10万人次。(牵头单位:县卫健委)`);
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.map((c) => [c.name, c.tasks.map((t) => [t.no, t.leadUnits, t.coUnits])])).toEqual([
      ['教育', [[1, ['县教体局'], ['县财政局']], [2, ['县教体局'], ['县住建局']], [3, ['县市场监管局'], []]]],
      ['健康', [[4, ['县卫健委'], []]]],
    ]);
    expect(r.review.map((x) => x.reason)).toContain('类别「教育」的标题写明了责任单位,其下2项没有写牵头单位的任务(任务1、2)按标题的单位读取,请核对。');
  });
});

describe('parseNoticeText: a category that counts its items', () => {
  it('leaves 就业创业(2项) its name, and asks where the count and the tasks read under it differ', () => {
    const r = parseNoticeText(`${HEAD}一、就业创业(2项)\n1.新增城镇就业8000人。(牵头单位:县人社局)\n2.开展技能培训1.5万人次。(牵头单位:县人社局)\n二、教育事业(共三项)\n3.新建幼儿园5所。(牵头单位:县教体局)`);
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.map((c) => [c.name, c.tasks.length])).toEqual([['就业创业', 2], ['教育事业', 1]]);
    expect(r.review.filter((x) => x.reason.includes('类别')).map((x) => x.reason)).toEqual([
      expect.stringMatching(/^第\d+行类别「教育事业」写明三项,其下读到1项任务,请核对是否漏读或多读。$/),
    ]);
  });
});

describe('parseNoticeText: notices that count each category\u2019s tasks from 1', () => {
  const numbered = (body: string) => {
    const r = parseNoticeText(`2021年全市民生实事项目\n市人民政府\n2021年2月1日\n${body}`);
    return { tasks: r.plan.categories.map((c) => [c.name, c.tasks.map((t) => [t.no, t.title])]), review: r.review.map((x) => x.reason), errors: r.errors.map((e) => e.message) };
  };

  it('numbers the tasks in order, across categories, and asks a person to confirm', () => {
    const r = numbered('一、教育\n1.新建公办幼儿园12所。(牵头单位:市教育局)\n2.改造校舍5万平方米。(牵头单位:市教育局)\n二、养老\n1.新增养老床位500张 。(牵头单位:市民政局)\n2.65岁以上老人免费体检20万人次。(牵头单位:市卫健委)');
    expect(r.errors).toEqual([]);
    expect(r.tasks).toEqual([
      ['教育', [[1, '新建公办幼儿园12所'], [2, '改造校舍5万平方米']]],
      ['养老', [[3, '新增养老床位500张'], [4, '65岁以上老人免费体检20万人次']]],
    ]);
    expect(r.review).toContain('通知中每个类别的任务都从1重新编号,已按出现顺序统一编为任务1–4,请核对。');
  });

  it('reads "1.65岁以上…" at a category\u2019s start as its task 1, not the figure 1.65', () => {
    const r = numbered('一、教育\n1.新建公办幼儿园12所。(牵头单位:市教育局)\n二、健康\n1.65岁以上老人免费体检20万人次。(牵头单位:市卫健委)');
    expect(r.tasks).toEqual([['教育', [[1, '新建公办幼儿园12所']]], ['健康', [[2, '65岁以上老人免费体检20万人次']]]]);
  });

  it('keeps a number printed twice as an error where the categories do not each count from 1', () => {
    const r = numbered('一、教育\n1.新建公办幼儿园12所。(牵头单位:市教育局)\n2.改造校舍5万平方米。(牵头单位:市教育局)\n二、养老\n2.新增养老床位500张。(牵头单位:市民政局)');
    expect(r.errors).toEqual(['任务序号 2 重复(第6行已有),请检查编号。']);
    expect(r.review.some((x) => x.includes('重新编号'))).toBe(false);
  });
});

describe('parseNoticeText: the plan year when the title has none', () => {
  const notice = (date: string, body: string) => parseNoticeText(`县人民政府关于印发全县民生实事工作计划的通知\n县人民政府\n${date}\n一、民生\n${body}`);
  const yearReview = (r: ReturnType<typeof parseNoticeText>) => r.review.filter((x) => x.reason.startsWith('标题没有写年份')).map((x) => x.reason);

  it('takes the year the tasks speak of over a December signing date, and asks a person', () => {
    const r = notice('二〇二〇年十二月二十八日', '1.甲。2021年新建学校4所。(牵头单位:县教体局)\n2.乙。在2020年签约10万人的基础上,2021年签约13万人。(牵头单位:县卫健委)');
    expect(r.plan.year).toBe(2021);
    expect(yearReview(r)).toEqual(['标题没有写年份;印发日期是2020年,正文中写的多是2021年,已按2021年作为计划年度,请核对。']);
  });

  it('keeps the signing year where the text speaks of it (in a task or the notice’s head), and asks where it speaks of no year', () => {
    const same = notice('2021年3月1日', '1.甲。2021年新建学校4所。(牵头单位:县教体局)');
    expect([same.plan.year, yearReview(same)]).toEqual([2021, []]);
    const head = parseNoticeText('关于印发2022年县政府十件民生实事的通知\n县人民政府\n2021年12月30日\n一、民生\n1.甲。新建学校4所。(牵头单位:县教体局)');
    expect(head.plan.year).toBe(2022);
    const none = notice('2021年3月1日', '1.甲。新建学校4所。(牵头单位:县教体局)');
    expect([none.plan.year, yearReview(none)]).toEqual([2021, ['标题没有写年份,正文中也没有写年份,已按印发日期定为2021年,请核对。']]);
  });

  it('counts no baseline year (较2021年, 在2021年的基础上) as the year the tasks speak of', () => {
    const r = notice('2021年12月30日', '1.甲。2022年新建学校4所,较2021年增加诊室40间。(牵头单位:县教体局)\n2.乙。在2021年的基础上新增托位10个。(牵头单位:县卫健委)');
    expect(r.plan.year).toBe(2022);
  });

  it('asks about a figure set in another year than the plan’s, but not about a baseline year', () => {
    const r = parseNoticeText(`${HEAD}1.甲。到2023年,学校标准化率达到100%;较2019年增加诊室40间;2021年6月底前建成投用。(牵头责任单位:县教体局)`);
    expect(r.review.filter((x) => x.reason.includes('不是计划年度')).map((x) => [x.indicator, x.reason])).toEqual([
      [1, '「学校标准化率达到100%」所在句写的是2023年,不是计划年度2020年,请确认它是否本年度的指标。'],
      [3, '「2021年6月底前建成投用」有完成时限但没有数量,按节点类(6月底前完成1项)提出,请确认。它写的是2021年,不是计划年度2020年。'],
    ]);
  });

  it.each([
    ['城市生活垃圾无害化处理率保持100%。', '城市生活垃圾无害化处理率'],
    ['城乡居民医保参保率维持在95%以上。', '城乡居民医保参保率'],
    ['学前三年毛入园率提升至92%。', '学前三年毛入园率'],
    ['养老机构护理型床位占比增加到55%。', '养老机构护理型床位占比'],
    ['(1)新建幼儿园5所。', '新建幼儿园'],
  ])('names 「%s」 without the verb before its figure', (sentence, name) => {
    expect(indicatorsOf(sentence).map((i) => i.name)).toEqual([name]);
  });

  it('names the figure after 其中 without it', () => {
    expect(indicatorsOf('新增停车位2000个以上,其中公共停车位不少于800个。').map((i) => i.name)).toEqual(['新增停车位', '公共停车位']);
  });

  it('reads 2020年底前 as a deadline in December, not as a bare year', () => {
    const [i] = indicatorsOf('2020年底前完成投资3.5亿元。');
    expect([i!.name, i!.kind, i!.deadline]).toEqual(['投资', 'milestone', 12]);
  });
});

describe('parseNoticeText: what makes a plan unusable', () => {
  it('names no tasks found', () => {
    expect(parseNoticeText('2020年全县民生工作要点\n请各单位认真落实。', { fileName: '要点.txt' }).errors).toEqual([
      { where: '要点.txt', message: '没有找到任何编号的工作任务(如“1.”“(一)”开头的段落)。请确认选择的是工作要点或计划的正文。' },
    ]);
  });

  it('names a task with no lead unit, and duplicate task numbers, by task and line', () => {
    const { errors } = parseNoticeText(`${HEAD}1.甲。(牵头责任单位:县民政局)\n2.乙。开展培训250人。\n2.丙。(牵头责任单位:县人社局)`);
    expect(errors).toEqual([
      { where: '任务2(第3行)', message: '任务2没有牵头单位。请在该任务后写明“牵头责任单位:××”或“责任单位:××、××”。' },
      { where: '任务2(第4行)', message: '任务序号 2 重复(第3行已有),请检查编号。' },
    ]);
  });

  it('names a target that cannot be read', () => {
    const { errors } = parseNoticeText(`${HEAD}1.甲。建设示范园5-2家。(牵头责任单位:县民政局)`);
    expect(errors).toEqual([{ where: '任务1(第2行)', message: '「建设示范园5-2家」的范围下限大于上限,无法读出目标。' }]);
  });

  it('names a notice with no year at all', () => {
    const { errors } = parseNoticeText('全县民生工作要点\n1.甲。(牵头责任单位:县民政局)');
    expect(errors.map((e) => e.where)).toEqual(['标题']);
  });
});
