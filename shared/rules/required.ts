/**
 * What a report must hold before it can be exported, per role: the one rule the entry form marks
 * (必填 / 选填) and the export enforces, so a field marked 选填 is never refused for being empty.
 * Pure TypeScript.
 */
import type { Role } from '../domain';

/** The fields whose emptiness can hold up an export. */
export type RequiredField = 'status' | 'value';

/**
 * A lead unit answers for the task: its 推进状态 and a figure for every indicator. A cooperating
 * unit reports its own contribution (协办情况) as far as it has one: nothing of it is required,
 * since its figures are part of the lead's.
 */
const REQUIRED: Readonly<Record<Role, ReadonlySet<RequiredField>>> = {
  lead: new Set<RequiredField>(['status', 'value']),
  co: new Set<RequiredField>(),
};

/**
 * Whether a field must be filled before export, for a task the unit leads or cooperates on.
 * @example isRequired('co', 'status') // false
 */
export function isRequired(role: Role, field: RequiredField): boolean {
  return REQUIRED[role].has(field);
}

/**
 * The word the form writes beside a field: 必填 or 选填.
 * @example requiredWord('lead', 'value') // '必填'
 */
export function requiredWord(role: Role, field: RequiredField): '必填' | '选填' {
  return isRequired(role, field) ? '必填' : '选填';
}
