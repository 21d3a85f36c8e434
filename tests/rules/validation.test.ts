import { describe, expect, it } from 'vitest';
import { blockingIssues, validateTaskEntry, type IndicatorEntry, type TaskEntry } from '../../shared/rules/validation';

const indicator = (over: Partial<IndicatorEntry> = {}): IndicatorEntry => ({
  no: 1, name: '技能脱贫培训', comparator: '>=', target: 250, targetMax: null, unit: '人', additive: true, kind: 'cumulative', deadline: null,
  value: 125, previous: 100, note: '', ...over,
});

const entry = (over: Partial<TaskEntry> = {}): TaskEntry => ({
  taskNo: 1, taskTitle: '实施技工大省技能培训工程', role: 'lead', status: '推进中',
  progress: '已开展培训', problems: '', nextSteps: '', fundsPlanned: null, fundsAvailable: null, fundsSpent: null,
  phone: '', explanation: '', indicators: [indicator()], ...over,
});

const codes = (e: TaskEntry, month = 6, mode: 'save' | 'export' = 'save') =>
  validateTaskEntry(e, month, mode).map((i) => `${i.level}:${i.code}`);

describe('errors block saving', () => {
  it.each([
    ['a negative value', entry({ indicators: [indicator({ value: -1 })] }), 'error:NEGATIVE'],
    ['a cumulative value below last period without explanation', entry({ indicators: [indicator({ value: 90, previous: 100 })] }), 'error:BELOW_PREVIOUS'],
    ['spent more than available', entry({ fundsPlanned: 100, fundsAvailable: 50, fundsSpent: 60 }), 'error:FUNDS_SPENT_OVER_AVAILABLE'],
    ['available more than planned', entry({ fundsPlanned: 100, fundsAvailable: 150, fundsSpent: 10 }), 'error:FUNDS_AVAILABLE_OVER_PLANNED'],
    ['negative funds', entry({ fundsPlanned: -1 }), 'error:FUNDS_NEGATIVE'],
    ['a phone with letters', entry({ phone: 'abc123' }), 'error:BAD_PHONE'],
  ])('%s', (_n, e, code) => expect(codes(e)).toContain(code));

  it('a drop with an explanation goes through', () => {
    expect(codes(entry({ indicators: [indicator({ value: 90, previous: 100, note: '核减重复统计10人' })] }))).not.toContain('error:BELOW_PREVIOUS');
  });

  it('a level or a growth rate may go down; a cumulative figure or a milestone may not', () => {
    const rate = indicator({ name: '参保率', unit: '%', target: 95, additive: false, kind: 'level', value: 93, previous: 94 });
    expect(codes(entry({ indicators: [rate] }), 12)).not.toContain('error:BELOW_PREVIOUS');
    const growth = indicator({ name: '人均可支配收入增长', unit: '%', comparator: '~', target: 9, additive: false, kind: 'growth', value: 5, previous: 6 });
    expect(codes(entry({ indicators: [growth] }), 12)).not.toContain('error:BELOW_PREVIOUS');
    const milestone = indicator({ name: '建成示范园', unit: '个', target: 2, kind: 'milestone', deadline: 6, value: 1, previous: 2 });
    expect(codes(entry({ indicators: [milestone] }), 12)).toContain('error:BELOW_PREVIOUS');
  });

  it('a growth rate may be negative (a decline); nothing else may', () => {
    const growth = indicator({ name: '收入增长', unit: '%', target: 9, additive: false, kind: 'growth', value: -1.5, previous: null });
    expect(codes(entry({ indicators: [growth] }))).not.toContain('error:NEGATIVE');
    expect(codes(entry({ indicators: [indicator({ kind: 'level', additive: false, value: -1.5, previous: null })] }))).toContain('error:NEGATIVE');
  });

  it('messages use the words of the kind: 当前值 for a level, 增幅 for growth, 完成情况 for a milestone', () => {
    const level = indicator({ name: '参保率', unit: '%', target: 95, additive: false, kind: 'level', value: -1 });
    expect(validateTaskEntry(entry({ indicators: [level] }), 6)[0]!.message).toContain('「当前值」不能为负数');
    const growth = indicator({ name: '收入增长', unit: '%', target: 9, additive: false, kind: 'growth', value: null });
    expect(validateTaskEntry(entry({ indicators: [growth] }), 6, 'export')[0]!.message).toContain('「增幅」还没有填写');
    const milestone = indicator({ name: '示范园', unit: '个', target: 2, kind: 'milestone', deadline: 6, value: 1, previous: 2 });
    const [issue] = validateTaskEntry(entry({ indicators: [milestone] }), 6);
    expect(issue!.message).toContain('「完成情况」1个低于上期完成情况 2个');
  });

  it('messages name the task, the indicator and the field in plain Chinese', () => {
    const [issue] = validateTaskEntry(entry({ indicators: [indicator({ value: 90, previous: 100 })] }), 6);
    expect(issue!.message).toContain('任务1「实施技工大省技能培训工程」');
    expect(issue!.message).toContain('指标「技能脱贫培训」');
    expect(issue!.message).toContain('「累计完成」');
    expect(issue!.message).toContain('上期累计 100人');
    expect(issue).toMatchObject({ taskNo: 1, indicatorNo: 1, field: 'value' });
  });
});

