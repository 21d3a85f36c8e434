/**
 * The entry form of one unit for one period: every indicator with its target, last period's value and
 * this period's, each in its kind's words (累计完成, 当前值, 增幅, 完成情况), completion, what is due
 * (序时进度, 目标值 or the deadline) and light, recomputed as the clerk types
 * with the same rules the services use (shared/rules). Errors block saving; warnings ask for a
 * one-line explanation. Used by the unit itself and by the summary office for 代填.
 *
 * A long unit's form (市人社局: 7 lead + 3 co tasks, ~8 screens) keeps the clerk's place: a sticky index of
 * the tasks with their state jumps to a task; Tab and Enter visit the inputs only, in order; a save (Ctrl+S)
 * comes back at the same scroll position and input; contact, phone and 填报人 are typed once for the report.
 * 必填/选填 come from shared/rules/required.ts, the rule the export applies. A proxy entry names what the unit
 * already reported and asks before replacing it; the received date is kept unless the clerk picks another.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, App as AntApp, Button, Card, Checkbox, Col, DatePicker, Empty, Form, Input, InputNumber, Radio, Row, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { EntryForm, EntryTaskView } from '../../shared/api';
import type { EntryItemInput } from '../../shared/entry-items';
import { indicatorFields, INDICATOR_KIND_LABELS, TASK_STATUSES, VALUE_WORDS, type IndicatorKind, type TaskStatus } from '../../shared/domain';
import { percent, scheduleWord } from '../../shared/format';
import { periodLabel, periodStart } from '../../shared/rules/periods';
import { completion, DEFAULT_THRESHOLDS, indicatorLight, taskLight, timeProgress, type Thresholds } from '../../shared/rules/progress';
import { isRequired, requiredWord, type RequiredField } from '../../shared/rules/required';
import { priorWords } from '../../shared/proxy';
import { blockingIssues, validateTaskEntry, type IssueField, type TaskEntry, type ValidationIssue } from '../../shared/rules/validation';
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

/**
 * The lines `entry:save` takes, as `ledger enter` does: task fields, then one line per indicator; each
 * task's contact and phone filled from the report's where it has none of its own (the package keeps them per task).
 */
export function itemsOf(drafts: readonly TaskDraft[], reporter: Reporter, own: ReadonlySet<number>): EntryItemInput[] {
  const items: EntryItemInput[] = [];
  for (const raw of drafts) {
    if (isBlank(raw)) continue;
    const t = withReporter(raw, reporter, own);
    items.push({
      task: t.no, status: t.status, progress: t.progress, problems: t.problems, nextSteps: t.nextSteps, explanation: t.explanation,
      fundsPlanned: t.fundsPlanned, fundsAvailable: t.fundsAvailable, fundsSpent: t.fundsSpent, contact: t.contact, phone: t.phone,
    });
    for (const i of t.indicators) items.push({ task: t.no, indicator: i.no, value: i.value, note: i.note });
  }
  return items;
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

/**
 * The inputs of the form in reading order, as Tab and Enter visit them: a radio group is one stop (its
 * checked button, or its first while none is), and nothing else (no links, no checkboxes) is.
 */
function entryFields(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>('input:not([disabled]):not([type=hidden]):not([type=checkbox]):not([tabindex="-1"]), textarea:not([disabled])'))
    .filter((el) => {
      if (el.offsetParent === null) return false;
      if (!(el instanceof HTMLInputElement) || el.type !== 'radio') return true;
      const group = el.closest('.ant-radio-group');
      const checked = group?.querySelector('input:checked');
      return checked ? el === checked : group?.querySelector('input[type=radio]') === el;
    });
}

/** The first input of a task's card, where a jump to the task puts the cursor. */
function focusTask(no: number): void {
  const card = document.getElementById(`task-${no}`);
  if (!card) return;
  card.scrollIntoView({ block: 'start' });
  entryFields(card)[0]?.focus({ preventScroll: true });
}

