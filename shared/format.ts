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
