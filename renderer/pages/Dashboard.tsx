/** 汇总端 period dashboard: 报送情况, unit by unit, task by task, category by category, charts. */
import { useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, Card, Col, Empty, Row, Space, Spin, Statistic, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ResponseOf, ReturnView, TrendView } from '../../shared/api';
import { INDICATOR_KIND_LABELS } from '../../shared/domain';
import { gapText, percent, valueWord } from '../../shared/format';
import { areaPartWords, statusWord, reportingGroup, rowLight, type AreaPart, type CategorySummary, type IndicatorSummary, type TaskSummary, type UnitSummary } from '../../shared/summaries';
import { periodLabel } from '../../shared/rules/periods';
import { headlineOf } from '../../shared/rules/headline';
import { ownLabel, scopeWord } from '../../shared/levels';
import { call } from '../api';
import { Chart } from '../components/Chart';
import { Narrative, OfficeTable } from './OfficesView';
import { CompletionBar, LIGHT_COLORS, LightCounts, LightTag, StateTag, STICKY_HEADER, num, shortDate, targetText, useErrorReporter } from '../components/common';
import { TableToolbar, useTableView } from '../components/TableTools';
import { CATEGORY_TABLE, TASK_TABLE, UNIT_TABLE } from '../../shared/table-view';
import { useApp, usePeriodLabel } from '../store';

const { Text } = Typography;

interface Data {
  readonly units: ResponseOf<'summary:byUnit'>;
  readonly tasks: ResponseOf<'summary:byTask'>;
  readonly categories: ResponseOf<'summary:byCategory'>;
  readonly trend: TrendView;
  /** 分县区: shown when the office has subordinate offices. */
  readonly offices: ResponseOf<'summary:byOffice'>;
}

/** An indicator's figures in its kind's words: what the value is (累计完成, 当前值, 增幅, 完成情况) and 超欠进度 against what is due. */
export function indicatorColumns(): ColumnsType<IndicatorSummary> {
  return [
    { title: '指标', dataIndex: 'name', ellipsis: true, render: (n: string, i) => <>{n} <Tag className="kind-tag">{INDICATOR_KIND_LABELS[i.kind]}</Tag></> },
    { title: '目标', key: 'target', width: 130, render: (_, i) => targetText(i) },
    {
      title: '进展情况', dataIndex: 'value', width: 230, align: 'right',
      render: (v: number | null, i) => (v === null ? '—' : <><Text type="secondary" className="value-word">{valueWord(i)}</Text> {num(v)}{i.unit}{i.area && <AreaParts part={i.area} unit={i.unit} />}</>),
    },
    { title: '完成率', dataIndex: 'completion', width: 80, align: 'right', render: (v: number | null) => percent(v) },
    { title: '超欠进度', dataIndex: 'gapPoints', width: 220, render: (_, i) => <span data-testid="gap-text">{gapText(i)}</span> },
    { title: '灯号', dataIndex: 'light', width: 90, render: (l: IndicatorSummary['light']) => <LightTag light={l} /> },
  ];
}

/** Under a whole area's figure: what it is made of (本级 + the subordinate offices' 汇总包). */
function AreaParts({ part, unit }: { readonly part: AreaPart; readonly unit: string }) {
  const own = ownLabel(useApp((s) => s.info?.officeName ?? ''));
  const words = areaPartWords(part, unit, own);
  return <div className="area-parts" data-testid="area-parts"><Text type="secondary">{words.sum}<br />{words.note}</Text></div>;
}

/** A task's indicators and narrative, under its row. */
export function TaskExpansion({ task }: { readonly task: Pick<TaskSummary, 'indicators' | 'progress' | 'problems' | 'nextSteps'> }) {
  return (
    <div className="task-expansion">
      {task.indicators.length > 0
        ? <Table<IndicatorSummary> size="small" rowKey="no" pagination={false} columns={indicatorColumns()} dataSource={[...task.indicators]} />
        : <Text type="secondary">本任务无量化指标,按进展填报。</Text>}
      <Narrative task={task} />
    </div>
  );
}

/** Returns of the period not closed yet, for the reporting card: the office follows each to 已关闭. */
function useOpenReturns(): readonly ReturnView[] {
  const period = useApp((s) => s.period);
  const version = useApp((s) => s.version);
  const [returns, setReturns] = useState<readonly ReturnView[]>([]);
  const report = useErrorReporter();
  useEffect(() => {
    if (!period) return;
    let live = true;
    call('returns:list', { period }).then((r) => { if (live) setReturns(r.filter((x) => x.stage !== '已关闭')); }, (err) => report(err));
    return () => { live = false; };
  }, [period, version]);
  return returns;
}

