import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
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
});
