/**
 * Search, filters, sort and 导出Excel for the office's tables. antd only draws the controls: the rows
 * come from shared/table-view.ts (tableRows), so the rows on screen and the rows exported are one list.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { App as AntApp, Button, Input, Space, Typography } from 'antd';
import type { TableProps } from 'antd';
import type { ColumnType } from 'antd/es/table';
import { EMPTY_QUERY, filterChoices, queryNote, tableRows, type OfficeTable, type SortOrder, type TableQuery, type TableSpec } from '../../shared/table-view';
import { call } from '../api';
import { useErrorReporter } from './common';

export interface TableView<R> {
  readonly query: TableQuery;
  /** The rows as shown: searched, filtered and sorted. */
  readonly rows: readonly R[];
  /** The sort and filter props of a column named as in the spec (its `key`). */
  column(key: string): Pick<ColumnType<R>, 'key' | 'sorter' | 'sortOrder' | 'sortDirections' | 'filters' | 'filteredValue'>;
  /** The table's onChange: keeps what the column headers chose. */
  readonly onChange: NonNullable<TableProps<R>['onChange']>;
  setSearch(text: string): void;
}

/** The query of one table and the rows it shows; `rows` is the table's whole list, in its fixed order. */
export function useTableView<R>(rows: readonly R[], spec: TableSpec<R>): TableView<R> {
  const [query, setQuery] = useState<TableQuery>(EMPTY_QUERY);
  const shown = useMemo(() => tableRows(rows, spec, query), [rows, spec, query]);
  return {
    query,
    rows: shown,
    column(key) {
      return {
        key,
        ...(spec.sort[key] ? { sorter: true, sortOrder: query.sort?.column === key ? query.sort.order : null, sortDirections: ['descend', 'ascend'] as SortOrder[] } : {}),
        ...(spec.filter[key] ? {
          filters: filterChoices(rows, spec, key).map((c) => ({ text: `${c.value}(${c.count})`, value: c.value })),
          filteredValue: query.filters[key] ? [...query.filters[key]] : null,
        } : {}),
      };
    },
    onChange(_pagination, filters, sorter) {
      const one = Array.isArray(sorter) ? sorter[0] : sorter;
      const column = typeof one?.columnKey === 'string' ? one.columnKey : null;
      setQuery((q) => ({
        ...q,
        sort: column && one?.order ? { column, order: one.order } : null,
        filters: Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, (v ?? []).map(String)])),
      }));
    },
    setSearch(text) {
      setQuery((q) => ({ ...q, search: text }));
    },
  };
}

/**
 * Above a table: the search box, how many rows are shown of how many, anything else the table needs
 * (a switch), and 导出Excel of exactly the rows shown.
 */
export function TableToolbar<R>({ view, spec, table, period, total, placeholder, extra, notes = [] }: {
  readonly view: TableView<R>;
  readonly spec: TableSpec<R>;
  readonly table: OfficeTable;
  readonly period: string;
  /** Rows of the whole table. */
  readonly total: number;
  readonly placeholder: string;
  readonly extra?: ReactNode;
  /** What else narrowed the rows (a switch), in words for the export's title. */
  readonly notes?: readonly string[];
}) {
  const [busy, setBusy] = useState(false);
  const report = useErrorReporter();
  const { modal } = AntApp.useApp();
  async function exportShown() {
    setBusy(true);
    try {
      const note = [...notes, queryNote(spec, view.query)].filter((s) => s !== '').join(';');
      const r = await call('reports:exportTable', { period, table, keys: view.rows.map(spec.key), ...(note === '' ? {} : { note }) });
      if (r) {
        modal.success({
          title: '表格已导出', okText: '知道了',
          content: <div data-testid="table-exported">已保存 <Typography.Text strong>{r.fileName}</Typography.Text>(共 {r.rows} 行{note ? `,${note}` : ''})<br />位置:{r.folder}</div>,
        });
      }
    } catch (err) {
      report(err, '表格未导出');
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="table-toolbar">
      <Space wrap>
        <Input.Search allowClear placeholder={placeholder} style={{ width: 260 }} value={view.query.search}
          onChange={(e) => view.setSearch(e.target.value)} data-testid={`search-${table}`} />
        <Typography.Text type="secondary" data-testid={`shown-${table}`}>显示 {view.rows.length} / {total} 行</Typography.Text>
        {extra}
      </Space>
      <Button onClick={() => void exportShown()} loading={busy} disabled={view.rows.length === 0} data-testid={`export-${table}`}>导出Excel(当前显示的行)</Button>
    </div>
  );
}
