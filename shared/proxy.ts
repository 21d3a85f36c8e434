/**
 * What a proxy entry (代填) would replace: the unit's report of the period as it came in, grouped by
 * how it came (a package revision, an earlier proxy entry, demo data), in words the clerk reads on
 * the form, in the confirm dialog and in the refusal of a save that was not confirmed. Pure TypeScript.
 */
import { shortDate } from './format';

/** One way a unit's reports of a period came in, and the tasks it holds. */
export interface PriorSubmission {
  readonly source: 'package' | 'proxy' | 'entry' | 'demo';
  /** The package revision (1 for what was not a package). */
  readonly revision: number;
  /** When the summary office received it (YYYY-MM-DD); null for a unit's own draft. */
  readonly receivedOn: string | null;
  /** Who entered it: the unit's 填报人 for a package, this office's user for a proxy entry. */
  readonly enteredBy: string;
  /** When it was written here (ISO). */
  readonly at: string;
  readonly tasks: readonly number[];
}


/**
 * One submission in words; the 填报人 only where it names more than the unit.
 * @example submissionWords({ source: 'package', revision: 1, receivedOn: '2019-10-03', enteredBy: '张三', at: '…', tasks: [6, 7] }, '市财政局')
 * // '第1版填报包(10月3日收到,填报人张三)'
 */
export function submissionWords(p: PriorSubmission, unit: string): string {
  const by = p.enteredBy && p.enteredBy !== unit ? `,填报人${p.enteredBy}` : '';
  switch (p.source) {
    case 'package': return `第${p.revision}版填报包(${shortDate(p.receivedOn)}收到${by})`;
    case 'proxy': return `汇总端代填(收到日期${shortDate(p.receivedOn)},${shortDate(p.at)}由${p.enteredBy || '汇总端'}录入)`;
    case 'demo': return `演示数据(收到日期${shortDate(p.receivedOn)})`;
    case 'entry': return `本单位填报(${shortDate(p.at)}保存)`;
  }
}

/**
 * What is already there, in one sentence per submission, naming its tasks.
 * @example priorWords('市财政局', prior) // ['市财政局本期已有:第1版填报包(10月3日收到),任务6、7(共2项)']
 */
export function priorWords(unit: string, prior: readonly PriorSubmission[]): string[] {
  return prior.map((p) => `${unit}本期已有:${submissionWords(p, unit)},任务${p.tasks.join('、')}(共${p.tasks.length}项)`);
}
