/** Where the ledger is: this computer's file or an office's PostgreSQL database (issue 15), switched from the settings page. */
import { LedgerError } from '../../../shared/errors';
import type { DomainHandlers, HandlerDeps } from '../host';
import { connectStore, storeView, useLocalStore } from './store';

export function storeHandlers(deps: HandlerDeps) {
  const { session, dialogs, store } = deps;
  const host = () => {
    if (!store) throw new LedgerError('E_USAGE', '这里不能切换数据库(只有桌面程序可以)。');
    return store;
  };
  return {
    'store:get': async () => storeView(session, store),
    'store:connect': async (req) => {
      const h = host();
      // The folder comes from a dialog shown here: paths never come from the renderer.
      const folder = await dialogs.chooseFolder({ title: '选择存放本单位密钥文件的文件夹(LEDGER_HOME)' });
      if (folder === null) return null;
      await connectStore(session, h, req.address, folder);
      return storeView(session, store);
    },
    'store:useLocal': async () => {
      await useLocalStore(session, host());
      return storeView(session, store);
    },
  } satisfies DomainHandlers<'store:get' | 'store:connect' | 'store:useLocal'>;
}