/**
 * Tab and Enter move through the inputs only, in order, as in the statistics clients people know:
 * Enter in a single-line input (or on a status) goes to the next input; in a text area it is a new line.
 */
function moveThroughInputs(e: KeyboardEvent<HTMLDivElement>): void {
  if (e.ctrlKey || e.altKey || e.metaKey || e.nativeEvent.isComposing) return;
  const tab = e.key === 'Tab';
  if (!tab && (e.key !== 'Enter' || e.shiftKey)) return;
  const target = e.target as HTMLElement;
  if (!tab && (target.tagName !== 'INPUT' || target.getAttribute('role') === 'combobox')) return;
  const fields = entryFields(e.currentTarget);
  const at = fields.indexOf(target);
  if (at < 0) return;
  const next = fields[tab && e.shiftKey ? at - 1 : at + 1];
  if (!next) return;
  // Handled before the input sees the key, and number inputs do not re-read themselves on blur (changeOnBlur):
  // typed fast, their own Enter or blur handling re-read the text from a render that had not caught up with the
  // last key and showed 10 where 105 was entered (and saved).
  e.preventDefault();
  e.stopPropagation();
  next.focus();
}

/** Where the form opens next time: set before going to it (去修改 of a returned task). */
let openAtTask: number | null = null;

/**
 * Opens the entry form at a task the next time it is shown.
 * @example openEntryAt(3); go('entry');
 */
export function openEntryAt(task: number): void {
  openAtTask = task;
}

/** Each task's state in the index. */
export type TaskState = '未填' | '草稿' | '有错误' | '已退回' | '完成';

const STATE_COLOR: Readonly<Record<TaskState, string>> = { 未填: 'default', 草稿: 'gold', 有错误: 'error', 已退回: 'orange', 完成: 'green' };

function taskState(t: TaskDraft, saveIssues: readonly ValidationIssue[], exportIssues: readonly ValidationIssue[], changed: boolean): TaskState {
  if (blockingIssues(saveIssues).length > 0) return '有错误';
  if (t.returnComment) return '已退回';
  if (isBlank(t)) return '未填';
  return t.saved && !changed && blockingIssues(exportIssues).length === 0 ? '完成' : '草稿';
}

/** Contact, phone and 填报人, typed once for the whole report. */
interface Reporter { contact: string; phone: string; filledBy: string }

/** A task's contact and phone: its own where the clerk said they differ, the report's otherwise. */
function withReporter(t: TaskDraft, reporter: Reporter, own: ReadonlySet<number>): TaskDraft {
  return own.has(t.no) ? t : { ...t, contact: reporter.contact, phone: reporter.phone };
}

/** Tasks saved with a contact or phone other than the report's: they keep their own. */
function ownContacts(form: EntryForm): Set<number> {
  return new Set(form.tasks.filter((t) => t.saved && (t.contact !== '' || t.phone !== '') && (t.contact !== form.reporter.contact || t.phone !== form.reporter.phone)).map((t) => t.no));
}

/** One task's checks: what the card shows, what holds up the export, and a bad report-level phone. */
interface TaskChecks {
  readonly shown: readonly ValidationIssue[];
  readonly forExport: readonly ValidationIssue[];
  readonly reporterPhone: readonly ValidationIssue[];
}

/**
 * Every task's checks, each worked out again only when that task (or the report's contact it uses)
 * changed: typing in one task of ten leaves the other nine cards as they are.
 */
