/**
 * Each indicator kind in its own words on the screens (issue 11), in Debian's Chromium over the loopback
 * bridge, on the demo year through June: the headline's counts of what is on schedule, the task view
 * with a level, the growth task and a cumulative task expanded, a unit's drill-down, the entry form of a
 * unit that leads rates (市医保局) and of one that leads every kind but milestones (市人社局), and the
 * threshold's line in the settings. Screenshots at 1366×768 go to tests/e2e/screenshots/kinds-*.png.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gapText, percent, valueWord } from '../../shared/format';
import { scheduleCounts, type ScheduleCounts } from '../../shared/rules/headline';
import type { TaskSummary } from '../../shared/summaries';
import type { Bridge } from '../../electron/bridge/server';
import { loadPeriodData, summaryByTask } from '../../electron/services/summaries/summaries';
import { chooseOption, type DemoOffice, menu, openDashboardOn, poll, settled, shot, startDemoOffice } from './harness';

const DAY = '2019-07-10T10:00:00';

let demo: DemoOffice;
let office: Bridge;
let browser: BrowserContext;
let tasks: TaskSummary[];
let counts: ScheduleCounts;
const pageErrors: string[] = [];

beforeAll(async () => {
  demo = await startDemoOffice({
    prefix: 'ledger-e2e-kinds-', day: DAY, through: '2019-06',
    prepare: async (s) => {
      tasks = summaryByTask(await loadPeriodData(s, '2019-06'));
      counts = scheduleCounts(tasks, 6);
    },
  });
  ({ office, browser } = demo);
}, 300_000);

afterAll(async () => {
  await demo?.close();
});

/** The office's dashboard on June. */
function openJune(): Promise<Page> {
  return openDashboardOn(browser, office, DAY, pageErrors, '2019年6月');
}

/** Scrolls an element to the middle of the window, for the picture. */
async function centre(l: Locator): Promise<void> {
  await l.evaluate((el) => (el as unknown as { scrollIntoView(o: { block: string }): void }).scrollIntoView({ block: 'center' }));
}

/** Expands a task's row in the 分任务 table and returns its expansion. */
async function expandTask(page: Page, no: number): Promise<Locator> {
  const row = page.getByTestId('task-table').locator(`tr.ant-table-row[data-row-key="${no}"]`);
  await row.locator('.ant-table-row-expand-icon').click();
  const expansion = page.getByTestId('task-table').locator(`tr.ant-table-row[data-row-key="${no}"] + tr.ant-table-expanded-row`);
  await expansion.waitFor();
  await settled(page);
  return expansion;
}

/** What an indicator's row of an expansion must read: its value word and figure, and 超欠进度 in its kind's words. */
function expectedRow(task: number, indicator: number): { word: string; gap: string } {
  const i = tasks.find((t) => t.no === task)!.indicators[indicator - 1]!;
  return { word: valueWord(i), gap: gapText(i) };
}

