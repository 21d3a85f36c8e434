// `npm start`: builds, then runs the desktop app. Where the Electron binary is missing (its installer
// could not download it, e.g. an offline machine), it says so in one line and opens the same app in
// the default browser instead (electron/bridge/browser-app.ts), on the database the app would use.
//   node scripts/start.mjs [--no-build]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function step(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron executable, or null: `require('electron')` throws when its binary was never downloaded. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Runs a long-lived child in this terminal and ends with its exit code; Ctrl+C reaches it too. */
function handOver(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (!process.argv.includes('--no-build')) {
  step([join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
  step([join(root, 'scripts/build-electron.mjs')]);
}
const electron = electronBinary();
if (electron) {
  step([join(root, 'scripts/electron-native.mjs')]);
  handOver(electron, ['.']);
} else {
  console.log('本机没有 Electron 程序文件(安装时无法下载),改为在浏览器中打开同一程序:');
  handOver(process.execPath, ['--import', 'tsx', join(root, 'electron/bridge/browser-app.ts')]);
}
