/**
 * China's public holidays and 调休 working days, from the chinese-days package (its per-year data,
 * kept up to date by its maintainers from the State Council's notices), as the WorkCalendar the
 * due-date rule (shared/rules/deadlines.ts) takes.
 */
import { createRequire } from 'node:module';
import type { WorkCalendar } from '../../shared/rules/deadlines';

interface ChineseDaysData {
  /** date → "English name,中文名,days" */
  readonly holidays: Readonly<Record<string, string>>;
  readonly workdays: Readonly<Record<string, string>>;
}

/** The Chinese name inside "National Day,国庆节,3". */
function chineseName(entry: string): string {
  return entry.split(',')[1]?.trim() || entry;
}

function load(): WorkCalendar {
  // Read as data, not bundled: a newer chinese-days in node_modules brings its new years with it.
  const require = createRequire(import.meta.url);
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  const { version } = require('chinese-days/package.json') as { version: string };
  const rename = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([d, e]) => [d, chineseName(e)]));
  const years = Object.keys(data.holidays).map((d) => Number(d.slice(0, 4)));
  return {
    source: `chinese-days ${version}`,
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
    holidays: rename(data.holidays),
    workdays: rename(data.workdays),
  };
}

let loaded: WorkCalendar | null = null;

/**
 * The holiday calendar of this build, read once.
 * @example nextWorkingDay(workCalendar(), '2019-10-05').on // '2019-10-08'
 */
export function workCalendar(): WorkCalendar {
  loaded ??= load();
  return loaded;
}
