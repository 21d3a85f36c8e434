/**
 * 分县区: every subordinate office against its quotas (from its current 汇总包), and 本级, with lights; an
 * office's row opens its tasks, a task its indicators (目标/数值, blank quota 无任务) and narrative.
 */
import { Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { blankQuotaText } from '../../shared/levels';
import { rowLight, type TaskSummary } from '../../shared/summaries';
import { rollupStateText } from '../../shared/levels';
import type { ByOfficeView, OfficeFigure, OfficeIndicatorRow, OfficeStanding, OfficeTaskRow } from '../../shared/rollup';
import { CompletionBar, LightCounts, LightTag, STICKY_HEADER, num, shortDate } from '../components/common';

const { Text } = Typography;

/** A task's 工作进展, 存在问题 and 下步措施 as reported (— where empty): the 分任务 and 分县区 drill-downs. */
export function Narrative({ task }: { readonly task: Pick<TaskSummary, 'progress' | 'problems' | 'nextSteps'> }) {
  return (
    <dl className="narrative">
      <dt>工作进展</dt><dd>{task.progress || '—'}</dd>
      <dt>存在问题</dt><dd>{task.problems || '—'}</dd>
      <dt>下步措施</dt><dd>{task.nextSteps || '—'}</dd>
    </dl>
  );
}

const REPORTED: Readonly<Record<OfficeTaskRow['reported'], { readonly label: string; readonly color: string }>> = {
  onTime: { label: '按时', color: 'success' },
  late: { label: '逾期', color: 'warning' },
  missing: { label: '未报送', color: 'error' },
  waiting: { label: '待报送', color: 'processing' },
};

/** The office's figure of one indicator: 数值/目标, or 无任务 (同目标 where the target is not split). */
function figureText(r: OfficeIndicatorRow, f: OfficeFigure): string {
  const value = f.value === null ? '未报' : `${num(f.value)}${r.unit}`;
  return f.target === null ? `${blankQuotaText(r.kind)}${f.value === null ? '' : `(${value})`}` : `${value} / ${num(f.target)}${r.unit}`;
}

function OfficeTasks({ view, column }: { readonly view: ByOfficeView; readonly column: number | 'own' }) {
  const standing = column === 'own' ? view.own : view.offices[column]!;
  const figureOf = (r: OfficeIndicatorRow) => (column === 'own' ? r.own : r.offices[column]!);
  const columns: ColumnsType<OfficeTaskRow> = [
    { title: '序号', dataIndex: 'task', width: 56, align: 'center' },
    { title: '任务', dataIndex: 'title', ellipsis: true },
    { title: '报送', dataIndex: 'reported', width: 80, render: (r: OfficeTaskRow['reported']) => <Tag color={REPORTED[r].color}>{REPORTED[r].label}</Tag> },
    { title: '状态', dataIndex: 'status', width: 76, render: (s: string | null) => s ?? <Text type="danger">未报送</Text> },
    { title: '灯号', dataIndex: 'light', width: 86, render: (l: OfficeTaskRow['light']) => <LightTag light={l} /> },
  ];
  return (
    <Table<OfficeTaskRow>
      size="small" rowKey="task" pagination={false} columns={columns} dataSource={[...standing.tasks]} data-testid={`office-tasks-${standing.office}`}
      expandable={{
        expandedRowRender: (t) => {
          const rows = view.indicators.filter((r) => r.task === t.task);
          return (
            <div className="task-expansion">
              {rows.length > 0 && (
                <Table<OfficeIndicatorRow>
                  size="small" rowKey="indicator" pagination={false} dataSource={rows}
                  columns={[
                    { title: '指标', dataIndex: 'name', ellipsis: true },
                    { title: `${standing.office}(数值 / 目标)`, key: 'figure', width: 220, render: (_, r) => figureText(r, figureOf(r)) },
                    { title: `合计(${totalWord(rows)})`, key: 'total', width: 200, render: (_, r) => (r.total === null ? '未报' : `${num(r.total)}${r.unit} / ${num(r.target)}${r.unit}`) },
                  ]}
                />
              )}
              <Narrative task={t} />
            </div>
          );
        },
      }}
    />
  );
}

/** What the 合计 column is, in words, for a task's indicators. */
function totalWord(rows: readonly OfficeIndicatorRow[]): string {
  return rows.every((r) => r.basis === 'lead') ? '本级牵头单位的数值' : '本级 + 各下级汇总端';
}

export function OfficeTable({ view }: { readonly view: ByOfficeView }) {
  const rows: (OfficeStanding & { readonly key: number | 'own' })[] = [...view.offices.map((o, k) => ({ ...o, key: k })), { ...view.own, key: 'own' as const }];
  const columns: ColumnsType<(typeof rows)[number]> = [
    { title: '序号', key: 'seq', width: 56, align: 'center', render: (_, r) => (r.key === 'own' ? '' : r.key + 1) },
    { title: '下级汇总端', dataIndex: 'office', width: 130, render: (o: string, r) => (r.own ? <Text strong>{o}</Text> : o) },
    {
      title: '汇总包', key: 'rollup', width: 170,
      render: (_, r) => (r.own ? <Text type="secondary">{rollupStateText(r)}</Text> : r.revision === null ? <Tag color={r.missing > 0 ? 'error' : 'processing'}>{rollupStateText(r)}</Tag>
        : <Space size={4}><Tag color={r.late > 0 ? 'warning' : 'success'}>第{r.revision}版</Tag><Text type="secondary">{shortDate(r.receivedOn)}</Text></Space>),
    },
    { title: '应报/按时/逾期/未报', key: 'counts', width: 150, align: 'center', render: (_, r) => `${r.due}/${r.onTime}/${r.late}/${r.missing}` },
    { title: '待报', dataIndex: 'waiting', width: 72, align: 'center' },
    { title: '完成度', dataIndex: 'completion', width: 170, render: (c: number | null, r) => <CompletionBar value={c} light={rowLight(r)} /> },
    { title: '绿/黄/红', key: 'lights', width: 120, render: (_, r) => <LightCounts green={r.green} yellow={r.yellow} red={r.red} /> },
  ];
  return (
    <Table
      size="small" rowKey="key" pagination={false} columns={columns} dataSource={rows} sticky={STICKY_HEADER} data-testid="office-table"
      expandable={{ expandedRowRender: (r) => <OfficeTasks view={view} column={r.key} /> }}
    />
  );
}
