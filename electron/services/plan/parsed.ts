/** What every plan reader answers when a file gives no plan at all. */
import type { PlanDef } from '../../../shared/domain';
import type { ParsedPlan, PlanProblem } from '../../../shared/plan';

/** The plan of a file that gave none: only its problems count. */
export const EMPTY_PLAN: PlanDef = {
  id: '', year: 0, title: '', issuedOn: '', issuer: '', revision: 1, frequency: 'monthly', categories: [], units: [],
};

/**
 * A parse that found no usable plan, only its problems.
 * @example return noPlan([{ where: '要点.xlsx', message: '不是 Excel 工作簿(.xlsx)' }])
 */
export function noPlan(errors: readonly PlanProblem[]): ParsedPlan {
  return { plan: EMPTY_PLAN, review: [], errors };
}
