/**
 * What a 任务包 carries in its signed `data` (docs/package-format.md §10): the plan, the periods, the unit and
 * the office. Apart from package-data.ts because it brings the plan's schema: an import of reports never
 * needs it and never loads it (import.ts loads this when an assignment comes).
 */
import * as z from 'zod';
import { planSchema } from '../../../shared/plan';

export const assignmentDataSchema = z.strictObject({
  plan: planSchema,
  periods: z.array(z.strictObject({ period: z.string().regex(/^\d{4}-\d{2}$/), dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })).max(120),
  unit: z.string().min(1).max(100),
  office: z.strictObject({ name: z.string().min(1).max(200), publicKey: z.string().max(100) }),
});
export type AssignmentData = z.infer<typeof assignmentDataSchema>;
