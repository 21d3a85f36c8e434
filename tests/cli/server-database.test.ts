// Every `ledger` command on the store this run stands on (tests/helpers/ledger.ts testLocation): a SQLite file,
// or in the postgres project a database on the server given as --db postgres://…, named in messages as
// `PostgreSQL user@host:port/db` and never with a password; its key lives under LEDGER_HOME.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUT_MS } from '../../db/dialect/postgres';
import { PG_LOCK_TIMEOUT_MS } from '../../db/errors';
import { localBase, parseLocation, shownLocation, typedStore } from '../../db/location';
import { LedgerSession } from '../../electron/services/host';
import { ledgerYears, startNewYear } from '../../electron/services/plan/years';
import { PLAN_2019 } from '../../seeds/plan2019';
import type { PlanDef } from '../../shared/domain';
import { runLedger as ledger } from '../helpers/cli';
import { freePort } from '../helpers/pg-server';
import { fixedClock, tempDir, testDialect, testLocation } from '../helpers/ledger';
import { editPlan, taskOf } from '../plan/county-plan';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const onServer = testDialect() === 'postgres';
const PLAN_2020 = editPlan(PLAN_2019, (p) => {
  Object.assign(p, { id: 'xuancheng-2020', year: 2020, title: '2020年全市民生工作要点', issuedOn: '2020-04-10' });
});

const shown = (where: string) => shownLocation(parseLocation(where));
const fingerprintIn = (out: string) => /本机密钥指纹:([0-9A-F]{4}(?:-[0-9A-F]{4}){3})/.exec(out)?.[1];

/** The test server's address with another user, port or database. */
function serverWith(change: { user?: string; port?: number; db?: string }): string {
  const url = new URL(process.env.LEDGER_TEST_PG!);
  if (change.user !== undefined) url.username = change.user;
  if (change.port !== undefined) url.port = String(change.port);
  if (change.db !== undefined) url.pathname = `/${change.db}`;
  return url.toString();
}

/** Runs `ledger` with PGPASSWORD set as given (unset with null) for the length of the command. */
async function withPassword<T>(password: string | null, fn: () => Promise<T>): Promise<T> {
  const before = process.env.PGPASSWORD;
  if (password === null) delete process.env.PGPASSWORD;
  else process.env.PGPASSWORD = password;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.PGPASSWORD;
    else process.env.PGPASSWORD = before;
  }
}

/** What a refused connection must look like: the code, the words, the database as shown, no password, no stack. */
function expectUnreachable(r: { code: number; out: string; err: string }, where: string, secret?: string): void {
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err).toBe(`错误 [E_DB_UNREACHABLE]:数据库 ${shown(where)}:连接不上(服务器未开机或未启动数据库、地址或端口不对、用户名或密码不对,或数据库不存在),这次操作没有完成。请检查地址和网络,密码放在环境变量 PGPASSWORD 或 .pgpass 文件中;仍不行请联系服务器管理员。`);
  if (secret !== undefined) expect(`${r.out}${r.err}`).not.toContain(secret);
}

