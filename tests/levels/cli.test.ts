/** `ledger offices` and `ledger quota` (issue 13 items 1-2) on real files: output, exit codes, refusals. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLedger } from '../helpers/cli';
import { tempDir, testLocation } from '../helpers/ledger';

async function office(): Promise<string> {
  const db = await testLocation('S.db');
  expect((await runLedger('init', '--db', db)).code).toBe(0);
  return db;
}

describe('ledger offices', () => {
  it('lists 本级 and the offices in order; --add, --rename … --to, --move … --to, --remove change it', async () => {
    const db = await office();
    const list = await runLedger('offices', '--db', db);
    expect(list).toMatchObject({ code: 0, out: '本级:市本级(本单位各部门合计)\n下级汇总端(7 个):\n  1. 宣州区\n  2. 郎溪县\n  3. 广德市\n  4. 宁国市\n  5. 泾县\n  6. 绩溪县\n  7. 旌德县' });
    expect((await runLedger('offices', '--db', db, '--add', '宣城经开区')).code).toBe(0);
    expect((await runLedger('offices', '--db', db, '--rename', '宣城经开区', '--to', '经开区')).code).toBe(0);
    const moved = await runLedger('offices', '--db', db, '--move', '经开区', '--to', '1', '--json');
    expect(JSON.parse(moved.out).offices).toEqual(['经开区', '宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县']);
    const removed = await runLedger('offices', '--db', db, '--remove', '经开区');
    expect(removed.out.split('\n')[0]).toBe('已修改下级汇总端(已记入审计日志)。');
    expect(removed.out).not.toContain('经开区');
  });

  it('refuses unclear usage (exit 2) and a refused change (exit 1) with the reason', async () => {
    const db = await office();
    expect(await runLedger('offices', '--db', db, '--add', 'a', '--remove', 'b')).toMatchObject({ code: 2, err: '错误 [E_USAGE]:--add、--remove 一次只能用一个。' });
    expect(await runLedger('offices', '--db', db, '--move', '泾县')).toMatchObject({ code: 2, err: '错误 [E_USAGE]:--move 名称 要与 --to 位置 一起使用(位置1为第一)。' });
    expect(await runLedger('offices', '--db', db, '--move', '泾县', '--to', 'first')).toMatchObject({ code: 2, err: '错误 [E_USAGE]:--to 应为位置序号(1为第一),不是「first」。' });
    expect(await runLedger('offices', '--db', db, '--move', '泾县', '--to', '8')).toMatchObject({ code: 1, err: '错误 [E_VALIDATION]:位置应为 1 至 7 之间的整数,不是「8」。' });
    expect(await runLedger('offices', '--db', db, '--add', '郎溪县')).toMatchObject({ code: 1, err: '错误 [E_EXISTS]:已有名为「郎溪县」的下级汇总端,请换一个名称。' });
  });
});

describe('ledger quota', () => {
  it('--out writes the table, --from --dry-run lists nothing to change, the overview names what is not yet decomposed', async () => {
    const db = await office();
    const out = join(tempDir(), '任务分解表.xlsx');
    expect(await runLedger('quota', '--db', db, '--out', out)).toMatchObject({ code: 0, out: `已导出任务分解表 ${out}(62 个指标,7 个下级汇总端)。` });
    expect(await runLedger('quota', '--db', db, '--from', out, '--dry-run')).toMatchObject({ code: 0, out: `任务分解表 ${out} 与本机一致,没有修改。` });
    expect((await runLedger('quota', '--db', db)).out.split('\n')[0]).toBe('任务分解:市本级 + 7 个下级汇总端;累计类指标 45 个,已分解 0 个,与全市目标一致 0 个。');
    expect(await runLedger('quota', '--db', db, '--out', out, '--from', out)).toMatchObject({ code: 2, err: '错误 [E_USAGE]:--out(导出)和 --from(读回)一次只能用一个。' });
    expect(await runLedger('quota', '--db', db, '--dry-run')).toMatchObject({ code: 2, err: '错误 [E_USAGE]:--dry-run 只与 --from 一起使用。' });
  });
});
