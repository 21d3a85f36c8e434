/**
 * The lines of an entry and a unit's opening values, as `ledger enter` / `ledger opening` read them and the
 * typed API takes them (api.ts). Apart from api.ts so that the services which check them (entry/entry.ts,
 * entry/starts.ts) do not build the whole contract's schemas: `ledger import` reaches both.
 */
import * as z from 'zod';
import { TASK_STATUSES, type TaskStatus } from './domain';

const shortText = z.string().max(4000);
const money = z.number().finite().nullable();

/** What each field of an entry line is called on the entry form: audit lines and messages about an entry file say so. */
export const ENTRY_FIELD_WORDS = {
  task: '任务序号', indicator: '指标序号', value: '数值', note: '说明', status: '推进状态', progress: '工作进展', problems: '存在问题',
  nextSteps: '下步措施', explanation: '情况说明', fundsPlanned: '计划资金(万元)', fundsAvailable: '到位资金(万元)', fundsSpent: '支出资金(万元)',
  contact: '联系人', phone: '联系电话',
} as const;

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
