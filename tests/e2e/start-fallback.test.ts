/**
 * `npm start` on a computer where the Electron binary is missing (its installer could not download
 * it): one Chinese line instead of a stack trace, then the same app in the browser on the database
 * the desktop app would use, the default browser opened, and file dialogs answered in the terminal.
 * The binary is made missing for real through the electron package's own override variable, so the
 * test means the same on a machine that has Electron.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeModal, ensureRendererBuilt, launchChromium, ROOT, scratch } from './harness';

let tmp: ReturnType<typeof scratch>;
let child: ChildProcessWithoutNullStreams | null = null;
let browser: BrowserContext | null = null;
let stdout = '';
let stderr = '';

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 100 });

beforeAll(() => {
  ensureRendererBuilt();
  tmp = scratch('ledger-start-');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  tmp?.remove();
});

describe('npm start without the Electron binary', () => {
  it('says so in one Chinese line and opens the app in the browser on the default database', async () => {
    const home = join(tmp.dir, 'home');
    const usb = join(tmp.dir, 'usb');
    mkdirSync(home);
    mkdirSync(usb);
    // The "default browser": records the address it was asked to open.
    const opened = join(tmp.dir, 'opened.txt');
    const fakeBrowser = join(tmp.dir, 'browser.sh');
    writeFileSync(fakeBrowser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(fakeBrowser, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, BROWSER: fakeBrowser, ELECTRON_OVERRIDE_DIST_PATH: join(tmp.dir, 'no-electron-here') };
    delete env.XDG_CONFIG_HOME;

    child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--no-build'], { cwd: ROOT, env, stdio: 'pipe' });
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });

    await poll(() => stdout).toContain('选择文件时请在这里输入路径');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('本机没有 Electron 程序文件(安装时无法下载),改为在浏览器中打开同一程序:');
    const dbFile = join(home, '.config', '民生工作督办台账', 'minsheng-ledger.db');
    expect(lines[1]).toBe(`数据库:${dbFile}`);
    const url = /^地址:(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/.exec(lines[2] ?? '')?.[1];
    expect(url).toBeDefined();
    await poll(() => (existsSync(opened) ? readFileSync(opened, 'utf8') : '')).toBe(url);
    expect(stderr).not.toMatch(/Error|at .*\.js:\d+/);

    // The same app: first start creates the office database where the desktop app keeps it.
    browser = await launchChromium(join(tmp.dir, 'profile'));
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(url!);
    await page.getByRole('button', { name: '设为汇总端' }).click();
    await closeModal(page);
    await poll(() => existsSync(dbFile)).toBe(true);

    // A file dialog is a question in the terminal; the answer comes from the person at it.
    await page.getByTestId('main-menu').getByText('单位、密钥与数据包', { exact: true }).click();
    await page.getByTestId('assign-市残联').click();
    await poll(() => stdout).toContain('【选择保存市残联任务包的文件夹(如U盘)】');
    child.stdin.write(`${usb}\n`);
    await poll(() => readdirSync(usb)).toEqual(['任务包-市残联-2019-第1版.xlsx']);
    await poll(() => page.getByTestId('package-result').textContent()).toContain('任务包-市残联-2019-第1版.xlsx');

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 120_000);
});
