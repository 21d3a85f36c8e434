// Runs a CommonJS bundle of the command line (dist/cli, scripts/build-cli.mjs) through V8's code cache, as
// v8-compile-cache did before Node had one of its own (Node 22's module.enableCompileCache; this is Node 20):
// a command's second run takes what its first compiled (the bundle's functions, zod's, Kysely's) from
// dist/cli/.v8-cache instead of parsing and compiling about 2 MB of JavaScript again. `ledger import` of 500
// packages spent about a tenth of its CPU compiling (docs/performance.md). Plain JavaScript, like the launcher:
// it runs before anything is built.
'use strict';
const { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { createRequire, wrap } = require('node:module');
const vm = require('node:vm');

/** The bundle's text and what identifies this build of it, read from one descriptor so the two agree. */
function readBundle(file) {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    // V8 checks a cache against the source's length only: keyed by size and modification time as well, a
    // rebuilt bundle of the same length never runs the code the last build compiled.
    return { source: readFileSync(fd, 'utf8'), key: `${st.size}-${Math.trunc(st.mtimeMs)}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads `file` as `require` would, compiled from its cache for `name` (the import's, a worker's, the other
 * commands') where there is one for this build. `save()` writes the cache from what has been
 * compiled so far, once, when none was used; a folder that cannot be written is no error (the next run
 * compiles again). `LEDGER_CODE_CACHE_TRACE=1` says on stderr whether a cache was used.
 * @example const cli = runCached('dist/cli/ledger.cjs', 'import'); await cli.exports.main(argv); cli.save();
 */
function runCached(file, name) {
  const { source, key } = readBundle(file);
  const dir = join(dirname(file), '.v8-cache');
  const cacheFile = join(dir, `${name}.${key}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile); // written whole and renamed into place
  } catch {
    // not made yet for this build and command
  }
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (process.env.LEDGER_CODE_CACHE_TRACE === '1') process.stderr.write(`[code cache] ${name}: ${used ? 'used' : cachedData ? 'rejected' : 'none'}\n`);
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  let saved = used;
  return {
    exports: module.exports,
    used,
    save() {
      if (saved) return;
      saved = true;
      const temp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cacheFile);
        // One cache per command: the caches of earlier builds go.
        for (const f of readdirSync(dir)) if (f.startsWith(`${name}.`) && f.endsWith('.bin') && f !== `${name}.${key}.bin`) rmSync(join(dir, f), { force: true });
      } catch {
        // read-only install or a full disk: the next run compiles again; never an error of the command's
        try {
          rmSync(temp, { force: true });
        } catch {
          // nothing was written
        }
      }
    },
  };
}

module.exports = { runCached };