describe('every ledger command on the store given as --db', () => {
  it('init creates the office and refuses a second time; keys, periods, lock, summary, report and plan revise work on it and name it as shown', async () => {
    const where = await testLocation('S.db');
    const dir = tempDir();
    const init = await ledger('init', '--db', where);
    expect(init.err).toBe('');
    expect(init.code).toBe(0);
    expect(init.out).toContain(`已新建汇总端数据库 ${shown(where)}\n汇总单位:市民生工作办公室`);
    if (onServer) expect(init.out).toContain('已新建汇总端数据库 PostgreSQL ledger@127.0.0.1:');
    const fp = fingerprintIn(init.out);
    expect(fp).toBeDefined();
    // The office's key is a file on this PC, never in the shared database.
    expect(existsSync(`${localBase(where)}.key`)).toBe(true);

    const again = await ledger('init', '--db', where);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(onServer ? /^错误 \[E_EXISTS\]:数据库 PostgreSQL .* 里已经有台账,为防止覆盖数据,未做任何修改。$/ : /^错误 \[E_EXISTS\]:文件 .* 已存在/);

    const keys = await ledger('keys', '--db', where);
    expect(keys).toMatchObject({ code: 0, out: `本机密钥指纹:${fp}\n  尚未登记任何单位的密钥。` });

    const periods = await ledger('periods', '--db', where);
    expect(periods.code).toBe(0);
    expect(periods.out).toContain('2019-09  2019年9月     截止 2019-10-08  10月5日为国庆节假期,顺延至10月8日');
    const set = await ledger('periods', '--db', where, '--set', '2019-06', '--due', '2019-07-08', '--reason', '端午后统一报送');
    expect(set).toMatchObject({ code: 0, out: '2019年6月 截止日期:2019-07-08,汇总端设定为7月8日(按规则为7月5日):端午后统一报送。已记入审计日志。' });

    const values = join(dir, 'canlian.json');
    writeFileSync(values, JSON.stringify([{ task: 24, status: '推进中', progress: '药费补助已发放' }, { task: 24, indicator: 1, value: 1632 }, { task: 24, indicator: 2, value: 214 }, { task: 24, indicator: 3, value: 30 }]));
    expect(await ledger('lock', '--db', where, '--period', '2019-06')).toMatchObject({ code: 0, out: '2019年6月 已关账锁定(已记入审计日志)。' });
    const locked = await ledger('enter', '--db', where, '--unit', '市残联', '--period', '2019-06', '--values', values, '--received', '2019-07-05');
    expect(locked).toMatchObject({ code: 1, err: expect.stringContaining('[E_PERIOD_LOCKED]') });
    expect(await ledger('reopen', '--db', where, '--period', '2019-06', '--reason', '补录残联')).toMatchObject({ code: 0, out: '2019年6月 已重新开启(已记入审计日志)。' });
    expect((await ledger('enter', '--db', where, '--unit', '市残联', '--period', '2019-06', '--values', values, '--received', '2019-07-05')).code).toBe(0);

    const summary = await ledger('summary', '--db', where, '--period', '2019-06', '--by', 'unit', '--json');
    expect(summary.code).toBe(0);
    expect((JSON.parse(summary.out) as { unit: string; onTime: number }[]).find((r) => r.unit === '市残联')).toMatchObject({ onTime: 1 });

    const out = join(dir, '汇总表.xlsx');
    const report = await ledger('report', '--db', where, '--period', '2019-06', '--out', out);
    expect(report.err).toBe('');
    expect(report.out).toContain(`已生成汇总表 ${out}(2019年6月,37 个单位,54 项任务)`);
    expect(existsSync(out)).toBe(true);

    const planFile = join(dir, 'plan.json');
    const def = JSON.parse((await ledger('plan', '--db', where, '--json')).out) as PlanDef;
    writeFileSync(planFile, JSON.stringify(editPlan(def, (p) => {
      Object.assign(taskOf(p, 24).indicators[0]!, { target: 2000 });
    })));
    const preview = await ledger('plan', 'revise', '--db', where, '--from', planFile, '--dry-run');
    expect(preview.code).toBe(0);
    expect(preview.out).toMatch(/^\(预览,未保存\)第1版 → 第2版,共 1 处变化:/);
    const revised = await ledger('plan', 'revise', '--db', where, '--from', planFile);
    expect(revised.out).toContain('已保存为第2版工作计划');
    expect(JSON.parse((await ledger('plan', '--db', where, '--json')).out)).toMatchObject({ revision: 2 });
    const audit = await ledger('audit', '--db', where, '--json');
    expect((JSON.parse(audit.out) as { action: string }[]).map((r) => r.action)).toEqual(expect.arrayContaining(['plan.create', 'period.lock', 'period.reopen', 'plan.revise']));
  });

  it('a new year is a new store: init --carry-from last year’s keeps the office key, and last year’s stays as it was', async () => {
    const y2019 = await testLocation('S2019.db');
    const y2020 = await testLocation('S2020.db');
    const first = await ledger('init', '--db', y2019);
    expect(first.code).toBe(0);
    const planFile = join(tempDir(), '2020.json');
    writeFileSync(planFile, JSON.stringify(PLAN_2020));
    const next = await ledger('init', '--db', y2020, '--plan', planFile, '--carry-from', y2019);
    expect(next.err).toBe('');
    expect(next.code).toBe(0);
    expect(fingerprintIn(next.out)).toBe(fingerprintIn(first.out));
    expect(next.out).toContain(`已接续上年台账 ${y2019}`);
    expect(readFileSync(`${localBase(y2020)}.key`)).toEqual(readFileSync(`${localBase(y2019)}.key`));
    expect(JSON.parse((await ledger('plan', '--db', y2019, '--json')).out)).toMatchObject({ year: 2019, revision: 1 });
  });

  it('a new year keeps last year’s reporting frequency unless --frequency or the plan file states one', async () => {
    const y2019 = await testLocation('S2019.db');
    expect((await ledger('init', '--db', y2019, '--frequency', 'quarterly')).code).toBe(0);
    const dir = tempDir();
    // A plan file that says nothing of how often units report (as a notice never does).
    const silent = join(dir, '2020.json');
    writeFileSync(silent, JSON.stringify({ ...PLAN_2020, frequency: undefined }));
    const stating = join(dir, '2020-monthly.json');
    writeFileSync(stating, JSON.stringify({ ...PLAN_2020, frequency: 'monthly' }));
    const frequencyOf = async (where: string) => (JSON.parse((await ledger('plan', '--db', where, '--json')).out) as { frequency: string }).frequency;

    const carried = await testLocation('S2020.db');
    const r = await ledger('init', '--db', carried, '--plan', silent, '--carry-from', y2019);
    expect(r.err).toBe('');
    expect(r.out).toContain('按季度');
    expect(await frequencyOf(carried)).toBe('quarterly');

    const stated = await testLocation('S2020b.db');
    expect((await ledger('init', '--db', stated, '--plan', stating, '--carry-from', y2019)).code).toBe(0);
    expect(await frequencyOf(stated)).toBe('monthly');

    const chosen = await testLocation('S2020c.db');
    expect((await ledger('init', '--db', chosen, '--plan', silent, '--carry-from', y2019, '--frequency', 'monthly')).code).toBe(0);
    expect(await frequencyOf(chosen)).toBe('monthly');
  });

  it.skipIf(!onServer)('init --carry-from into a server database creates the folder for its key (LEDGER_HOME) when there is none yet', async () => {
    const y2020 = await testLocation('S2020.db');
    const dir = tempDir();
    const y2019 = join(dir, 'S2019.db');
    expect((await ledger('init', '--db', y2019)).code).toBe(0);
    const planFile = join(dir, '2020.json');
    writeFileSync(planFile, JSON.stringify(PLAN_2020));
    const home = process.env.LEDGER_HOME;
    process.env.LEDGER_HOME = join(dir, '台账密钥', '尚未建立');
    try {
      const next = await ledger('init', '--db', y2020, '--plan', planFile, '--carry-from', y2019);
      expect(next.err).toBe('');
      expect(next.code).toBe(0);
      expect(readFileSync(`${localBase(y2020)}.key`)).toEqual(readFileSync(`${y2019}.key`));
    } finally {
      process.env.LEDGER_HOME = home;
    }
  });

  it.skipIf(!onServer)('on a server database, the app lists only the open year and says how to start a new one (a new database)', async () => {
    const where = await testLocation('S.db');
    expect((await ledger('init', '--db', where)).code).toBe(0);
    const session = new LedgerSession(where, { now: fixedClock('2020-04-10T09:00:00'), actor: '汇总端测试' });
    try {
      expect(await ledgerYears(session)).toEqual([{ year: 2019, title: '2019年全市民生工作要点', fileName: shown(where), open: true, latest: true }]);
      const typed = typedStore(where);
      await expect(startNewYear(session, PLAN_2020, { now: fixedClock('2020-04-10T09:00:00'), actor: '汇总端测试' })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining(`新的一年是一个新的数据库,不能在这里开始。请服务器管理员新建一个空数据库,再运行 ledger init --db ${typed.slice(0, typed.lastIndexOf('/') + 1)}新数据库名 --plan 新一年的计划文件 --carry-from ${typed}`),
      });
    } finally {
      await session.close();
    }
  });

  it.skipIf(!onServer)('a unit’s ledger (填报端) on a server database is refused in Chinese: a unit works on its own PC with a file', async () => {
    const office = await testLocation('S.db');
    const dir = tempDir();
    expect((await ledger('init', '--db', office)).code).toBe(0);
    const assigned = await ledger('assign', '--db', office, '--unit', '市残联', '--out', dir, '--json');
    expect(assigned.code).toBe(0);
    const unit = await testLocation('U.db');
    const r = await ledger('init', '--db', unit, '--from', (JSON.parse(assigned.out) as { file: string }).file);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toBe(`错误 [E_USAGE]:填报端在本单位的电脑上用一个数据库文件,不用服务器数据库(${shown(unit)}):请把 --db 改为文件名,例如 --db 本单位.db。服务器数据库只用于汇总端。`);
    expect(existsSync(`${localBase(unit)}.key`)).toBe(false);
  });
});

