/** App-wide state: who this computer is, the plan, the periods, the chosen period and page. */
import { useCallback } from 'react';
import { create } from 'zustand';
import type { AppInfo, PeriodView, PlanView, SettingsView } from '../shared/api';
import type { ReportingFrequency } from '../shared/domain';
import { localDate } from '../shared/format';
import { periodLabel } from '../shared/rules/periods';
import { call } from './api';

export type Page =
  | 'dashboard' | 'unitDetail' | 'import' | 'units' | 'periods' | 'proxy' | 'bulletin'
  | 'entry' | 'settings' | 'audit' | 'plan' | 'quotas';

export interface AppState {
  readonly info: AppInfo | null;
  readonly plan: PlanView | null;
  readonly periods: readonly PeriodView[];
  readonly settings: SettingsView | null;
  /** The period every page shows (YYYY-MM). */
  readonly period: string | null;
  readonly page: Page;
  /** Drill-down and proxy entry: the unit looked at. */
  readonly unit: string | null;
  /** Bumped after anything that changes data, so open pages reload. */
  readonly version: number;
  load(): Promise<void>;
  refreshPeriods(): Promise<void>;
  setPeriod(period: string): void;
  go(page: Page, unit?: string | null): void;
  changed(): void;
}

/** Local calendar date, YYYY-MM-DD. */
export function todayIso(): string {
  return localDate(new Date());
}

/** The period being reported now: the first begun whose due date has not passed, else the last begun. */
export function currentPeriod(periods: readonly PeriodView[], today = todayIso()): string | null {
  const begun = periods.filter((p) => p.started);
  const choices = begun.length > 0 ? begun : periods;
  return (choices.find((p) => p.dueOn >= today) ?? choices.at(-1))?.period ?? null;
}

/** The plan's reporting frequency (monthly until the plan is loaded). */
export function useFrequency(): ReportingFrequency {
  return useApp((s) => s.plan?.frequency ?? 'monthly');
}

/** Names a period as the plan does: 2019年6月, or 2019年1-6月 when it reports quarterly. */
export function usePeriodLabel(): (period: string) => string {
  const frequency = useFrequency();
  return useCallback((period: string) => periodLabel(period, frequency), [frequency]);
}

export const useApp = create<AppState>((set, get) => ({
  info: null,
  plan: null,
  periods: [],
  settings: null,
  period: null,
  page: 'dashboard',
  unit: null,
  version: 0,

  async load() {
    const info = await call('app:info', {});
    if (info.role === null) {
      set({ info, plan: null, periods: [], settings: null, period: null });
      return;
    }
    const [plan, periods, settings] = await Promise.all([call('plan:get', {}), call('periods:list', {}), call('settings:get', {})]);
    let period = get().period;
    if (!period || !periods.some((p) => p.period === period)) {
      if (info.role === 'summary') {
        // The office reads the latest period with reports; the one being reported now if none.
        period = periods.filter((p) => p.hasReports).at(-1)?.period ?? currentPeriod(periods);
      } else {
        period = currentPeriod(periods);
      }
    }
    set({
      info, plan, periods, settings, period,
      page: info.role === 'unit' && get().page === 'dashboard' ? 'entry' : get().page,
    });
  },

  async refreshPeriods() {
    set({ periods: await call('periods:list', {}) });
  },

  setPeriod(period) {
    set({ period });
  },

  go(page, unit) {
    set({ page, ...(unit !== undefined ? { unit } : {}) });
    window.scrollTo(0, 0);
  },

  changed() {
    set({ version: get().version + 1 });
    void get().refreshPeriods();
  },
}));
