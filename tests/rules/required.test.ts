/**
 * One rule for what is required: the word the entry form writes beside a field (必填/选填) and what the
 * export refuses agree, for both roles and both fields (issue 14: co-task 推进状态 was marked 选填 but
 * the export refused without it).
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain';
import { isRequired, requiredWord, type RequiredField } from '../../shared/rules/required';
import { validateTaskEntry, type TaskEntry } from '../../shared/rules/validation';

const empty = (role: Role): TaskEntry => ({
  taskNo: 3, taskTitle: '实施农民工职业技能提升工程', role, status: null,
  progress: '', problems: '', nextSteps: '', fundsPlanned: null, fundsAvailable: null, fundsSpent: null, phone: '', explanation: '',
  indicators: [{ no: 1, name: '农民工职业技能培训', comparator: '>=', target: 1000, targetMax: null, unit: '人', additive: true, kind: 'cumulative', deadline: null, value: null, previous: null, note: '' }],
});

const REFUSAL: Readonly<Record<RequiredField, string>> = { status: 'MISSING_STATUS', value: 'MISSING_VALUE' };

describe('the form\'s 必填/选填 and the export\'s refusals are one rule', () => {
  for (const role of ['lead', 'co'] as const) {
    for (const field of ['status', 'value'] as const) {
      it(`${role} ${field}: ${requiredWord(role, field)}, and the export ${isRequired(role, field) ? 'refuses' : 'lets through'} an empty one`, () => {
        const exportCodes = validateTaskEntry(empty(role), 9, 'export').map((i) => i.code);
        expect(exportCodes.includes(REFUSAL[field] as never)).toBe(isRequired(role, field));
        // A draft is never refused for what is missing: only the export is.
        expect(validateTaskEntry(empty(role), 9, 'save').map((i) => i.code)).not.toContain(REFUSAL[field]);
      });
    }
  }

  it('a lead task needs its status and every figure; a cooperating task needs neither', () => {
    expect([requiredWord('lead', 'status'), requiredWord('lead', 'value')]).toEqual(['必填', '必填']);
    expect([requiredWord('co', 'status'), requiredWord('co', 'value')]).toEqual(['选填', '选填']);
  });
});
