import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLedger as ledger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';

describe('ledger periods, start and opening', () => {
  it('lists due dates with why they moved, sets one by hand and back to the rule, refuses a bad date', async () => {
    const db = join(tempDir(), 'S.db');
    expect((await ledger('init', '--db', db)).code).toBe(0);
    const list = await ledger('periods', '--db', db);
    expect(list.code).toBe(0);
    expect(list.out).toContain('2019-09  2019年9月     截止 2019-10-08  10月5日为国庆节假期,顺延至10月8日');
    expect(list.out).toContain('2019-12  2019年12月    截止 2020-01-06  1月5日为星期日,顺延至1月6日');

    const set = await ledger('periods', '--db', db, '--set', '2019-06', '--due', '2019-07-08', '--reason', '端午后统一报送');
    expect(set).toMatchObject({ code: 0, out: '2019年6月 截止日期:2019-07-08,汇总端设定为7月8日(按规则为7月5日):端午后统一报送。已记入审计日志。' });
    const json = JSON.parse((await ledger('periods', '--db', db, '--json')).out) as { period: string; dueOn: string; dueByHand: boolean }[];
    expect(json.find((p) => p.period === '2019-06')).toMatchObject({ dueOn: '2019-07-08', dueByHand: true });

    const early = await ledger('periods', '--db', db, '--set', '2019-06', '--due', '2019-06-28', '--reason', '提前');
    expect(early).toMatchObject({ code: 1, err: expect.stringContaining('截止日期应在报送期结束之后(2019-07-01 或以后)') });
    expect((await ledger('periods', '--db', db, '--due', '2019-07-08')).code).toBe(2);

    const back = await ledger('periods', '--db', db, '--set', '2019-06', '--due', 'rule');
    expect(back).toMatchObject({ code: 0, out: '2019年6月 截止日期:2019-07-05。已记入审计日志。' });
  });

  it('sets a unit to start in October and its opening values from a file', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    expect((await ledger('init', '--db', db)).code).toBe(0);
    const start = await ledger('start', '--db', db, '--unit', '市残联', '--period', '2019-10', '--reason', '10月起承担此项任务');
    expect(start).toMatchObject({ code: 0, out: '市残联 从 2019年10月 起报送,此前各期不算未报送(已记入审计日志)。' });
    const file = join(dir, 'opening.json');
    writeFileSync(file, JSON.stringify([{ task: 24, indicator: 1, value: 2400 }]));
    const opening = await ledger('opening', '--db', db, '--unit', '市残联', '--values', file);
    expect(opening).toMatchObject({ code: 0, out: '已保存 市残联 的期初累计数 1 项,作为 2019年10月 的上期累计(已记入审计日志)。' });
    writeFileSync(file, JSON.stringify([{ task: 24, indicator: 'one', value: 1 }]));
    expect(await ledger('opening', '--db', db, '--unit', '市残联', '--values', file)).toMatchObject({ code: 1, err: expect.stringContaining('期初累计数文件') });
  });
});
