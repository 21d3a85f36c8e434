/**
 * Which files an import reads, and how far ahead of the merge they are read: plain Node, loaded by
 * the command line before the import's own modules, so that the verifier starts on the first files
 * while the rest of the program is still loading (docs/performance.md).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A folder's files an import reads: packages (.xlsx), spreadsheets a package may have been saved again as
 * (.xls, .et, .ods, .xlsm, .xlsb) and zip files (a package renamed, or packages zipped up), each refused with what
 * it is rather than passed over in silence: the office learns a unit sent something. Not Office's lock files (~$…)
 * nor hidden ones.
 */
const IMPORTED = /\.(?:xlsx|xlsm|xlsb|xls|et|ods|zip)$/i;

/**
 * Folders inside a chosen folder are read too, to this depth: a clerk keeps one folder per county or unit on the
 * stick. Not deeper, so that choosing a whole drive does not walk everything on it; not the system's own folders.
 */
const FOLDER_DEPTH = 3;
const NOT_READ_FOLDERS = /^(?:\$RECYCLE\.BIN|System Volume Information|\..*)$/i;

/**
 * Files to import from paths that may be files or folders. A folder gives its spreadsheet and zip files, sorted,
 * then those of its folders in turn (FOLDER_DEPTH).
 */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      out.push(p); // reported as unreadable by the import, in its place in the batch
      continue;
    }
    if (st.isDirectory()) folderFiles(p, FOLDER_DEPTH, out);
    else out.push(p);
  }
  return out;
}

function folderFiles(dir: string, depth: number, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a folder that cannot be listed holds nothing this import can read
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const files = entries.filter((e) => !e.isDirectory() && IMPORTED.test(e.name) && !e.name.startsWith('~$') && !e.name.startsWith('.')).sort(byName);
  out.push(...files.map((e) => join(dir, e.name)));
  if (depth === 0) return;
  for (const e of entries.filter((x) => x.isDirectory() && !NOT_READ_FOLDERS.test(x.name)).sort(byName)) folderFiles(join(dir, e.name), depth - 1, out);
}


/** A file's size for the read-ahead budget; one that cannot be read costs nothing (it is refused at once). */
export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Whether one more file of `bytes` fits a read-ahead that holds `count` files of `held` bytes, at most `maxFiles`
 * and `maxBytes`: the first always does, so a single file larger than the budget is still read.
 */
export function fitsReadAhead(count: number, held: number, bytes: number, maxFiles: number, maxBytes: number): boolean {
  return count < maxFiles && (count === 0 || held + bytes <= maxBytes);
}

/** How many of `files`, from `from` on, fit in one read-ahead (fitsReadAhead). */
export function readAheadCount(files: readonly string[], from: number, maxFiles: number, maxBytes: number): number {
  let n = 0;
  let held = 0;
  while (from + n < files.length && n < maxFiles) {
    const bytes = sizeOf(files[from + n]!);
    if (!fitsReadAhead(n, held, bytes, maxFiles, maxBytes)) break;
    held += bytes;
    n++;
  }
  return n;
}