describe('each kind in its own words on the screens', () => {
  it('the headline counts what is on schedule as the bulletin does; the task view words a level, the growth task and a cumulative task each in its own terms', async () => {
    const S = await openJune();
    expect(counts.total).toBeGreaterThan(40);
    await poll(() => S.getByTestId('headline-on-schedule').textContent()).toContain(`${counts.onSchedule}/ ${counts.total} 项 · ${percent(counts.share)}`);
    await poll(() => S.getByTestId('headline-behind').textContent()).toBe(`未达到序时进度${counts.behind}项`);
    await shot(S, 'kinds-dashboard-headline');

    await S.getByRole('tab', { name: '分任务' }).click();
    await S.getByTestId('task-table').locator('tr.ant-table-row').first().waitFor();

    const level = await expandTask(S, 18);
    for (const k of [1, 2]) {
      const { word, gap } = expectedRow(18, k);
      expect(word).toBe('当前值');
      expect(gap).toMatch(/^(低于目标|高于目标|达到目标|基本达到目标)/);
      const row = level.locator('tr.ant-table-row').nth(k - 1);
      await poll(() => row.textContent()).toContain(word);
      await poll(() => row.getByTestId('gap-text').textContent()).toBe(gap);
      expect(await row.textContent()).toContain('水平类');
    }
    expect(await level.textContent()).not.toContain('累计');
    expect(await level.textContent()).not.toContain('序时进度');
    await centre(level);
    await shot(S, 'kinds-tasks-level');

    const growth = await expandTask(S, 5);
    const g = expectedRow(5, 1);
    expect(g.word).toBe('增幅');
    await poll(() => growth.getByTestId('gap-text').textContent()).toBe(g.gap);
    expect(await growth.textContent()).toContain('增幅类');
    expect(await growth.textContent()).not.toContain('累计');
    await centre(growth);
    await shot(S, 'kinds-tasks-growth');

    const cumulative = await expandTask(S, 24);
    for (const k of [1, 2, 3]) {
      const { word, gap } = expectedRow(24, k);
      expect(word).toBe('累计完成');
      expect(gap).toMatch(/^(落后序时进度|超序时进度|与序时进度持平)/);
      await poll(() => cumulative.locator('tr.ant-table-row').nth(k - 1).getByTestId('gap-text').textContent()).toBe(gap);
    }
    expect(await cumulative.textContent()).toContain('累计类');
    await centre(cumulative);
    await shot(S, 'kinds-tasks-cumulative');

    // One task, two kinds: the words change row by row.
    const mixed = await expandTask(S, 41);
    const sewers = mixed.locator('tr.ant-table-row').nth(0);
    const water = mixed.locator('tr.ant-table-row').nth(1);
    await poll(() => sewers.textContent()).toContain('累计完成');
    expect(await sewers.getByTestId('gap-text').textContent()).toBe(expectedRow(41, 1).gap);
    expect(await water.textContent()).toContain('当前值');
    expect(await water.getByTestId('gap-text').textContent()).toBe(expectedRow(41, 2).gap);
    await centre(mixed);
    await shot(S, 'kinds-tasks-mixed');

    // The charts set no mean completion against 序时进度: the trend draws the share on schedule.
    await S.getByRole('tab', { name: '图表' }).click();
    await S.getByTestId('chart-trend').locator('canvas').waitFor();
    await shot(S, 'kinds-dashboard-charts', true);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('a unit\'s drill-down and its entry form: 当前值/上期值 and 目标值 for its rates; 93% insured in June is 黄灯, not a share of the year', async () => {
    const S = await openJune();
    await S.getByTestId('unit-table').locator('.unit-link', { hasText: '市医保局' }).click();
    const detail = S.getByTestId('unit-detail-table');
    await detail.waitFor();
    await poll(() => detail.textContent()).toContain('当前值');
    expect(await detail.textContent()).not.toContain('累计');
    await poll(() => S.getByTestId('unit-detail').textContent()).toMatch(/达到序时进度 \d+\/6 项/);
    await shot(S, 'kinds-unit-detail-level');

    await S.getByRole('button', { name: '代填纸质报表' }).click();
    const card = S.getByTestId('task-card-18');
    await card.waitFor();
    await poll(() => S.getByTestId('value-word-18-1').textContent()).toBe('当前值');
    expect(await S.getByTestId('previous-18-1').textContent()).toMatch(/^上期值/);
    expect(await S.getByTestId('due-18-1').textContent()).toBe('目标值');
    expect(await card.textContent()).not.toContain('累计');
    await S.locator('#v-18-1').fill('93');
    await poll(() => S.getByTestId('light-18-1').textContent()).toContain('黄灯');
    await centre(card);
    await shot(S, 'kinds-entry-level');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('a unit leading every kind but milestones: 增幅 5% in June is 黄灯, a 发放率 of 90.8% is 黄灯, a count keeps 累计完成 and 序时进度', async () => {
    const S = await openJune();
    await menu(S, '代填纸质报表');
    await chooseOption(S, S.getByTestId('proxy-unit'), '市人社局');
    await S.getByTestId('task-card-20').waitFor();
    await poll(() => S.getByTestId('value-word-5-1').textContent()).toBe('增幅');
    expect(await S.getByTestId('previous-5-1').textContent()).toMatch(/^上期增幅/);
    expect(await S.getByTestId('due-5-1').textContent()).toBe('目标值');
    await S.locator('#v-5-1').fill('5');
    await poll(() => S.getByTestId('light-5-1').textContent()).toContain('黄灯');
    await centre(S.getByTestId('task-card-5'));
    await shot(S, 'kinds-entry-growth');

    expect(await S.getByTestId('value-word-20-1').textContent()).toBe('累计完成');
    expect(await S.getByTestId('previous-20-1').textContent()).toMatch(/^上期累计/);
    expect(await S.getByTestId('due-20-1').textContent()).toBe('50.0%');
    expect(await S.getByTestId('value-word-20-2').textContent()).toBe('当前值');
    expect(await S.getByTestId('due-20-2').textContent()).toBe('目标值');
    await S.locator('#v-20-2').fill('90.8');
    await poll(() => S.getByTestId('light-20-2').textContent()).toContain('黄灯');
    await centre(S.getByTestId('task-card-20'));
    await shot(S, 'kinds-entry-mixed');

    await menu(S, '设置');
    await poll(() => S.getByTestId('settings-page').textContent()).toContain('一个阈值,各类指标按自己的口径计:累计类落后序时进度、水平类和增幅类低于目标');
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
