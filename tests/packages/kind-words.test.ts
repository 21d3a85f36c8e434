/**
 * The packages' visible sheets speak each indicator kind's language (issue 11): a unit's report says
 * what each figure is (累计完成 only where it adds up, 当前值 for a rate, 增幅 for a growth target) and
 * what it is held to (序时进度 only for a cumulative target), the assignment tells the unit what to enter,
 * and the office's preview of an import names the field the same way.
 */
import { readFileSync } from 'node:fs';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/services/import/import';
import { exportAssignment } from '../../electron/services/packages/packages';
import type { EntryItem } from '../../electron/services/entry/entry';
import { createLoop } from '../helpers/loop';
import { yearEntries } from '../../scripts/bench-setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { tempDir } from '../helpers/ledger';

/** 市人社局 in June, every lead task reported: task 5 is a growth target, task 20 a count and a rate. */
const RENSHE_JUNE: EntryItem[] = [
  ...yearEntries(PLAN_2019, '市人社局', '2019-06').filter((e) => ![2, 5, 20].includes(e.task)),
  { task: 2, status: '推进中', progress: '推进中', problems: '园区申报材料不全', nextSteps: '指导补正' }, { task: 2, indicator: 1, value: 0 }, { task: 2, indicator: 2, value: 900 },
  { task: 5, status: '推进中', progress: '推进中', problems: '农产品价格走低', nextSteps: '拓宽增收渠道' }, { task: 5, indicator: 1, value: 5 },
  { task: 20, status: '推进中', progress: '推进中', problems: '发放系统升级', nextSteps: '补发' }, { task: 20, indicator: 1, value: 433950 }, { task: 20, indicator: 2, value: 90.8 },
];

function sheetRows(file: string, name: string): unknown[][] {
  const wb = XLSX.read(readFileSync(file), { type: 'buffer' });
  return XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[name]!, { header: 1, defval: null });
}

describe('packages in each kind\'s words', () => {
  it('a report package\'s 填报数据: 填报口径 and 进展情况 per row, 序时进度 only for a cumulative target; the import preview names the field alike', async () => {
    const loop = await createLoop();
    const renshe = await loop.unit('市人社局');
    const file = await loop.report(renshe, '2019-06', RENSHE_JUNE);
    const rows = sheetRows(file, '填报数据');
    const head = rows[0] as string[];
    expect(head).toEqual(['序号', '任务', '职责', '指标', '目标', '计量单位', '填报口径', '进展情况', '完成率', '序时进度', '灯号', '推进状态', '工作进展', '存在问题', '下步措施', '说明']);
    const col = (name: string) => head.indexOf(name);
    const row = (indicator: string) => rows.find((r) => r[col('指标')] === indicator)!;
    const seen = (indicator: string) => [row(indicator)[col('填报口径')], row(indicator)[col('进展情况')], row(indicator)[col('序时进度')], row(indicator)[col('灯号')]];
    expect(seen('农村常住居民人均可支配收入增长')).toEqual(['增幅', 5, '目标值', '黄灯']);
    expect(seen('符合条件人员养老金发放率')).toEqual(['当前值', 90.8, '目标值', '黄灯']);
    expect(seen('城乡居民养老保险当年缴费总人数')).toEqual(['累计完成', 433950, '50.0%', '绿灯']);
    expect(seen('开发公益性岗位')).toEqual(['累计完成', 900, '50.0%', '绿灯']);
    for (const r of rows.slice(1)) {
      if (r[col('填报口径')] !== '累计完成') expect(String(r[col('序时进度')] ?? ''), String(r[col('指标')])).not.toMatch(/%$/);
    }

    const [dry] = await importFiles(loop.office, [file], { dryRun: true, acceptNewKeys: true });
    expect(dry).toMatchObject({ status: 'accepted' });
    expect(dry!.changes).toEqual(expect.arrayContaining([
      { task: 5, indicator: 1, field: '增幅', before: null, after: 5 },
      { task: 20, indicator: 1, field: '累计完成', before: null, after: 433950 },
      { task: 20, indicator: 2, field: '当前值', before: null, after: 90.8 },
    ]));
  });

  it('an assignment\'s 任务清单 tells the unit what to enter for each indicator', async () => {
    const loop = await createLoop();
    const a = await exportAssignment(loop.office, { unit: '市医保局', outDir: tempDir() });
    const rows = sheetRows(a.file, '任务清单');
    const head = rows[0] as string[];
    expect(head.at(-1)).toBe('填报口径');
    const what = new Map(rows.slice(1).map((r) => [r[head.indexOf('指标')], r[head.indexOf('填报口径')]]));
    expect(what.get('城乡居民基本医疗保险参保率')).toBe('当前值');
    expect(what.get('城乡大病保险支付比例')).toBe('当前值');
    expect([...what.values()].filter((w) => w !== null)).not.toContain('累计完成'); // 市医保局 leads rates and caps only
  });
});
