/**
 * 编辑计划: tasks, indicators and units edited in the app. Every change goes through shared/plan-edit.ts on
 * a draft PlanDef; 查看变化 hands the draft to the page, which shows its differences and saves it the way a
 * revised plan file is saved. Nothing here talks to the service.
 */
import { useState } from 'react';
import { Button, Input, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { COMPARATORS, INDICATOR_KIND_LABELS, INDICATOR_KINDS, type CategoryDef, type Comparator, type IndicatorKind, type PlanDef, type TaskDef } from '../../shared/domain';
import { deadlineText } from '../../shared/format';
import { COMPARATOR_WORDS } from '../../shared/plan-diff';
import { applyPlanEdit, type IndicatorEditFields, type PlanEdit, type TaskFields } from '../../shared/plan-edit';
import { targetText, useErrorReporter } from './common';

const { Text } = Typography;

interface IndicatorForm extends IndicatorEditFields {
  /** null for an indicator added in this form. */
  readonly no: number | null;
}

interface TaskForm {
  /** null for a new task. */
  readonly no: number | null;
  readonly category: string;
  readonly fields: TaskFields;
  readonly indicators: readonly IndicatorForm[];
}

interface TaskRow extends TaskDef {
  readonly category: CategoryDef;
}

const tasksOf = (plan: PlanDef) => plan.categories.flatMap((c) => c.tasks.map((t) => ({ ...t, category: c })));

const COMPARATOR_OPTIONS = COMPARATORS.map((c) => ({ value: c, label: COMPARATOR_WORDS[c] }));
const KIND_OPTIONS = INDICATOR_KINDS.map((k) => ({ value: k, label: INDICATOR_KIND_LABELS[k] }));
const MONTH_OPTIONS = Array.from({ length: 12 }, (_, k) => ({ value: k + 1, label: deadlineText(k + 1) }));

function formOf(t: TaskRow): TaskForm {
  const { title, text, leader, leadUnits, coUnits } = t;
  return {
    no: t.no, category: t.category.no, fields: { title, text, leader, leadUnits, coUnits },
    indicators: t.indicators.map(({ no, name, comparator, target, targetMax, unit, kind, deadline }) => ({ no, name, comparator, target, targetMax, unit, kind, deadline })),
  };
}

/** The edits a task form makes, applied in order: the task's own fields, then its indicators removed, changed, added. */
function applyTaskForm(plan: PlanDef, form: TaskForm): PlanDef {
  let p = plan;
  let no = form.no;
  if (no === null) {
    p = applyPlanEdit(p, { kind: 'add-task', category: form.category, fields: form.fields });
    no = Math.max(...tasksOf(p).map((t) => t.no));
  } else {
    p = applyPlanEdit(p, { kind: 'task', task: no, set: form.fields });
  }
  const task = no;
  const edits: PlanEdit[] = [];
  for (const i of tasksOf(p).find((t) => t.no === task)!.indicators) {
    if (!form.indicators.some((x) => x.no === i.no)) edits.push({ kind: 'remove-indicator', task, indicator: i.no });
  }
  for (const { no: indicator, ...fields } of form.indicators) {
    edits.push(indicator === null ? { kind: 'add-indicator', task, fields } : { kind: 'indicator', task, indicator, set: fields });
  }
  return edits.reduce(applyPlanEdit, p);
}

function TaskModal({ plan, form, onChange, onOk, onCancel }: {
  readonly plan: PlanDef; readonly form: TaskForm; readonly onChange: (f: TaskForm) => void; readonly onOk: () => void; readonly onCancel: () => void;
}) {
  const unitOptions = plan.units.map((u) => ({ value: u.name, label: u.name }));
  const set = (fields: Partial<TaskFields>) => onChange({ ...form, fields: { ...form.fields, ...fields } });
  const setIndicator = (k: number, fields: Partial<IndicatorForm>) => onChange({ ...form, indicators: form.indicators.map((x, j) => (j === k ? { ...x, ...fields } : x)) });
  return (
    <Modal open width={1100} title={form.no === null ? '新增任务' : `编辑任务${form.no}`} onCancel={onCancel} data-testid="task-modal"
      footer={[<Button key="cancel" onClick={onCancel}>取消</Button>, <Button key="ok" type="primary" onClick={onOk} data-testid="task-ok">确定</Button>]}>
      <div className="plan-editor-form">
        {form.no === null && (
          <label>类别<Select value={form.category} onChange={(category: string) => onChange({ ...form, category })}
            options={plan.categories.map((c) => ({ value: c.no, label: `${c.no}、${c.name}` }))} /></label>
        )}
        <label>标题<Input value={form.fields.title} onChange={(e) => set({ title: e.target.value })} data-testid="task-title" /></label>
        <label>任务内容<Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} value={form.fields.text} onChange={(e) => set({ text: e.target.value })} /></label>
        <label>牵头负责领导<Input value={form.fields.leader ?? ''} placeholder="没有可不填" onChange={(e) => set({ leader: e.target.value })} /></label>
        <label>牵头单位<Select mode="multiple" value={[...form.fields.leadUnits]} options={unitOptions} onChange={(v: string[]) => set({ leadUnits: v })} data-testid="task-lead" /></label>
        <label>协同单位<Select mode="multiple" value={[...form.fields.coUnits]} options={unitOptions} onChange={(v: string[]) => set({ coUnits: v })} /></label>
      </div>
      <Table<IndicatorForm & { k: number }> size="small" rowKey="k" pagination={false} className="plan-editor-indicators" data-testid="indicator-table"
        dataSource={form.indicators.map((x, k) => ({ ...x, k }))}
        columns={[
          { title: '序号', key: 'no', width: 50, render: (_: unknown, r) => r.no ?? '新' },
          { title: '指标', key: 'name', render: (_: unknown, r) => <Input size="small" value={r.name} onChange={(e) => setIndicator(r.k, { name: e.target.value })} /> },
          { title: '比较', key: 'comparator', width: 96, render: (_: unknown, r) => <Select size="small" value={r.comparator} options={COMPARATOR_OPTIONS} onChange={(comparator: Comparator) => setIndicator(r.k, { comparator, targetMax: comparator === 'range' ? (r.targetMax ?? r.target) : null })} /> },
          { title: '目标', key: 'target', width: 110, render: (_: unknown, r) => <InputNumber size="small" value={r.target} onChange={(v) => setIndicator(r.k, { target: v ?? Number.NaN })} data-testid={`target-${r.k}`} /> },
          { title: '目标上限', key: 'targetMax', width: 110, render: (_: unknown, r) => <InputNumber size="small" disabled={r.comparator !== 'range'} value={r.targetMax} onChange={(v) => setIndicator(r.k, { targetMax: v })} /> },
          { title: '计量单位', key: 'unit', width: 80, render: (_: unknown, r) => <Input size="small" value={r.unit} onChange={(e) => setIndicator(r.k, { unit: e.target.value })} /> },
          { title: '指标类型', key: 'kind', width: 96, render: (_: unknown, r) => <Select size="small" value={r.kind} options={KIND_OPTIONS} onChange={(kind: IndicatorKind) => setIndicator(r.k, { kind, deadline: kind === 'milestone' ? (r.deadline ?? 12) : null })} /> },
          { title: '完成时限', key: 'deadline', width: 110, render: (_: unknown, r) => <Select size="small" disabled={r.kind !== 'milestone'} value={r.deadline} options={MONTH_OPTIONS} placeholder="—" onChange={(deadline: number) => setIndicator(r.k, { deadline })} /> },
          { title: '', key: 'remove', width: 60, render: (_: unknown, r) => <Button size="small" danger onClick={() => onChange({ ...form, indicators: form.indicators.filter((_x, j) => j !== r.k) })}>删除</Button> },
        ]} />
      <Button size="small" className="plan-editor-add" onClick={() => onChange({ ...form, indicators: [...form.indicators, { no: null, name: '', comparator: '>=', target: 0, targetMax: null, unit: '', kind: 'cumulative', deadline: null }] })}>新增指标</Button>
    </Modal>
  );
}

