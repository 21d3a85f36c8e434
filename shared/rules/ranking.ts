/**
 * Rankings as bulletins print them: standard competition ranking ("1224"). Ties share a place and
 * the places they take up are skipped, so the unit after two second places is fourth.
 * Pure TypeScript, shared by the summary workbook and the renderer.
 */

/** A place (1-based), or null when the item is not ranked (shown as —). */
export type Rank = number | null;

export interface RankOptions {
  /** 'desc' (default): the highest score is first. */
  readonly order?: 'desc' | 'asc';
  /**
   * Scores are compared after rounding to this many decimals, so values that print the same
   * rank the same and floating-point noise (0.1 + 0.2) never splits a tie. Default 9.
   */
  readonly decimals?: number;
}

/**
 * Competition ranks of scores, in the order given; null (or non-finite) scores are unranked.
 * @example competitionRanks([0.9, 0.5, 0.5, 0.2]) // [1, 2, 2, 4]
 */
export function competitionRanks(scores: readonly (number | null)[], opts: RankOptions = {}): Rank[] {
  const scale = 10 ** (opts.decimals ?? 9);
  const sign = opts.order === 'asc' ? -1 : 1;
  const keys = scores.map((s) => (s === null || !Number.isFinite(s) ? null : sign * Math.round(s * scale)));
  return keys.map((k) => {
    if (k === null) return null;
    let better = 0;
    for (const other of keys) if (other !== null && other > k) better++;
    return better + 1;
  });
}

/**
 * Units are ranked by completion as printed: 0.1 of a percentage point, i.e. three decimals of
 * the 0…1 fraction. Two units both shown as 52.9% share a place.
 */
export const COMPLETION_RANK_DECIMALS = 3;

/**
 * Ranks of units by completion, highest first, in the order given. A unit with no lead task, or
 * whose lead tasks carry no number (completion null), is not ranked.
 * @example rankUnitsByCompletion([{ leadTasks: 2, completion: 0.6 }, { leadTasks: 0, completion: null }]) // [1, null]
 */
export function rankUnitsByCompletion(
  units: readonly { readonly leadTasks: number; readonly completion: number | null }[],
): Rank[] {
  return competitionRanks(
    units.map((u) => (u.leadTasks > 0 ? u.completion : null)),
    { order: 'desc', decimals: COMPLETION_RANK_DECIMALS },
  );
}

/** How a rank is printed: the number, or — for an unranked item. */
export function rankLabel(rank: Rank): string {
  return rank === null ? '—' : String(rank);
}

/**
 * Ranks of subordinate offices by completion against their quotas, highest first, in the order given; an office
 * that owes nothing this period is not ranked.
 * @example rankOfficesByCompletion([{ due: 3, completion: 0.4 }, { due: 3, completion: 0 }]) // [1, 2]
 */
export function rankOfficesByCompletion(offices: readonly { readonly due: number; readonly completion: number | null }[]): Rank[] {
  return rankUnitsByCompletion(offices.map((o) => ({ leadTasks: o.due, completion: o.completion })));
}
