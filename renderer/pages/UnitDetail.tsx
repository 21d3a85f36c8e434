/** Drill-down: one unit's tasks and indicators for the period; return a task, export feedback, enter a paper report. */
import { useEffect, useState } from 'react';
import { App as AntApp, Breadcrumb, Button, Card, Descriptions, Empty, Form, Input, Modal, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReturnView, UnitDetail as UnitDetailView } from '../../shared/api';
import { percent } from '../../shared/format';
import { call } from '../api';
import { CompletionBar, LightCounts, LightTag, StateTag, shortDate, useErrorReporter } from '../components/common';
import { useApp, usePeriodLabel } from '../store';
import { TaskExpansion } from './Dashboard';

const { Text } = Typography;

type DetailTask = UnitDetailView['tasks'][number];

/** 已退回 and 已发反馈包 wait for the unit; 已重报 waits for the office to read it; 已关闭 is done. */
const RETURN_STAGE_COLOR: Readonly<Record<ReturnView['stage'], string>> = { 已退回: 'orange', 已发反馈包: 'gold', 已重报: 'blue', 已关闭: 'green' };

export function UnitDetail() {
  const unit = useApp((s) => s.unit);
  const period = useApp((s) => s.period);
  const version = useApp((s) => s.version);
  const go = useApp((s) => s.go);
  const changed = useApp((s) => s.changed);
  const periodLabel = usePeriodLabel();
  const [data, setData] = useState<UnitDetailView | null>(null);
  const [returns, setReturns] = useState<readonly ReturnView[]>([]);
  const [returning, setReturning] = useState<DetailTask | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [starting, setStarting] = useState<string | null>(null);
  const [startReason, setStartReason] = useState('');
  const periods = useApp((s) => s.periods);
  const report = useErrorReporter();
  const { message, modal } = AntApp.useApp();

  useEffect(() => {
    if (!unit || !period) return;
    let live = true;
    setData(null);
    Promise.all([call('summary:unitDetail', { period, unit }), call('returns:list', { period })])
      .then(([d, r]) => { if (live) { setData(d); setReturns(r.filter((x) => x.unit === unit)); } }, (err) => report(err));
    return () => { live = false; };
  }, [unit, period, version]);

  async function submitReturn() {
    if (!returning || !unit || !period) return;
    setBusy(true);
    try {
      const r = await call('returns:create', { period, unit, task: returning.no, comment });
      void message.success(`已退回任务${r.task}「${r.taskTitle}」,将随下一个反馈包发给${r.unit}。`);
      setReturning(null);
      setComment('');
      changed();
    } catch (err) {
      report(err, '未能退回');
    } finally {
      setBusy(false);
    }
  }

  async function closeReturn(r: ReturnView) {
    try {
      await call('returns:close', { id: r.id });
      void message.success(`已关闭任务${r.task}的退回(第${r.answeredRevision}版已核对,已记入审计日志)。`);
      changed();
    } catch (err) {
      report(err, '未关闭');
    }
  }

  async function saveStart() {
    if (!unit || !starting) return;
    try {
      const r = await call('units:setStart', { unit, period: starting, reason: startReason });
      void message.success(`${r.unit} 从 ${periodLabel(r.period)} 起报送,此前各期不算未报送(已记入审计日志)。`);
      setStarting(null);
      setStartReason('');
      changed();
    } catch (err) {
      report(err, '起报期未修改');
    }
  }

  async function exportFeedback() {
    if (!unit) return;
    setBusy(true);
    try {
      const r = await call('packages:exportFeedback', { unit });
      if (r) {
        modal.success({ title: '反馈包已生成', content: <>已保存 <Text strong data-testid="feedback-file">{r.fileName}</Text><br />位置:{r.folder}<br />请用U盘交给{unit}导入。</>, okText: '知道了' });
        changed();
      }
    } catch (err) {
      report(err, '反馈包未生成');
    } finally {
      setBusy(false);
    }
  }

  if (!unit || !period) return <Empty description="请从汇总表中选择单位" />;
  const pending = returns.filter((r) => !r.done);
  const columns: ColumnsType<DetailTask> = [
    { title: '序号', dataIndex: 'no', width: 56, align: 'center' },
    { title: '任务', dataIndex: 'title', ellipsis: true, render: (t: string, r) => <>{t}{returns.some((x) => x.task === r.no) && <Tag color="orange" style={{ marginLeft: 6 }}>已退回</Tag>}</> },
    { title: '职责', dataIndex: 'role', width: 64, render: (r: string) => (r === 'lead' ? <Tag color="blue">牵头</Tag> : <Tag>协同</Tag>) },
    { title: '状态', dataIndex: 'status', width: 76, render: (s: string | null) => s ?? (data?.unit.state === '待报送' || data?.unit.state === '未起报' ? <Text type="secondary">{data.unit.state}</Text> : <Text type="danger">未报送</Text>) },
    { title: '收到', dataIndex: 'receivedOn', width: 90, render: (d: string | null, r) => <>{shortDate(d)}{r.proxy && <Tag style={{ marginLeft: 4 }}>代填</Tag>}</> },
    { title: '完成度', dataIndex: 'completion', width: 160, render: (c: number | null, r) => <CompletionBar value={c} light={r.light} /> },
    { title: '灯号', dataIndex: 'light', width: 86, render: (l: DetailTask['light']) => <LightTag light={l} /> },
    { title: '操作', key: 'op', width: 76, render: (_, r) => <Button size="small" danger disabled={r.status === null} onClick={() => setReturning(r)} data-testid={`return-task-${r.no}`}>退回</Button> },
  ];

  return (
    <div data-testid="unit-detail">
      <Breadcrumb items={[{ title: <a onClick={() => go('dashboard')}>汇总</a> }, { title: unit }]} className="page-breadcrumb" />
      {!data ? <div className="page-loading"><Spin /></div> : (
        <>
          <Card size="small" className="stats-card" title={`${unit} · ${periodLabel(period)}`} extra={
            <Space>
              <Button onClick={() => go('dashboard')} data-testid="back-to-dashboard">返回汇总</Button>
              <Button onClick={() => go('proxy', unit)}>代填纸质报表</Button>
              <Button onClick={() => setStarting(period)} data-testid="set-start">起报期…</Button>
              <Button type="primary" onClick={() => void exportFeedback()} loading={busy} data-testid="export-feedback">生成反馈包{pending.length > 0 ? `(${pending.length} 项退回)` : ''}</Button>
            </Space>
          }>
            <Descriptions size="small" column={4}>
              <Descriptions.Item label="报送情况"><StateTag state={data.unit.state} />{data.unit.late > 0 && <Tag color="warning">逾期</Tag>}</Descriptions.Item>
              <Descriptions.Item label="收到日期">{shortDate(data.unit.receivedOn)}(截止 {shortDate(data.unit.dueOn)})</Descriptions.Item>
              <Descriptions.Item label="完成度">
                {percent(data.unit.completion)}
                {data.unit.indicatorsReported > 0 && <Text type="secondary">(达到序时进度 {data.unit.indicatorsReported - data.unit.indicatorsBehind}/{data.unit.indicatorsReported} 项)</Text>}
              </Descriptions.Item>
              <Descriptions.Item label="牵头任务灯号"><LightCounts green={data.unit.green} yellow={data.unit.yellow} red={data.unit.red} /></Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" className="content-card" title="任务与指标">
            <Table<DetailTask>
              size="small" rowKey="no" pagination={false} columns={columns} dataSource={[...data.tasks]}
              expandable={{ expandedRowRender: (t) => <TaskExpansion task={t} />, defaultExpandAllRows: data.tasks.length <= 4 }}
              data-testid="unit-detail-table"
            />
          </Card>
          {returns.length > 0 && (
            <Card size="small" className="content-card" title="退回记录">
              <Table<ReturnView> size="small" rowKey={(r) => `${r.task}-${r.createdAt}`} pagination={false} dataSource={[...returns]} columns={[
                { title: '任务', key: 't', render: (_, r) => `${r.task}. ${r.taskTitle}` },
                { title: '退回意见', dataIndex: 'comment' },
                { title: '时间', dataIndex: 'createdAt', width: 100, render: (d: string) => d.slice(0, 10) },
                { title: '状态', dataIndex: 'stage', width: 130, render: (stage: ReturnView['stage'], r) => <Tag color={RETURN_STAGE_COLOR[stage]} data-testid={`return-stage-${r.task}`}>{stage}{stage === '已重报' && r.answeredRevision !== null ? ` 第${r.answeredRevision}版` : ''}</Tag> },
                { title: '操作', key: 'op', width: 110, render: (_, r) => (r.stage === '已重报' ? <Button size="small" onClick={() => void closeReturn(r)}>核对无误,关闭</Button> : null) },
              ]} />
            </Card>
          )}
        </>
      )}
      <Modal
        open={returning !== null}
        title={returning ? `退回任务${returning.no}「${returning.title}」` : ''}
        okText="退回" cancelText="取消" okButtonProps={{ danger: true, disabled: comment.trim() === '', loading: busy }}
        onOk={() => void submitReturn()} onCancel={() => setReturning(null)} destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label="退回意见(单位将在反馈包中看到)" required>
            <Input.TextArea id="return-comment" rows={4} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} showCount placeholder="例如:康复训练人数与残联年报不一致,请核实" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={starting !== null} title={`${unit} 从哪一期起报送`} okText="保存" cancelText="取消" destroyOnHidden
        okButtonProps={{ disabled: startReason.trim() === '' }} onOk={() => void saveStart()} onCancel={() => setStarting(null)}>
        <Text type="secondary">年中设立或新承担任务的单位,起报期之前的各期对它不算未报送。修改记入审计日志。</Text>
        <Form layout="vertical" style={{ marginTop: 12 }}>
          <Form.Item label="起报期" required>
            <Select value={starting} onChange={setStarting} options={periods.map((p) => ({ value: p.period, label: periodLabel(p.period) }))} data-testid="start-period" />
          </Form.Item>
          <Form.Item label="原因(记入审计日志)" required>
            <Input.TextArea rows={2} value={startReason} maxLength={500} onChange={(e) => setStartReason(e.target.value)} data-testid="start-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
