/** Importing packages, and the keys they are verified with (accepting a key needs the last import's files). */
import { basename } from 'node:path';
import { LedgerError } from '../../../shared/errors';
import type { OpenLedger } from '../context';
import { PACKAGE_FILTER, type DomainHandlers, type HandlerDeps } from '../host';
import { listKeys } from '../keys/keys';
import { acceptKeyFromFile, expandPaths, importFiles, verifyingWith } from './import';

export function importHandlers(deps: HandlerDeps) {
  const { session, dialogs, emit } = deps;
  /** The files of the last import dialog, for 再次导入 after a key is accepted. */
  let lastImport: readonly string[] | null = null;

  async function runImport(ctx: OpenLedger, paths: readonly string[], req: { dryRun: boolean; acceptNewKeys: boolean; receivedOn?: string | undefined }) {
    return importFiles(ctx, paths, {
      dryRun: req.dryRun,
      acceptNewKeys: req.acceptNewKeys,
      ...(req.receivedOn ? { receivedOn: req.receivedOn } : {}),
      onProgress: (p) => emit('import:progress', p),
      ...(deps.verifier ? verifyingWith(deps.verifier) : {}),
    });
  }

  return {
    'packages:import': async (req) => {
      const ctx = await session.require();
      let paths: string[] | null;
      if (req.mode === 'folder') {
        const dir = await dialogs.openFolder({ title: '选择存放数据包的文件夹(如U盘)' });
        paths = dir ? [dir] : null;
      } else {
        paths = await dialogs.openFiles({ title: '选择要导入的数据包(可多选)', filters: PACKAGE_FILTER, multi: true });
      }
      if (!paths || paths.length === 0) return null;
      lastImport = paths;
      return runImport(ctx, paths, req);
    },
    'packages:importAgain': async (req) => {
      const ctx = await session.require();
      if (!lastImport) throw new LedgerError('E_USAGE', '没有可以再次导入的文件:请先选择文件或文件夹导入。');
      return runImport(ctx, lastImport, req);
    },
    'keys:list': async () => listKeys(await session.require()),
    'keys:acceptFromFile': async (req) => {
      const ctx = await session.require();
      let file: string | undefined;
      if (req.file !== undefined) {
        // Only a file of the last import, by its name: the renderer never gives a path.
        file = lastImport ? expandPaths(lastImport).find((f) => basename(f) === req.file) : undefined;
        if (!file) throw new LedgerError('E_NOT_FOUND', `上次导入的文件中没有「${req.file}」,请重新选择文件导入。`);
      } else {
        file = (await dialogs.openFiles({ title: '选择该单位的填报包,登记其新密钥', filters: PACKAGE_FILTER }))?.[0];
        if (!file) return null;
      }
      const r = await acceptKeyFromFile(ctx, file, { sharedKey: req.sharedKey ?? false });
      return { unit: r.unit, fingerprint: r.fingerprint, warning: r.warning };
    },
  } satisfies DomainHandlers<'packages:import' | 'packages:importAgain' | 'keys:list' | 'keys:acceptFromFile'>;
}
