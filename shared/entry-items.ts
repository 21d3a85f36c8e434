/**
 * The lines of an entry and a unit's opening values, as `ledger enter` / `ledger opening` read them and the
 * typed API takes them (api.ts). Apart from api.ts so that the services which check them (entry/entry.ts,
 * entry/starts.ts) do not build the whole contract's schemas: `ledger import` reaches both.
 */
import * as z from 'zod';
import { TASK_STATUSES, type TaskStatus } from './domain';

const shortText = z.string().max(4000);
const money = z.number().finite().nullable();

/** One line of an entry, as in `ledger enter`: task-level fields, or one indicator's value. */
export const entryItemSchema = z
  .object({
    task: z.number().int().positive(),
    indicator: z.number().int().positive().optional(),
    value: z.number().nullable().optional(),
    note: shortText.optional(),
    status: z.enum(TASK_STATUSES as [TaskStatus, ...TaskStatus[]]).nullable().optional(),
    progress: shortText.optional(),
    problems: shortText.optional(),
    nextSteps: shortText.optional(),
    explanation: shortText.optional(),
    fundsPlanned: money.optional(),
    fundsAvailable: money.optional(),
    fundsSpent: money.optional(),
    contact: z.string().max(100).optional(),
    phone: z.string().max(40).optional(),
  })
  .strict();

export type EntryItemInput = z.infer<typeof entryItemSchema>;

/** Opening cumulative values of a unit (上期累计 of its first period): `ledger opening --values` reads the same list. */
export const openingValuesSchema = z.array(z.object({ task: z.number().int().positive(), indicator: z.number().int().positive(), value: z.number().nullable() }).strict()).max(1000);