describe.skipIf(!onServer)('a server database held by another session', () => {
  it('a table an administrator holds: `ledger lock` refuses with E_DB_BUSY after the 120 s wait (not 5, not for ever) and locks nothing', async () => {
    const where = await testLocation('S.db');
    expect((await ledger('init', '--db', where)).code).toBe(0);
    const dba = new pg.Client({ connectionString: where });
    await dba.connect();
    try {
      await dba.query('BEGIN');
      await dba.query('LOCK TABLE periods IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const r = await ledger('lock', '--db', where, '--period', '2019-02');
      const waited = Date.now() - started;
      await dba.query('ROLLBACK');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^错误 \[E_DB_BUSY\]:数据库 PostgreSQL .*正被另一个程序占用\(等待 120 秒后仍未释放\)/);
      expect(waited).toBeGreaterThanOrEqual(PG_LOCK_TIMEOUT_MS - 1000);
      expect(waited).toBeLessThan(PG_LOCK_TIMEOUT_MS + 30_000);
      const periods = JSON.parse((await ledger('periods', '--db', where, '--json')).out) as { period: string; locked: boolean }[];
      expect(periods.find((p) => p.period === '2019-02')).toMatchObject({ locked: false });
    } finally {
      await dba.end();
    }
  }, 240_000);
});