function ReportingCard({ rows }: { readonly rows: readonly UnitSummary[] }) {
  const go = useApp((s) => s.go);
  const returns = useOpenReturns();
  const onTime = rows.filter((r) => reportingGroup(r) === 'onTime');
  const late = rows.filter((r) => reportingGroup(r) === 'late');
  const missing = rows.filter((r) => reportingGroup(r) === 'missing');
  const waiting = rows.filter((r) => reportingGroup(r) === 'waiting');
  const group = (title: string, color: string, list: readonly UnitSummary[], testId: string) => (
    <div className="reporting-group" data-testid={testId}>
      <div className="reporting-title"><Tag color={color}>{title}</Tag><Text type="secondary">{list.length} 个单位</Text></div>
      <div className="reporting-names">
        {list.length === 0 ? <Text type="secondary">无</Text> : list.map((r) => (
          <Button key={r.unit} size="small" type="link" onClick={() => go('unitDetail', r.unit)}>
            {r.unit}{r.state === '部分报送' ? '(部分)' : ''}
          </Button>
        ))}
      </div>
    </div>
  );
  return (
    <Card size="small" title="报送情况" className="reporting-card">
      {group('按时报送', 'success', onTime, 'reporting-on-time')}
      {group('逾期报送', 'warning', late, 'reporting-late')}
      {group('未报送', 'error', missing, 'reporting-missing')}
      {waiting.length > 0 && group('待报送(未过截止日)', 'processing', waiting, 'reporting-waiting')}
      {returns.length > 0 && (
        <div className="reporting-group" data-testid="reporting-returns">
          <div className="reporting-title"><Tag color="orange">退回跟踪</Tag><Text type="secondary">{returns.length} 项未关闭</Text></div>
          <div className="reporting-names">
            {returns.map((r) => (
              <Button key={r.id} size="small" type="link" onClick={() => go('unitDetail', r.unit)}>
                {r.unit} 任务{r.task}:{r.stage}{r.stage === '已重报' && r.answeredRevision !== null ? `(第${r.answeredRevision}版)` : ''}
              </Button>
            ))}
          </div>
        </div>
      )}
    </Card>
  );
}

function UnitTable({ rows }: { readonly rows: readonly UnitSummary[] }) {
  const go = useApp((s) => s.go);
  const period = useApp((s) => s.period)!;
  // Units that only cooperate have nothing of their own to report: their rows would be all —. Hidden by
  // default so the table is the reporting units; the switch says how many and shows them (the workbook lists all).
  const [showCoOnly, setShowCoOnly] = useState(false);
  const coOnly = rows.filter((r) => r.leadTasks === 0).length;
  const base = useMemo(() => (showCoOnly ? rows : rows.filter((r) => r.leadTasks > 0)), [rows, showCoOnly]);
  const view = useTableView(base, UNIT_TABLE);
  const columns: ColumnsType<UnitSummary> = [
    { title: '序号', dataIndex: 'seq', width: 70, align: 'center', ...view.column('seq') },
    { title: '单位', dataIndex: 'unit', width: 150, ...view.column('unit'), render: (u: string) => <Button type="link" size="small" className="unit-link" onClick={() => go('unitDetail', u)}>{u}</Button> },
    { title: '牵头/协同', width: 100, align: 'center', ...view.column('tasks'), render: (_, r) => `${r.leadTasks}/${r.coTasks}` },
    { title: '报送情况', width: 140, ...view.column('state'), render: (_, r) => <Space size={4}><StateTag state={r.state} />{r.late > 0 && <Tag color="warning">逾期</Tag>}</Space> },
    { title: '收到日期', dataIndex: 'receivedOn', width: 104, ...view.column('receivedOn'), render: (d: string | null) => shortDate(d) },
    { title: '按时/逾期/未报', key: 'counts', width: 116, align: 'center', render: (_, r) => (r.leadTasks === 0 ? '—' : `${r.onTime}/${r.late}/${r.missing}`) },
    // Not yet due and not in yet: apart from 未报, so the day a month opens shows no 未报.
    { title: '待报', key: 'waiting', width: 64, align: 'center', ...view.column('waiting'), render: (_, r) => (r.leadTasks === 0 ? '—' : r.waiting) },
    { title: '完成度', dataIndex: 'completion', width: 160, ...view.column('completion'), render: (c: number | null, r) => <CompletionBar value={c} light={rowLight(r)} /> },
    { title: '绿/黄/红', width: 130, ...view.column('lights'), render: (_, r) => (r.leadTasks === 0 ? '—' : <LightCounts green={r.green} yellow={r.yellow} red={r.red} />) },
    { title: '操作', key: 'op', width: 70, render: (_, r) => <Button size="small" onClick={() => go('unitDetail', r.unit)}>明细</Button> },
  ];
  return (
    <>
      <TableToolbar view={view} spec={UNIT_TABLE} table="units" period={period} total={base.length} placeholder="搜索单位"
        notes={showCoOnly || coOnly === 0 ? [] : ['不含无牵头任务的单位']}
        extra={coOnly > 0 && (
          <Space size={6}>
            <Switch size="small" checked={showCoOnly} onChange={setShowCoOnly} data-testid="show-co-only" />
            <span>显示无牵头任务的单位({coOnly} 个)</span>
          </Space>
        )} />
      <Table<UnitSummary>
        size="small" rowKey="unit" pagination={false} columns={columns} dataSource={[...view.rows]} onChange={view.onChange}
        className="unit-table" data-testid="unit-table" sticky={STICKY_HEADER}
        rowClassName={(r) => `unit-row-${r.seq}`}
      />
    </>
  );
}

