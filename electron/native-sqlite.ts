/**
 * better-sqlite3 as the Electron bundle sees it (esbuild aliases `better-sqlite3` here for main.js
 * only). node_modules keeps the build for Node, so `npm test` never breaks; `npm start` builds a
 * copy for Electron into .cache/electron-native/ (scripts/electron-native.mjs) and main.ts points
 * LEDGER_SQLITE_BINDING at it. A packaged app leaves it unset: electron-builder rebuilt the module.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const Real = require('better-sqlite3') as typeof BetterSqlite3;

function Database(this: unknown, filename?: string | Buffer, options?: BetterSqlite3.Options): BetterSqlite3.Database {
  const binding = process.env.LEDGER_SQLITE_BINDING;
  const opts = binding && !options?.nativeBinding ? { ...options, nativeBinding: binding } : options;
  return new Real(filename, opts);
}
Database.prototype = Real.prototype;

export default Database as unknown as typeof BetterSqlite3;