function UnitsTab({ plan, apply }: { readonly plan: PlanDef; readonly apply: (e: PlanEdit) => boolean }) {
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [merging, setMerging] = useState<{ from: string; into: string | null } | null>(null);
  const rows = plan.units.map((u, k) => ({ ...u, k }));
  return (
    <Table size="small" rowKey="name" pagination={false} scroll={{ y: 400 }} dataSource={rows} data-testid="editor-units"
      columns={[
        { title: '序号', key: 'seq', width: 56, render: (_: unknown, r) => r.k + 1 },
        {
          title: '单位', key: 'name',
          render: (_: unknown, r) => (renaming?.from === r.name
            ? <Input size="small" autoFocus value={renaming.to} data-testid="unit-new-name" onChange={(e) => setRenaming({ from: r.name, to: e.target.value })}
                onPressEnter={() => { if (apply({ kind: 'rename-unit', ...renaming })) setRenaming(null); }} />
            : <>{r.name}{r.kind === 'group' && <Tag className="tag-gap">成员单位集合</Tag>}{r.aliases.length > 0 && <Text type="secondary">(又作 {r.aliases.join('、')})</Text>}</>),
        },
        {
          title: '操作', key: 'actions', width: 420,
          render: (_: unknown, r) => (
            <Space size={4}>
              <Button size="small" disabled={r.k === 0} onClick={() => apply({ kind: 'move-unit', unit: r.name, by: -1 })}>上移</Button>
              <Button size="small" disabled={r.k === rows.length - 1} onClick={() => apply({ kind: 'move-unit', unit: r.name, by: 1 })}>下移</Button>
              {renaming?.from === r.name
                ? <Button size="small" type="primary" data-testid="unit-rename-ok" onClick={() => { if (apply({ kind: 'rename-unit', ...renaming })) setRenaming(null); }}>确定</Button>
                : <Button size="small" onClick={() => setRenaming({ from: r.name, to: r.name })} data-testid={`rename-${r.name}`}>改名</Button>}
              {merging?.from === r.name
                ? (
                  <>
                    <Select size="small" className="merge-select" placeholder="并入哪个单位" value={merging.into} onChange={(into: string) => setMerging({ from: r.name, into })}
                      options={plan.units.filter((u) => u.name !== r.name && u.kind === r.kind).map((u) => ({ value: u.name, label: u.name }))} />
                    <Button size="small" type="primary" disabled={merging.into === null} onClick={() => { if (merging.into && apply({ kind: 'merge-unit', from: r.name, into: merging.into })) setMerging(null); }}>并入</Button>
                    <Button size="small" onClick={() => setMerging(null)}>取消</Button>
                  </>
                )
                : <Button size="small" onClick={() => setMerging({ from: r.name, into: null })}>并入…</Button>}
            </Space>
          ),
        },
      ]} />
  );
}

