/**
 * How figures are printed everywhere (CLI, packages, bulletin, UI): one place, so a percentage
 * reads the same on every screen and paper.
 * @example percent(0.5) // '50.0%'
 */
export function percent(x: number | null | undefined, empty = '—', digits = 1): string {
  return x === null || x === undefined ? empty : `${(x * 100).toFixed(digits)}%`;
}
