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
