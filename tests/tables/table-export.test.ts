import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { createHandlers, dispatch, LedgerSession } from '../../electron/services/api';
import { fillDemo } from '../../electron/services/entry/demo';
import { loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { buildSummaryWorkbook } from '../../electron/services/summaries/reports';
import { CATEGORY_TABLE, EMPTY_QUERY, queryNote, tableRows, TASK_TABLE, UNIT_TABLE, type TableQuery } from '../../shared/table-view';
import { createTestLedger, fixedClock, tempDir } from '../helpers/ledger';

const PERIOD = '2019-09';

async function setup() {
  const ledger = await createTestLedger({ now: fixedClock('2019-10-12T09:00:00') });
  await fillDemo(ledger, PERIOD);
  const d = await loadPeriodData(ledger, PERIOD);
  const figures = { units: summaryByUnit(d), tasks: summaryByTask(d), categories: summaryByCategory(d) };
  const full = new ExcelJS.Workbook();
  await full.xlsx.load((await buildSummaryWorkbook(ledger, { period: PERIOD })) as unknown as ArrayBuffer);
  await ledger.close();
  const folder = tempDir();
  const session = new LedgerSession(ledger.file, { now: fixedClock('2019-10-12T09:00:00') });
  const handlers = createHandlers({
    session, emit: () => undefined, now: fixedClock('2019-10-12T09:00:00'),
    dialogs: { openFiles: async () => null, openFolder: async () => null, chooseFolder: async () => folder, saveFile: async () => null },
  });
  return { figures, full, folder, session, handlers };
}

async function readBack(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
  return wb;
}

/** One column's cells below the three header rows; a merged cell once (a task's cells span its indicator rows). */
function column(ws: ExcelJS.Worksheet, col: number, from = 4): ExcelJS.CellValue[] {
  const out: ExcelJS.CellValue[] = [];
  for (let r = from; r <= ws.rowCount; r++) {
    const cell = ws.getRow(r).getCell(col);
    if (cell.isMerged && cell.master.address !== cell.address) continue;
    out.push(cell.value);
  }
  return out;
}

describe('a dashboard table exported as shown (reports:exportTable)', () => {
  it('writes the units kept by the filter, in the sorted order, laid out as the workbook\'s 分单位 with ranks among all units', async () => {
    const { figures, full, folder, session, handlers } = await setup();
    try {
      const query: TableQuery = { search: '', sort: { column: 'completion', order: 'descend' }, filters: { lights: ['红灯'] } };
      const shown = tableRows(figures.units, UNIT_TABLE, query);
      expect(shown.length).toBeGreaterThan(2);
      expect(shown.length).toBeLessThan(figures.units.length);
      const r = await dispatch(handlers, 'reports:exportTable', { period: PERIOD, table: 'units', keys: shown.map(UNIT_TABLE.key), note: queryNote(UNIT_TABLE, query) });
      expect(r).toEqual({ ok: true, value: { fileName: '民生工作分单位汇总表-2019年9月.xlsx', folder, rows: shown.length } });
      const wb = await readBack(join(folder, '民生工作分单位汇总表-2019年9月.xlsx'));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['分单位']);
      const ws = wb.getWorksheet('分单位')!;
      const whole = full.getWorksheet('分单位')!;
      expect(String(ws.getCell('A1').value)).toContain('分单位汇总表（2019年9月）');
      expect(String(ws.getCell('A2').value)).toContain('选取：灯号:红灯;按完成度从高到低');
      // The same header row, column widths and print setup as the summary workbook's sheet.
      expect(ws.getRow(3).values).toEqual(whole.getRow(3).values);
      expect(ws.columns.map((c) => c.width)).toEqual(whole.columns.map((c) => c.width));
      expect(ws.pageSetup.orientation).toBe('landscape');
      const names = column(ws, 2);
      expect(names).toEqual([...shown.map((u) => u.unit), '合计']);
      // Every row reads as in the full workbook (rank included: among all units, not the selection).
      const wholeRows = new Map<string, unknown[]>();
      for (let k = 4; k <= whole.rowCount; k++) wholeRows.set(String(whole.getRow(k).getCell(2).value), (whole.getRow(k).values as unknown[]).slice(1));
      shown.forEach((u, k) => expect((ws.getRow(4 + k).values as unknown[]).slice(1)).toEqual(wholeRows.get(u.unit)));
      expect(ws.getRow(4 + shown.length).getCell(7).value).toBe(shown.reduce((a, u) => a + u.missing, 0));
    } finally {
      await session.close();
    }
  });

  it('writes the tasks found by a search with their indicator rows, and the categories in the order shown', async () => {
    const { figures, folder, session, handlers } = await setup();
    try {
      const query: TableQuery = { ...EMPTY_QUERY, search: '市人社局' };
      const tasks = tableRows(figures.tasks, TASK_TABLE, query);
      const r = await dispatch(handlers, 'reports:exportTable', { period: PERIOD, table: 'tasks', keys: tasks.map(TASK_TABLE.key), note: queryNote(TASK_TABLE, query) });
      expect(r).toEqual({ ok: true, value: expect.objectContaining({ rows: tasks.length }) });
      const ws = (await readBack(join(folder, '民生工作分任务汇总表-2019年9月.xlsx'))).getWorksheet('分任务')!;
      const numbers = column(ws, 1).filter((v): v is number => typeof v === 'number');
      expect(numbers).toEqual(tasks.map((t) => t.no));
      const indicatorRows = column(ws, 5).filter((v) => typeof v === 'string' && v !== '');
      expect(indicatorRows.length).toBeGreaterThanOrEqual(tasks.reduce((a, t) => a + Math.max(1, t.indicators.length), 0));

      const cq: TableQuery = { ...EMPTY_QUERY, sort: { column: 'completion', order: 'ascend' } };
      const cats = tableRows(figures.categories, CATEGORY_TABLE, cq);
      expect((await dispatch(handlers, 'reports:exportTable', { period: PERIOD, table: 'categories', keys: cats.map(CATEGORY_TABLE.key) })).ok).toBe(true);
      const cs = (await readBack(join(folder, '民生工作分类别汇总表-2019年9月.xlsx'))).getWorksheet('分类别')!;
      expect(column(cs, 1)).toEqual(cats.map((c) => `${c.no}、${c.name}`));
      expect(String(cs.getCell('A2').value)).not.toContain('选取');
    } finally {
      await session.close();
    }
  });

  it('refuses, by name, a row the period no longer has, and writes nothing', async () => {
    const { folder, session, handlers } = await setup();
    try {
      const r = await dispatch(handlers, 'reports:exportTable', { period: PERIOD, table: 'units', keys: ['市人社局', '市不存在局'] });
      expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'E_NOT_FOUND', message: expect.stringContaining('「市不存在局」') }) });
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
