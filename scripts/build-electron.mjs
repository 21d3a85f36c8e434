// Builds the Electron entry points into dist/electron with esbuild:
//   main.js           ESM (Electron 39 loads an ES module main), dependencies left in node_modules;
//   preload.cjs       CommonJS, as a sandboxed preload must be;
//   verify-worker.mjs the package verifier's worker thread, self-contained.
// In main.js every `better-sqlite3` import goes through electron/native-sqlite.ts, so `npm start`
// can use a copy built for Electron while node_modules keeps the one built for Node (tests).
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shim = resolve(root, 'electron/native-sqlite.ts');

/** @type {import('esbuild').Plugin} */
const nativeSqlite = {
  name: 'native-sqlite',
  setup(b) {
    b.onResolve({ filter: /^better-sqlite3$/ }, (args) => (args.importer === shim ? { path: 'better-sqlite3', external: true } : { path: shim }));
  },
};

const REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  build({
    ...common,
    entryPoints: { main: 'electron/main.ts' },
    outdir: 'dist/electron',
    format: 'esm',
    packages: 'external',
    external: ['electron'],
    plugins: [nativeSqlite],
    // Dependencies stay CommonJS in node_modules; a require() inside the bundle needs one.
    banner: { js: REQUIRE_BANNER },
  }),
  // The worker is self-contained (.mjs, every dependency inside): it runs unpacked from the asar
  // archive, where neither node_modules nor package.json's "type" can be seen.
  build({
    ...common,
    entryPoints: { 'verify-worker': 'electron/services/packages/verify-worker.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: REQUIRE_BANNER },
  }),
  build({
    ...common,
    entryPoints: { preload: 'electron/preload.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
  }),
]);
console.log('已构建 dist/electron/main.js、preload.cjs、verify-worker.mjs');
