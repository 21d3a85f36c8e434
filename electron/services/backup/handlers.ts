/** Backups, restore, and the audit log a restore carries across. */
import { basename } from 'node:path';
import type { BackupView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { type DomainHandlers, type HandlerDeps } from '../host';
import { auditViews } from '../views';
import { backupNow, listBackups, restoreBackup, type BackupInfo } from './backup';

function backupView(b: BackupInfo): BackupView {
  return { name: basename(b.file), bytes: b.bytes, createdAt: b.createdAt, reason: b.reason };
}

export function backupHandlers(deps: HandlerDeps) {
  const { session, now, actor } = deps;
  return {
    'audit:list': async (req) => auditViews(await session.require(), req),
    'backup:create': async () => backupView(await backupNow(await session.require(), { reason: 'manual' })),
    // Backups live beside the ledger's local base: the file, or a PostgreSQL database's place under LEDGER_HOME.
    'backup:list': async () => listBackups((await session.require()).file).map(backupView),
    'backup:restore': async (req) => {
      const ledger = await session.require();
      // Only a file the list names: the renderer never gives a path.
      const chosen = listBackups(ledger.file).find((b) => basename(b.file) === req.name);
      if (!chosen) throw new LedgerError('E_NOT_FOUND', `备份列表中没有「${req.name}」。`);
      const r = await session.replace(() => restoreBackup(session.dbFile, chosen.file, { now, actor }));
      return {
        restoredFrom: basename(r.restoredFrom), safetyCopy: r.safetyCopy ? basename(r.safetyCopy.file) : null,
        carriedAudit: r.carriedAudit, auditNotCarried: r.auditNotCarried,
      };
    },
  } satisfies DomainHandlers<'audit:list' | 'backup:create' | 'backup:list' | 'backup:restore'>;
}
