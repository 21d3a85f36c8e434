import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import';
import { createWorkerVerifier } from '../../electron/services/worker-verifier';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

const WORKER = new URL('../../electron/services/verify-worker.ts', import.meta.url);

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
        acceptNewKeys: true, verify: (b) => verifier.verify(b), onProgress: (p) => progress.push(`${p.done}/${p.total}`),
      });
      expect(results.map((r) => [r.status, r.code ?? null])).toEqual([['accepted', null], ['rejected', 'E_TOO_LARGE']]);
      expect(progress).toEqual(['0/2', '1/2', '2/2']);
    } finally {
      await verifier.close();
    }
  });
});
