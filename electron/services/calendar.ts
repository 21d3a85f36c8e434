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

/**
 * date → the Chinese name inside "National Day,国庆节,3" (the entry itself when it has none). A plain loop:
 * entries, split and fromEntries over its 770 dates took 12 ms of every command's start (docs/performance.md).
 */
function chineseNames(m: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [date, entry] of Object.entries(m)) {
    const first = entry.indexOf(',');
    const second = first < 0 ? -1 : entry.indexOf(',', first + 1);
    out[date] = (first < 0 ? '' : entry.slice(first + 1, second < 0 ? undefined : second).trim()) || entry;
  }
  return out;
}

function load(): WorkCalendar {
  // Read as data, not bundled: a newer chinese-days in node_modules brings its new years with it.
  const require = createRequire(import.meta.url);
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  const { version } = require('chinese-days/package.json') as { version: string };
  const years = Object.keys(data.holidays).map((d) => Number(d.slice(0, 4)));
  return {
    source: `chinese-days ${version}`,
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
    holidays: chineseNames(data.holidays),
    workdays: chineseNames(data.workdays),
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
