/**
 * The entry form of one unit for one period: every indicator with its target, last period's value and
 * this period's, each in its kind's words (累计完成, 当前值, 增幅, 完成情况), completion, what is due
 * (序时进度, 目标值 or the deadline) and light, recomputed as the clerk types
 * with the same rules the services use (shared/rules). Errors block saving; warnings ask for a
 * one-line explanation. Used by the unit itself and by the summary office for 代填.
 */
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { Alert, App as AntApp, Button, Card, Col, DatePicker, Empty, Form, Input, InputNumber, Radio, Row, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { EntryForm, EntryItemInput, EntryTaskView } from '../../shared/api';
import { indicatorFields, INDICATOR_KIND_LABELS, TASK_STATUSES, VALUE_WORDS, type IndicatorKind, type TaskStatus } from '../../shared/domain';
import { percent, scheduleWord } from '../../shared/format';
import { periodLabel, periodStart } from '../../shared/rules/periods';
import { completion, DEFAULT_THRESHOLDS, indicatorLight, taskLight, timeProgress, type Thresholds } from '../../shared/rules/progress';
import { blockingIssues, validateTaskEntry, type IssueField, type TaskEntry, type ValidationIssue, type ValidationMode } from '../../shared/rules/validation';
import { ApiError, call } from '../api';
import { LightTag, num, shortDate, targetText, useErrorReporter } from '../components/common';
import { todayIso, useApp, useFrequency } from '../store';

const { Text, Paragraph } = Typography;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type IndicatorDraft = Mutable<EntryTaskView['indicators'][number]>;
type TaskDraft = Omit<Mutable<EntryTaskView>, 'indicators'> & { indicators: IndicatorDraft[] };

function toDrafts(form: EntryForm): TaskDraft[] {
  return form.tasks.map((t) => ({ ...t, indicators: t.indicators.map((i) => ({ ...i })) }));
}

/** The entry as the validation rules see it. */
export function toTaskEntry(t: TaskDraft): TaskEntry {
  return {
    taskNo: t.no, taskTitle: t.title, role: t.role, status: t.status, progress: t.progress, problems: t.problems,
    nextSteps: t.nextSteps, fundsPlanned: t.fundsPlanned, fundsAvailable: t.fundsAvailable, fundsSpent: t.fundsSpent,
    phone: t.phone, explanation: t.explanation,
    indicators: t.indicators.map((i) => ({ ...indicatorFields(i), value: i.value, previous: i.previous, note: i.note })),
  };
}

function isBlank(t: TaskDraft): boolean {
  return !t.saved && t.status === null && [t.progress, t.problems, t.nextSteps, t.explanation, t.contact, t.phone].every((s) => s.trim() === '')
    && t.fundsPlanned === null && t.fundsAvailable === null && t.fundsSpent === null && t.indicators.every((i) => i.value === null && i.note.trim() === '');
}

/** The lines `entry:save` takes, as `ledger enter` does: task fields, then one line per indicator. */
export function itemsOf(drafts: readonly TaskDraft[]): EntryItemInput[] {
  const items: EntryItemInput[] = [];
  for (const t of drafts) {
    if (isBlank(t)) continue;
    items.push({
      task: t.no, status: t.status, progress: t.progress, problems: t.problems, nextSteps: t.nextSteps, explanation: t.explanation,
      fundsPlanned: t.fundsPlanned, fundsAvailable: t.fundsAvailable, fundsSpent: t.fundsSpent, contact: t.contact, phone: t.phone,
    });
    for (const i of t.indicators) items.push({ task: t.no, indicator: i.no, value: i.value, note: i.note });
  }
  return items;
}

function issuesOf(drafts: readonly TaskDraft[], month: number, mode: ValidationMode, thresholds: Thresholds): Map<number, ValidationIssue[]> {
  return new Map(drafts.map((t) => [t.no, validateTaskEntry(toTaskEntry(t), month, mode, thresholds)]));
}

function IssueText({ issues }: { readonly issues: readonly ValidationIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <div className="issues">
      {issues.map((i, k) => (
        <div key={k} className={`issue issue-${i.level}${i.explained ? ' issue-explained' : ''}`} data-testid={`issue-${i.code}`}>
          {i.level === 'error' ? '错误:' : i.explained ? '已说明:' : '请说明:'}{i.message}
        </div>
      ))}
    </div>
  );
}

/** Enter moves to the next field, as in the statistics clients people know; Tab already does. */
function moveOnEnter(e: KeyboardEvent<HTMLDivElement>) {
  if (e.key !== 'Enter' || e.shiftKey || e.ctrlKey || e.altKey || e.nativeEvent.isComposing) return;
  const target = e.target as HTMLElement;
  if (target.tagName === 'TEXTAREA' || target.tagName === 'BUTTON' || target.getAttribute('role') === 'combobox') return;
  if (target.tagName !== 'INPUT') return;
  const fields = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('input:not([disabled]):not([type=hidden]), textarea:not([disabled])'))
    .filter((el) => el.offsetParent !== null && !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked && el.closest('.ant-radio-group')?.querySelector('input:checked')));
  const at = fields.indexOf(target);
  if (at >= 0 && at + 1 < fields.length) {
    e.preventDefault();
    fields[at + 1]!.focus();
  }
}

