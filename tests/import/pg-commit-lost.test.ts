/**
 * The connection to the PostgreSQL server breaks while the import's COMMIT is on its way back: the server has
 * saved the group, the program never heard so. A proxy between the program and the server passes everything
 * through and drops the connection at the first COMMIT's answer after a package was written. The clerk must be
 * told what is true: saved when the server, asked again, holds them; "cannot tell" when it cannot be asked.
 * Before, such files were reported as not imported although they were in.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../electron/services/context';
import { importFiles } from '../../electron/services/import/import';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { createLoop } from '../helpers/loop';
import { closeAfterTest, fixedClock, testDialect } from '../helpers/ledger';

const UNITS = ['市人社局', '市残联', '市民政局'];
const MONTHS = ['2019-05', '2019-06'];

/**
 * A TCP proxy to the server that drops the connection (both ends) instead of passing on the answer to the first
 * COMMIT after a package was inserted. `afterDrop`: 'up' passes later connections through, 'down' drops them at once
 * (the server cannot be reached again).
 */
async function commitDroppingProxy(target: URL, afterDrop: 'up' | 'down') {
  let armed = false;
  let dropped = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (dropped && afterDrop === 'down') {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => {
      if (!dropped && chunk.includes('insert into "packages"')) armed = true;
      upstream.write(chunk);
    });
    // The server's messages, whole: a type byte and a length (itself included), then the body.
    let held = Buffer.alloc(0);
    upstream.on('data', (chunk) => {
      held = Buffer.concat([held, chunk]);
      let at = 0;
      while (held.length - at >= 5) {
        const length = held.readUInt32BE(at + 1);
        if (held.length - at < 1 + length) break;
        const message = held.subarray(at, at + 1 + length);
        if (armed && !dropped && message[0] === 0x43 /* CommandComplete */ && message.subarray(5, 11).toString() === 'COMMIT') {
          dropped = true;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(message);
        at += 1 + length;
      }
      held = held.subarray(at);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const through = new URL(target.href);
  through.hostname = '127.0.0.1';
  through.port = String((server.address() as net.AddressInfo).port);
  return {
    url: through.href,
    get dropped() {
      return dropped;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe.skipIf(testDialect() !== 'postgres')('the connection breaks while the import’s COMMIT answers', () => {
  async function driveOfReports() {
    const loop = await createLoop();
    const drive = join(loop.dir, 'drive');
    mkdirSync(drive);
    for (const name of UNITS) {
      const unit = await loop.unit(name);
      for (const period of MONTHS) {
        const path = await loop.report(unit, period, yearEntries(PLAN_2019, name, period));
        copyFileSync(path, join(drive, basename(path)));
      }
    }
    return { loop, drive };
  }

  it('asks the server again: files it saved are reported as imported, once, and say what happened', async () => {
    const { loop, drive } = await driveOfReports();
    const proxy = await commitDroppingProxy(new URL(loop.office.handle.location), 'up');
    try {
      const office = closeAfterTest(await openLedger(proxy.url, { now: fixedClock('2019-07-04T09:00:00'), actor: '汇总端测试' }));
      const results = await importFiles(office, [drive], { acceptNewKeys: true, receivedOn: '2019-07-04' });
      expect(proxy.dropped, 'the COMMIT’s answer was dropped').toBe(true);
      const stored = await loop.office.db.selectFrom('packages').select('package_id').where('direction', '=', 'in').execute();
      expect(stored).toHaveLength(results.length);
      expect(results.map((r) => r.status)).toEqual(results.map(() => 'accepted'));
      // The group whose answer was lost (on a server each package is its own group while the next is verified).
      const checked = results.filter((r) => r.message.includes('保存时与数据库服务器的连接中断,已重新连接核实:这个文件已保存'));
      expect(checked.length).toBeGreaterThan(0);
      // Importing again: every one is a duplicate, nothing is counted twice.
      const again = await importFiles(office, [drive], { acceptNewKeys: true, receivedOn: '2019-07-04' });
      expect(again.map((r) => r.status)).toEqual(results.map(() => 'duplicate'));
    } finally {
      await proxy.close();
    }
  });

  it('says it cannot tell when the server cannot be asked again, and that importing once more is safe', async () => {
    const { loop, drive } = await driveOfReports();
    const proxy = await commitDroppingProxy(new URL(loop.office.handle.location), 'down');
    try {
      const office = closeAfterTest(await openLedger(proxy.url, { now: fixedClock('2019-07-04T09:00:00'), actor: '汇总端测试' }));
      const results = await importFiles(office, [drive], { acceptNewKeys: true, receivedOn: '2019-07-04' });
      expect(proxy.dropped).toBe(true);
      expect(results.map((r) => [r.status, r.code])).toEqual(results.map(() => ['rejected', 'E_DB_UNREACHABLE']));
      const unsure = results.filter((r) => r.message.includes('不能确定是否已导入'));
      expect(unsure.length).toBeGreaterThan(0);
      for (const r of unsure) {
        expect(r.message).toContain('服务器可能已经保存,也可能没有');
        expect(r.message).not.toContain('未被改动');
      }
      // The server did save those: once it can be reached, importing again finds them as duplicates and brings the rest in.
      const again = await importFiles(loop.office, [drive], { acceptNewKeys: true, receivedOn: '2019-07-04' });
      expect(again.filter((r) => r.status === 'duplicate').map((r) => r.file)).toEqual(unsure.map((r) => r.file));
      expect(again.filter((r) => r.status === 'accepted')).toHaveLength(results.length - unsure.length);
    } finally {
      await proxy.close();
    }
  });
});
