import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
import { readVerifiedFile, readVerifiedSmallFile } from '../../electron/services/packages/package-format';
import { createWorkerVerifier } from '../../electron/services/packages/worker-verifier';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

const WORKER = new URL('../../electron/services/packages/verify-worker.ts', import.meta.url);

describe('verifying in a worker thread', () => {
  it('imports through the worker with the same results as in-process, refusals keep their codes', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const good = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const verifier = createWorkerVerifier(WORKER);
    try {
      const bomb = join(new URL('../fixtures/packages/', import.meta.url).pathname, 'zip-bomb-300mib-of-zeros.xlsx');
      const progress: string[] = [];
      const results = await importFiles(loop.office, [good, bomb], {
        acceptNewKeys: true, read: (f) => verifier.read(f), onProgress: (p) => progress.push(`${p.done}/${p.total}`),
      });
      expect(results.map((r) => [r.status, r.code ?? null])).toEqual([['accepted', null], ['rejected', 'E_TOO_LARGE']]);
      expect(progress).toEqual(['0/2', '1/2', '2/2']);
    } finally {
      await verifier.close();
    }
  });

  it('a worker that dies on one file refuses that file only; the files read ahead of it are verified by a fresh worker', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const april = await loop.report(canlian, '2019-04', CANLIAN_JUNE);
    const may = await loop.report(canlian, '2019-05', CANLIAN_JUNE);
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const crash = join(loop.dir, '致命文件.xlsx');
    writeFileSync(crash, 'CRASH: the worker exits on this one');
    const verifier = createWorkerVerifier(new URL('./crashing-worker.ts', import.meta.url));
    try {
      const results = await importFiles(loop.office, [april, crash, may, june], { acceptNewKeys: true, read: (f) => verifier.read(f) });
      expect(results.map((r) => [r.file, r.status, r.code ?? null])).toEqual([
        ['填报包-市残联-2019-04-第1版.xlsx', 'accepted', null],
        ['致命文件.xlsx', 'rejected', 'E_UNREADABLE'],
        ['填报包-市残联-2019-05-第1版.xlsx', 'accepted', null],
        ['填报包-市残联-2019-06-第1版.xlsx', 'accepted', null],
      ]);
      expect(results[1]!.message).toContain('校验进程退出,代码 70');
    } finally {
      await verifier.close();
    }
  });

  it('while it would wait, the importing thread verifies files the worker has not started: same results, a file too large for it goes back to the worker', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const april = await loop.report(canlian, '2019-04', CANLIAN_JUNE);
    const may = await loop.report(canlian, '2019-05', CANLIAN_JUNE);
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const bogus = join(loop.dir, '不是数据包.xlsx');
    writeFileSync(bogus, 'not a zip at all');
    const bomb = join(new URL('../fixtures/packages/', import.meta.url).pathname, 'zip-bomb-300mib-of-zeros.xlsx');
    const files = [april, bogus, bomb, may, june];
    const here: string[] = [];
    const readHere = (f: string) => {
      here.push(basename(f));
      return readVerifiedSmallFile(f);
    };
    const verifier = createWorkerVerifier(WORKER);
    try {
      verifier.readAhead(files);
      // Asked at once, before the worker has even loaded: April is taken here.
      expect(verifier.help(april, readHere)).toBe(true);
      expect(here).toEqual([basename(april)]);
      expect(verifier.help(april, readHere)).toBe(false);
      const results = await importFiles(loop.office, files, { acceptNewKeys: true, read: (f) => verifier.read(f), whileWaiting: (f) => verifier.help(f, readHere) });
      expect(results.map((r) => [r.file, r.status, r.code ?? null])).toEqual([
        ['填报包-市残联-2019-04-第1版.xlsx', 'accepted', null],
        ['不是数据包.xlsx', 'rejected', 'E_NOT_A_PACKAGE'],
        ['zip-bomb-300mib-of-zeros.xlsx', 'rejected', 'E_TOO_LARGE'],
        ['填报包-市残联-2019-05-第1版.xlsx', 'accepted', null],
        ['填报包-市残联-2019-06-第1版.xlsx', 'accepted', null],
      ]);
      // Each refusal in the words the file gets wherever it is verified.
      for (const [i, f] of [[1, bogus], [2, bomb]] as const) {
        let words = '';
        try {
          readVerifiedFile(f);
        } catch (err) {
          words = (err as Error).message;
        }
        expect(results[i]!.message).toBe(`文件「${basename(f)}」被拒收:${words}`);
      }
      // Nothing is left to help with once every file is in.
      expect(files.some((f) => verifier.help(f, readHere))).toBe(false);
      expect(new Set(here).size).toBe(here.length);
    } finally {
      await verifier.close();
    }
  });
});