function TaskTable({ rows }: { readonly rows: readonly TaskSummary[] }) {
  const period = useApp((s) => s.period)!;
  const view = useTableView(rows, TASK_TABLE);
  const columns: ColumnsType<TaskSummary> = [
    { title: '序号', dataIndex: 'no', width: 70, align: 'center', ...view.column('no') },
    { title: '任务', dataIndex: 'title', ellipsis: true },
    { title: '类别', dataIndex: 'category', width: 150, ellipsis: true, ...view.column('category') },
    { title: '牵头单位', key: 'lead', width: 170, ellipsis: true, render: (_, t) => t.leadUnits.join('、') },
    { title: '报送', width: 76, align: 'center', ...view.column('reported'), render: (_, t) => `${t.reportedLeads}/${t.totalLeads}` },
    { title: '状态', dataIndex: 'status', width: 90, ...view.column('status'), render: (s: string | null, t) => s ?? <Text type={t.overdueLeads === 0 ? 'secondary' : 'danger'}>{statusWord(t)}</Text> },
    { title: '完成度', dataIndex: 'completion', width: 180, ...view.column('completion'), render: (c: number | null, t) => <CompletionBar value={c} light={t.light} /> },
    { title: '灯号', dataIndex: 'light', width: 96, ...view.column('light'), render: (l: TaskSummary['light']) => <LightTag light={l} /> },
  ];
  return (
    <>
      <TableToolbar view={view} spec={TASK_TABLE} table="tasks" period={period} total={rows.length} placeholder="搜索任务、单位、指标或进展" />
      <Table<TaskSummary>
        size="small" rowKey="no" pagination={false} columns={columns} dataSource={[...view.rows]} sticky={STICKY_HEADER} onChange={view.onChange}
        expandable={{ expandedRowRender: (t) => <TaskExpansion task={t} /> }}
        data-testid="task-table"
      />
    </>
  );
}

function CategoryTable({ rows }: { readonly rows: readonly CategorySummary[] }) {
  const period = useApp((s) => s.period)!;
  const view = useTableView(rows, CATEGORY_TABLE);
  const columns: ColumnsType<CategorySummary> = [
    { title: '类别', key: 'name', render: (_, c) => `${c.no}、${c.name}` },
    { title: '任务', dataIndex: 'tasks', width: 80, align: 'center', ...view.column('tasks') },
    { title: '指标', dataIndex: 'indicators', width: 80, align: 'center', ...view.column('indicators') },
    { title: '完成度', dataIndex: 'completion', width: 190, ...view.column('completion'), render: (c: number | null, r) => <CompletionBar value={c} light={rowLight(r)} /> },
    { title: '绿/黄/红', width: 140, ...view.column('lights'), render: (_, c) => <LightCounts green={c.green} yellow={c.yellow} red={c.red} /> },
    { title: '未报送任务', dataIndex: 'missing', width: 110, align: 'center', ...view.column('missing') },
    { title: '待报送任务', dataIndex: 'waiting', width: 110, align: 'center', ...view.column('waiting') },
  ];
  return (
    <>
      <TableToolbar view={view} spec={CATEGORY_TABLE} table="categories" period={period} total={rows.length} placeholder="搜索类别" />
      <Table<CategorySummary> size="small" rowKey="no" pagination={false} columns={columns} dataSource={[...view.rows]} onChange={view.onChange} data-testid="category-table" />
    </>
  );
}

