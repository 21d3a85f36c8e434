import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run } from '../../electron/cli';
import { PLAN_2019 } from '../../seeds/plan2019';
import { tempDir } from '../helpers/ledger';

const exec = promisify(execFile);

async function ledger(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ledger command line', () => {
  it('init, plan --json, enter, summary --by unit --json', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    const init = await ledger('init', '--db', db);
    expect(init.code).toBe(0);
    expect(init.out).toMatch(/本机密钥指纹:[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}/);

    const again = await ledger('init', '--db', db);
    expect(again.code).toBe(1);
    expect(again.err).toContain('已存在');

    const plan = await ledger('plan', '--db', db, '--json');
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.out);
    expect(json.year).toBe(2019);
    expect(json.categories).toHaveLength(9);
    const tasks = json.categories.flatMap((c: { tasks: unknown[] }) => c.tasks);
    expect(tasks).toHaveLength(54);
    const t20 = tasks.find((t: { no: number }) => t.no === 20);
    expect(t20.indicators[0]).toMatchObject({ comparator: '>=', target: 867900, unit: '人', source: expect.stringContaining('86.79万') });
    expect(json.units).toHaveLength(PLAN_2019.units.length);
    expect(json.units.find((u: { name: string }) => u.name === '市安全生产委员会成员单位').kind).toBe('group');

    const values = join(dir, 'canlian.json');
    writeFileSync(values, JSON.stringify([
      { task: 24, status: '推进中', progress: '药费补助已发放' },
      { task: 24, indicator: 1, value: 1632 },
      { task: 24, indicator: 2, value: 214 },
      { task: 24, indicator: 3, value: 30 },
    ]));
    // A figure typed as text: the line, the file's field name and what it is on the form, in Chinese.
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify([{ task: 24, indicator: 1, value: '1632人' }]));
    const refused = await ledger('enter', '--db', db, '--unit', '市残联', '--period', '2019-06', '--values', typo, '--received', '2019-07-05');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('· 第 1 条 value(数值) 应为数字');
    const enter = await ledger('enter', '--db', db, '--unit', '市残联', '--period', '2019-06', '--values', values, '--received', '2019-07-05');
    expect(enter.code).toBe(0);
    expect(enter.out).toContain('代填');

    const summary = await ledger('summary', '--db', db, '--period', '2019-06', '--by', 'unit', '--json');
    expect(summary.code).toBe(0);
    const rows = JSON.parse(summary.out);
    expect(rows[0]).toEqual(expect.objectContaining({ unit: '市人社局', missing: rows[0].leadTasks }));
    expect(rows.find((r: { unit: string }) => r.unit === '市残联')).toMatchObject({
      leadTasks: 1, coTasks: 1, due: 1, onTime: 1, late: 0, missing: 0, completion: 0.5, green: 1, yellow: 0, red: 0,
    });

    for (const by of ['task', 'category']) {
      const r = await ledger('summary', '--db', db, '--period', '2019-06', '--by', by);
      expect(r.code).toBe(0);
      expect(r.out).toContain('2019年6月');
    }
  });

  it('summary --by task words each kind in its own terms (issue 11)', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    expect((await ledger('init', '--db', db)).code).toBe(0);
    const enter = async (unit: string, items: unknown[]) => {
      const file = join(dir, `${unit}.json`);
      writeFileSync(file, JSON.stringify(items));
      expect((await ledger('enter', '--db', db, '--unit', unit, '--period', '2019-06', '--values', file, '--received', '2019-07-05')).code).toBe(0);
    };
    await enter('市医保局', [{ task: 18, status: '推进中', progress: '推进中', problems: '外出务工人员参保难', nextSteps: '上门动员' }, { task: 18, indicator: 1, value: 93 }, { task: 18, indicator: 2, value: 76 }]);
    await enter('市人社局', [{ task: 5, status: '推进中', progress: '推进中', problems: '价格走低', nextSteps: '拓宽渠道' }, { task: 5, indicator: 1, value: 5 }]);
    await enter('市残联', [{ task: 24, status: '推进中', progress: '推进中', problems: '机构少', nextSteps: '增加机构' }, { task: 24, indicator: 1, value: 1632 }, { task: 24, indicator: 2, value: 300 }, { task: 24, indicator: 3, value: 20 }]);
    const r = await ledger('summary', '--db', db, '--period', '2019-06', '--by', 'task');
    expect(r.code).toBe(0);
    const line = (name: string) => r.out.split('\n').find((l) => l.includes(`· ${name}`))!;
    expect(line('城乡居民基本医疗保险参保率')).toBe('    · 城乡居民基本医疗保险参保率(水平类) 目标 95% 当前值 93% 完成率 97.9% 低于目标2.0个百分点 黄灯');
    expect(line('政策范围内住院费用报销比例')).toBe('    · 政策范围内住院费用报销比例(水平类) 目标 75% 当前值 76% 完成率 100.0% 高于目标1.0个百分点 绿灯');
    expect(line('农村常住居民人均可支配收入增长')).toBe('    · 农村常住居民人均可支配收入增长(增幅类) 目标 9% 增幅 5% 完成率 58.5% 低于目标4.0个百分点 黄灯');
    expect(line('肢体残疾儿童适配假肢矫形器和辅具')).toBe('    · 肢体残疾儿童适配假肢矫形器和辅具(累计类) 目标 60人 累计完成 20人 完成率 33.3% 落后序时进度16.7个百分点 红灯');
    expect(line('残疾儿童康复训练')).toContain('累计完成 300人 完成率 70.1% 超序时进度20.1个百分点 绿灯');
    expect(line('城乡大病保险支付比例')).toContain('当前值 未报');
    // One of task 5's two lead units has reported: its figures are that unit's alone, and the line says so.
    expect(r.out).toMatch(/^5\. 推进城乡居民持续增收工程 {2}牵头:市人社局、市农业农村局 {2}推进中（1\/2家已报） {2}/m);
    for (const l of r.out.split('\n').filter((x) => x.includes('(水平类)') || x.includes('(增幅类)'))) expect(l).not.toContain('累计');
    expect(r.out).toContain('量化指标任务6项,达到序时进度3项,占比50.0%,其中0项已完成;未达到序时进度3项;未报数56项');
  });

  it('start on a unit’s own computer says it changes only that computer, and the office sets its own', async () => {
    const dir = tempDir();
    const S = join(dir, 'S.db');
    expect((await ledger('init', '--db', S)).code).toBe(0);
    expect((await ledger('assign', '--db', S, '--unit', '市残联', '--out', dir)).code).toBe(0);
    expect((await ledger('init', '--db', join(dir, 'U.db'), '--from', join(dir, '任务包-市残联-2019-第1版.xlsx'))).code).toBe(0);
    const atUnit = await ledger('start', '--db', join(dir, 'U.db'), '--period', '2019-10', '--reason', '10月起承担');
    expect(atUnit.out).toContain('注意:这只改本机;汇总端是否把此前各期算作未报送,由汇总端用 start 命令设定');
    const atOffice = await ledger('start', '--db', S, '--unit', '市残联', '--period', '2019-10', '--reason', '10月起承担');
    expect(atOffice.out).toBe('市残联 从 2019年10月 起报送,此前各期不算未报送(已记入审计日志)。');
  });

  it('enter saves a lead task left unfinished as typed and says it is not reported yet', async () => {
    const dir = tempDir();
    const S = join(dir, 'S.db');
    expect((await ledger('init', '--db', S)).code).toBe(0);
    const values = join(dir, 'paper.json');
    writeFileSync(values, JSON.stringify([{ task: 24, progress: '纸质报表只写了一项' }, { task: 24, indicator: 1, value: 1632 }]));
    const r = await ledger('enter', '--db', S, '--unit', '市残联', '--period', '2019-06', '--values', values, '--received', '2019-07-03');
    expect(r.code).toBe(0);
    expect(r.out).toContain('注意:任务24未选推进状态、缺2项指标的数值。未填完的牵头任务不算已报送,市残联本期仍按未报送(或待报送)统计。');
    const rows = JSON.parse((await ledger('summary', '--db', S, '--period', '2019-06', '--by', 'unit', '--json')).out) as { unit: string; onTime: number }[];
    expect(rows.find((u) => u.unit === '市残联')!.onTime).toBe(0);
    const full = join(dir, 'full.json');
    writeFileSync(full, JSON.stringify([{ task: 24, status: '推进中' }, { task: 24, indicator: 2, value: 214 }, { task: 24, indicator: 3, value: 30 }]));
    const done = await ledger('enter', '--db', S, '--unit', '市残联', '--period', '2019-06', '--values', full, '--replace');
    expect(done.out).not.toContain('注意');
  });

  it('refuses a bad entry file with exit 1 and every problem listed; usage errors exit 2', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    await ledger('init', '--db', db);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ task: 24, indicator: 1, value: -1 }, { task: 24, fundsPlanned: 10, fundsAvailable: 20 }]));
    const r = await ledger('enter', '--db', db, '--unit', '市残联', '--period', '2019-06', '--values', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain('不能为负数');
    expect(r.err).toContain('「到位资金」20万元大于「计划资金」10万元');
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify([{ task: 24, vaule: 3 }]));
    expect((await ledger('enter', '--db', db, '--unit', '市残联', '--period', '2019-06', '--values', typo)).code).toBe(1);

    expect((await ledger('summary', '--db', db, '--period', '2019-06')).code).toBe(2);
    expect((await ledger('summary', '--db', db, '--period', '2019-06', '--by', 'county')).code).toBe(2);
    expect((await ledger('frobnicate')).code).toBe(2);
    expect((await ledger('plan', '--db', join(dir, 'missing.db'))).code).toBe(1);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });

  it('init --frequency quarterly: the plan reports by quarter, demo fills quarters, summary is headed 2019年1-6月 at 序时进度 50%', async () => {
    const dir = tempDir();
    const db = join(dir, 'Q.db');
    const init = await ledger('init', '--db', db, '--frequency', 'quarterly');
    expect(init.code).toBe(0);
    expect(init.out).toContain('报送:按季度报送,报送期为 2019-03(2019年1-3月)、2019-06(2019年1-6月)、2019-09(2019年1-9月)、2019-12(2019年1-12月)');
    expect((await ledger('plan', '--db', db)).out.split('\n')[0]).toBe('2019年全市民生工作要点(2019-04-24 印发,第 1 版,按季度报送)');
    expect(JSON.parse((await ledger('plan', '--db', db, '--json')).out).frequency).toBe('quarterly');

    const demo = await ledger('demo', '--db', db, '--through', '2019-06');
    expect(demo).toMatchObject({ code: 0, out: expect.stringMatching(/^已填入演示数据:2 个季度,\d+ 条报告/) });
    const unit = await ledger('summary', '--db', db, '--period', '2019-06', '--by', 'unit');
    expect(unit.code).toBe(0);
    expect(unit.out.split('\n')[0]).toBe('2019年全市民生工作要点 2019年1-6月 序时进度 50.0% 报送截止 2019-07-05');
    const task = await ledger('summary', '--db', db, '--period', '2019-03', '--by', 'task');
    expect(task.out.split('\n')[0]).toBe('2019年全市民生工作要点 2019年1-3月 序时进度 25.0% 报送截止 2019-04-08');

    // A month that is not a quarter's last is no period of this plan: refused (exit 1) with the periods there are.
    const may = await ledger('summary', '--db', db, '--period', '2019-05', '--by', 'unit');
    expect(may).toMatchObject({ code: 1, err: expect.stringContaining('没有报送期 2019-05:本计划按季度报送,报送期为 2019-03(2019年1-3月)') });
    expect((await ledger('demo', '--db', db, '--through', '2019-05')).err).toContain('--through 应为计划年度 2019 的一个报送期');
    const lock = await ledger('lock', '--db', db, '--period', '2019-06');
    expect(lock.out).toBe('2019年1-6月 已关账锁定(已记入审计日志)。');

    expect(await ledger('init', '--db', join(dir, 'W.db'), '--frequency', 'weekly')).toMatchObject({ code: 2, err: expect.stringContaining('--frequency 只能是 monthly(按月)或 quarterly(按季度)') });
    expect(existsSync(join(dir, 'W.db'))).toBe(false);
    const monthly = await ledger('init', '--db', join(dir, 'M.db'), '--frequency', '按月');
    expect(monthly.out).toContain('报送:按月报送,报送期为 2019-01 至 2019-12 每月一期');
  });

  it('runs as a real process through npm, with Chinese output and exit codes', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    const root = join(import.meta.dirname, '..', '..');
    const { stdout } = await exec('npm', ['run', '-s', 'ledger', '--', 'init', '--db', db], { cwd: root });
    expect(stdout).toContain('已新建汇总端数据库');
    const demo = await exec('npm', ['run', '-s', 'ledger', '--', 'demo', '--db', db, '--through', '2019-06'], { cwd: root });
    expect(demo.stdout).toContain('演示数据');
    const err = await exec('npm', ['run', '-s', 'ledger', '--', 'summary', '--db', db, '--period', '2019-13', '--by', 'unit'], { cwd: root }).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('格式不对');
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toContain('"ledger"');
  }, 60_000);
});
