/**
 * A plan as read from a file, for a person to check before it is used: its figures, what stops it
 * (errors), what to confirm (review), and every task with its units and indicators.
 */
import { Alert, Descriptions, Table, Tabs, Tag, Typography } from 'antd';
import type { PlanDef, TaskDef } from '../../shared/domain';
import { FREQUENCY_LABELS, INDICATOR_KIND_LABELS } from '../../shared/domain';
import { deadlineText } from '../../shared/format';
import type { ParsedPlan, PlanReviewItem } from '../../shared/plan';
import { targetText } from './common';

const { Text } = Typography;

interface TaskRow extends TaskDef {
  readonly category: string;
}

function taskRows(plan: PlanDef): TaskRow[] {
  return plan.categories.flatMap((c) => c.tasks.map((t) => ({ ...t, category: `${c.no}、${c.name}` })));
}

function reviewWhere(r: PlanReviewItem): string {
  if (r.task === null) return '计划';
  return r.indicator === undefined ? `任务${r.task}` : `任务${r.task} 指标${r.indicator}`;
}

/** As the notice writes them: 县财政局、县农业农村局等,各乡镇人民政府 (等 closes the named units, not the group). */
function units(names: readonly string[], subordinates: string | null, openEnded = false): string {
  const named = names.length === 0 ? '' : `${names.join('、')}${openEnded ? '等' : ''}`;
  return [named, subordinates ?? ''].filter((x) => x !== '').join(',') || '—';
}

export function PlanPreview({ parsed, fileName }: { readonly parsed: ParsedPlan; readonly fileName?: string }) {
  const { plan, review, errors } = parsed;
  const rows = taskRows(plan);
  const indicators = rows.reduce((n, t) => n + t.indicators.length, 0);
  const reporting = plan.units.filter((u) => u.kind === 'unit').length;
  return (
    <div className="plan-preview" data-testid="plan-preview">
      <Descriptions size="small" column={3} bordered items={[
        { key: 'title', label: '计划', children: plan.title || '—', span: 2 },
        { key: 'year', label: '年度', children: plan.year || '—' },
        { key: 'issuer', label: '印发单位', children: plan.issuer || '—' },
        { key: 'issued', label: '印发日期', children: plan.issuedOn || '—' },
        { key: 'frequency', label: '报送', children: FREQUENCY_LABELS[plan.frequency] },
        { key: 'tasks', label: '任务', children: <span data-testid="preview-tasks">{rows.length} 项({plan.categories.length} 个类别)</span> },
        { key: 'indicators', label: '量化指标', children: `${indicators} 个` },
        { key: 'units', label: '责任单位', children: `${reporting} 个${plan.units.length > reporting ? `,另有 ${plan.units.length - reporting} 个成员单位集合` : ''}` },
        ...(fileName ? [{ key: 'file', label: '文件', children: fileName, span: 3 }] : []),
      ]} />
      {errors.length > 0 && (
        <Alert type="error" showIcon className="plan-preview-alert" data-testid="plan-errors"
          title={`有 ${errors.length} 处问题,改正后才能使用这个计划`}
          description={<ul className="plain-list">{errors.slice(0, 50).map((e, k) => <li key={k}>{e.where}:{e.message}</li>)}</ul>} />
      )}
      <Tabs className="plan-preview-tabs" items={[
        {
          key: 'tasks', label: `任务与指标(${rows.length})`,
          children: (
            <Table<TaskRow> size="small" rowKey="no" pagination={false} scroll={{ y: 420 }} dataSource={rows} data-testid="preview-task-table"
              columns={[
                { title: '序号', dataIndex: 'no', width: 56 },
                { title: '任务', key: 'title', width: 240, render: (_: unknown, t) => (<><div>{t.title}</div><Text type="secondary" className="small">{t.category}</Text></>) },
                { title: '牵头单位', key: 'lead', width: 150, render: (_: unknown, t) => (<>{units(t.leadUnits, t.subordinates?.role === 'lead' ? t.subordinates.phrase : null)}{t.leader && <div className="small muted">牵头领导:{t.leader}</div>}</>) },
                { title: '协同单位', key: 'co', width: 180, render: (_: unknown, t) => units(t.coUnits, t.subordinates?.role === 'co' ? t.subordinates.phrase : null, t.coUnitsOpenEnded) },
                {
                  title: '量化指标', key: 'indicators',
                  render: (_: unknown, t) => t.indicators.length === 0 ? <Text type="secondary">无(只报进展)</Text> : (
                    <ul className="preview-indicators">
                      {t.indicators.map((i) => (
                        <li key={i.no}>{i.name} {targetText(i)} <Tag>{INDICATOR_KIND_LABELS[i.kind]}</Tag>{i.deadline !== null && <Tag color="purple">{deadlineText(i.deadline)}</Tag>}</li>
                      ))}
                    </ul>
                  ),
                },
              ]} />
          ),
        },
        {
          key: 'review', label: `需核对(${review.length})`,
          children: review.length === 0 ? <Text type="secondary">没有需要核对的地方。</Text> : (
            <ul className="plain-list rows" data-testid="plan-review">
              {review.map((r, k) => <li key={k}><Text strong>{reviewWhere(r)}</Text>:{r.reason}</li>)}
            </ul>
          ),
        },
        {
          key: 'units', label: `单位(${plan.units.length})`,
          children: (
            <ul className="plain-list rows">
              {plan.units.map((u) => <li key={u.name}>{u.name}{u.aliases.length > 0 && <Text type="secondary">(又作 {u.aliases.join('、')})</Text>}{u.kind === 'group' && <Tag>成员单位集合</Tag>}</li>)}
            </ul>
          ),
        },
      ]} />
    </div>
  );
}
