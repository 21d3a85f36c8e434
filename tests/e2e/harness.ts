/**
 * What the end-to-end tests share: the renderer built once (rebuilt when a source is newer), the
 * loopback bridge on fresh temporary databases, and Debian's Chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Channel, RequestOf, ResponseOf } from '../../shared/api';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import type { OpenLedger } from '../../electron/services/context';
import { fillDemo } from '../../electron/services/entry/demo';
import { initSummary } from '../../electron/services/plan/setup';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'tests/e2e/screenshots');
export const VIEWPORT = { width: 1366, height: 768 } as const;

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    t = Math.max(t, name.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/renderer with Vite unless it is newer than every source it comes from. */
export function ensureRendererBuilt(): void {
  const index = join(ROOT, 'dist/renderer/index.html');
  const sources = Math.max(newest(join(ROOT, 'renderer')), newest(join(ROOT, 'shared')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs, statSync(join(ROOT, 'package-lock.json')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
}

/** A clock that starts at `iso` (local time) and runs on from there. */
export function runningClock(iso: string): () => Date {
  const base = new Date(iso).getTime();
  const start = Date.now();
  return () => new Date(base + (Date.now() - start));
}

/** A fresh folder under the system temp, removed by the returned function. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Debian's Chromium with a fresh profile. Missing Chromium is a failure, not a skip: CI installs
 * it (.ci/run), and a test that silently does not run proves nothing.
 */
export async function launchChromium(profileDir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`找不到 ${CHROMIUM}:端到端测试需要 Debian 的 Chromium 和中文字体(apt-get install -y chromium fonts-noto-cjk,.ci/run 会安装)。`);
  }
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Calls one channel of a bridge as the page would, to read back what it saved; a refusal fails the test with its message. */
export async function invoke<C extends Channel>(bridge: Bridge, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const res = await fetch(`${bridge.origin}/api/invoke`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-ledger-token': bridge.token }, body: JSON.stringify({ channel, request }),
  });
  const r = (await res.json()) as { ok: true; value: ResponseOf<C> } | { ok: false; error: { message: string } };
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}

/** Queues the answers the next file dialogs of a bridge give (the test-only endpoint). */
export async function answerDialogs(origin: string, token: string, ...answers: (string | string[] | null)[]): Promise<void> {
  const res = await fetch(`${origin}/__test/dialog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ledger-token': token },
    body: JSON.stringify({ answers }),
  });
  if (res.status !== 200) throw new Error(`dialog answers refused: ${res.status} ${await res.text()}`);
}

/**
 * A page of a bridge whose calendar (current period, overdue marks) starts on `day` and runs on.
 * Date is shifted by a constant, so timers, animations and React's scheduler run as usual. Page
 * errors and console errors are collected in `errors`, for the test to expect none.
 */
export async function openPageOn(browser: BrowserContext, bridge: Bridge, day: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage();
  // Generous: on a loaded 2-core machine (CI with other suites beside) the first screen has taken over 20 s.
  page.setDefaultTimeout(45_000);
  page.on('pageerror', (e) => errors.push(`${bridge.origin}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${bridge.origin} console: ${m.text()}`); });
  await page.addInitScript((offset: number) => {
    const RealDate = Date;
    class ShiftedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + offset);
        else super(...(args as [string]));
      }
      static override now(): number {
        return RealDate.now() + offset;
      }
    }
    globalThis.Date = ShiftedDate as DateConstructor;
  }, new Date(day).getTime() - Date.now());
  await page.goto(bridge.url);
  return page;
}

export interface TwoSides {
  readonly office: Bridge;
  readonly unit: Bridge;
  readonly browser: BrowserContext;
  /** Closes the browser and both bridges. */
  close(): Promise<void>;
}

/**
 * The summary office and 市残联, each on its own bridge, database and running clock, and one
 * Chromium (profile under `dir`) to look at both.
 */
export async function startTwoSides(opts: { readonly dir: string; readonly officeDb: string; readonly unitDb: string; readonly officeDay: string; readonly unitDay: string }): Promise<TwoSides> {
  const office = await startBridge({ dbFile: opts.officeDb, testHooks: true, now: runningClock(opts.officeDay), actor: '汇总端' });
  const unit = await startBridge({ dbFile: opts.unitDb, testHooks: true, now: runningClock(opts.unitDay), actor: '市残联' });
  const browser = await launchChromium(join(opts.dir, 'profile'));
  return {
    office, unit, browser,
    async close() {
      await browser.close();
      await office.close();
      await unit.close();
    },
  };
}

export interface OneOffice {
  readonly dir: string;
  readonly dbFile: string;
  readonly bridge: Bridge;
  readonly browser: BrowserContext;
  /** Closes the browser and the bridge and removes the folder. */
  close(): Promise<void>;
}

/**
 * A summary office on the database `init` makes (office.db in a fresh folder), its bridge on a running clock
 * from `day`, and one Chromium to look at it.
 */
export async function startOffice(opts: { readonly prefix: string; readonly day: string; readonly init: (dbFile: string) => Promise<{ close(): Promise<void> }> }): Promise<OneOffice> {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const tmp = scratch(opts.prefix);
  const dbFile = join(tmp.dir, 'office.db');
  await (await opts.init(dbFile)).close();
  const bridge = await startBridge({ dbFile, testHooks: true, now: runningClock(opts.day), actor: '汇总端' });
  const browser = await launchChromium(join(tmp.dir, 'profile'));
  return {
    dir: tmp.dir, dbFile, bridge, browser,
    async close() {
      await browser.close();
      await bridge.close();
      tmp.remove();
    },
  };
}

/** What the page-side callbacks use (the tests are compiled without the DOM library). */
export interface PageGlobals {
  readonly document: {
    readonly activeElement: { readonly id: string } | null;
    getAnimations(): { readonly playState: string; readonly effect: { getTiming(): { readonly iterations?: number } } | null }[];
  };
}

/** Polls until the UI shows it; generous, since CI runs the suite on two busy cores. */
export function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 20_000, interval: 100 });
}

/**
 * Until every finite animation in the page (a modal or dropdown opening or closing, a chart growing)
 * has finished; a page still animating after 10 s fails the test rather than being clicked into.
 */
export async function settled(page: Page): Promise<void> {
  // A function, not a string: the page's CSP forbids eval, as it should.
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getAnimations()
    .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity), undefined, { timeout: 10_000 });
}

/**
 * Closes the dialog on top with its `button` (its own, not antd's close cross) and waits until no dialog is
 * left. The page settles first as well as after: under load a click during a dialog's opening animation was
 * lost (CI of 2026-11-30, plan-ui: the 任务包 dialog opening as the revision dialog closed).
 */
export async function closeModal(page: Page, button = '知道了'): Promise<void> {
  await settled(page);
  await page.locator('.ant-modal-wrap:visible').getByRole('button', { name: button, exact: true }).last().click();
  await poll(() => page.locator('.ant-modal-wrap:visible, .ant-modal-mask:visible').count()).toBe(0);
  await settled(page);
}

/** A screenshot of the page under tests/e2e/screenshots/, once it has stopped moving. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const t0 = Date.now();
  // Let modals, messages and charts finish their animations first.
  await page.waitForTimeout(300);
  await settled(page);
  const t1 = Date.now();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
  if (process.env.E2E_TIMING) console.log(`${name}: ${t1 - t0} + ${Date.now() - t1} ms`);
}

/** Opens a page from the main menu. */
export async function menu(page: Page, label: string): Promise<void> {
  await page.getByTestId('main-menu').getByText(label, { exact: true }).click();
}

export interface DemoOffice {
  readonly dir: string;
  readonly office: Bridge;
  readonly browser: BrowserContext;
  /** Closes the browser and the bridge, and removes the folder. */
  close(): Promise<void>;
}

/**
 * A summary office on the embedded plan with demo data through `through`, changed further by `prepare`
 * (which may also read its figures), served by a bridge whose clock starts on `day`, and a Chromium to look at it.
 */
export async function startDemoOffice(opts: { readonly prefix: string; readonly day: string; readonly through: string; readonly prepare?: (s: OpenLedger) => Promise<void> }): Promise<DemoOffice> {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const tmp = scratch(opts.prefix);
  const db = join(tmp.dir, 'office.db');
  const s = await initSummary(db, { now: () => new Date(opts.day), actor: '汇总端' });
  try {
    await fillDemo(s, opts.through);
    await opts.prepare?.(s);
  } finally {
    await s.close();
  }
  const office = await startBridge({ dbFile: db, testHooks: true, now: runningClock(opts.day), actor: '汇总端' });
  const browser = await launchChromium(join(tmp.dir, 'profile'));
  return {
    dir: tmp.dir, office, browser,
    async close() {
      await browser.close();
      await office.close();
      tmp.remove();
    },
  };
}

/** The office's dashboard on a period (its label, 2019年6月), in a new page of the browser. */
export async function openDashboardOn(browser: BrowserContext, bridge: Bridge, day: string, errors: string[], period: string): Promise<Page> {
  const page = await openPageOn(browser, bridge, day, errors);
  await page.getByTestId('dashboard').waitFor();
  await choosePeriod(page, period);
  return page;
}

/** Chooses a period in the period picker and waits until the page shows it. */
export async function choosePeriod(page: Page, label: string): Promise<void> {
  await chooseOption(page, page.getByTestId('period-select'), label);
}

/**
 * Opens an antd select and chooses the option reading `label`, then waits until the select shows it. The dropdown
 * settles first: one still sliding open moves under the pointer and can swallow the click (CI of 2026-12-01,
 * entry-form: 代填's unit picked during the dropdown's animation, the form never came).
 */
export async function chooseOption(page: Page, select: Locator, label: string, shown = label): Promise<void> {
  await select.click();
  const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await dropdown.waitFor();
  await settled(page);
  await dropdown.locator('.ant-select-item-option').filter({ hasText: label }).first().click();
  await poll(() => select.textContent()).toContain(shown);
  await settled(page);
}
