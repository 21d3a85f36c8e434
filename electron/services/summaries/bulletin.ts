import { bulletinHtml, composeBulletin, type Bulletin } from '../../../shared/bulletin';
import { rankOfficesByCompletion, rankUnitsByCompletion } from '../../../shared/rules/ranking';
import { summaryByOffice } from '../levels/figures';
import { officeName, today, type Ctx } from '../context';
import { loadPeriodData, periodFigures } from './summaries';

export interface BulletinDraft {
  readonly bulletin: Bulletin;
  readonly timeProgress: number;
}

/**
 * The bulletin of a period, composed from the same summaries every other view uses; its text is
 * a draft the office edits before printing.
 * @example const { bulletin } = await draftBulletin(ctx, { period: '2019-06' });
 */
export async function draftBulletin(ctx: Ctx, opts: { period: string; date?: string }): Promise<BulletinDraft> {
  const d = await loadPeriodData(ctx, opts.period);
  const { head: h, units, tasks, headline } = periodFigures(d);
  const { offices } = await summaryByOffice(ctx, d.period.period, d);
  const officeRanks = rankOfficesByCompletion(offices);
  const bulletin = composeBulletin({
    planYear: d.plan.year,
    headline,
    units,
    ranks: rankUnitsByCompletion(units),
    tasks,
    office: await officeName(ctx),
    date: opts.date ?? today(ctx),
    // Only once an office has rolled up this period: an office that does not use 汇总包 gets no section of its seven silent counties.
    offices: offices.some((o) => o.revision !== null) ? offices.map((standing, k) => ({ standing, rank: officeRanks[k] ?? null })) : [],
    issue: h.frequency === 'quarterly' ? h.month / 3 : h.month,
  });
  return { bulletin, timeProgress: h.timeProgress };
}

/** The printable page of a (possibly edited) bulletin. */
export function renderBulletin(draft: BulletinDraft): string {
  return bulletinHtml(draft.bulletin, draft.timeProgress);
}
