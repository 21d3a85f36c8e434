// Before `npm test`: better-sqlite3 in node_modules must be the build for Node. `npm start` never
// changes it (it uses .cache/electron-native/), but `npm run dist` (electron-builder) rebuilds it for
// Electron in place; then this puts the Node build back (`npm rebuild better-sqlite3`).
import { execFileSync } from 'node:child_process';

const probe = "const D = require('better-sqlite3'); new D(':memory:').close();";
const works = () => {
  try {
    execFileSync(process.execPath, ['-e', probe], { stdio: 'pipe' });
    return true;
  } catch (err) {
    return String(err.stderr ?? err.message);
  }
};

const first = works();
if (first !== true) {
  if (!/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF|not a valid Win32/.test(first)) {
    console.error(`better-sqlite3 无法加载:\n${first}`);
    process.exit(1);
  }
  console.log('node_modules 中的 better-sqlite3 是为 Electron 编译的(打包后),正在为 Node 重新编译…');
  execFileSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit', shell: process.platform === 'win32' });
  const second = works();
  if (second !== true) {
    console.error(`重新编译后 better-sqlite3 仍无法加载:\n${second}`);
    process.exit(1);
  }
}
