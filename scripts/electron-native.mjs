// `npm start` needs better-sqlite3 built for Electron; `npm test` needs it built for Node. Rather
// than rebuilding node_modules back and forth, this builds a second copy for Electron into
// .cache/electron-native/better_sqlite3.node (once per Electron and better-sqlite3 version) and the
// app loads that one when not packaged (electron/native-sqlite.ts). node_modules is never touched.
//
// 1. prebuild-install fetches the prebuilt binary for this Electron (GitHub releases; mirror:
//    npm_config_better_sqlite3_binary_host_mirror=https://registry.npmmirror.com/-/binary/better-sqlite3);
// 2. failing that, node-gyp compiles it against Electron's headers (ELECTRON_HEADERS_MIRROR to change
//    where they come from; needs a C++ toolchain).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const version = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

const electron = version('electron');
const sqlite = version('better-sqlite3');
const out = join(root, '.cache', 'electron-native');
const target = join(out, 'better_sqlite3.node');
const stampFile = join(out, 'stamp.txt');
const stamp = `electron ${electron} better-sqlite3 ${sqlite} ${process.platform}-${process.arch}`;

if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  process.exit(0);
}

console.log(`正在为 Electron ${electron} 准备 better-sqlite3 ${sqlite}(只需一次)…`);
const source = dirname(require.resolve('better-sqlite3/package.json'));
const work = join(out, 'build', 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
cpSync(source, work, { recursive: true, filter: (src) => !src.slice(source.length).split(sep).includes('build') });

const run = (args) => execFileSync(process.execPath, args, { cwd: work, stdio: 'inherit', env: process.env });
let built = false;
try {
  const prebuild = createRequire(join(source, 'package.json')).resolve('prebuild-install/bin.js');
  run([prebuild, '--runtime=electron', `--target=${electron}`, `--arch=${process.arch}`, `--platform=${process.platform}`, '--verbose']);
  built = existsSync(join(work, 'build', 'Release', 'better_sqlite3.node'));
} catch {
  console.log('没有可下载的预编译文件,改为从源码编译…');
}
if (!built) {
  const gyp = process.env.npm_config_node_gyp ?? createRequire(require.resolve('app-builder-lib/package.json')).resolve('node-gyp/bin/node-gyp.js');
  try {
    run([gyp, 'rebuild', '--release', `--target=${electron}`, `--arch=${process.arch}`, `--dist-url=${process.env.ELECTRON_HEADERS_MIRROR ?? 'https://electronjs.org/headers'}`]);
  } catch {
    console.error('无法为 Electron 准备 better-sqlite3:需要联网下载预编译文件或 Electron 头文件(见 README「打包与安装程序」)。');
    process.exit(1);
  }
}
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
writeFileSync(stampFile, stamp);
rmSync(join(out, 'build'), { recursive: true, force: true });
console.log(`已准备 ${target}`);
