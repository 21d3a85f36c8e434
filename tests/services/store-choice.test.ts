/**
 * The store:* channels on a host's own ledger file (the switch to a server is the postgres project's e2e test,
 * tests/e2e/settings-postgres-ui.test.ts): what the contract refuses before any dialog, a cancelled folder
 * dialog, a host that cannot switch, and a remembered choice that does not read as one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScriptedDialogs } from '../../electron/bridge/server';
import { createHandlers, dispatch, LedgerSession } from '../../electron/services/api';
import { initSummary } from '../../electron/services/plan/setup';
import { readStoreChoice } from '../../electron/services/store/store';
import { tempDir } from '../helpers/ledger';

async function officeOnFile() {
  const dir = tempDir();
  const file = join(dir, 'office.db');
  await (await initSummary(file, { now: () => new Date('2019-07-03T10:00:00') })).close();
  const session = new LedgerSession(file);
  const dialogs = new ScriptedDialogs();
  const choiceFile = join(dir, 'store.json');
  const handlers = createHandlers({ session, dialogs, emit: () => {}, store: { choiceFile, localDbFile: async () => file } });
  return { dir, file, session, dialogs, choiceFile, handlers };
}

describe('store channels', () => {
  it('shows the own ledger file; refuses a password or a non-PostgreSQL address before any dialog; a cancelled folder dialog changes nothing', async () => {
    const o = await officeOnFile();
    try {
      expect(await dispatch(o.handlers, 'store:get', {})).toEqual({ ok: true, value: { kind: 'local', shown: o.file, ledgerHome: null, canSwitch: true } });
      for (const address of ['postgres://clerk:secret@10.0.0.5/ledger', 'D:\\台账\\office.db', 'postgres://10.0.0.5', 'mysql://clerk@10.0.0.5/ledger']) {
        const r = await dispatch(o.handlers, 'store:connect', { address });
        expect(r.ok ? '' : r.error.code).toBe('E_USAGE');
        expect(r.ok ? '' : r.error.message).toMatch(address.includes('secret') ? /地址里不能写密码/ : /postgres:\/\/用户名@服务器:端口\/数据库名/);
      }
      expect(o.dialogs.shown).toEqual([]);

      const cancelled = await dispatch(o.handlers, 'store:connect', { address: 'postgres://clerk@10.0.0.5/ledger' });
      expect(cancelled).toEqual({ ok: true, value: null });
      expect(o.dialogs.shown).toEqual(['选择存放本单位密钥文件的文件夹(LEDGER_HOME)']);
      expect(readStoreChoice(o.choiceFile)).toBeNull();
      expect(o.session.dbFile).toBe(o.file);
    } finally {
      await o.session.close();
    }
  });

  it('a folder without the office’s key file is refused in words, and the own ledger stays open', async () => {
    const o = await officeOnFile();
    try {
      o.dialogs.push(tempDir());
      const r = await dispatch(o.handlers, 'store:connect', { address: 'postgres://clerk@10.0.0.5/ledger' });
      expect(r.ok ? null : r.error).toMatchObject({ code: 'E_KEY_FILE', message: expect.stringContaining('没有台账 PostgreSQL clerk@10.0.0.5:5432/ledger 的密钥文件 ledger@10.0.0.5-5432.key') });
      expect(o.session.dbFile).toBe(o.file);
      expect(readStoreChoice(o.choiceFile)).toBeNull();
      expect(await dispatch(o.handlers, 'settings:get', {})).toMatchObject({ ok: true });
    } finally {
      await o.session.close();
    }
  });

  it('a host without a place to remember the choice cannot switch', async () => {
    const o = await officeOnFile();
    const handlers = createHandlers({ session: o.session, dialogs: o.dialogs, emit: () => {} });
    try {
      expect(await dispatch(handlers, 'store:get', {})).toMatchObject({ ok: true, value: { canSwitch: false } });
      expect(await dispatch(handlers, 'store:connect', { address: 'postgres://clerk@10.0.0.5/ledger' })).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
      expect(o.dialogs.shown).toEqual([]);
    } finally {
      await o.session.close();
    }
  });

  it('a remembered choice that is not one (damaged, a file path, a password-less guess) reads as none', () => {
    const dir = tempDir();
    const file = join(dir, 'store.json');
    expect(readStoreChoice(file)).toBeNull();
    writeFileSync(file, '{ not json');
    expect(readStoreChoice(file)).toBeNull();
    writeFileSync(file, JSON.stringify({ location: join(dir, 'office.db'), ledgerHome: dir }));
    expect(readStoreChoice(file)).toBeNull();
    writeFileSync(file, JSON.stringify({ location: 'postgres://clerk@10.0.0.5/ledger', ledgerHome: dir }));
    expect(readStoreChoice(file)).toEqual({ location: 'postgres://clerk@10.0.0.5/ledger', ledgerHome: dir });
  });
});