describe.skipIf(!onServer)('a server user without the privileges a command needs', () => {
  it('is told the database user lacks the privilege (42501) and to ask the server administrator: not a read-only file, not a missing ledger, not English', async () => {
    const where = await testLocation('S.db');
    expect((await ledger('init', '--db', where)).code).toBe(0);
    const reader = `reader_${process.pid}`;
    const nobody = `nobody_${process.pid}`;
    const admin = new pg.Client({ connectionString: where });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${reader} LOGIN`);
      await admin.query(`CREATE ROLE ${nobody} LOGIN`);
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`);
      const denied = (r: { code: number; out: string; err: string }, as: string) => {
        expect(r.code, r.err).toBe(1);
        expect(r.err).toContain(`错误 [E_READ_ONLY]:数据库 ${shown(serverWith({ user: as, db: new URL(where).pathname.slice(1) }))}:数据库用户没有所需的权限(SQLSTATE 42501)`);
        expect(r.err).toContain('请联系服务器管理员');
        expect(r.err).not.toMatch(/U盘|只读|还没有台账|permission denied/);
      };
      const asReader = serverWith({ user: reader, db: new URL(where).pathname.slice(1) });
      const asNobody = serverWith({ user: nobody, db: new URL(where).pathname.slice(1) });
      denied(await ledger('lock', '--db', asReader, '--period', '2019-02'), reader);
      denied(await ledger('plan', '--db', asNobody), nobody);
      denied(await ledger('init', '--db', asNobody), nobody);
      const backup = await ledger('backup', '--db', asReader, '--dir', tempDir());
      expect(backup.code, backup.err).toBe(1);
      expect(backup.err).toContain('数据库用户没有所需的权限(SQLSTATE 42501)');
      expect(backup.err).toContain('请联系服务器管理员');
      expect(backup.err).not.toMatch(/permission denied/);
    } finally {
      await admin.query(`DROP OWNED BY ${reader}, ${nobody}`).catch(() => undefined);
      await admin.end();
      const server = new pg.Client({ connectionString: process.env.LEDGER_TEST_PG });
      await server.connect();
      await server.query(`DROP ROLE IF EXISTS ${reader}, ${nobody}`).catch(() => undefined);
      await server.end();
    }
  });
});

