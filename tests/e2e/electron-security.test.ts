/**
 * Electron's security checklist, checked without Electron: the window's web preferences, the
 * navigation and window-open denial in main.ts, the preload's one narrow object, the sender
 * check in ipc.ts, the page's Content-Security-Policy, and the fuses the installer sets.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppPage, WINDOW_WEB_PREFERENCES } from '../../electron/window-options';
import { ROOT } from './harness';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('Electron security settings', () => {
  it('isolates and sandboxes the renderer, with no Node and web security on', () => {
    expect(WINDOW_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('main.ts uses those preferences and blocks navigation, new windows and remote content', () => {
    const main = read('electron/main.ts');
    expect(main).toContain("import { WINDOW_OPTIONS, WINDOW_WEB_PREFERENCES } from './window-options'");
    expect(main).toMatch(/webPreferences: \{ \.\.\.WINDOW_WEB_PREFERENCES, preload \}/);
    expect(main).toMatch(/on\('will-navigate', \(event\) => event\.preventDefault\(\)\)/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toContain("on('will-attach-webview'");
    expect(main).toContain('app.enableSandbox()');
    expect(main).toMatch(/webRequest\.onBeforeRequest/);
    expect(main).toMatch(/setPermissionRequestHandler\(\(_wc, _permission, callback\) => callback\(false\)\)/);
    expect(main).toContain('win.loadFile(rendererIndex)');
    expect(main).not.toMatch(/loadURL\(\s*['"`]https?:/);
  });

  it('the preload exposes one object over one invoke channel, never ipcRenderer itself', () => {
    const preload = read('electron/preload.ts');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain("exposeInMainWorld('ledger', api)");
    expect(preload).toContain("ipcRenderer.invoke('ledger:invoke', channel, request)");
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
    expect(preload).not.toMatch(/ipcRenderer\.send\(/);
  });

  it('ipc.ts checks the sender frame and the channel before dispatching', () => {
    const ipc = read('electron/ipc.ts');
    expect(ipc).toContain("ipcMain.handle('ledger:invoke'");
    expect(ipc).toMatch(/isAppPage\(frame\.url, indexFileUrl\)/);
    expect(ipc).toMatch(/frame\.parent !== null/);
    expect(ipc).toMatch(/isChannel\(channel\)/);
    const index = 'file:///opt/app/resources/app.asar/dist/renderer/index.html';
    expect(isAppPage(index, index)).toBe(true);
    expect(isAppPage(`${index}#x`, index)).toBe(true);
    expect(isAppPage('file:///tmp/evil.html', index)).toBe(false);
    expect(isAppPage('https://example.com/dist/renderer/index.html', index)).toBe(false);
    expect(isAppPage(undefined, index)).toBe(false);
  });

  it('only main.ts, preload.ts and ipc.ts import electron', () => {
    for (const file of ['electron/window-options.ts', 'electron/native-sqlite.ts', 'electron/services/api.ts', 'electron/services/views.ts', 'electron/bridge/server.ts']) {
      expect(read(file), file).not.toMatch(/from 'electron'/);
    }
  });

  it('the page carries a strict Content-Security-Policy', () => {
    const html = read('renderer/index.html');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('the installers flip the fuses: no RunAsNode, no NODE_OPTIONS, no inspect, app only from asar', () => {
    const hook = read('scripts/after-pack.cjs');
    expect(hook).toContain('[FuseV1Options.RunAsNode]: false');
    expect(hook).toContain('[FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false');
    expect(hook).toContain('[FuseV1Options.EnableNodeCliInspectArguments]: false');
    expect(hook).toContain('[FuseV1Options.OnlyLoadAppFromAsar]: true');
    const builder = read('electron-builder.yml');
    expect(builder).toContain('afterPack: scripts/after-pack.cjs');
    expect(builder).toMatch(/asarUnpack:\n\s+- "\*\*\/node_modules\/better-sqlite3\/\*\*"/);
    expect(builder).toMatch(/perMachine: false/);
  });

  it('the electron-builder configuration passes electron-builder\'s own schema', async () => {
    const require = createRequire(join(ROOT, 'package.json'));
    const { load } = require('js-yaml') as { load(text: string): unknown };
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const config = load(read('electron-builder.yml')) as { asarUnpack: string[]; win: { target: { target: string }[] }; linux: { target: { target: string; arch: string[] }[] } };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis', 'portable']);
    expect(config.linux.target).toEqual([{ target: 'deb', arch: ['x64', 'arm64'] }, { target: 'AppImage', arch: ['x64', 'arm64'] }]);
    expect(config.asarUnpack).toContain('dist/electron/verify-worker.mjs');
  });
});
