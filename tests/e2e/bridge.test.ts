/**
 * The loopback bridge at the API level: the token, the Host and Origin checks, the static files,
 * and the contract (unknown channel, invalid argument in Chinese), then the handlers through it.
 */
import { request } from 'node:http';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type Channel, type RequestOf, type ResponseOf, type Result } from '../../shared/api';
import { createHandlers, dispatch, LedgerSession } from '../../electron/services/api';
import { ScriptedDialogs, startBridge, type Bridge } from '../../electron/bridge/server';
import { enterReports } from '../../electron/services/entry/entry';
import { initUnitFromAssignment } from '../../electron/services/import/import';
import { exportReport } from '../../electron/services/packages/packages';
import { yearEntries } from '../../scripts/bench-setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { runningClock, scratch } from './harness';

let bridge: Bridge;
let tmp: ReturnType<typeof scratch>;

beforeAll(async () => {
  tmp = scratch('ledger-bridge-');
  const staticDir = join(tmp.dir, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>民生工作督办台账</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'secret');
  bridge = await startBridge({ dbFile: join(tmp.dir, 'ledger.db'), staticDir, testHooks: true, now: runningClock('2019-07-08T10:00:00'), actor: '测试' });
});

afterAll(async () => {
  await bridge?.close();
  tmp?.remove();
});

async function invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  const res = await fetch(`${bridge.origin}/api/invoke`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-ledger-token': bridge.token }, body: JSON.stringify({ channel, request: req }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Result<ResponseOf<C>>;
}

