/**
 * `npm run serve [-- --db FILE] [--port N]`: the built renderer in any local browser, over the
 * loopback bridge, on a database in a temporary folder unless one is given. Prints the address
 * with its token. File dialogs are answered through `POST /__test/dialog` (see README).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultDbFile } from '../services/api';
import { startBridge } from './server';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const db = option('db');
const port = option('port');
const dbFile = db ? resolve(db) : defaultDbFile(mkdtempSync(join(tmpdir(), 'minsheng-ledger-serve-')));

const bridge = await startBridge({ dbFile, testHooks: true, ...(port ? { port: Number(port) } : {}) });
process.stdout.write(
  `民生工作督办台账(浏览器测试模式)\n数据库:${dbFile}\n地址:${bridge.url}\n` +
  `文件对话框由 POST ${bridge.origin}/__test/dialog 应答(请求头 x-ledger-token: ${bridge.token},内容 {"answers": ["/路径"]})。\n按 Ctrl+C 结束。\n`,
);
const stop = () => {
  void bridge.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