function useIssues(drafts: readonly TaskDraft[], reporter: Reporter, own: ReadonlySet<number>, month: number | null, thresholds: Thresholds): Map<number, TaskChecks> {
  const cache = useRef(new Map<number, { key: readonly unknown[]; checks: TaskChecks }>());
  return useMemo(() => {
    const out = new Map<number, TaskChecks>();
    if (month === null) return out;
    for (const t of drafts) {
      const mine = own.has(t.no);
      const key = [t, mine, mine ? '' : reporter.contact, mine ? '' : reporter.phone, month, thresholds];
      const hit = cache.current.get(t.no);
      if (hit && hit.key.every((k, n) => k === key[n])) {
        out.set(t.no, hit.checks);
        continue;
      }
      const entry = toTaskEntry(withReporter(t, reporter, own));
      const all = validateTaskEntry(entry, month, 'save', thresholds);
      const phone = all.filter((i) => i.code === 'BAD_PHONE');
      const checks: TaskChecks = {
        shown: mine ? all : all.filter((i) => i.code !== 'BAD_PHONE'),
        forExport: validateTaskEntry(entry, month, 'export', thresholds),
        reporterPhone: mine ? [] : phone,
      };
      cache.current.set(t.no, { key, checks });
      out.set(t.no, checks);
    }
    return out;
  }, [drafts, reporter, own, month, thresholds]);
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
  /** The task has a contact and phone of its own, not the report's. */
  readonly ownContact: boolean;
  readonly onOwnContact: (no: number, own: boolean) => void;
  readonly onChange: (next: TaskDraft) => void;
}