async function value<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
  const r = await invoke(channel, req);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** A raw request, so Host and Origin can be anything. */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('the loopback bridge refuses what it must', () => {
  it('listens on 127.0.0.1 with a random port and a long token', () => {
    expect(bridge.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bridge.port).toBeGreaterThan(0);
    expect(bridge.token.length).toBeGreaterThanOrEqual(32);
    expect(bridge.url).toBe(`${bridge.origin}/#token=${bridge.token}`);
  });

  it('answers 401 without the token, or with a wrong one', async () => {
    const body = JSON.stringify({ channel: 'app:info', request: {} });
    const none = await fetch(`${bridge.origin}/api/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toContain('令牌');
    const wrong = await fetch(`${bridge.origin}/api/invoke`, { method: 'POST', headers: { 'x-ledger-token': 'x'.repeat(32) }, body });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${bridge.origin}/api/events`)).status).toBe(401);
    expect((await fetch(`${bridge.origin}/__test/dialog`, { method: 'POST', body: '{"answers":[]}' })).status).toBe(401);
  });

  it('refuses a Host header that is not this loopback address (DNS rebinding)', async () => {
    const headers = { 'x-ledger-token': bridge.token, 'content-type': 'application/json' };
    const body = JSON.stringify({ channel: 'app:info', request: {} });
    expect((await raw('/api/invoke', { ...headers, host: `evil.example:${bridge.port}` }, 'POST', body)).status).toBe(403);
    expect((await raw('/api/invoke', { ...headers, host: `192.168.1.5:${bridge.port}` }, 'POST', body)).status).toBe(403);
    expect((await raw('/', { host: `evil.example:${bridge.port}` })).status).toBe(403);
    expect((await raw('/api/invoke', { ...headers, host: `localhost:${bridge.port}` }, 'POST', body)).status).toBe(200);
  });

  it('refuses requests sent by another web page (Origin)', async () => {
    const r = await raw('/api/invoke', { 'x-ledger-token': bridge.token, host: `127.0.0.1:${bridge.port}`, origin: 'http://evil.example' }, 'POST', '{}');
    expect(r.status).toBe(403);
  });

  it('serves the renderer without the token, with the CSP, and nothing outside it', async () => {
    const index = await fetch(`${bridge.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('民生工作督办台账');
    expect((await fetch(`${bridge.origin}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await raw('/../secret.txt', { host: `127.0.0.1:${bridge.port}` })).status).toBe(404);
    expect((await raw('/%2e%2e/secret.txt', { host: `127.0.0.1:${bridge.port}` })).status).toBe(404);
    expect((await fetch(`${bridge.origin}/api/nothing`, { headers: { 'x-ledger-token': bridge.token } })).status).toBe(404);
  });

  it('answers an unknown channel with E_USAGE, never a crash', async () => {
    const r = await invoke('nope:nothing' as Channel, {} as never);
    expect(r).toEqual({ ok: false, error: { code: 'E_USAGE', message: '没有名为「nope:nothing」的接口。' } });
  });

  it('answers an invalid argument with E_USAGE and a Chinese message', async () => {
    const bad = await invoke('summary:byUnit', { period: '2019-13' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('E_USAGE');
      expect(bad.error.message).toContain('报送期应为 YYYY-MM');
    }
    const wrongType = await invoke('returns:create', { period: '2019-06', unit: '市残联', task: 'x' as unknown as number, comment: '' });
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) {
      expect(wrongType.error.code).toBe('E_USAGE');
      expect(wrongType.error.message).toMatch(/task:.*期望 数字/);
      expect(wrongType.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
    const extra = await invoke('app:info', { path: '/etc/passwd' } as never);
    expect(extra.ok).toBe(false);
    if (!extra.ok) expect(extra.error.message).toContain('path');
  });

  it('takes dialog answers only through the token-protected test endpoint', async () => {
    const bad = await fetch(`${bridge.origin}/__test/dialog`, { method: 'POST', headers: { 'x-ledger-token': bridge.token }, body: JSON.stringify({ answers: [42] }) });
    expect(bad.status).toBe(400);
    const off = await startBridge({ dbFile: join(tmp.dir, 'off.db'), staticDir: tmp.dir });
    try {
      const r = await fetch(`${off.origin}/__test/dialog`, { method: 'POST', headers: { 'x-ledger-token': off.token }, body: '{"answers":["/"]}' });
      expect(r.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('the same handlers through the bridge', () => {
  it('has a handler for every channel of the contract', () => {
    const handlers = createHandlers({ session: new LedgerSession(join(tmp.dir, 'none.db')), dialogs: new ScriptedDialogs(), emit: () => {} });
    expect(Object.keys(handlers).sort()).toEqual([...CHANNELS].sort());
  });

  it('first start, summaries, drill-down, proxy entry, settings, audit, backups', async () => {
    expect((await value('app:info', {})).role).toBeNull();
    const notYet = await invoke('plan:get', {});
    expect(notYet.ok ? null : notYet.error.code).toBe('E_NOT_FOUND');

    const info = await value('app:setupSummary', { withDemo: true });
    expect(info.role).toBe('summary');
    expect(info.fingerprint).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
    const again = await invoke('app:setupSummary', { withDemo: false });
    expect(again.ok ? null : again.error.code).toBe('E_EXISTS');

    const plan = await value('plan:get', {});
    expect(plan.tasks).toHaveLength(54);
    expect(plan.units).toHaveLength(37);
    const periods = await value('periods:list', {});
    expect(periods).toHaveLength(12);
    expect(periods[5]).toMatchObject({ period: '2019-06', dueOn: '2019-07-05', locked: false, state: null });
    // The bridge's clock reads 2019-07-08: August has not begun.
    expect(periods.map((p) => p.started)).toEqual([true, true, true, true, true, true, true, false, false, false, false, false]);
    const future = await invoke('entry:save', { period: '2019-08', unit: '市残联', items: [{ task: 24, status: '推进中' }] });
    expect(future.ok ? null : future.error.code).toBe('E_FUTURE_PERIOD');

    const byUnit = await value('summary:byUnit', { period: '2019-06' });
    expect(byUnit.rows.map((r) => r.unit)).toEqual(plan.units);
    const trend = await value('summary:trend', {});
    expect(trend.periods).toEqual(['2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-06']);

    const detail = await value('summary:unitDetail', { period: '2019-06', unit: '市残联' });
    expect(detail.unit.unit).toBe('市残联');
    expect(detail.tasks.map((t) => [t.no, t.role])).toEqual([[24, 'lead'], [23, 'co']]);
    expect(detail.tasks[0]!.indicators).toHaveLength(3);

    const needUnit = await invoke('entry:get', { period: '2019-07' });
    expect(needUnit.ok ? null : needUnit.error.code).toBe('E_USAGE');
    const form = await value('entry:get', { period: '2019-07', unit: '市残联' });
    expect(form).toMatchObject({ unit: '市残联', period: '2019-07', month: 7, proxy: true });
    expect(form.tasks[0]!.indicators[0]!.previous).toBe(detail.tasks[0]!.indicators[0]!.value);

    const paper = [{ task: 24, status: '推进中' as const, progress: '纸质报表代填' }, { task: 24, indicator: 1, value: 2100 }, { task: 24, indicator: 2, value: 260 }, { task: 24, indicator: 3, value: 40 }];
    // A receipt date after the bridge's today (2019-07-08) would decide 按时/逾期 wrongly: refused, nothing saved.
    const lateDate = await invoke('entry:save', { period: '2019-07', unit: '市残联', receivedOn: '2019-08-09', items: paper });
    expect(lateDate.ok ? null : lateDate.error).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('收到日期 2019-08-09 晚于今天(2019-07-08)') });
    const saved = await value('entry:save', { period: '2019-07', unit: '市残联', receivedOn: '2019-07-06', items: paper });
    expect(saved.tasks).toEqual([24]);
    const july = await value('summary:byUnit', { period: '2019-07' });
    expect(july.rows.find((r) => r.unit === '市残联')).toMatchObject({ state: '已报送', onTime: 1, late: 0, receivedOn: '2019-07-06' });
    const proxied = await value('summary:unitDetail', { period: '2019-07', unit: '市残联' });
    expect(proxied.tasks[0]).toMatchObject({ proxy: true, receivedOn: '2019-07-06' });

    const invalid = await invoke('entry:save', { period: '2019-07', unit: '市残联', items: [{ task: 24, indicator: 1, value: -1 }] });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error.code).toBe('E_VALIDATION');
      expect(invalid.error.message).toContain('不能为负数');
      expect((invalid.error.details as { issues: unknown[] }).issues).toHaveLength(1);
    }

    expect(await value('settings:update', { yellowPoints: 15, dueDay: 10 })).toMatchObject({ yellowPoints: 15, dueDay: 10, officeName: '市民生工作办公室' });
    expect(await value('settings:update', { officeName: '宣城市民生工作办公室' })).toMatchObject({ yellowPoints: 15, officeName: '宣城市民生工作办公室' });
    expect((await value('app:info', {})).officeName).toBe('宣城市民生工作办公室');
    const badName = await invoke('settings:update', { officeName: '民生办\u001b[2J' });
    expect(badName.ok ? null : badName.error).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('控制字符') });
    expect((await value('periods:list', {}))[6]!.dueOn).toBe('2019-08-12'); // 8月10日 is a Saturday
    await value('periods:lock', { period: '2019-01' });
    expect((await value('periods:list', {}))[0]!.locked).toBe(true);
    const actions = (await value('audit:list', { limit: 50 })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['period.lock', 'settings.update', 'report.proxy-entry', 'demo.fill', 'plan.create']));

    const backup = await value('backup:create', {});
    expect(backup.reason).toBe('manual');
    expect((await value('backup:list', {})).map((b) => b.name)).toContain(backup.name);
    const notListed = await invoke('backup:restore', { name: 'other.bak' });
    expect(notListed.ok ? null : notListed.error.code).toBe('E_NOT_FOUND');
  });

  it('shows the cancelled dialog as null and exports where the dialog says', async () => {
    expect(await value('packages:exportAssignment', { unit: '市残联' })).toBeNull();
    const usb = join(tmp.dir, 'usb');
    mkdirSync(usb);
    bridge.dialogs.push(usb);
    const r = await value('packages:exportAssignment', { unit: '市残联' });
    expect(r).toMatchObject({ fileName: '任务包-市残联-2019-第1版.xlsx', folder: usb, revision: 1 });
    expect(bridge.dialogs.shown.at(-1)).toContain('市残联');
  });

  it('a key of another unit: refused on import, then registered as a shared key from the last import’s file, by name, with the warning', async () => {
    const usb = join(tmp.dir, 'usb-shared');
    const sent = join(tmp.dir, 'sent');
    mkdirSync(usb);
    mkdirSync(sent);
    const unitFor = async (name: string, db: string) => {
      bridge.dialogs.push(sent);
      const a = (await value('packages:exportAssignment', { unit: name }))!;
      const unit = await initUnitFromAssignment(join(tmp.dir, db), join(sent, a.fileName), { now: () => new Date('2019-07-08T10:00:00'), actor: name });
      await enterReports(unit, { period: '2019-06', items: yearEntries(PLAN_2019, name, '2019-06') });
      const r = await exportReport(unit, { period: '2019-06', outDir: usb });
      await unit.close();
      return r;
    };
    const canlian = await unitFor('市残联', 'canlian.db');
    copyFileSync(join(tmp.dir, 'canlian.db.key'), join(tmp.dir, 'minzheng.db.key')); // 市民政局 signs with 市残联's key
    const minzheng = await unitFor('市民政局', 'minzheng.db');

    bridge.dialogs.push(usb);
    const first = await value('packages:import', { mode: 'folder', dryRun: false, acceptNewKeys: true });
    const byFile = new Map(first!.map((r) => [r.file, r]));
    expect(byFile.get(canlian.fileName)).toMatchObject({ status: 'accepted' });
    expect(byFile.get(minzheng.fileName)).toMatchObject({ status: 'rejected', code: 'E_KEY_OF_OTHER_UNIT', unit: '市民政局', holders: ['市残联'] });

    const notInLastImport = await invoke('keys:acceptFromFile', { file: 'elsewhere.xlsx', sharedKey: true });
    expect(notInLastImport.ok ? null : notInLastImport.error.code).toBe('E_NOT_FOUND');
    const aPath = await invoke('keys:acceptFromFile', { file: '../secret.txt' });
    expect(aPath.ok ? null : aPath.error.code).toBe('E_USAGE');
    const notShared = await invoke('keys:acceptFromFile', { file: minzheng.fileName });
    expect(notShared.ok ? null : notShared.error.code).toBe('E_KEY_OF_OTHER_UNIT');
    const shown = bridge.dialogs.shown.length;
    const shared = await value('keys:acceptFromFile', { file: minzheng.fileName, sharedKey: true });
    expect(bridge.dialogs.shown).toHaveLength(shown); // no dialog: the file of the last import
    expect(shared).toMatchObject({ unit: '市民政局', warning: expect.stringContaining('同时是市残联(现用)的密钥') });

    const again = await value('packages:importAgain', { dryRun: false, acceptNewKeys: false });
    expect(new Map(again.map((r) => [r.file, r.status])).get(minzheng.fileName)).toBe('accepted');
    expect((await value('audit:list', { limit: 20 })).map((a) => a.action)).toContain('key.accept-shared');
  });
});

describe('dispatch', () => {
  it('maps thrown errors to their code and never throws itself', async () => {
    const handlers = createHandlers({ session: new LedgerSession(join(tmp.dir, 'missing.db')), dialogs: new ScriptedDialogs(), emit: () => {} });
    await expect(dispatch(handlers, 'summary:byUnit', { period: '2019-06' })).resolves.toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    await expect(dispatch(handlers, 42, {})).resolves.toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
    await expect(dispatch(handlers, 'app:info', null)).resolves.toMatchObject({ ok: true, value: { role: null } });
  });
});
