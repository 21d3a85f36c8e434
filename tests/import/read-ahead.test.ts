/**
 * `ledger import` reads the first files before the import itself has loaded (cli.ts, the launcher's early
 * worker): what was read ahead is what the import uses, each file once, and a refusal read ahead is still
 * that file's own. How far ahead is bounded by files and bytes, whatever the drive holds.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAheadCount } from '../../electron/services/import/files';
import { importFiles } from '../../electron/services/import/import';
import { createWorkerVerifier } from '../../electron/services/packages/worker-verifier';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';
import { tempDir } from '../helpers/ledger';

const WORKER = new URL('../../electron/services/packages/verify-worker.ts', import.meta.url);

describe('reading ahead', () => {
  it('a file read ahead is imported from what was read, even once it is gone from the drive; a refusal read ahead keeps its code', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const may = await loop.report(canlian, '2019-05', CANLIAN_JUNE);
    const bogus = join(loop.dir, '不是数据包.xlsx');
    writeFileSync(bogus, 'not a zip at all');
    const verifier = createWorkerVerifier(WORKER);
    try {
      verifier.readAhead([june, bogus]);
      // The worker answers in the order asked: once May is read, June and the bogus file have been too.
      await verifier.read(may);
      renameSync(june, `${june}.moved`);
      const results = await importFiles(loop.office, [june, bogus], { acceptNewKeys: true, read: (f) => verifier.read(f) });
      expect(results.map((r) => [r.file, r.status, r.code ?? null])).toEqual([
        ['填报包-市残联-2019-06-第1版.xlsx', 'accepted', null],
        ['不是数据包.xlsx', 'rejected', 'E_NOT_A_PACKAGE'],
      ]);
      // Taken once: asked again, the file is read anew, and it is no longer there.
      await expect(verifier.read(june)).rejects.toMatchObject({ code: 'E_UNREADABLE' });
    } finally {
      await verifier.close();
    }
  });

  it('reads ahead at most so many files and so many bytes, but always the next file however large', () => {
    const dir = tempDir();
    const files = [10, 20, 30, 40].map((kb, i) => {
      const f = join(dir, `${i}.xlsx`);
      writeFileSync(f, Buffer.alloc(kb * 1024));
      return f;
    });
    expect(readAheadCount(files, 0, 10, 1024 * 1024)).toBe(4);
    expect(readAheadCount(files, 0, 2, 1024 * 1024)).toBe(2);
    expect(readAheadCount(files, 0, 10, 60 * 1024)).toBe(3); // 10 + 20 + 30 KB
    expect(readAheadCount(files, 1, 10, 45 * 1024)).toBe(1); // 20, and 30 more would pass 45
    expect(readAheadCount(files, 3, 10, 1024)).toBe(1); // 40 KB alone, over the budget: still read
    expect(readAheadCount([...files, join(dir, 'missing.xlsx')], 3, 10, 41 * 1024)).toBe(2); // a missing file costs nothing
    expect(readAheadCount(files, 4, 10, 1024)).toBe(0);
  });
});
