/**
 * What an import says of a path on the USB drive before any byte of it is a package: missing, a folder, a
 * named pipe (which would block a plain read for ever), too large (refused without being read), empty.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, PackageError, readVerifiedFile } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { sampleReport, tempDir, testKey } from './helpers';

function refusal(file: string, limits = DEFAULT_LIMITS): PackageError {
  try {
    readVerifiedFile(file, limits);
  } catch (err) {
    if (err instanceof PackageError) return err;
    throw err;
  }
  throw new Error('the file was read as a package, but it should not have been');
}

describe('a package file', () => {
  const dir = tempDir();
  const good = join(dir, '填报包-市人社局-2019-03-第1版.xlsx');
  const bytes = writePackage(sampleReport(testKey('unit')));
  writeFileSync(good, bytes);

  it('is read whole and verified, its bytes and their SHA-256 kept', () => {
    const read = readVerifiedFile(good);
    expect(Buffer.from(read.bytes).equals(bytes)).toBe(true);
    expect(read.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(read.pkg.manifest.unit).toBe('市人社局');
  });

  it('missing: E_UNREADABLE, saying it is not there or not allowed', () => {
    const e = refusal(join(dir, '不存在.xlsx'));
    expect([e.code, e.message]).toEqual(['E_UNREADABLE', '文件无法读取(不存在或没有权限)']);
  });

  it('a folder named like a package: E_NOT_A_PACKAGE 不是文件', () => {
    const folder = join(dir, '文件夹.xlsx');
    mkdirSync(folder);
    const e = refusal(folder);
    expect([e.code, e.message]).toEqual(['E_NOT_A_PACKAGE', '不是文件']);
  });

  it.skipIf(process.platform === 'win32')('a named pipe named like a package: E_NOT_A_PACKAGE at once, not a read that waits for a writer', () => {
    const fifo = join(dir, '管道.xlsx');
    execFileSync('mkfifo', [fifo]);
    const e = refusal(fifo);
    expect([e.code, e.message]).toEqual(['E_NOT_A_PACKAGE', '不是文件']);
  });

  it('larger than the limit: E_TOO_LARGE from its size, before it is read', () => {
    const e = refusal(good, { ...DEFAULT_LIMITS, maxFileBytes: bytes.length - 1 });
    expect(e.code).toBe('E_TOO_LARGE');
    expect(e.message).toMatch(/^文件过大/);
  });

  it('empty: E_NOT_A_PACKAGE 文件为空', () => {
    const empty = join(dir, '空.xlsx');
    writeFileSync(empty, '');
    const e = refusal(empty);
    expect([e.code, e.message]).toEqual(['E_NOT_A_PACKAGE', '文件为空']);
  });
});
