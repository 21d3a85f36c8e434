/**
 * Replacing a file so that a full disk, a pulled USB stick or a crash never leaves a half-written
 * file under the real name: packages, summary workbooks, backups and restores all go through here.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `write(temp)`, then fsync, rename over `target` and flush the folder entry. On any failure the
 * temporary file (and any SQLite journal beside it) is removed and the error rethrown as it came:
 * each caller words it for the person in front of it.
 * @example await replaceFile('/media/usb/a.xlsx', '/media/usb/a.xlsx.123.tmp', (t) => writeFileSync(t, bytes))
 */
export async function replaceFile(target: string, temp: string, write: (temp: string) => void | Promise<void>): Promise<void> {
  try {
    await write(temp);
    fsyncFile(temp);
    renameSync(temp, target);
    fsyncDir(dirname(target));
  } catch (err) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) removeIfPresent(`${temp}${suffix}`);
    throw err;
  }
}

export function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone, or never made (the folder itself may be missing)
  }
}

/** Whether a process of this computer is still running (a leftover of ours is removed only when it is not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncFile(file: string): void {
  // r+ rather than r: Windows flushes only a handle opened for writing.
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable; Windows cannot open a folder and persists renames itself. */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // not supported for folders here
  } finally {
    closeSync(fd);
  }
}