/** One task's card; drawn again only when its own draft, issues or settings change (a long form stays quick to type in). */
const TaskCard = memo(function TaskCard({ task, month, thresholds, issues, locked, ownContact, onOwnContact, onChange }: TaskCardProps) {
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
  const optional = (field: RequiredField) => (isRequired(task.role, field) ? null : <Text type="secondary" className="optional-word">({requiredWord(task.role, field)})</Text>);

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
      <div className="task-text" title={task.text}>{task.text}</div>
      {task.indicators.length > 0 ? (
        <table className="indicator-table">
          <thead>
            <tr>
              <th>指标(计划原文)</th><th className="num">目标</th><th className="num">上期</th>
              <th className="input-col">本期{task.role === 'lead' ? <span className="required-word">(必填)</span> : <Text type="secondary">(协办情况,{requiredWord(task.role, 'value')})</Text>}</th>
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
                    {i.source && <div className="ind-source" data-testid={`source-${task.no}-${i.no}`}>「{i.source}」</div>}
                  </td>
                  <td className="num">{targetText(i)}</td>
                  <td className="num" data-testid={`previous-${task.no}-${i.no}`}><Text type="secondary" className="value-word">{words.previous}</Text> {num(i.previous)}</td>
                  <td className="input-col">
                    <Space.Compact>
                      <Space.Addon className="value-addon" data-testid={`value-word-${task.no}-${i.no}`}>{words.value}</Space.Addon>
                      <InputNumber
                        changeOnBlur={false} id={`v-${task.no}-${i.no}`} value={i.value} disabled={locked} status={err ? 'error' : warn ? 'warning' : ''}
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
          <Col span={12}>
            <Form.Item label={<>推进状态{optional('status')}</>} required={isRequired(task.role, 'status')} validateStatus={status('status')} help={help('status')}>
              <Radio.Group id={`s-${task.no}`} value={task.status} onChange={(e) => set('status', e.target.value as TaskStatus)} optionType="button" buttonStyle="solid"
                options={TASK_STATUSES.map((s) => ({ label: s, value: s }))} />
            </Form.Item>
          </Col>
          <Col span={12} className="own-contact">
            <Checkbox tabIndex={-1} checked={ownContact} onChange={(e) => onOwnContact(task.no, e.target.checked)} data-testid={`own-contact-${task.no}`}>本任务联系人与全表不同</Checkbox>
          </Col>
        </Row>
        {ownContact && (
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item label="本任务联系人"><Input id={`contact-${task.no}`} value={task.contact} maxLength={100} onChange={(e) => set('contact', e.target.value)} /></Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="本任务联系电话" validateStatus={status('phone')} help={help('phone')}>
                <Input id={`phone-${task.no}`} value={task.phone} maxLength={40} onChange={(e) => set('phone', e.target.value)} />
              </Form.Item>
            </Col>
          </Row>
        )}
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
              <InputNumber changeOnBlur={false} id={`fp-${task.no}`} value={task.fundsPlanned} min={0} style={{ width: '100%' }} onChange={(v) => set('fundsPlanned', typeof v === 'number' ? v : null)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label="到位资金(万元)" validateStatus={status('fundsAvailable')} help={help('fundsAvailable')}>
              <InputNumber changeOnBlur={false} id={`fa-${task.no}`} value={task.fundsAvailable} min={0} style={{ width: '100%' }} onChange={(v) => set('fundsAvailable', typeof v === 'number' ? v : null)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label="支出资金(万元)" validateStatus={status('fundsSpent')} help={help('fundsSpent')}>
              <InputNumber changeOnBlur={false} id={`fs-${task.no}`} value={task.fundsSpent} min={0} style={{ width: '100%' }} onChange={(v) => set('fundsSpent', typeof v === 'number' ? v : null)} />
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
});

/** The index beside the form: every task with its state; a click jumps to the task (not a Tab stop). */
function TaskIndex({ drafts, states }: { readonly drafts: readonly TaskDraft[]; readonly states: ReadonlyMap<number, TaskState> }) {
  return (
    <nav className="entry-index" data-testid="entry-index" aria-label="任务索引">
      <div className="entry-index-title">任务索引</div>
      {drafts.map((t) => {
        const state = states.get(t.no) ?? '未填';
        return (
          <div key={t.no} className="entry-index-item" role="link" tabIndex={-1} onClick={() => focusTask(t.no)} data-testid={`index-${t.no}`} data-state={state} title={t.title}>
            <span className="entry-index-no">任务{t.no}</span>
            <span className="entry-index-name">{t.role === 'co' ? '(协同)' : ''}{t.title}</span>
            <Tag color={STATE_COLOR[state]} className="entry-index-state">{state}</Tag>
          </div>
        );
      })}
    </nav>
  );
}

/** Waits for the clerk's answer to a confirm dialog. */
function confirmWith(modal: ReturnType<typeof AntApp.useApp>['modal'], props: Parameters<ReturnType<typeof AntApp.useApp>['modal']['confirm']>[0]): Promise<boolean> {
  return new Promise((resolve) => {
    modal.confirm({ ...props, onOk: () => resolve(true), onCancel: () => resolve(false) });
  });
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
  const [reporter, setReporter] = useState<Reporter>({ contact: '', phone: '', filledBy: '' });
  const [own, setOwn] = useState<ReadonlySet<number>>(new Set());
  /** Tasks changed since the last load: a proxy entry sends only these, so what it replaces is what the clerk typed over. */
  const [touched, setTouched] = useState<ReadonlySet<number>>(new Set());
  const [reporterTouched, setReporterTouched] = useState(false);
  const [busy, setBusy] = useState<'save' | 'export' | null>(null);
  /** Proxy entry: null keeps each task's received date (today for a task with none); a date the clerk chose replaces it. */
  const [receivedOn, setReceivedOn] = useState<Dayjs | null>(null);
  const [serverIssues, setServerIssues] = useState<readonly ValidationIssue[]>([]);
  const report = useErrorReporter();
  const { message, modal } = AntApp.useApp();
  const yellowPoints = settings?.yellowPoints ?? DEFAULT_THRESHOLDS.yellowPoints;
  const thresholds: Thresholds = useMemo(() => ({ yellowPoints }), [yellowPoints]);
  const forUnit = proxy ? unit : (info?.unit ?? null);
  const pageRef = useRef<HTMLDivElement>(null);
  const shownFor = useRef<string | null>(null);
  /** Where the clerk was when saving: the form comes back there, not at the top. */
  const place = useRef<{ y: number; field: string | null } | null>(null);
  const lastField = useRef<string | null>(null);
  const dirty = touched.size > 0 || reporterTouched;

  async function reload() {
    if (!period || !forUnit) return;
    const f = await call('entry:get', proxy ? { period, unit: forUnit } : { period });
    setForm(f);
    setDrafts(toDrafts(f));
    setReporter({ ...f.reporter });
    setOwn(ownContacts(f));
    setTouched(new Set());
    setReporterTouched(false);
    setServerIssues([]);
  }

  useEffect(() => {
    // Another period or unit is another form; a save or an import reloads this one where it stands.
    const key = `${period ?? ''}|${forUnit ?? ''}`;
    if (shownFor.current !== key) {
      shownFor.current = key;
      setForm(null);
      setReceivedOn(null);
    }
    reload().catch((err: unknown) => report(err));
  }, [period, forUnit, version]);

  // On opening: the task asked for (去修改), else the first returned task, else the first input.
  const opened = useRef<string | null>(null);
  useEffect(() => {
    if (!form || !pageRef.current) return;
    const key = `${form.period}|${form.unit}`;
    if (place.current) {
      const { y, field } = place.current;
      place.current = null;
      window.scrollTo(0, y);
      if (field) document.getElementById(field)?.focus({ preventScroll: true });
      return;
    }
    if (opened.current === key) return;
    opened.current = key;
    const target = openAtTask ?? form.tasks.find((t) => t.returnComment)?.no ?? null;
    openAtTask = null;
    if (target !== null) focusTask(target);
    else entryFields(pageRef.current)[0]?.focus({ preventScroll: true });
  }, [form]);

  const checks = useIssues(drafts, reporter, own, form?.month ?? null, thresholds);
  const issues = useMemo(() => new Map([...checks].map(([no, c]) => [no, c.shown])), [checks]);
  // A bad report-level phone is one problem, shown at the report's phone, not once per task.
  const reporterPhoneIssue = [...checks.values()].flatMap((c) => c.reporterPhone)[0];
  const blocking = [...(reporterPhoneIssue ? [{ ...reporterPhoneIssue, message: `全表「联系电话」格式不正确(只能包含数字、空格和 - + ( ))。` }] : []), ...[...issues.values()].flatMap((list) => blockingIssues(list))];
  const errors = blocking.filter((i) => i.level === 'error').length;
  const unexplained = blocking.length - errors;
  const states = new Map(drafts.map((t) => [t.no, taskState(t, issues.get(t.no) ?? [], checks.get(t.no)?.forExport ?? [], touched.has(t.no))]));
  const reporterNow = useRef(reporter);
  reporterNow.current = reporter;

  const update = useCallback((next: TaskDraft) => {
    setDrafts((list) => list.map((t) => (t.no === next.no ? next : t)));
    setTouched((s) => new Set(s).add(next.no));
  }, []);

  const setOwnContact = useCallback((no: number, yes: boolean) => {
    setOwn((s) => {
      const next = new Set(s);
      if (yes) next.add(no);
      else next.delete(no);
      return next;
    });
    // A task's own contact starts from the report's, to be changed where it differs.
    if (yes) setDrafts((list) => list.map((t) => (t.no === no ? { ...t, contact: reporterNow.current.contact, phone: reporterNow.current.phone } : t)));
    setTouched((s) => new Set(s).add(no));
  }, []);

  function showProblems(title: string, list: readonly ValidationIssue[]) {
    modal.error({
      title, width: 680, okText: '去修改',
      content: <ul className="problem-list">{list.map((p, k) => <li key={k}>{p.message}</li>)}</ul>,
      onOk: () => {
        const first = list[0]?.taskNo;
        if (first !== undefined) focusTask(first);
      },
    });
  }

  /** The tasks a save sends: on a unit's computer every one begun; in a proxy entry those the clerk changed. */
  function toSend(): TaskDraft[] {
    if (!proxy) return drafts;
    return drafts.filter((t) => touched.has(t.no) || (reporterTouched && !own.has(t.no) && !isBlank(t)));
  }

  /** Proxy entry over what the unit reported: names it and asks before replacing it. */
  async function confirmReplace(sending: readonly TaskDraft[]): Promise<boolean> {
    if (!form || !proxy) return true;
    const nos = new Set(sending.map((t) => t.no));
    const replaced = form.prior.map((p) => ({ ...p, tasks: p.tasks.filter((n) => nos.has(n)) })).filter((p) => p.tasks.length > 0);
    if (replaced.length === 0) return true;
    return confirmWith(modal, {
      title: `代填将替换${form.unit}已报送的内容`, width: 640, okText: '确认替换并保存', cancelText: '取消',
      content: (
        <div data-testid="replace-confirm">
          <ul className="problem-list">{priorWords(form.unit, replaced).map((w) => <li key={w}>{w}</li>)}</ul>
          <Paragraph>
            {receivedOn ? <>收到日期改为 <Text strong>{receivedOn.format('YYYY-MM-DD')}</Text>,逾期以此判断。</> : <>各任务保留原收到日期,是否逾期不变。</>}
            替换前的内容留在历史记录和审计日志中。
          </Paragraph>
        </div>
      ),
    });
  }

  async function save(): Promise<boolean> {
    if (!period || !form) return false;
    if (blocking.length > 0) {
      showProblems(`还有 ${blocking.length} 处需要处理,未保存`, blocking);
      return false;
    }
    const sending = toSend();
    if (!(await confirmReplace(sending))) return false;
    place.current = { y: window.scrollY, field: lastField.current };
    setBusy('save');
    try {
      const r = await call('entry:save', {
        period, items: itemsOf(sending, reporter, own),
        ...(reporter.filledBy.trim() ? { filledBy: reporter.filledBy.trim() } : {}),
        ...(proxy ? { unit: form.unit, replace: true, ...(receivedOn ? { receivedOn: receivedOn.format('YYYY-MM-DD') } : {}) } : {}),
      });
      void message.success(proxy ? `已代填保存 ${r.tasks.length} 项任务(已记入审计日志)` : `已保存 ${r.tasks.length} 项任务(草稿)`);
      changed();
      return true;
    } catch (err) {
      place.current = null;
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
    const forExport = [...checks.values()].flatMap((c) => blockingIssues(c.forExport));
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

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    // Ctrl+S saves where the clerk stands, as in the office programs people know.
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (busy === null && form && !form.locked) void save();
      return;
    }
    moveThroughInputs(e);
  }

  if (!period) return <Empty description="没有报送期" />;
  if (proxy && !unit) return <Empty description="请先选择要代填的单位" />;
  if (!form) return <div className="page-loading"><Spin /></div>;
  const periodView = useApp.getState().periods.find((p) => p.period === period);
  // The service refuses too; here the buttons say so before anything is typed.
  const notStarted = periodView?.started === false;
  const returned = drafts.filter((t) => t.returnComment);
  const priorReceived = form.prior.map((p) => p.receivedOn).filter((d): d is string => d !== null).sort().at(-1) ?? null;
  const setReporterField = (k: keyof Reporter, v: string) => {
    setReporter((r) => ({ ...r, [k]: v }));
    setReporterTouched(true);
  };

  return (
    <div onKeyDownCapture={onKeyDown} onFocus={(e) => { if (e.target.id) lastField.current = e.target.id; }} ref={pageRef} data-testid="entry-page" className="entry-page">
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
              {proxy && (
                <>
                  <Text>收到日期</Text>
                  <DatePicker value={receivedOn ?? dayjs(priorReceived ?? todayIso())} onChange={(d) => setReceivedOn(d)} allowClear={false} data-testid="received-on" />
                  {receivedOn === null && priorReceived && <Text type="secondary" data-testid="received-kept">沿用原收到日期</Text>}
                </>
              )}
              <Button onClick={() => window.print()} data-testid="print-form">打印</Button>
              <Button onClick={() => void save()} loading={busy === 'save'} disabled={form.locked || notStarted || busy !== null} data-testid="save-draft" title="Ctrl+S">{proxy ? '保存代填' : '保存草稿'}</Button>
              {!proxy && <Button type="primary" onClick={() => void exportReport()} loading={busy === 'export'} disabled={form.locked || notStarted || busy !== null} data-testid="export-report">导出填报包…</Button>}
            </Space>
          </Col>
        </Row>
      </Card>
      <div className="print-only print-title">{form.unit}民生工作进展情况填报表({periodLabel(form.period, frequency)})</div>
      {notStarted && <Alert type="info" showIcon className="page-alert" data-testid="period-not-started" title={`${periodLabel(form.period, frequency)}从 ${periodStart(form.period, frequency)} 才开始,还不能${proxy ? '代填' : '填报或导出'}。`} />}
      {form.locked && <Alert type="info" showIcon className="page-alert" title={`${periodLabel(form.period, frequency)} 已由汇总端关账锁定,不能再修改。`} />}
      {proxy && form.prior.length > 0 && (
        <Alert type="warning" showIcon className="page-alert" data-testid="proxy-prior"
          title={`${form.unit}本期已经报送过:代填保存会替换下列任务的内容,保存前会再次确认。`}
          description={<ul className="problem-list">{priorWords(form.unit, form.prior).map((w) => <li key={w}>{w}</li>)}</ul>} />
      )}
      {proxy && form.prior.length === 0 && <Alert type="info" showIcon className="page-alert" title={`${form.unit}本期还没有报送。代填纸质报表:保存后标注为「代填」,并记入审计日志;逾期以收到日期判断。`} />}
      {returned.length > 0 && (
        <Alert type="warning" showIcon className="page-alert" data-testid="returned-summary"
          title={`汇总端退回了 ${returned.length} 项任务:${returned.map((t) => `任务${t.no}`).join('、')}。请按意见修改、保存,然后重新导出填报包。`} />
      )}
      {serverIssues.length > 0 && <Alert type="error" showIcon className="page-alert" title="保存时发现问题" description={<ul className="problem-list">{serverIssues.map((p, k) => <li key={k}>{p.message}</li>)}</ul>} />}
      {drafts.length === 0 && <Empty description="本单位在这个计划中没有任务" />}
      {drafts.length > 0 && (
        <div className="entry-body">
          <TaskIndex drafts={drafts} states={states} />
          <div className="entry-cards">
            <Card size="small" className="reporter-card" title="填报人与联系方式(全表填一次;个别任务不同时在该任务中勾选)" data-testid="reporter-card">
              <Form layout="inline" disabled={form.locked}>
                <Form.Item label="填报人"><Input id="r-filledBy" value={reporter.filledBy} maxLength={100} onChange={(e) => setReporterField('filledBy', e.target.value)} style={{ width: 140 }} /></Form.Item>
                <Form.Item label="联系人"><Input id="r-contact" value={reporter.contact} maxLength={100} onChange={(e) => setReporterField('contact', e.target.value)} style={{ width: 140 }} /></Form.Item>
                <Form.Item label="联系电话" validateStatus={reporterPhoneIssue ? 'error' : ''} help={reporterPhoneIssue ? '格式不正确:只能包含数字、空格和 - + ( )' : undefined}>
                  <Input id="r-phone" value={reporter.phone} maxLength={40} onChange={(e) => setReporterField('phone', e.target.value)} style={{ width: 170 }} />
                </Form.Item>
              </Form>
            </Card>
            {drafts.map((t) => (
              <TaskCard key={t.no} task={t} month={form.month} thresholds={thresholds} issues={issues.get(t.no) ?? []} locked={form.locked}
                ownContact={own.has(t.no)} onOwnContact={setOwnContact} onChange={update} />
            ))}
            <div className="print-only signature" data-testid="print-signature">
              <span>填报人:{reporter.filledBy}</span><span>联系电话:{reporter.phone}</span><span>单位负责人(签字):</span><span>单位(盖章)</span><span>日期:</span>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