/** What the clerk types, per kind: a cumulative figure from January on, a level as it stands now. */
const VALUE_PLACEHOLDER: Readonly<Record<IndicatorKind, string>> = {
  cumulative: '年初至今累计', level: '当前数值', growth: '年初至今增幅', milestone: '已完成数',
};

interface TaskCardProps {
  readonly task: TaskDraft;
  readonly month: number;
  readonly thresholds: Thresholds;
  readonly issues: readonly ValidationIssue[];
  readonly locked: boolean;
  readonly onChange: (next: TaskDraft) => void;
}

function TaskCard({ task, month, thresholds, issues, locked, onChange }: TaskCardProps) {
  const tp = timeProgress(month);
  const set = <K extends keyof TaskDraft>(k: K, v: TaskDraft[K]) => onChange({ ...task, [k]: v });
  const setInd = (no: number, patch: Partial<IndicatorDraft>) =>
    onChange({ ...task, indicators: task.indicators.map((i) => (i.no === no ? { ...i, ...patch } : i)) });
  const at = (field: IssueField) => issues.filter((i) => i.indicatorNo === undefined && i.field === field);
  const behind = issues.filter((i) => i.code === 'BEHIND_NO_PLAN');
  const light = taskLight({ status: task.status ?? '未开始', indicators: task.indicators.filter((i) => task.role === 'lead' || i.value !== null).map((i) => ({ target: i, value: i.value })) }, month, thresholds);
  const status = (f: IssueField): 'error' | 'warning' | '' => {
    const list = f === 'explanation' ? [...at(f), ...behind.filter((b) => !b.explained)] : at(f);
    return list.some((i) => i.level === 'error') ? 'error' : list.some((i) => !i.explained) ? 'warning' : '';
  };
  const help = (f: IssueField) => {
    const list = at(f);
    return list.length ? <IssueText issues={list} /> : undefined;
  };

  return (
    <Card
      size="small"
      className="task-card"
      id={`task-${task.no}`}
      data-testid={`task-card-${task.no}`}
      title={<Space size={8}><span className="task-no">任务{task.no}</span><span>{task.title}</span>{task.role === 'lead' ? <Tag color="blue">牵头</Tag> : <Tag>协同</Tag>}</Space>}
      extra={<Space>{task.saved ? <Tag color="green">已保存</Tag> : <Tag>未保存</Tag>}{(task.saved || task.status) && <LightTag light={light} />}</Space>}
    >
      {task.returnComment && <Alert type="warning" showIcon className="return-alert" data-testid={`return-comment-${task.no}`} title={<>汇总端退回意见:<Text strong>{task.returnComment}</Text>(请修改后重新导出)</>} />}
      <Paragraph type="secondary" className="task-text" ellipsis={{ rows: 2, expandable: true, symbol: '展开' }}>{task.text}</Paragraph>
      {task.indicators.length > 0 ? (
        <table className="indicator-table">
          <thead>
            <tr>
              <th>指标</th><th className="num">目标</th><th className="num">上期</th><th className="input-col">本期</th>
              <th className="num">完成率</th><th className="num">序时进度</th><th>灯号</th><th className="note-col">说明</th>
            </tr>
          </thead>
          <tbody>
            {task.indicators.map((i) => {
              const rowIssues = issues.filter((x) => x.indicatorNo === i.no);
              const err = rowIssues.some((x) => x.level === 'error');
              const warn = rowIssues.some((x) => x.level === 'warning' && !x.explained);
              const words = VALUE_WORDS[i.kind];
              return [
                <tr key={i.no} data-testid={`indicator-${task.no}-${i.no}`}>
                  <td className="ind-name">
                    {i.name} <Tag className="kind-tag">{INDICATOR_KIND_LABELS[i.kind]}</Tag>
                    {task.role === 'co' && <Text type="secondary">(协办情况,选填)</Text>}
                  </td>
                  <td className="num">{targetText(i)}</td>
                  <td className="num" data-testid={`previous-${task.no}-${i.no}`}><Text type="secondary" className="value-word">{words.previous}</Text> {num(i.previous)}</td>
                  <td className="input-col">
                    <Space.Compact>
                      <Space.Addon className="value-addon" data-testid={`value-word-${task.no}-${i.no}`}>{words.value}</Space.Addon>
                      <InputNumber
                        id={`v-${task.no}-${i.no}`} value={i.value} disabled={locked} status={err ? 'error' : warn ? 'warning' : ''}
                        onChange={(v) => setInd(i.no, { value: typeof v === 'number' ? v : null })}
                        style={{ width: i.unit ? 110 : 150 }} placeholder={VALUE_PLACEHOLDER[i.kind]} aria-label={`${i.name} ${words.value}`}
                      />
                      {i.unit && <Space.Addon>{i.unit}</Space.Addon>}
                    </Space.Compact>
                  </td>
                  <td className="num" data-testid={`completion-${task.no}-${i.no}`}>{i.value === null || err ? '—' : percent(completion(i, i.value))}</td>
                  <td className="num" data-testid={`due-${task.no}-${i.no}`}>{scheduleWord(i) ?? percent(tp)}</td>
                  <td data-testid={`light-${task.no}-${i.no}`}>{i.value === null || err ? <Text type="secondary">—</Text> : <LightTag light={indicatorLight(i, i.value, month, thresholds)} />}</td>
                  <td className="note-col">
                    <Input id={`n-${task.no}-${i.no}`} value={i.note} disabled={locked} status={warn ? 'warning' : ''} maxLength={4000}
                      onChange={(e) => setInd(i.no, { note: e.target.value })} placeholder="调减或异常时说明原因" aria-label={`${i.name} 说明`} />
                  </td>
                </tr>,
                rowIssues.length > 0 && <tr key={`${i.no}-issues`} className="issue-row"><td colSpan={8}><IssueText issues={rowIssues} /></td></tr>,
              ];
            })}
          </tbody>
        </table>
      ) : <Text type="secondary">本任务无量化指标,请选择推进状态并填写进展。</Text>}
      <Form layout="vertical" className="task-form" disabled={locked}>
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item label="推进状态" required={task.role === 'lead'} validateStatus={status('status')} help={help('status')}>
              <Radio.Group id={`s-${task.no}`} value={task.status} onChange={(e) => set('status', e.target.value as TaskStatus)} optionType="button" buttonStyle="solid"
                options={TASK_STATUSES.map((s) => ({ label: s, value: s }))} />
            </Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item label="联系人"><Input id={`contact-${task.no}`} value={task.contact} maxLength={100} onChange={(e) => set('contact', e.target.value)} /></Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item label="联系电话" validateStatus={status('phone')} help={help('phone')}>
              <Input id={`phone-${task.no}`} value={task.phone} maxLength={40} onChange={(e) => set('phone', e.target.value)} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={task.role === 'lead' ? '工作进展' : '协办情况'} validateStatus={status('progress')} help={help('progress')}>
          <Input.TextArea id={`progress-${task.no}`} value={task.progress} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={4000} onChange={(e) => set('progress', e.target.value)} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item label="存在问题" validateStatus={status('problems')} help={help('problems')}>
              <Input.TextArea id={`problems-${task.no}`} value={task.problems} autoSize={{ minRows: 2, maxRows: 5 }} maxLength={4000} onChange={(e) => set('problems', e.target.value)} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="下步措施" validateStatus={status('nextSteps')} help={help('nextSteps')}>
              <Input.TextArea id={`next-${task.no}`} value={task.nextSteps} autoSize={{ minRows: 2, maxRows: 5 }} maxLength={4000} onChange={(e) => set('nextSteps', e.target.value)} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={6}>
            <Form.Item label="计划资金(万元)" validateStatus={status('fundsPlanned')} help={help('fundsPlanned')}>
              <InputNumber id={`fp-${task.no}`} value={task.fundsPlanned} min={0} style={{ width: '100%' }} onChange={(v) => set('fundsPlanned', typeof v === 'number' ? v : null)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label="到位资金(万元)" validateStatus={status('fundsAvailable')} help={help('fundsAvailable')}>
              <InputNumber id={`fa-${task.no}`} value={task.fundsAvailable} min={0} style={{ width: '100%' }} onChange={(v) => set('fundsAvailable', typeof v === 'number' ? v : null)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label="支出资金(万元)" validateStatus={status('fundsSpent')} help={help('fundsSpent')}>
              <InputNumber id={`fs-${task.no}`} value={task.fundsSpent} min={0} style={{ width: '100%' }} onChange={(v) => set('fundsSpent', typeof v === 'number' ? v : null)} />
            </Form.Item>
          </Col>
          <Col span={6} />
        </Row>
        <Form.Item
          label={<Tooltip title="有指标未达到序时进度(累计类落后序时进度,水平类、增幅类低于目标,节点类逾期)而「存在问题」「下步措施」未填时,写一句原因即可通过">情况说明</Tooltip>}
          validateStatus={status('explanation')}
          help={behind.length > 0 || at('explanation').length > 0 ? <IssueText issues={[...behind, ...at('explanation')]} /> : undefined}
        >
          <Input id={`explanation-${task.no}`} value={task.explanation} maxLength={4000} onChange={(e) => set('explanation', e.target.value)} placeholder="一句话说明(有提示时填写)" />
        </Form.Item>
      </Form>
    </Card>
  );
}

export function EntryPage({ proxy = false }: { readonly proxy?: boolean }) {
  const period = useApp((s) => s.period);
  const unit = useApp((s) => s.unit);
  const info = useApp((s) => s.info);
  const settings = useApp((s) => s.settings);
  const version = useApp((s) => s.version);
  const changed = useApp((s) => s.changed);
  const frequency = useFrequency();
  const [form, setForm] = useState<EntryForm | null>(null);
  const [drafts, setDrafts] = useState<TaskDraft[]>([]);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'save' | 'export' | null>(null);
  const [receivedOn, setReceivedOn] = useState<Dayjs>(dayjs(todayIso()));
  const [serverIssues, setServerIssues] = useState<readonly ValidationIssue[]>([]);
  const report = useErrorReporter();
  const { message, modal } = AntApp.useApp();
  const thresholds: Thresholds = { yellowPoints: settings?.yellowPoints ?? DEFAULT_THRESHOLDS.yellowPoints };
  const forUnit = proxy ? unit : (info?.unit ?? null);

  async function reload() {
    if (!period || !forUnit) return;
    const f = await call('entry:get', proxy ? { period, unit: forUnit } : { period });
    setForm(f);
    setDrafts(toDrafts(f));
    setDirty(false);
    setServerIssues([]);
  }

  useEffect(() => {
    setForm(null);
    reload().catch((err: unknown) => report(err));
  }, [period, forUnit, version]);

  const issues = useMemo(() => (form ? issuesOf(drafts, form.month, 'save', thresholds) : new Map<number, ValidationIssue[]>()), [drafts, form, thresholds.yellowPoints]);
  const blocking = [...issues.values()].flatMap((list) => blockingIssues(list));
  const errors = blocking.filter((i) => i.level === 'error').length;
  const unexplained = blocking.length - errors;

  function update(next: TaskDraft) {
    setDrafts((list) => list.map((t) => (t.no === next.no ? next : t)));
    setDirty(true);
  }

  function showProblems(title: string, list: readonly ValidationIssue[]) {
    modal.error({
      title, width: 680, okText: '去修改',
      content: <ul className="problem-list">{list.map((p, k) => <li key={k}>{p.message}</li>)}</ul>,
      onOk: () => document.getElementById(`task-${list[0]?.taskNo}`)?.scrollIntoView({ block: 'start' }),
    });
  }

  async function save(): Promise<boolean> {
    if (!period || !form) return false;
    if (blocking.length > 0) {
      showProblems(`还有 ${blocking.length} 处需要处理,未保存`, blocking);
      return false;
    }
    setBusy('save');
    try {
      const r = await call('entry:save', {
        period, items: itemsOf(drafts),
        ...(proxy ? { unit: form.unit, receivedOn: receivedOn.format('YYYY-MM-DD') } : {}),
      });
      void message.success(proxy ? `已代填保存 ${r.tasks.length} 项任务(已记入审计日志)` : `已保存 ${r.tasks.length} 项任务(草稿)`);
      changed();
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'E_VALIDATION') {
        const list = (err.details as { issues?: ValidationIssue[] } | undefined)?.issues ?? [];
        setServerIssues(list);
      }
      report(err, '未保存');
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function exportReport() {
    if (!period || !form) return;
    if (dirty && !(await save())) return;
    const forExport = [...issuesOf(drafts, form.month, 'export', thresholds).values()].flatMap((l) => blockingIssues(l));
    if (forExport.length > 0) {
      showProblems(`还有 ${forExport.length} 处需要处理,不能导出`, forExport);
      return;
    }
    setBusy('export');
    try {
      const r = await call('packages:exportReport', { period });
      if (r) {
        modal.success({
          title: '填报包已导出', width: 560, okText: '知道了',
          content: (
            <div data-testid="export-result">
              <Paragraph>文件:<Text strong copyable>{r.fileName}</Text></Paragraph>
              <Paragraph>版本:<Text strong>第{r.revision}版</Text></Paragraph>
              <Paragraph>位置:{r.folder}</Paragraph>
              <Paragraph type="secondary">请用U盘把这个文件交给汇总端。再次修改后重新导出,会生成新的版本,汇总端以最新版本为准。</Paragraph>
            </div>
          ),
        });
        changed();
      }
    } catch (err) {
      report(err, '未导出');
    } finally {
      setBusy(null);
    }
  }

  if (!period) return <Empty description="没有报送期" />;
  if (proxy && !unit) return <Empty description="请先在汇总表中选择要代填的单位" />;
  if (!form) return <div className="page-loading"><Spin /></div>;
  const periodView = useApp.getState().periods.find((p) => p.period === period);
  // The service refuses too; here the buttons say so before anything is typed.
  const notStarted = periodView?.started === false;
  const returned = drafts.filter((t) => t.returnComment);

  return (
    <div onKeyDown={moveOnEnter} data-testid="entry-page">
      <Card size="small" className="entry-toolbar">
        <Row align="middle" gutter={16} wrap={false}>
          <Col flex="auto">
            <Space size={16} wrap>
              <Text strong className="entry-title">{proxy ? `代填:${form.unit}` : form.unit} · {periodLabel(form.period, frequency)}</Text>
              <Text type="secondary">截止 {shortDate(form.dueOn)} · 累计类指标序时进度 {percent(timeProgress(form.month))}</Text>
              {!proxy && periodView?.state && <Tag color={periodView.state === '已导出' ? 'green' : periodView.state === '草稿' ? 'gold' : 'default'}>{periodView.state}{periodView.exportedRevision ? ` 第${periodView.exportedRevision}版` : ''}</Tag>}
              {errors > 0 && <Tag color="error" data-testid="error-count">错误 {errors} 处</Tag>}
              {unexplained > 0 && <Tag color="warning" data-testid="warning-count">待说明 {unexplained} 处</Tag>}
              {dirty && <Tag color="processing">有未保存的修改</Tag>}
            </Space>
          </Col>
          <Col flex="none">
            <Space>
              {proxy && <><Text>收到日期</Text><DatePicker value={receivedOn} onChange={(d) => d && setReceivedOn(d)} allowClear={false} /></>}
              <Button onClick={() => void save()} loading={busy === 'save'} disabled={form.locked || notStarted || busy !== null} data-testid="save-draft">{proxy ? '保存代填' : '保存草稿'}</Button>
              {!proxy && <Button type="primary" onClick={() => void exportReport()} loading={busy === 'export'} disabled={form.locked || notStarted || busy !== null} data-testid="export-report">导出填报包…</Button>}
            </Space>
          </Col>
        </Row>
      </Card>
      {notStarted && <Alert type="info" showIcon className="page-alert" data-testid="period-not-started" title={`${periodLabel(form.period, frequency)}从 ${periodStart(form.period, frequency)} 才开始,还不能${proxy ? '代填' : '填报或导出'}。`} />}
      {form.locked && <Alert type="info" showIcon className="page-alert" title={`${periodLabel(form.period, frequency)} 已由汇总端关账锁定,不能再修改。`} />}
      {proxy && <Alert type="info" showIcon className="page-alert" title="汇总端代填纸质报表:保存后标注为「代填」,并记入审计日志。逾期以收到日期判断。" />}
      {returned.length > 0 && (
        <Alert type="warning" showIcon className="page-alert" data-testid="returned-summary"
          title={`汇总端退回了 ${returned.length} 项任务:${returned.map((t) => `任务${t.no}`).join('、')}。请按意见修改、保存,然后重新导出填报包。`} />
      )}
      {serverIssues.length > 0 && <Alert type="error" showIcon className="page-alert" title="保存时发现问题" description={<ul className="problem-list">{serverIssues.map((p, k) => <li key={k}>{p.message}</li>)}</ul>} />}
      {drafts.length === 0 && <Empty description="本单位在这个计划中没有任务" />}
      {drafts.map((t) => (
        <TaskCard key={t.no} task={t} month={form.month} thresholds={thresholds} issues={issues.get(t.no) ?? []} locked={form.locked} onChange={update} />
      ))}
    </div>
  );
}