function Charts({ data }: { readonly data: Data }) {
  const scope = useScope();
  const label = usePeriodLabel();
  const reporting = useMemo(() => data.units.rows.filter((r) => r.leadTasks > 0), [data.units.rows]);
  const byUnit = useMemo(() => ({
    title: { text: '各单位完成度', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(1)}%` },
    grid: { left: 130, right: 70, top: 56, bottom: 24 },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: reporting.map((r) => r.unit), axisLabel: { interval: 0 } },
    series: [{
      type: 'bar', barMaxWidth: 14,
      data: reporting.map((r) => ({
        value: r.completion === null ? 0 : Math.round(r.completion * 1000) / 10,
        // The colour of the unit's light, as its bar in the table (rowLight): not a scale of the figure, which mixes kinds.
        itemStyle: { color: LIGHT_COLORS[rowLight(r)] },
      })),
      label: {
        show: true, position: 'right', fontSize: 11, color: '#595959',
        formatter: (p: { dataIndex: number }) => {
          const r = reporting[p.dataIndex]!;
          return r.state === '未报送' || r.state === '未起报' ? r.state : r.completion === null ? '无量化指标' : percent(r.completion);
        },
      },
    }],
  }), [reporting]);
  const lights = useMemo(() => {
    const count = (l: string) => data.tasks.rows.filter((t) => t.light === l).length;
    return {
      title: { text: '任务灯号分布', left: 'center', textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{
        type: 'pie', radius: ['40%', '65%'], label: { formatter: '{b} {c}项' },
        data: [
          { name: '绿灯', value: count('green'), itemStyle: { color: LIGHT_COLORS.green } },
          { name: '黄灯', value: count('yellow'), itemStyle: { color: LIGHT_COLORS.yellow } },
          { name: '红灯', value: count('red'), itemStyle: { color: LIGHT_COLORS.red } },
        ],
      }],
    };
  }, [data.tasks]);
  const trend = useMemo(() => ({
    title: { text: '进度与报送趋势', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    // Room under the month labels for two rows of legend.
    grid: { left: 50, right: 50, top: 40, bottom: 76 },
    xAxis: { type: 'category', data: data.trend.periods.map(label) },
    yAxis: [
      { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      // Unit counts on the scale of all reporting units, pale and narrow: the lines are what the chart is for.
      { type: 'value', name: '单位数', minInterval: 1, max: Math.max(1, reporting.length), splitLine: { show: false } },
    ],
    series: [
      { name: '达到序时进度占比', type: 'line', z: 3, lineStyle: { width: 3 }, symbolSize: 7, data: data.trend.overall.map((o) => (o.onSchedule === null ? null : Math.round(o.onSchedule * 1000) / 10)) },
      { name: `${scope}平均完成度`, type: 'line', z: 3, lineStyle: { type: 'dashed', width: 2 }, data: data.trend.overall.map((o) => (o.completion === null ? null : Math.round(o.completion * 1000) / 10)) },
      { name: '逾期单位', type: 'bar', yAxisIndex: 1, barMaxWidth: 10, itemStyle: { color: LIGHT_COLORS.yellow, opacity: 0.35 }, data: data.trend.overall.map((o) => o.late) },
      { name: '未报送单位', type: 'bar', yAxisIndex: 1, barMaxWidth: 10, itemStyle: { color: LIGHT_COLORS.red, opacity: 0.35 }, data: data.trend.overall.map((o) => o.missing) },
    ],
  }), [data.trend, label, scope, reporting.length]);
  // The trend first, at the top of the right column: on a 1366×768 screen it is seen without scrolling.
  return (
    <Row gutter={16}>
      <Col span={14}><Card size="small"><Chart option={byUnit} height={Math.max(360, reporting.length * 20 + 60)} testId="chart-units" /></Card></Col>
      <Col span={10}>
        <Space orientation="vertical" style={{ width: '100%' }} size={16}>
          <Card size="small">{data.trend.periods.length === 0 ? <Empty description="还没有任何报送" /> : <Chart option={trend} height={300} testId="chart-trend" />}</Card>
          <Card size="small"><Chart option={lights} height={260} testId="chart-lights" /></Card>
        </Space>
      </Col>
    </Row>
  );
}

/** 全市 or 全县, by this office's name. */
function useScope(): string {
  return scopeWord(useApp((s) => s.info?.officeName ?? null));
}

export function Dashboard() {
  const scope = useScope();
  const period = useApp((s) => s.period);
  const version = useApp((s) => s.version);
  const [data, setData] = useState<Data | null>(null);
  const [tab, setTab] = useState('units');
  const [exporting, setExporting] = useState(false);
  const report = useErrorReporter();
  const { modal } = AntApp.useApp();

  useEffect(() => {
    if (!period) return;
    let live = true;
    setData(null);
    Promise.all([
      call('summary:byUnit', { period }), call('summary:byTask', { period }),
      call('summary:byCategory', { period }), call('summary:trend', {}), call('summary:byOffice', { period }),
    ]).then(([units, tasks, categories, trend, offices]) => { if (live) setData({ units, tasks, categories, trend, offices }); }, (err) => report(err));
    return () => { live = false; };
  }, [period, version]);

  async function exportWorkbook() {
    if (!period) return;
    setExporting(true);
    try {
      const r = await call('reports:exportWorkbook', { period });
      if (r) modal.success({ title: '汇总表已生成', content: <>已保存 <Text strong>{r.fileName}</Text><br />位置:{r.folder}</>, okText: '知道了' });
    } catch (err) {
      report(err, '汇总表未生成');
    } finally {
      setExporting(false);
    }
  }

  if (!period) return <Empty description="没有报送期" />;
  if (!data) return <div className="page-loading"><Spin /></div>;
  const h = data.units.header;
  // The workbook's 总体情况 and the bulletin take their figures from this same function (tests/reports/one-figure.test.ts).
  const headline = headlineOf(h, data.units.rows, data.tasks.rows);
  const { counts, completion: overall, unitsReported: reported, leadUnits, unitsMissing: missing } = headline;
  const late = headline.lateUnitNames.length;

  return (
    <div data-testid="dashboard">
      <Card size="small" className="stats-card">
        <Row gutter={16} align="middle">
          <Col flex="auto"><Statistic title="报送期" value={periodLabel(h.period, h.frequency)} /></Col>
          <Col flex="auto"><Statistic title="报送截止" value={shortDate(h.dueOn)} /></Col>
          <Col flex="auto"><Statistic title="序时进度" value={percent(h.timeProgress)} /></Col>
          <Col flex="auto" data-testid="headline-on-schedule">
            <Tooltip title={`量化指标任务${counts.total}项(已报数),各按本类口径:累计类对照序时进度,水平类、增幅类对照目标值,节点类对照完成时限;另有${counts.noValue}项未报数`}>
              <Statistic title="达到序时进度" value={counts.onSchedule} suffix={`/ ${counts.total} 项 · ${percent(counts.share)}`} />
            </Tooltip>
          </Col>
          <Col flex="auto" data-testid="headline-behind"><Statistic title="未达到序时进度" value={counts.behind} suffix="项" styles={{ content: { color: counts.behind ? LIGHT_COLORS.yellow : undefined } }} /></Col>
          <Col flex="auto"><Statistic title={`${scope}平均完成度`} value={percent(overall)} /></Col>
          <Col flex="auto"><Statistic title="已报送单位" value={reported} suffix={`/ ${leadUnits}`} /></Col>
          <Col flex="auto"><Statistic title="逾期" value={late} styles={{ content: { color: late ? LIGHT_COLORS.yellow : undefined } }} /></Col>
          <Col flex="auto"><Statistic title="未报送" value={missing} styles={{ content: { color: missing ? LIGHT_COLORS.red : undefined } }} /></Col>
          <Col><Button onClick={() => void exportWorkbook()} loading={exporting}>导出汇总表</Button></Col>
        </Row>
      </Card>
      <Card size="small" className="content-card">
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'units', label: '分单位', children: <><ReportingCard rows={data.units.rows} /><UnitTable rows={data.units.rows} /></> },
            ...(data.offices.offices.length > 0 ? [{ key: 'offices', label: '分县区', children: <OfficeTable view={data.offices} /> }] : []),
            { key: 'tasks', label: '分任务', children: <TaskTable rows={data.tasks.rows} /> },
            { key: 'categories', label: '分类别', children: <CategoryTable rows={data.categories.rows} /> },
            { key: 'charts', label: '图表', children: <Charts data={data} /> },
          ]}
        />
      </Card>
    </div>
  );
}
