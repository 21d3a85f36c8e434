import type { Kysely } from 'kysely';
import * as m001 from './001_initial';
import * as m002 from './002_packages';
import * as m003 from './003_indicator_kinds';
import * as m004 from './004_task_leaders';
import * as m005 from './005_plan_revisions';
import * as m006 from './006_levels';
import * as m007 from './007_rollups';
import * as m008 from './008_parent_units';
import * as m009 from './009_deadlines_returns_starts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Kysely<any>): Promise<void>;
}

/**
 * Every migration, in order, statically imported so the list survives bundling into an asar.
 * Versions only increase; PRAGMA user_version records the last one applied.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: m001.up },
  { version: 2, name: 'packages', up: m002.up },
  { version: 3, name: 'indicator kinds', up: m003.up },
  { version: 4, name: 'task leaders', up: m004.up },
  { version: 5, name: 'plan revisions', up: m005.up },
  { version: 6, name: 'subordinate offices and quotas', up: m006.up },
  { version: 7, name: 'allocations and roll-ups between offices', up: m007.up },
  { version: 8, name: 'own units of the parent office\'s units', up: m008.up },
  { version: 9, name: 'due dates by hand, returns answered and closed, units starting mid-year', up: m009.up },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