describe('warnings ask for an explanation', () => {
  it('over 3× the target', () => {
    const issues = validateTaskEntry(entry({ indicators: [indicator({ value: 800 })] }), 6);
    expect(issues.map((i) => i.code)).toContain('OVER_3X_TARGET');
    expect(blockingIssues(issues)).toHaveLength(1);
    const explained = validateTaskEntry(entry({ indicators: [indicator({ value: 800, note: '含跨年度培训人数' })] }), 6);
    expect(explained.find((i) => i.code === 'OVER_3X_TARGET')?.explained).toBe(true);
    expect(blockingIssues(explained)).toHaveLength(0);
  });

  it('a fraction typed for a percentage (0.95 for 95%, 0.32 against a 30% ceiling) asks for a word; 96 or a small target does not', () => {
    const rate = indicator({ kind: 'level', comparator: '>=', target: 95, unit: '%', value: 0.95, previous: null });
    const issues = validateTaskEntry(entry({ indicators: [rate] }), 6);
    expect(issues.find((i) => i.code === 'FRACTION_FOR_PERCENT')?.message).toMatch(/填的是 0\.95%,目标是 95%.*95% 应填 95/);
    expect(codes(entry({ indicators: [{ ...rate, comparator: '<=', target: 30, value: 0.32 }] }))).toContain('warning:FRACTION_FOR_PERCENT');
    expect(codes(entry({ indicators: [{ ...rate, value: 96 }] }))).not.toContain('warning:FRACTION_FOR_PERCENT');
    expect(codes(entry({ indicators: [{ ...rate, target: 2, value: 0.5 }] }))).not.toContain('warning:FRACTION_FOR_PERCENT');
    expect(validateTaskEntry(entry({ indicators: [{ ...rate, note: '确为0.95%' }] }), 6).find((i) => i.code === 'FRACTION_FOR_PERCENT')?.explained).toBe(true);
  });

  it('people counted in a fraction (125.5人) ask for a word; a level (3.2人 per thousand) or 公里 does not; beyond a thousand trillion is an error', () => {
    const people = indicator({ value: 125.5 });
    const issues = validateTaskEntry(entry({ indicators: [people] }), 6);
    expect(issues.find((i) => i.code === 'FRACTION_OF_WHOLE')).toMatchObject({ level: 'warning', explained: false, message: expect.stringContaining('填的是 125.5人,「人」按整数计') });
    expect(validateTaskEntry(entry({ indicators: [{ ...people, note: '含半年期培训折算' }] }), 6).find((i) => i.code === 'FRACTION_OF_WHOLE')?.explained).toBe(true);
    expect(codes(entry({ indicators: [indicator({ name: '每千人口执业医师数', kind: 'level', additive: false, target: 3, value: 3.2 })] }))).not.toContain('warning:FRACTION_OF_WHOLE');
    expect(codes(entry({ indicators: [indicator({ name: '改造管网', unit: '公里', value: 12.5 })] }))).not.toContain('warning:FRACTION_OF_WHOLE');
    expect(codes(entry({ indicators: [indicator({ value: 1e16, note: '确实如此' })] }))).toContain('error:TOO_BIG');
  });

  it('a range uses its upper bound for 3×', () => {
    const r = indicator({ comparator: 'range', target: 1, targetMax: 2, value: 5 });
    expect(codes(entry({ indicators: [r] }))).not.toContain('warning:OVER_3X_TARGET');
    expect(codes(entry({ indicators: [{ ...r, value: 7 }] }))).toContain('warning:OVER_3X_TARGET');
  });

  it('behind 序时进度 with problems or next steps empty', () => {
    const behind = entry({ indicators: [indicator({ value: 50, previous: 40 })] }); // 20% at month 6
    expect(codes(behind)).toContain('warning:BEHIND_NO_PLAN');
    expect(codes({ ...behind, problems: '资金未到位', nextSteps: '加快拨付' })).not.toContain('warning:BEHIND_NO_PLAN');
    expect(blockingIssues(validateTaskEntry({ ...behind, explanation: '培训集中在下半年' }, 6))).toHaveLength(0);
    // A cooperating unit's 20% is its part of the lead's figure: not behind the whole target, nothing to explain.
    expect(codes({ ...behind, role: 'co' })).not.toContain('warning:BEHIND_NO_PLAN');
  });

  it('on schedule needs no problems or next steps', () => {
    expect(codes(entry({ indicators: [indicator({ value: 130 })] }))).toEqual([]);
  });
});

describe('export needs a complete lead report', () => {
  it('a missing value blocks export of a lead task but not a draft save', () => {
    const e = entry({ indicators: [indicator({ value: null })] });
    expect(codes(e, 6, 'save')).toEqual([]);
    expect(codes(e, 6, 'export')).toContain('error:MISSING_VALUE');
  });

  it('a cooperating unit need not give values', () => {
    expect(codes(entry({ role: 'co', indicators: [indicator({ value: null })] }), 6, 'export')).toEqual([]);
  });

  it('a task with no indicator still needs a status', () => {
    expect(codes(entry({ indicators: [], status: null }), 6, 'export')).toContain('error:MISSING_STATUS');
    expect(codes(entry({ indicators: [], status: '推进中' }), 6, 'export')).toEqual([]);
  });
});
