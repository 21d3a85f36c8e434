import { VALUE_WORDS, type IndicatorFields } from './domain';
import { isCeiling, pointWord } from './rules/progress';

/**
 * How figures are printed everywhere (CLI, packages, bulletin, UI): one place, so a percentage
 * reads the same on every screen and paper.
 * @example percent(0.5) // '50.0%'
 */
export function percent(x: number | null | undefined, empty = '—', digits = 1): string {
  return x === null || x === undefined ? empty : `${(x * 100).toFixed(digits)}%`;
}

/**
 * An indicator's target figure as packages, the command line and the bulletin print it: a range
 * as "low-high", any other target as its number (the comparator is worded by each).
 * @example targetFigure({ comparator: 'range', target: 95, targetMax: 100 }) // '95-100'
 */
export function targetFigure(i: { readonly comparator: string; readonly target: number; readonly targetMax: number | null }): string {
  return i.comparator === 'range' ? `${i.target}-${i.targetMax ?? ''}` : String(i.target);
}

/** The fields that decide how an indicator's figures are worded. */
export type WordedIndicator = Pick<IndicatorFields, 'kind' | 'comparator' | 'unit' | 'deadline'>;

/**
 * A milestone's deadline as the plan's documents write it.
 * @example deadlineText(6) // '6月底前'
 */
export function deadlineText(deadline: number | null): string {
  return `${deadline ?? 12}月底前`;
}

/**
 * What an indicator's value is called where one table holds several kinds: 累计完成, 当前值, 增幅, and
 * for a milestone 完成情况 with its deadline.
 * @example valueWord({ kind: 'milestone', deadline: 6, … }) // '完成情况(6月底前)'
 */
export function valueWord(i: Pick<WordedIndicator, 'kind' | 'deadline'>): string {
  const word = VALUE_WORDS[i.kind].value;
  return i.kind === 'milestone' ? `${word}(${deadlineText(i.deadline)})` : word;
}

/**
 * What a 序时进度 column says of an indicator the month does not scale, or null for one it does (a
 * cumulative target: the column shows m/12). A level or growth figure is held to its 目标值 all year, a
 * milestone to its deadline, and a ceiling has no schedule (it is met while under the limit).
 * @example scheduleWord({ kind: 'level', comparator: '>=', … }) // '目标值'
 */
export function scheduleWord(i: WordedIndicator): string | null {
  if (isCeiling(i)) return '—';
  switch (i.kind) {
    case 'cumulative': return null;
    case 'level': case 'growth': return '目标值';
    case 'milestone': return deadlineText(i.deadline);
  }
}

/**
 * How 超欠进度 (gapPoints) is worded for a cumulative, level or growth indicator: the words ahead of,
 * behind and even with what is due, and what follows the figure (null: no figure is shown). A
 * cumulative figure is judged against 序时进度; a level or growth figure against its target, in
 * percentage (or per-mille) points where the figure is itself a rate, else in per cent of the target.
 * The workbook builds its number formats from these same words, so screen and paper read alike.
 */
export interface GapWords {
  readonly ahead: string;
  readonly behind: string;
  readonly even: string;
  readonly unit: string | null;
}

export function gapWords(i: Pick<WordedIndicator, 'kind' | 'comparator' | 'unit'> & { readonly target?: number }): GapWords {
  const points = pointWord(i.unit) ?? '%';
  const ceiling = isCeiling(i);
  switch (i.kind) {
    case 'cumulative':
    case 'milestone':
      // A cumulative ceiling is 0 while met and negative by its completion once over: no figure reads right.
      return ceiling
        ? { ahead: '未超上限', behind: '超出上限', even: '未超上限', unit: null }
        : { ahead: '超序时进度', behind: '落后序时进度', even: '与序时进度持平', unit: '个百分点' };
    case 'level':
    case 'growth':
      return ceiling
        ? { ahead: '低于上限', behind: '超出上限', even: '等于上限', unit: points }
        : { ahead: '高于目标', behind: '低于目标', even: '达到目标', unit: points };
  }
}

/**
 * 超欠进度 in words, the same on the screen, in the workbook, the bulletin and the command line: a
 * milestone by its state (已完成, 未到时限, 逾期未完成), any other kind by gapWords; an approximate
 * target reached a little under it reads 基本达到目标(差1.0个百分点).
 * @example gapText({ kind: 'level', comparator: '>=', unit: '%', deadline: null, completion: 0.98, gapPoints: -2 }) // '低于目标2.0个百分点'
 */
