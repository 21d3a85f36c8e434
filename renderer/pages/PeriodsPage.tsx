/** Periods and due dates: at the office, lock (关账) and reopen (audited); at a unit, what is done, late or missing. */
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ColumnsType } from 'antd/es/table';
import type { EntryForm, OfficesView, PeriodView } from '../../shared/api';
import { percent } from '../../shared/format';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { timeProgress } from '../../shared/rules/progress';
import { todayIso, useApp, useFrequency, usePeriodLabel } from '../store';

const { Text, Paragraph } = Typography;

/** A unit's period in words: exported, draft, not entered, and whether its due date has passed (on the due date itself it has not). */
export function unitPeriodTag(p: PeriodView, today = todayIso()) {
  const overdue = p.dueOn < today;
  if (p.beforeStart && p.state === '未填报') return <Tag>未起报·此期无需报送</Tag>;
  if (p.state === '已导出') return <Tag color="green">已导出 第{p.exportedRevision}版</Tag>;
  if (p.state === '草稿') return <Tag color={overdue ? 'red' : 'gold'}>{overdue ? '草稿未导出·已过截止日' : '草稿未导出'}</Tag>;
  return overdue ? <Tag color="red">未报送·已过截止日</Tag> : <Tag>未填报</Tag>;
}

export function PeriodsPage() {
  const periods = useApp((s) => s.periods);
  const info = useApp((s) => s.info);
  const current = useApp((s) => s.period);
  const changed = useApp((s) => s.changed);
  const { setPeriod, go } = useApp.getState();
  const [reopening, setReopening] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [dueOf, setDueOf] = useState<PeriodView | null>(null);
  const [dueOn, setDueOn] = useState<Dayjs | null>(null);
  const [dueReason, setDueReason] = useState('');

  const report = useErrorReporter();
  const { modal, message } = AntApp.useApp();
  const summary = info?.role === 'summary';
  const periodLabel = usePeriodLabel();
  const quarterly = useFrequency() === 'quarterly';
  const [opening, setOpening] = useState<{ form: EntryForm; values: Map<string, number | null> } | null>(null);
  const firstOwed = summary ? undefined : periods.find((p) => !p.beforeStart);
  const startedMidYear = !summary && periods.some((p) => p.beforeStart);

  async function openOpening() {
    if (!firstOwed) return;
    try {
      const form = await call('entry:get', { period: firstOwed.period });
      const values = new Map(form.tasks.flatMap((t) => t.indicators.filter((i) => i.kind === 'cumulative').map((i) => [`${t.no}:${i.no}`, i.previous] as const)));
      setOpening({ form, values });
    } catch (err) {
      report(err);
    }
  }

  async function saveOpening() {
    if (!opening) return;
    try {
      const values = [...opening.values].map(([k, value]) => ({ task: Number(k.split(':')[0]), indicator: Number(k.split(':')[1]), value }));
      const r = await call('units:setOpening', { values });
      void message.success(`已保存期初累计数 ${r.values} 项,作为${periodLabel(r.start)}的上期累计(已记入审计日志)`);
      setOpening(null);
      changed();
    } catch (err) {
      report(err, '期初累计数未保存');
    }
  }

  // An office set up from its parent's 下达包 sends that parent a 汇总包 for each period.
  const [parent, setParent] = useState<OfficesView['parent']>(null);
  useEffect(() => {
    if (!summary) return;
    call('offices:list', {}).then((v) => setParent(v.parent), (err: unknown) => report(err, '未能读取上级汇总端'));
  }, [summary]);

  async function rollup(period: string) {
    try {
      const r = await call('levels:rollup', { period });
      if (r) void message.success(`已生成${r.office} ${periodLabel(period)}的汇总包(第${r.revision}版):${r.folder}/${r.fileName}。请用U盘报送${r.parent}。`, 8);
    } catch (err) {
      report(err, '未生成汇总包');
    }
  }

  function lock(period: string) {
    modal.confirm({
      title: `关账锁定 ${periodLabel(period)}?`,
      content: '锁定后不能再录入、代填或导入这个报送期的数据;如需修改,要重新开启(记入审计日志)。',
      okText: '锁定', cancelText: '取消',
      onOk: async () => {
        try {
          await call('periods:lock', { period });
          void message.success(`${periodLabel(period)} 已关账锁定`);
          changed();
        } catch (err) {
          report(err, '未锁定');
        }
      },
    });
  }

  async function reopen() {
    if (!reopening) return;
    try {
      await call('periods:reopen', { period: reopening, reason });
      void message.success(`${periodLabel(reopening)} 已重新开启(已记入审计日志)`);
      setReopening(null);
      setReason('');
      changed();
    } catch (err) {
      report(err, '未重新开启');
    }
  }

  function editDue(p: PeriodView) {
    setDueOf(p);
    setDueOn(dayjs(p.dueOn));
    setDueReason('');
  }

  async function saveDue(toRule: boolean) {
    if (!dueOf) return;
    try {
      const r = await call('periods:setDue', { period: dueOf.period, dueOn: toRule || !dueOn ? null : dueOn.format('YYYY-MM-DD'), reason: toRule ? '' : dueReason });
      void message.success(`${periodLabel(r.period)} 截止日期为 ${r.dueOn}(已记入审计日志)`);
      setDueOf(null);
      changed();
    } catch (err) {
      report(err, '截止日期未修改');
    }
  }

  const columns: ColumnsType<PeriodView> = [
    { title: '报送期', dataIndex: 'period', width: 160, render: (p: string) => <>{periodLabel(p)}{p === current && <Tag color="blue" style={{ marginLeft: 6 }}>当前</Tag>}</> },
    {
      title: '截止日期', dataIndex: 'dueOn', width: summary ? 330 : 120, render: (d: string, p) => (
        <div data-testid={`due-${p.period}`}>
          <Text strong={p.dueNote !== null}>{d}</Text>
          {p.dueByHand && <Tag color="blue" style={{ marginLeft: 6 }}>手工设定</Tag>}
          {p.dueNote && <div><Text type="secondary" className="due-note">{p.dueNote}</Text></div>}
          {p.dueWarning && <div><Text type="warning">{p.dueWarning}</Text></div>}
        </div>
      ),
    },
    { title: '序时进度', dataIndex: 'month', width: 100, render: (m: number) => percent(timeProgress(m)) },
    summary
      ? { title: '状态', dataIndex: 'locked', width: 120, render: (l: boolean) => (l ? <Tag color="purple">已关账</Tag> : <Tag color="green">开放</Tag>) }
      : { title: '本单位', key: 'state', width: 200, render: (_, p) => <>{unitPeriodTag(p)}{p.locked && <Tag color="purple">已关账</Tag>}</> },
    {
      title: '操作', key: 'op', render: (_, p) => summary ? (
        <>
          <Button size="small" onClick={() => { setPeriod(p.period); go('dashboard'); }}>查看汇总</Button>{' '}
          <Button size="small" disabled={p.locked} onClick={() => editDue(p)}>设定截止日期…</Button>{' '}
          {parent && p.started && <><Button size="small" data-testid={`rollup-${p.period}`} onClick={() => void rollup(p.period)}>生成汇总包(报上级)</Button>{' '}</>}
          {p.locked
            ? <Button size="small" onClick={() => setReopening(p.period)}>重新开启…</Button>
            : <Button size="small" onClick={() => lock(p.period)}>关账锁定</Button>}
        </>
      ) : <Button size="small" onClick={() => { setPeriod(p.period); go('entry'); }}>填报</Button>,
    },
  ];

  return (
    <div data-testid="periods-page">
      <Card size="small" className="stats-card" title="报送期与截止日期">
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {startedMidYear && firstOwed && <>本单位从 <Text strong>{periodLabel(firstOwed.period)}</Text> 起报送,此前各期无需报送。<Button size="small" onClick={() => void openOpening()} data-testid="open-opening">录入期初累计数…</Button><br /></>}
          {summary ? `${quarterly ? '每季度一期(累计到季度末,如 1-6月),季度结束后的次月截止日前报送' : '每月一期,次月截止日前报送'};截止日遇周末或法定节假日顺延到下一个工作日(调休上班日算工作日),也可以逐期手工设定;截止日当天收到的不算逾期,逾期以汇总端收到日期为准。汇总完毕的报送期可以关账锁定。${parent ? `本机是${parent.name}的下级汇总端(「${parent.officeName}」):每期汇总后生成汇总包,用U盘报送上级。` : ''}` : <>截止日期由汇总端在任务包中规定。今天是 <Text strong>{todayIso()}</Text>。</>}
        </Paragraph>
      </Card>
      <Card size="small" className="content-card">
        <Table<PeriodView> size="small" rowKey="period" pagination={false} columns={columns} dataSource={[...periods]} />
      </Card>
      <Modal open={dueOf !== null} title={dueOf ? `设定 ${periodLabel(dueOf.period)} 的截止日期` : ''} okText="保存" cancelText="取消"
        okButtonProps={{ disabled: dueReason.trim() === '' || dueOn === null }} onOk={() => void saveDue(false)} onCancel={() => setDueOf(null)} destroyOnHidden
        footer={(_, { OkBtn, CancelBtn }) => <>{dueOf?.dueByHand && <Button onClick={() => void saveDue(true)}>恢复按规则({dueOf.ruleDueOn})</Button>}<CancelBtn /><OkBtn /></>}>
        <Paragraph type="secondary">按规则为 {dueOf?.ruleDueOn}{dueOf?.dueByHand ? '' : dueOf?.dueNote ? `(${dueOf.dueNote})` : ''}。手工设定的日期优先于规则,即使是节假日;修改记入审计日志。</Paragraph>
        <Form layout="vertical">
          <Form.Item label="截止日期" required>
            <DatePicker value={dueOn} onChange={(d) => setDueOn(d)} allowClear={false} data-testid="due-date-input" />
          </Form.Item>
          <Form.Item label="原因(记入审计日志)" required>
            <Input.TextArea rows={2} value={dueReason} maxLength={500} onChange={(e) => setDueReason(e.target.value)} data-testid="due-reason-input" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={opening !== null} title={`期初累计数(${firstOwed ? periodLabel(firstOwed.period) : ''}的上期累计)`} okText="保存" cancelText="取消" width={760}
        onOk={() => void saveOpening()} onCancel={() => setOpening(null)} destroyOnHidden>
        <Paragraph type="secondary">本单位起报之前已经完成的累计数(只限累计类指标),作为第一次填报的「上期累计」;不填的按 0 计。保存记入审计日志。</Paragraph>
        <Table size="small" pagination={false} rowKey={(r) => `${r.task}:${r.indicator}`} data-testid="opening-table"
          dataSource={opening ? opening.form.tasks.flatMap((t) => t.indicators.filter((i) => i.kind === 'cumulative').map((i) => ({ task: t.no, title: t.title, indicator: i.no, name: i.name, unit: i.unit }))) : []}
          columns={[
            { title: '任务', key: 't', render: (_, r) => `${r.task}. ${r.title}` },
            { title: '指标', dataIndex: 'name' },
            {
              title: '期初累计', key: 'v', width: 180, render: (_, r) => (
                <InputNumber min={0} value={opening?.values.get(`${r.task}:${r.indicator}`) ?? null} suffix={r.unit} data-testid={`opening-${r.task}-${r.indicator}`}
                  onChange={(v) => setOpening((o) => (o ? { ...o, values: new Map(o.values).set(`${r.task}:${r.indicator}`, v) } : o))} />
              ),
            },
          ]} />
      </Modal>
      <Modal open={reopening !== null} title={reopening ? `重新开启 ${periodLabel(reopening)}` : ''} okText="重新开启" cancelText="取消"
        okButtonProps={{ disabled: reason.trim() === '' }} onOk={() => void reopen()} onCancel={() => setReopening(null)} destroyOnHidden>
        <Form layout="vertical">
          <Form.Item label="原因(记入审计日志)" required>
            <Input.TextArea rows={3} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
