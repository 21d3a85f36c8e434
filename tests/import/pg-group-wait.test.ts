/**
 * On PostgreSQL several clerks import into one office, one writer at a time. An importer whose next file
 * is still being verified (a slow USB drive, a large file) commits what it has merged first, so that the
 * write lock is free for the others meanwhile, instead of holding it until that file is ready.
 *
 * PostgreSQL only: a SQLite office lets one import write at a time by design (import/writer-lock.ts).
 */
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
import { openLedger } from '../../electron/services/context';
import { readVerifiedFile } from '../../electron/services/packages/package-format';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';
import { testDialect } from '../helpers/ledger';

describe.skipIf(testDialect() !== 'postgres')('an importer waiting for a file on PostgreSQL', () => {
  it('does not hold the write lock meanwhile: another clerk imports, and both batches come in whole', async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const april = await loop.report(canlian, '2019-04', CANLIAN_JUNE);
    const may = await loop.report(canlian, '2019-05', CANLIAN_JUNE);
    const june = await loop.report(canlian, '2019-06', CANLIAN_JUNE);
    const clerk2 = await openLedger(loop.office.handle.location, { actor: '第二位办事员' });
    let releaseMay!: () => void;
    const mayReady = new Promise<void>((r) => { releaseMay = r; });
    let aprilMerged!: () => void;
    const aprilDone = new Promise<void>((r) => { aprilMerged = r; });
    try {
      const first = importFiles(loop.office, [april, may], {
        acceptNewKeys: true,
        read: async (f) => {
          if (f === may) await mayReady; // verification of May takes as long as the other clerk's whole import
          return readVerifiedFile(f);
        },
        onProgress: (p) => { if (p.done === 1) aprilMerged(); },
      });
      await aprilDone;
      const second = await Promise.race([
        importFiles(clerk2, [june], { acceptNewKeys: true }),
        new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 20_000)),
      ]);
      releaseMay();
      expect(second === 'still waiting' ? second : second.map((r) => [r.file, r.status])).toEqual([['填报包-市残联-2019-06-第1版.xlsx', 'accepted']]);
      expect((await first).map((r) => [r.file, r.status])).toEqual([
        ['填报包-市残联-2019-04-第1版.xlsx', 'accepted'],
        ['填报包-市残联-2019-05-第1版.xlsx', 'accepted'],
      ]);
      const stored = await loop.office.db.selectFrom('packages').select('package_id').where('kind', '=', 'report').execute();
      expect(stored).toHaveLength(3);
    } finally {
      releaseMay();
      await clerk2.close();
    }
  }, 60_000);
});
