/**
 * Which store this installation works on: its own ledger file (the default), or an office's PostgreSQL
 * database chosen on the settings page. The choice and the folder of the office's key files (LEDGER_HOME) are
 * remembered in a small file of the host's (the app's data folder), read at every start. Plain Node.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import * as z from 'zod';
import { ledgerHome, parseLocation, shownLocation } from '../../../db/location';
import type { StoreView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { removeIfPresent, replaceFile } from '../files';
import { keyFilePath } from '../keys/keys';
import { checkStoreHealth } from '../backup/backup';
import { defaultDbFile, type LedgerSession } from '../host';
import { latestYearFile } from '../plan/years';

/** A PostgreSQL database and the folder its key files are in on this computer. */
export interface StoreChoice {
  readonly location: string;
  readonly ledgerHome: string;
}

const choiceSchema = z.object({ location: z.string().min(1), ledgerHome: z.string().min(1) }).strict();

/** Where a host remembers the choice, and the ledger file it works on without one. */
export interface StoreHost {
  readonly choiceFile: string;
  /** This computer's own (newest year's) ledger file. */
  localDbFile(): Promise<string>;
}

/**
 * The store host of an installation's data folder: the choice in its store.json, the own ledger its newest
 * year's file. The desktop app and `npm start`'s browser mode keep the same folder, so they share both.
 */
export function storeHostIn(dataDir: string): StoreHost {
  return { choiceFile: join(dataDir, 'store.json'), localDbFile: () => latestYearFile(defaultDbFile(dataDir)) };
}

/**
 * The remembered choice, or null (none made, or a file that does not read as one: the own ledger file is used).
 * @example readStoreChoice('/data/store.json')?.location // 'postgres://clerk@10.0.0.5/ledger'
 */
export function readStoreChoice(file: string): StoreChoice | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = choiceSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    return parseLocation(parsed.location).dialect === 'postgres' ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * At start: the server store remembered in `choiceFile`, its key folder applied (LEDGER_HOME), and why it cannot
 * be reached now (null: it answers). Null when none is remembered. The host says what then happens: the app asks,
 * the browser mode opens the own ledger for this time and keeps the choice.
 */
export async function rememberedStore(choiceFile: string): Promise<{ choice: StoreChoice; problem: string | null } | null> {
  const choice = readStoreChoice(choiceFile);
  if (!choice) return null;
  useLedgerHome(choice.ledgerHome);
  const health = await checkStoreHealth(choice.location);
  return { choice, problem: health.ok ? null : health.problem };
}

/** LEDGER_HOME for this process: location.ts reads it when it places a PostgreSQL ledger's files on this PC. */
export function useLedgerHome(folder: string): void {
  process.env.LEDGER_HOME = folder;
}

/** What the settings page shows of the store open now. */
export function storeView(session: LedgerSession, host: StoreHost | undefined): StoreView {
  const loc = parseLocation(session.dbFile);
  return {
    kind: loc.dialect === 'postgres' ? 'postgres' : 'local',
    shown: shownLocation(loc),
    ledgerHome: loc.dialect === 'postgres' ? ledgerHome() : null,
    canSwitch: host !== undefined,
  };
}

/**
 * Works on the PostgreSQL database at `address` from now on, its key files in `folder`; remembered for the next
 * start. Refused, with nothing changed, when the folder lacks the office's key file or the database holds no
 * ledger (openLedger's words).
 */
export async function connectStore(session: LedgerSession, host: StoreHost, address: string, folder: string): Promise<void> {
  const loc = parseLocation(address, { ...process.env, LEDGER_HOME: folder });
  if (loc.dialect !== 'postgres') throw new LedgerError('E_VALIDATION', `「${address}」不是 PostgreSQL 地址:应写作 postgres://用户名@服务器:端口/数据库名。`);
  if (!isAbsolute(folder)) throw new LedgerError('E_VALIDATION', `密钥文件夹「${folder}」不是完整路径。`);
  const key = keyFilePath(loc.local);
  if (!existsSync(key)) {
    throw new LedgerError(
      'E_KEY_FILE',
      `文件夹 ${folder} 里没有台账 ${shownLocation(loc)} 的密钥文件 ${basename(key)}。请选择存放本单位密钥文件的文件夹(向初始化该数据库的同事或管理员索取密钥文件,放入其中),未做任何修改。`,
    );
  }
  const before = process.env.LEDGER_HOME;
  useLedgerHome(folder);
  try {
    await session.switchTo(address, null);
  } catch (err) {
    if (before === undefined) delete process.env.LEDGER_HOME;
    else useLedgerHome(before);
    throw err;
  }
  await writeChoice(host.choiceFile, { location: address, ledgerHome: folder });
}

/** Back to this computer's own ledger file (or its first start, if it has none); the choice is forgotten. */
export async function useLocalStore(session: LedgerSession, host: StoreHost): Promise<void> {
  const local = await host.localDbFile();
  // Joined a server at the first start: there is no own ledger yet, and the first start shows again.
  if (existsSync(local)) await session.switchTo(local, null);
  else await session.switchToUnmade(local);
  removeIfPresent(host.choiceFile);
}

async function writeChoice(file: string, choice: StoreChoice): Promise<void> {
  try {
    mkdirSync(dirname(file), { recursive: true });
    await replaceFile(file, `${file}.${process.pid}.tmp`, (temp) => writeFileSync(temp, `${JSON.stringify(choice, null, 2)}\n`, 'utf8'));
  } catch (err) {
    throw new LedgerError('E_WRITE_FAILED', `已连接,但无法把这个选择记在 ${file} 中(${(err as Error).message}):下次启动仍会打开本机的台账。`);
  }
}
