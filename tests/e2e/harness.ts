/**
 * What the end-to-end tests share: the renderer built once (rebuilt when a source is newer), the
 * loopback bridge on fresh temporary databases, and Debian's Chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

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

/** Queues the answers the next file dialogs of a bridge give (the test-only endpoint). */
export async function answerDialogs(origin: string, token: string, ...answers: (string | string[] | null)[]): Promise<void> {
  const res = await fetch(`${origin}/__test/dialog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ledger-token': token },
    body: JSON.stringify({ answers }),
  });
  if (res.status !== 200) throw new Error(`dialog answers refused: ${res.status} ${await res.text()}`);
}
