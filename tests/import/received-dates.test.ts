/**
 * The 收到日期 that decides 按时 or 逾期, through the command line on real files: a later version of a report already
 * in (a task sent back and reported again, or any correction) keeps the day the report first came in, whichever
 * date its own batch has; a receipt date typed for a paper report or a batch must be a real date, not after today.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLedger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';

interface UnitRow { unit: string; onTime: number; late: number; missing: number; state: string; receivedOn: string | null }

async function ok(...argv: string[]): Promise<string> {
  const r = await runLedger(...argv);
  expect(r.code, `${argv.join(' ')}\n${r.out}\n${r.err}`).toBe(0);
  return r.out;
}

/** An office and 市残联's own computer, set up from its 任务包; `report` enters a version and brings it to the office. */
async function office() {
  const dir = tempDir();
  const S = join(dir, 'S.db');
  const U = join(dir, 'U.db');
  const usb = join(dir, 'usb');
  mkdirSync(usb);
  await ok('init', '--db', S);
  await ok('assign', '--db', S, '--unit', '市残联', '--out', dir);
  await ok('init', '--db', U, '--from', join(dir, readdirSync(dir).find((f) => f.startsWith('任务包-'))!));
  let version = 0;
  return {
    S, U, dir,
    async report(kids: number, receivedOn: string): Promise<string> {
      version++;
      const values = join(dir, `v${version}.json`);
      writeFileSync(values, JSON.stringify([
        { task: 24, status: '推进中', progress: `第${version}稿`, problems: '机构少', nextSteps: '增加机构' },
        { task: 24, indicator: 1, value: 1632 }, { task: 24, indicator: 2, value: 214 }, { task: 24, indicator: 3, value: kids },
      ]));
      await ok('enter', '--db', U, '--unit', '市残联', '--period', '2019-06', '--values', values);
      await ok('export', '--db', U, '--period', '2019-06', '--out', usb);
      const file = join(usb, `填报包-市残联-2019-06-第${version}版.xlsx`);
      return ok('import', '--db', S, '--accept-new-keys', '--received', receivedOn, file);
    },
    async row(): Promise<UnitRow> {
      const rows = JSON.parse(await ok('summary', '--db', S, '--period', '2019-06', '--by', 'unit', '--json')) as UnitRow[];
      return rows.find((r) => r.unit === '市残联')!;
    },
  };
}

describe('收到日期 of reports', () => {
  it('a task sent back and reported again after the due date keeps the on-time day it first came in; its new figures count', async () => {
    const o = await office();
    await o.report(30, '2019-07-04'); // June is due 2019-07-05
    expect(await o.row()).toMatchObject({ onTime: 1, late: 0, receivedOn: '2019-07-04' });
    await ok('return', '--db', o.S, '--unit', '市残联', '--period', '2019-06', '--task', '24', '--comment', '适配人数请与残联年报核对');
    await o.report(32, '2019-07-09');
    expect(await o.row()).toMatchObject({ onTime: 1, late: 0, receivedOn: '2019-07-04' });
    const task = (JSON.parse(await ok('summary', '--db', o.S, '--period', '2019-06', '--by', 'task', '--json')) as { no: number; indicators: { value: number | null }[] }[])
      .find((t) => t.no === 24)!;
    expect(task.indicators[2]!.value).toBe(32);
  });

  it('a later version dated earlier does not make a late report on time', async () => {
    const o = await office();
    await o.report(30, '2019-07-10');
    expect(await o.row()).toMatchObject({ onTime: 0, late: 1, receivedOn: '2019-07-10' });
    await o.report(31, '2019-07-03');
    expect(await o.row()).toMatchObject({ onTime: 0, late: 1, receivedOn: '2019-07-10' });
  });

  it('refuses a receipt date that is not on the calendar or is after today, for a paper report and for a batch, saving nothing', async () => {
    const o = await office();
    const values = join(o.dir, 'paper.json');
    writeFileSync(values, JSON.stringify([{ task: 24, status: '推进中', progress: '纸质报表' }, { task: 24, indicator: 1, value: 1632 }, { task: 24, indicator: 2, value: 214 }, { task: 24, indicator: 3, value: 30 }]));
    for (const [day, words] of [['2019-02-30', '「2019-02-30」不是有效日期'], ['20190705', '「20190705」不是有效日期'], ['2019-13-01', '「2019-13-01」不是有效日期'], ['2999-01-01', '收到日期 2999-01-01 晚于今天']] as const) {
      const r = await runLedger('enter', '--db', o.S, '--unit', '市残联', '--period', '2019-06', '--values', values, '--received', day);
      expect([r.code, r.err]).toEqual([1, expect.stringContaining(words)]);
      expect(r.err).toContain('未保存任何内容');
    }
    expect(await o.row()).toMatchObject({ onTime: 0, late: 0, state: '未报送' });
    const r = await runLedger('import', '--db', o.S, '--received', '2019-02-30', o.dir);
    expect([r.code, r.err]).toEqual([1, expect.stringContaining('收到日期「2019-02-30」不是有效日期')]);
  });
});
