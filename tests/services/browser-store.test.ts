/**
 * `npm start` in browser mode (no Electron binary) opens the store the desktop app would: the office's server
 * database remembered in the settings (store.json in the same data folder), else this computer's own ledger. A
 * remembered server that does not answer is said in the terminal, the own ledger opens for this time, and the
 * choice is kept for the next start.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserStore } from '../../electron/bridge/browser-app';
import { defaultDbFile } from '../../electron/services/api';
import { readStoreChoice } from '../../electron/services/store/store';
import { freePort } from '../../scripts/pg-cluster';
import { createLoop } from '../helpers/loop';
import { tempDir, testDialect } from '../helpers/ledger';

describe('the store browser mode opens', () => {
  it.skipIf(testDialect() !== 'sqlite')('without a remembered server: this computer’s own ledger, nothing said', async () => {
    const dataDir = tempDir();
    const said: string[] = [];
    const store = await browserStore(dataDir, (line) => said.push(line));
    expect(store.dbFile).toBe(defaultDbFile(dataDir));
    expect(store.choiceFile).toBe(join(dataDir, 'store.json'));
    expect(await store.localDbFile()).toBe(defaultDbFile(dataDir));
    expect(said).toEqual([]);
  });

  it.skipIf(testDialect() !== 'sqlite')('a remembered server that does not answer: said in Chinese, the own ledger for this time, the choice kept', async () => {
    const dataDir = tempDir();
    const keys = join(dataDir, 'keys');
    mkdirSync(keys);
    const address = `postgres://clerk@127.0.0.1:${await freePort()}/ledger`;
    writeFileSync(join(dataDir, 'store.json'), JSON.stringify({ location: address, ledgerHome: keys }));
    const said: string[] = [];
    const store = await browserStore(dataDir, (line) => said.push(line));
    expect(store.dbFile).toBe(defaultDbFile(dataDir));
    expect(said.join('')).toMatch(/^连接不上设置中选择的服务器上的台账\(PostgreSQL clerk@127\.0\.0\.1:\d+\/ledger\):.+\n这次先打开本机自己的台账。/s);
    expect(said.join('')).not.toMatch(/Error|at .*\.js:\d+/);
    expect(readStoreChoice(store.choiceFile)).toEqual({ location: address, ledgerHome: keys });
  });

  it.skipIf(testDialect() !== 'postgres')('a remembered server that answers: its ledger, with the key folder chosen for it', async () => {
    const loop = await createLoop();
    const location = loop.office.handle.location;
    const testHome = process.env.LEDGER_HOME!;
    const keys = tempDir(); // the folder chosen in the settings, which this start must take up again
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'store.json'), JSON.stringify({ location, ledgerHome: keys }));
    const said: string[] = [];
    const store = await browserStore(dataDir, (line) => said.push(line)).finally(() => {
      expect(process.env.LEDGER_HOME).toBe(keys);
      process.env.LEDGER_HOME = testHome;
    });
    expect(store.dbFile).toBe(location);
    expect(said).toEqual([]);
    expect(await store.localDbFile()).toBe(defaultDbFile(dataDir));
    expect(existsSync(defaultDbFile(dataDir))).toBe(false); // the own ledger is not created by looking for it
  });
});
