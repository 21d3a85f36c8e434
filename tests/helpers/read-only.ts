import { chmodSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/**
 * Makes a file or folder unwritable, as a write-protected USB stick or a file set read-only is. chmod
 * binds an ordinary user; root (as CI runs) writes through it, but not through the immutable
 * attribute. Returns how to undo it, or null where neither works (the caller skips).
 */
export function makeReadOnly(path: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    const mode = statSync(path).mode & 0o7777;
    chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
    return () => chmodSync(path, mode);
  }
  if (spawnSync('chattr', ['+i', path]).status !== 0) return null;
  return () => { spawnSync('chattr', ['-i', path]); };
}
