/**
 * The app in the default browser, for `npm start` on a computer where the Electron binary is missing
 * (its installer could not download it): the same built renderer and the same services over the
 * loopback bridge, on the database the desktop app uses. File dialogs are answered in the terminal.
 *
 *   node --import tsx electron/bridge/browser-app.ts      (scripts/start.mjs runs it)
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DialogOptions, Dialogs } from '../services/api';
import { rememberedStore, storeHostIn, type StoreHost } from '../services/store/store';
import { parseLocation, shownLocation } from '../../db/location';
import { startBridge } from './server';

/** package.json's productName: Electron names the user data folder after it. */
export const PRODUCT_NAME = '民生工作督办台账';

/** Electron's `app.getPath('userData')` for this app, worked out without Electron. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || env.USERPROFILE || homedir();
  const appData = platform === 'win32' ? (env.APPDATA || join(home, 'AppData', 'Roaming'))
    : platform === 'darwin' ? join(home, 'Library', 'Application Support')
      : (env.XDG_CONFIG_HOME || join(home, '.config'));
  return join(appData, PRODUCT_NAME);
}

/**
 * Dialogs as questions in the terminal: a browser page cannot name a file on this computer, and
 * paths must never come from the page. An empty answer (or the end of input) is "cancelled".
 */
export class TerminalDialogs implements Dialogs {
  private lines: Interface | null = null;
  private readonly waiting: ((line: string | null) => void)[] = [];
  private readonly ready: string[] = [];
  private ended = false;

  constructor(private readonly input: NodeJS.ReadableStream = process.stdin, private readonly output: NodeJS.WritableStream = process.stdout) {}

  private ask(question: string): Promise<string | null> {
    if (!this.lines) {
      this.lines = createInterface({ input: this.input, terminal: false });
      this.lines.on('line', (line) => {
        const next = this.waiting.shift();
        if (next) next(line);
        else this.ready.push(line);
      });
      this.lines.on('close', () => {
        this.ended = true;
        for (const w of this.waiting.splice(0)) w(null);
      });
    }
    this.output.write(question);
    if (this.ready.length > 0) return Promise.resolve(this.ready.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async path(opts: DialogOptions, hint: string): Promise<string | null> {
    const answer = (await this.ask(`\n【${opts.title}】\n${hint}(直接回车为取消):`))?.trim() ?? '';
    return answer === '' ? null : answer;
  }

  async openFiles(opts: DialogOptions & { readonly multi?: boolean }): Promise<string[] | null> {
    const answer = await this.path(opts, opts.multi ? '请输入文件路径,多个文件用分号 ; 隔开' : '请输入文件路径');
    if (answer === null) return null;
    return opts.multi ? answer.split(';').map((s) => s.trim()).filter(Boolean) : [answer];
  }

  openFolder(opts: DialogOptions): Promise<string | null> {
    return this.path(opts, '请输入文件夹路径');
  }

  chooseFolder(opts: DialogOptions): Promise<string | null> {
    return this.path(opts, '请输入保存到的文件夹路径');
  }

  saveFile(opts: DialogOptions): Promise<string | null> {
    return this.path(opts, '请输入保存的文件路径');
  }

  close(): void {
    this.lines?.close();
  }
}

/** Opens the address in the default browser (or $BROWSER); false where there is none. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const [cmd, args] = env.BROWSER ? [env.BROWSER, [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]]
      : process.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

/**
 * The store this start opens, as the desktop app chooses it: the office's server database remembered in the
 * settings (store.json beside the ledger files, the same file the app keeps), else this computer's own newest
 * ledger. A server that does not answer is said in the terminal and the own ledger opens for this time; the
 * choice is kept, so the next start tries the server again (a terminal has no dialog to ask in).
 */
export async function browserStore(dataDir: string, say: (line: string) => void): Promise<StoreHost & { dbFile: string }> {
  const { choiceFile, localDbFile } = storeHostIn(dataDir);
  const remembered = await rememberedStore(choiceFile);
  if (remembered && remembered.problem !== null) {
    say(`连接不上设置中选择的服务器上的台账(${shownLocation(parseLocation(remembered.choice.location))}):${remembered.problem}\n`
      + '这次先打开本机自己的台账。检查网络、服务器和密码(PGPASSWORD 或 .pgpass)后重新启动,会再连接服务器;也可以在「设置」中改回本机的台账。\n');
  }
  const dbFile = remembered && remembered.problem === null ? remembered.choice.location : await localDbFile();
  return { dbFile, choiceFile, localDbFile };
}

async function main(): Promise<void> {
  const dataDir = userDataDir();
  mkdirSync(dataDir, { recursive: true });
  const { dbFile, choiceFile, localDbFile } = await browserStore(dataDir, (line) => process.stdout.write(line));
  const dialogs = new TerminalDialogs();
  const bridge = await startBridge({ dbFile, dialogs, storeChoiceFile: choiceFile, localDbFile });
  process.stdout.write(`数据库:${shownLocation(parseLocation(dbFile))}\n地址:${bridge.url}\n`);
  const opened = await openBrowser(bridge.url);
  process.stdout.write(opened ? '已在默认浏览器中打开。选择文件时请在这里输入路径。按 Ctrl+C 结束。\n'
    : '没有找到默认浏览器,请在浏览器中打开上面的地址。选择文件时请在这里输入路径。按 Ctrl+C 结束。\n');
  const stop = () => {
    dialogs.close();
    void bridge.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