export function gapText(i: WordedIndicator & { readonly completion: number | null; readonly gapPoints: number | null }): string {
  const g = i.gapPoints;
  if (g === null) return '—';
  if (i.kind === 'milestone' && i.comparator !== '<=') {
    if ((i.completion ?? 0) >= 1) return '已完成';
    return g < 0 ? `逾期未完成(${deadlineText(i.deadline)})` : `未到时限(${deadlineText(i.deadline)})`;
  }
  const w = gapWords(i);
  const figure = w.unit === null ? '' : `${Math.abs(g).toFixed(1)}${w.unit}`;
  // 约/左右: a little under the target still reaches it.
  if (g < 0 && (i.completion ?? 0) >= 1) return `基本${w.even}(差${figure})`;
  return g > 0 ? `${w.ahead}${figure}` : g < 0 ? `${w.behind}${figure}` : w.even;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A date as the screens and messages write it, without the year; '—' for none.
 * @example shortDate('2019-08-05') // '8月5日'
 */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const [, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${m}月${d}日`;
}

/**
 * A local calendar date, YYYY-MM-DD (due dates and received dates are local dates), and with
 * `time` the local time after it: 'minutes' → HH:mm, 'seconds' → HH:mm:ss.
 * @example localDate(new Date(2019, 6, 5, 9, 3)) // '2019-07-05'; with 'minutes' '2019-07-05 09:03'
 */
export function localDate(d: Date, time?: 'minutes' | 'seconds'): string {
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  if (!time) return date;
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return `${date} ${time === 'seconds' ? `${hm}:${pad2(d.getSeconds())}` : hm}`;
}

/**
 * Characters that act instead of showing: C0 and C1 controls (ESC starts an ANSI sequence, CR
 * rewrites a line), and the invisible ones that reorder or hide text (bidi overrides, zero-width).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Text from outside this computer (a file name, a package's fields) made harmless to print on a
 * terminal or a screen: every character that would act instead of showing is written as a visible
 * `\uXXXX` (the JSON escape, so printed JSON stays valid JSON). `lines` keeps line breaks, for
 * output that is several lines of our own.
 * @example printable('a\u001b[2Jb') // 'a\\u001B[2Jb'
 */
export function printable(text: string, keep: 'lines' | 'nothing' = 'nothing'): string {
  return text.replace(UNPRINTABLE, (ch) => (keep === 'lines' && ch === '\n' ? ch : `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`));
}

/**
 * Characters that show as nothing, or change how the text around them shows: controls (Cc), format characters
 * (Cf: zero-width space, joiner and non-joiner, BOM, soft hyphen, the bidi controls U+202A–202E and U+2066–2069
 * …), line and paragraph separators, the fillers and variation selectors that print blank, and U+2065 (unassigned,
 * amid the bidi isolates): every character `printable` escapes, and more.
 */
// eslint-disable-next-line no-misleading-character-class -- each is matched alone (tested on single characters): a combining one is the point
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u2065\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0]/u;

/**
 * Where a name holds a character that cannot be seen (INVISIBLE): its position, counting characters from 1, and
 * its code; null when none. Two names that look the same must be the same name.
 * @example invisibleAt('郎溪县\u200b') // { position: 4, code: 'U+200B' }
 */
function invisibleAt(name: string): { readonly position: number; readonly code: string } | null {
  const chars = Array.from(name);
  const k = chars.findIndex((c) => INVISIBLE.test(c));
  if (k < 0) return null;
  return { position: k + 1, code: `U+${chars[k]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
}

/** invisibleAt in words, for a refusal: 第4个字符是看不见的字符(U+200B,…). */
export function invisibleWords(name: string): string | null {
  const at = invisibleAt(name);
  return at && `第${at.position}个字符是看不见的字符(${at.code};控制字符或格式字符,如零宽空格、方向控制符),请删除后重新输入`;
}

/**
 * The form two names are compared in: NFKC, so a name typed with full-width letters or digits (ＡＢ１) is the
 * same name as with half-width ones (AB1).
 * @example sameName('２号片区', '2号片区') // true
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC');
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** Longest office name: it is signed into every package the office sends and printed on their covers. */
export const OFFICE_NAME_MAX = 50;

/**
 * What is wrong with an office name (as `ledger init --office` and the settings page take it, trimmed),
 * or null. Plain, not a zod schema: the command line checks it without loading the typed API.
 * @example officeNameProblem('郎溪县民生工作办公室') // null
 */
export function officeNameProblem(name: string): string | null {
  if (name.length === 0) return '汇总单位名称不能为空';
  if (name.length > OFFICE_NAME_MAX) return `汇总单位名称最多 ${OFFICE_NAME_MAX} 个字`;
  const invisible = invisibleWords(name);
  if (invisible) return `汇总单位名称的${invisible}`;
  return null;
}

/**
 * What a refusal of a package addressed to another office says of the two names: that they are the same only when
 * they are (two offices may keep one default name); otherwise nothing, the names speak for themselves.
 * @example namesAlike('市民生工作办公室', '市民生工作办公室') + '不是同一个汇总端' // '即使名称相同,也不是同一个汇总端'
 */
export function namesAlike(to: string, ours: string): string {
  return to.trim() === ours.trim() ? '即使名称相同,也' : '';
}
