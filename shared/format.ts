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

const pad2 = (n: number) => String(n).padStart(2, '0');

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