/** The editor over `plan` (the stored revision); `onPreview` gets the edited plan, `onCancel` drops it. */
export function PlanEditor({ plan, busy, onPreview, onCancel }: {
  readonly plan: PlanDef; readonly busy: boolean; readonly onPreview: (p: PlanDef) => void; readonly onCancel: () => void;
}) {
  const [draft, setDraft] = useState(plan);
  const [form, setForm] = useState<TaskForm | null>(null);
  const report = useErrorReporter();

  function attempt(make: () => PlanDef): boolean {
    try {
      setDraft(make());
      return true;
    } catch (err) {
      report(err, '这处修改未做');
      return false;
    }
  }
  const apply = (e: PlanEdit) => attempt(() => applyPlanEdit(draft, e));
  const rows: TaskRow[] = tasksOf(draft);
  const firstCategory = draft.categories[0]?.no ?? '';

  return (
    <Modal open width={1200} title={`编辑计划(第 ${plan.revision} 版)`} onCancel={onCancel} data-testid="plan-editor"
      footer={[
        <Button key="cancel" onClick={onCancel}>取消</Button>,
        <Button key="reset" disabled={draft === plan} onClick={() => setDraft(plan)}>撤销全部修改</Button>,
        <Button key="preview" type="primary" loading={busy} disabled={draft === plan} onClick={() => onPreview(draft)} data-testid="editor-preview">查看变化…</Button>,
      ]}>
      <Tabs items={[
        {
          key: 'tasks', label: `任务与指标(${rows.length})`,
          children: (
            <>
              <Table<TaskRow> size="small" rowKey="no" pagination={false} scroll={{ y: 400 }} dataSource={rows} data-testid="editor-tasks"
                columns={[
                  { title: '序号', dataIndex: 'no', width: 56 },
                  { title: '任务', key: 'title', width: 260, render: (_: unknown, t) => (<><div>{t.title}</div><Text type="secondary" className="small">{t.category.no}、{t.category.name}</Text></>) },
                  { title: '牵头单位', key: 'lead', width: 150, render: (_: unknown, t) => (<>{t.leadUnits.join('、') || '—'}{t.leader && <div className="small muted">牵头领导:{t.leader}</div>}</>) },
                  { title: '协同单位', key: 'co', width: 160, render: (_: unknown, t) => t.coUnits.join('、') || '—' },
                  { title: '量化指标', key: 'indicators', render: (_: unknown, t) => t.indicators.length === 0 ? <Text type="secondary">无</Text> : <ul className="preview-indicators">{t.indicators.map((i) => <li key={i.no}>{i.name} {targetText(i)}</li>)}</ul> },
                  {
                    title: '操作', key: 'actions', width: 120,
                    render: (_: unknown, t) => (
                      <Space size={4}>
                        <Button size="small" onClick={() => setForm(formOf(t))} data-testid={`edit-task-${t.no}`}>编辑</Button>
                        <Button size="small" danger onClick={() => apply({ kind: 'remove-task', task: t.no })}>删除</Button>
                      </Space>
                    ),
                  },
                ]} />
              <Button size="small" className="plan-editor-add" onClick={() => setForm({ no: null, category: firstCategory, fields: { title: '', text: '', leader: null, leadUnits: [], coUnits: [] }, indicators: [] })}>新增任务</Button>
            </>
          ),
        },
        { key: 'units', label: `单位(${draft.units.length})`, children: <UnitsTab plan={draft} apply={apply} /> },
      ]} />
      {form && <TaskModal plan={draft} form={form} onChange={setForm} onCancel={() => setForm(null)} onOk={() => { if (attempt(() => applyTaskForm(draft, form))) setForm(null); }} />}
    </Modal>
  );
}
