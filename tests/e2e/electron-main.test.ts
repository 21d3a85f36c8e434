/**
 * The built Electron main process (dist/electron/main.js, as `npm start` and the installers run it),
 * started under plain Node with a stand-in `electron` module: the Electron binary cannot be
 * downloaded here. Checks that the bundle loads, locks the window down, registers the one IPC
 * handler, refuses foreign frames, and answers the renderer through the same services.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, scratch } from './harness';

let out: Record<string, unknown>;
let tmp: ReturnType<typeof scratch>;

beforeAll(() => {
  tmp = scratch('ledger-main-');
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-electron.mjs')], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  const stdout = execFileSync(process.execPath, ['--import', join(ROOT, 'tests/e2e/fixtures/electron-stub-register.mjs'), join(ROOT, 'dist/electron/main.js')], {
    cwd: ROOT, env: { ...process.env, STUB_USER_DATA: tmp.dir }, timeout: 60_000, encoding: 'utf8',
  });
  out = JSON.parse(stdout) as Record<string, unknown>;
}, 180_000);

afterAll(() => tmp?.remove());

describe('the built main process', () => {
  it('sandboxes every renderer and opens one locked-down window on the built page', () => {
    expect(out.sandbox).toBe(true);
    expect(out.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: join(ROOT, 'dist/electron/preload.cjs') });
    expect(out.loaded).toBe(join(ROOT, 'dist/renderer/index.html'));
    expect(out.contentsEvents).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']));
    expect(out.windowOpen).toEqual({ action: 'deny' });
    expect(out.remoteCancelled).toBe(true);
    expect(out.fileCancelled).toBe(false);
    expect(out.permissionGranted).toBe(false);
  });

  it('answers the app page over IPC, refuses other frames and unknown channels, validates arguments', () => {
    expect(out.info).toMatchObject({ ok: true, value: { role: null, version: expect.any(String) } });
    expect(out.foreign).toEqual({ ok: false, error: { code: 'E_USAGE', message: '拒绝来自未知页面的请求。' } });
    expect(out.unknown).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
    expect(out.setup).toMatchObject({ ok: true, value: { role: 'summary', planTitle: '2019年全市民生工作要点' } });
    expect(out.byUnit).toEqual({ ok: true, rows: 37 });
    expect(out.bad).toMatchObject({ ok: false, error: { code: 'E_USAGE', message: expect.stringContaining('报送期应为 YYYY-MM') } });
  });
});