describe('a server database that cannot be reached', () => {
  it.runIf(onServer)('two databases whose names make one key file name (a space, an underscore): the second init is refused, never sharing the first one’s key', async () => {
    await testLocation('home.db'); // sets this test's LEDGER_HOME
    const admin = new pg.Client({ connectionString: process.env.LEDGER_TEST_PG });
    await admin.connect();
    const names = [`ledger ${process.pid} 2019`, `ledger_${process.pid}_2019`];
    try {
      for (const n of names) await admin.query(`CREATE DATABASE "${n}"`);
      const [spaced, underscored] = names.map((n) => serverWith({ db: encodeURIComponent(n) }));
      const first = await ledger('init', '--db', spaced!);
      expect(first.code, first.err).toBe(0);
      const second = await ledger('init', '--db', underscored!);
      expect([second.code, second.err]).toEqual([1, expect.stringContaining('它属于另一个服务器台账(数据库名只差空格或符号,或以前同名的数据库),新台账不能与它共用密钥和备份文件夹,未做任何修改')]);
      expect(fingerprintIn((await ledger('keys', '--db', spaced!)).out)).toBe(fingerprintIn(first.out));
    } finally {
      for (const n of names) await admin.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('a port nothing listens on, a host that does not exist: E_DB_UNREACHABLE naming the database, exit code 1', async () => {
    const port = await freePort();
    const closed = `postgres://clerk@127.0.0.1:${port}/ledger`;
    expectUnreachable(await withPassword('pw-not-to-print-1', () => ledger('keys', '--db', closed)), closed, 'pw-not-to-print-1');
    const nowhere = 'postgres://clerk@no-such-server.invalid/ledger';
    expectUnreachable(await ledger('summary', '--db', nowhere, '--period', '2019-06', '--by', 'unit'), nowhere);
  });

  it('a password written into the address, before the @ or as ?password=, is refused before connecting and never printed', async () => {
    for (const where of ['postgres://clerk:pw-in-url-3@127.0.0.1/ledger', 'postgres://clerk@127.0.0.1/ledger?password=pw-in-url-3']) {
      const r = await ledger('keys', '--db', where);
      expect(r).toMatchObject({ code: 1, out: '' });
      expect(r.err).toMatch(/^错误 \[E_VALIDATION\]:数据库地址里不能写密码/);
      expect(r.err).not.toContain('pw-in-url-3');
    }
  });

  // A server that takes the connection and never answers needs no PostgreSQL: run once, in the sqlite project.
  it.skipIf(onServer)(`a server that never answers: E_DB_UNREACHABLE after ${CONNECT_TIMEOUT_MS / 1000} s, not the system's TCP timeout`, async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const where = `postgres://clerk@127.0.0.1:${(silent.address() as { port: number }).port}/ledger`;
      // The test's own timeout is the bound: well under the minutes a TCP timeout takes.
      expectUnreachable(await ledger('keys', '--db', where), where);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, CONNECT_TIMEOUT_MS + 20_000);

  it('the real command: exit code 1, one line in Chinese, no stack trace, PGPASSWORD never printed', async () => {
    const port = await freePort();
    const where = `postgres://clerk@127.0.0.1:${port}/ledger`;
    const secret = 'pw-not-to-print-2';
    const failed = await exec(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'init', '--db', where], { cwd: ROOT, env: { ...process.env, PGPASSWORD: secret } })
      .then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(failed).not.toBeNull();
    expect(failed!.code).toBe(1);
    expect(failed!.stdout).toBe('');
    expect(failed!.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^错误 \[E_DB_UNREACHABLE\]:数据库 PostgreSQL clerk@127\.0\.0\.1:\d+\/ledger:连接不上/)]);
    expect(failed!.stderr).not.toContain(secret);
  });

  it('an address with ?sslmode=require: the driver’s English SECURITY WARNING is not shown, only the Chinese refusal', async () => {
    const port = await freePort();
    const where = `postgres://clerk@127.0.0.1:${port}/ledger?sslmode=require`;
    const failed = await exec(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'keys', '--db', where], { cwd: ROOT })
      .then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(failed).not.toBeNull();
    expect(failed!.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^错误 \[E_DB_UNREACHABLE\]:数据库 PostgreSQL clerk@127\.0\.0\.1:\d+\/ledger.*:连接不上/)]);
  });

  it.skipIf(!onServer)('a database that does not exist on the server: E_DB_UNREACHABLE', async () => {
    const missing = serverWith({ db: 'no_such_ledger_db' });
    expectUnreachable(await ledger('plan', '--db', missing), missing);
  });

  it.skipIf(!onServer)('a wrong PGPASSWORD, or none, for a user the server asks a password of: E_DB_UNREACHABLE; the right one opens the ledger', async () => {
    const admin = new pg.Client({ connectionString: process.env.LEDGER_TEST_PG });
    await admin.connect();
    const user = `clerk_pw_${process.pid}`;
    const where = await testLocation('S.db');
    const db = new URL(where).pathname.slice(1);
    try {
      // The throw-away cluster trusts every local user: this one user must give a password (scram).
      const hba = (await admin.query<{ hba_file: string }>('SHOW hba_file')).rows[0]!.hba_file;
      writeFileSync(hba, `host all ${user} 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
      await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD 'right-password-7'`);
      await admin.query(`ALTER DATABASE "${db}" OWNER TO ${user}`);
      await admin.query('SELECT pg_reload_conf()');
      const asUser = serverWith({ user, db });
      // The server reloads its configuration in the background: asked until it wants the password (the
      // commands below fail the test if it never does).
      for (let k = 0; k < 50; k++) {
        const probe = new pg.Client({ connectionString: asUser, password: 'wrong-password-9' });
        const refused = await probe.connect().then(() => false, () => true);
        await probe.end();
        if (refused) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expectUnreachable(await withPassword('wrong-password-9', () => ledger('init', '--db', asUser)), asUser, 'wrong-password-9');
      expectUnreachable(await withPassword(null, () => ledger('init', '--db', asUser)), asUser);
      const right = await withPassword('right-password-7', () => ledger('init', '--db', asUser));
      expect(right.err).toBe('');
      expect(right.out).toContain(`已新建汇总端数据库 PostgreSQL ${user}@127.0.0.1:`);
      expect(right.out).not.toContain('right-password-7');
      // The password from a .pgpass file instead (PGPASSFILE names it): the real command says nothing in English.
      const pgpass = join(tempDir(), 'pgpass');
      writeFileSync(pgpass, `127.0.0.1:*:*:${user}:right-password-7\n`, { mode: 0o600 });
      const { PGPASSWORD: _, ...env } = process.env;
      const viaFile = await exec(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'keys', '--db', asUser], { cwd: ROOT, env: { ...env, PGPASSFILE: pgpass } });
      expect(viaFile.stderr).toBe('');
      expect(viaFile.stdout).toContain('本机密钥指纹');
    } finally {
      await admin.end();
    }
  });
});
