/**
 * The import that tests/faults/kill-import.test.ts kills: opens a summary office database as the
 * app would, imports a folder, and says where it is so the parent can SIGKILL it mid-batch.
 *
 *   node --import tsx tests/faults/import-child.ts <office.db> <folder>
 *
 * Prints `ready`, then `file <i>` before each file, then `done <statuses as JSON>`.
 */
import { openLedger } from '../../electron/services/context';
import { importFiles } from '../../electron/services/import/import';

const [db, folder] = process.argv.slice(2);
if (!db || !folder) {
  process.stderr.write('usage: import-child.ts <office.db> <folder>\n');
  process.exit(2);
}
const ledger = await openLedger(db, { actor: '导入(子进程)' });
process.stdout.write('ready\n');
const results = await importFiles(ledger, [folder], {
  receivedOn: '2019-12-10',
  onProgress: (p) => { if (p.done < p.total) process.stdout.write(`file ${p.done}\n`); },
});
await ledger.close();
process.stdout.write(`done ${JSON.stringify(results.map((r) => r.status))}\n`);
