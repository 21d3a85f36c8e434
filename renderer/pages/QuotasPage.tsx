/**
 * 任务分解 (summary side): each subordinate office's quota of every indicator beside 本级's share, 合计 and
 * 差额 worked out as they are typed (shared/levels.ts, the rule the table and the services use), a reason asked
 * where a cumulative row does not add up, and the list of subordinate offices. A blank cell is 无任务, never 0.
 */
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { OfficesView, QuotaGridView, QuotaRowView } from '../../shared/api';
import { INDICATOR_KIND_LABELS } from '../../shared/domain';
import { blankQuotaText, hasNoQuota, quotaGaps, quotaGapWarning, quotaProblem, quotaTotals, type QuotaGap } from '../../shared/levels';
import { quotaTable } from '../../shared/table-view';
import { call } from '../api';
import { num, STICKY_HEADER, targetText, useErrorReporter } from '../components/common';
import { useTableView } from '../components/TableTools';
import { useApp } from '../store';

const { Text } = Typography;

/** A row's cells as edited on screen: 本级 first, then the offices in order; null is blank. */
interface Draft { readonly cells: readonly (number | null)[]; readonly reason: string }

const keyOf = (r: Pick<QuotaRowView, 'task' | 'indicator'>) => `${r.task}-${r.indicator}`;
const NO_ROWS: readonly QuotaRowView[] = [];
const draftOf = (r: QuotaRowView): Draft => ({ cells: [r.own, ...r.quotas], reason: r.reason ?? '' });

function signed(x: number): string {
  return `${x > 0 ? '+' : ''}${num(x)}`;
}

type Edit = (r: QuotaRowView, change: (d: Draft) => Draft) => void;

/**
 * One quota cell: a plain input, memoised, so typing in one cell does not re-render the other five hundred
 * (antd's InputNumber in every cell made the page take seconds to draw on a busy PC). What cannot be read as a
 * number stays on screen in red and is not kept.
 */
const QuotaInput = memo(function QuotaInput({ row, k, value, testId, onEdit }: {
  readonly row: QuotaRowView; readonly k: number; readonly value: number | null; readonly testId: string; readonly onEdit: Edit;
}) {
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => { setText((t) => (parseQuota(t) === value ? t : value === null ? '' : String(value))); }, [value]);
  const parsed = parseQuota(text);
  const problem = parsed === undefined ? '不是数字' : parsed === null ? null : quotaProblem(row.kind, parsed);
  return (
    <input
      className={`quota-input${problem ? ' quota-input-error' : ''}`} value={text} inputMode="decimal" title={problem ?? undefined}
      placeholder={blankQuotaText(row.kind)} data-testid={testId}
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        const v = parseQuota(t);
        if (v !== undefined) onEdit(row, (d) => ({ ...d, cells: d.cells.map((c, j) => (j === k ? v : c)) }));
      }}
    />
  );
});

/** A cell's text as a quota: null when blank, undefined when it is not a number. */
function parseQuota(text: string): number | null | undefined {
  const t = text.trim().replace(/,/g, '');
  if (t === '') return null;
  const v = Number(t);
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) && Number.isFinite(v) ? v : undefined;
}

export function QuotasPage() {
  const version = useApp((s) => s.version);
  const changed = useApp((s) => s.changed);
  const [grid, setGrid] = useState<QuotaGridView | null>(null);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, Draft>>(new Map());
  const [offices, setOffices] = useState<OfficesView | null>(null);
  const [editing, setEditing] = useState(false);
  const [allocating, setAllocating] = useState(false);
  const [busy, setBusy] = useState(false);
  /** The one office looked at (its column alone, and what 未分解 means), or null for all of them. */
  const [office, setOffice] = useState<string | null>(null);
  const report = useErrorReporter();
  const { message } = AntApp.useApp();
  const officeNames = grid?.offices;
  const scope = useMemo(() => {
    const all = officeNames ?? [];
    const k = office === null ? -1 : all.indexOf(office);
    return k < 0 ? all.map((_, j) => j) : [k];
  }, [officeNames, office]);
  const spec = useMemo(() => quotaTable(scope), [scope]);
  // Narrowed and sorted on the saved figures: a row being typed in does not jump away or vanish.
  const view = useTableView(grid?.rows ?? NO_ROWS, spec);

  useEffect(() => {
    Promise.all([call('quotas:get', {}), call('offices:list', {})]).then(([g, o]) => {
      setGrid(g);
      setOffices(o);
      setDrafts(new Map());
    }, (err: unknown) => report(err));
  }, [version]);

  const draft = (r: QuotaRowView): Draft => drafts.get(keyOf(r)) ?? draftOf(r);
  const edit: Edit = useCallback((r, change) => setDrafts((prev) => new Map(prev).set(keyOf(r), change(prev.get(keyOf(r)) ?? draftOf(r)))), []);

  /** The cells and reasons that differ from what is saved. */
  const pending = useMemo(() => {
    if (!grid) return { quotas: [], reasons: [] };
    const quotas: { task: number; indicator: number; office: string | null; value: number | null }[] = [];
    const reasons: { task: number; indicator: number; reason: string | null }[] = [];
    for (const r of grid.rows) {
      const d = drafts.get(keyOf(r));
      if (!d) continue;
      const saved = draftOf(r);
      d.cells.forEach((v, k) => {
        if (v !== saved.cells[k]) quotas.push({ task: r.task, indicator: r.indicator, office: k === 0 ? null : grid.offices[k - 1]!, value: v });
      });
      if (d.reason.trim() !== saved.reason) reasons.push({ task: r.task, indicator: r.indicator, reason: d.reason.trim() || null });
    }
    return { quotas, reasons };
  }, [grid, drafts]);
  const pendingCount = pending.quotas.length + pending.reasons.length;

  async function save() {
    setBusy(true);
    try {
      const r = await call('quotas:save', pending);
      setGrid(r.grid);
      setDrafts(new Map());
      void message.success(`已保存 ${r.changes.length} 处修改(已记入审计日志)`);
      for (const n of r.notes) void message.warning({ content: n, duration: 10 });
      changed();
    } catch (err) {
      report(err, '任务分解未保存');
    } finally {
      setBusy(false);
    }
  }

  if (!grid || !offices) return null;
  const unexplained = grid.rows.filter((r) => {
    const d = draft(r);
    return quotaTotals({ ...r, own: d.cells[0] ?? null, quotas: d.cells.slice(1) }).needsReason && d.reason.trim() === '';
  }).length;

  // A task's cell spans its indicators where they stand together in the rows shown (sorted by name they may not).
  const shown = view.rows;
  const spans = new Map<string, number>();
  shown.forEach((r, k) => {
    if (k > 0 && shown[k - 1]!.task === r.task) return;
    let n = 1;
    while (shown[k + n]?.task === r.task) n++;
    spans.set(keyOf(r), n);
  });
  const taskSpan = (r: QuotaRowView) => spans.get(keyOf(r)) ?? 0;

  const quotaColumn = (title: string, k: number): ColumnsType<QuotaRowView>[number] => ({
    title, key: `q${k}`, width: 66, align: 'right',
    render: (_: unknown, r) => (
      <QuotaInput row={r} k={k} value={draft(r).cells[k] ?? null} onEdit={edit} testId={`quota-${keyOf(r)}-${k === 0 ? 'own' : grid.offices[k - 1]}`} />
    ),
  });

  const columns: ColumnsType<QuotaRowView> = [
    {
      title: '任务', width: 108, fixed: 'left', ...view.column('task'),
      onCell: (r) => ({ rowSpan: taskSpan(r) }),
      render: (_: unknown, r) => <span><span className="task-no">{r.task}.</span> {r.taskTitle}</span>,
    },
    {
      title: '指标', width: 124, fixed: 'left', ...view.column('indicator'),
      render: (_: unknown, r) => <span>{r.name} <Tag className="kind-tag">{INDICATOR_KIND_LABELS[r.kind]}</Tag></span>,
    },
    { title: grid.targetHeader, key: 'target', width: 86, fixed: 'left', align: 'right', render: (_: unknown, r) => targetText(r) },
    quotaColumn(grid.own, 0),
    ...scope.map((k) => quotaColumn(grid.offices[k]!, k + 1)),
    {
      title: '合计', width: 76, align: 'right', ...view.column('total'),
      render: (_: unknown, r) => {
        const d = draft(r);
        const t = quotaTotals({ ...r, own: d.cells[0] ?? null, quotas: d.cells.slice(1) });
        if (!t.split) return <Text type="secondary">不分解</Text>;
        return t.total === null ? <Text type="secondary">未分解</Text> : num(t.total);
      },
    },
    {
      title: '差额', width: 70, align: 'right', ...view.column('difference'),
      render: (_: unknown, r) => {
        const d = draft(r);
        const t = quotaTotals({ ...r, own: d.cells[0] ?? null, quotas: d.cells.slice(1) });
        if (t.difference === null) return <Text type="secondary">—</Text>;
        return t.needsReason
          ? <Text type="warning" strong data-testid={`quota-diff-${keyOf(r)}`}>{signed(t.difference)}</Text>
          : <Text type="success" data-testid={`quota-diff-${keyOf(r)}`}>0</Text>;
      },
    },
    {
      title: '说明', key: 'reason', width: 136,
      render: (_: unknown, r) => {
        const d = draft(r);
        const t = quotaTotals({ ...r, own: d.cells[0] ?? null, quotas: d.cells.slice(1) });
        if (!t.needsReason && d.reason === '') return null;
        return (
          <Input
            size="small" value={d.reason} maxLength={500} data-testid={`quota-reason-${keyOf(r)}`}
            status={t.needsReason && d.reason.trim() === '' ? 'warning' : undefined}
            placeholder={t.needsReason ? `与${grid.targetHeader}不一致,请说明原因` : ''}
            onChange={(e) => { const reason = e.target.value; edit(r, (x) => ({ ...x, reason })); }}
          />
        );
      },
    },
  ];

  return (
    <div data-testid="quotas-page">
      <Card
        className="content-card" size="small"
        title={<Space><span>任务分解</span><Text type="secondary" className="small-note">{grid.own}与{offices.offices.length}个下级汇总端</Text></Space>}
        extra={(
          <Space>
            {unexplained > 0 && <Tag color="warning" data-testid="quota-unexplained">{unexplained} 个指标与{grid.targetHeader}不一致,待说明</Tag>}
            <Button onClick={() => setEditing(true)} data-testid="edit-offices">下级汇总端…</Button>
            <Button onClick={() => setAllocating(true)} disabled={offices.offices.length === 0 || pendingCount > 0} title={pendingCount > 0 ? '请先保存或放弃修改' : undefined} data-testid="open-allocations">生成下达包…</Button>
            <Button onClick={() => setDrafts(new Map())} disabled={pendingCount === 0}>放弃修改</Button>
            <Button type="primary" onClick={save} loading={busy} disabled={pendingCount === 0} data-testid="quota-save">
              保存{pendingCount > 0 ? `(${pendingCount}处)` : ''}
            </Button>
          </Space>
        )}
      >
        {offices.offices.length === 0 && (
          <Alert
            className="page-alert" type="info" showIcon
            title={offices.subordinatePhrases.length > 0
              ? `计划中有 ${offices.tasksNamingSubordinates} 项任务由「${offices.subordinatePhrases.join('」「')}」承担。请先列出下级汇总端,再分解任务。`
              : '尚未设置下级汇总端。如需把任务分解给下级,请先列出下级汇总端。'}
            action={<Button size="small" onClick={() => setEditing(true)}>列出下级汇总端</Button>}
          />
        )}
        <Text type="secondary" className="quota-hint">
          累计类指标:{grid.own}与各下级汇总端的任务相加应等于{grid.targetHeader};空白为<Text strong>无任务</Text>(不是0,不计入该单位的完成情况)。
          水平类、增幅类、节点类指标不分解,空白为同{grid.targetHeader}。
        </Text>
        <div className="table-toolbar">
          <Space wrap>
            <Input.Search allowClear placeholder="搜索任务或指标名称" style={{ width: 240 }} value={view.query.search}
              onChange={(e) => view.setSearch(e.target.value)} data-testid="search-quotas" />
            <Select<string> allowClear placeholder="全部下级汇总端" style={{ width: 170 }} value={office !== null && grid.offices.includes(office) ? office : undefined} data-testid="quota-office"
              options={grid.offices.map((o) => ({ label: o, value: o }))} onChange={(v) => setOffice(v ?? null)} />
            <Text type="secondary" data-testid="shown-quotas">显示 {shown.length} / {grid.rows.length} 个指标</Text>
          </Space>
        </div>
        <Table<QuotaRowView>
          size="small" bordered rowKey={keyOf} pagination={false} sticky={STICKY_HEADER} onChange={view.onChange}
          scroll={{ x: 'max-content' }} columns={columns} dataSource={[...shown]} className="quota-grid" data-testid="quota-grid"
          rowClassName={(r) => (r.split ? '' : 'quota-whole')}
        />
      </Card>
      <AllocationsModal open={allocating} gaps={quotaGaps(grid.rows, grid.offices)} onClose={() => setAllocating(false)} />
      <OfficesModal open={editing} view={offices} onClose={() => setEditing(false)} onChange={(v) => { setOffices(v); changed(); }} />
    </div>
  );
}

/** The ordered list of subordinate offices: add at the end, rename, move, remove (refused while it holds quotas). */
function OfficesModal({ open, view, onClose, onChange }: {
  readonly open: boolean; readonly view: OfficesView; readonly onClose: () => void; readonly onChange: (v: OfficesView) => void;
}) {
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const report = useErrorReporter();

  async function run(work: () => Promise<OfficesView>) {
    try {
      onChange(await work());
      return true;
    } catch (err) {
      report(err, '下级汇总端未修改');
      return false;
    }
  }

  const rows = view.offices.map((office, k) => ({ office, k }));
  return (
    <Modal open={open} title={`下级汇总端(${view.own}以外)`} onCancel={onClose} footer={<Button onClick={onClose} data-testid="offices-done">完成</Button>} width={560}>
      <Table
        size="small" rowKey="office" pagination={false} dataSource={rows} data-testid="offices-table"
        columns={[
          { title: '序号', key: 'seq', width: 56, render: (_: unknown, r) => r.k + 1 },
          {
            title: '名称', key: 'office',
            render: (_: unknown, r) => (renaming?.from === r.office
              ? <Input size="small" autoFocus value={renaming.to} onChange={(e) => setRenaming({ from: r.office, to: e.target.value })}
                  onPressEnter={async () => { if (await run(() => call('offices:rename', renaming))) setRenaming(null); }} />
              : r.office),
          },
          {
            title: '操作', key: 'actions', width: 230,
            render: (_: unknown, r) => (
              <Space size={4}>
                <Button size="small" disabled={r.k === 0} onClick={() => run(() => call('offices:move', { name: r.office, position: r.k }))}>上移</Button>
                <Button size="small" disabled={r.k === rows.length - 1} onClick={() => run(() => call('offices:move', { name: r.office, position: r.k + 2 }))}>下移</Button>
                {renaming?.from === r.office
                  ? <Button size="small" type="primary" onClick={async () => { if (await run(() => call('offices:rename', renaming))) setRenaming(null); }}>确定</Button>
                  : <Button size="small" onClick={() => setRenaming({ from: r.office, to: r.office })}>改名</Button>}
                <Button size="small" danger onClick={() => run(() => call('offices:remove', { name: r.office }))}>删除</Button>
              </Space>
            ),
          },
        ]}
      />
      <Space.Compact style={{ width: '100%', marginTop: 12 }}>
        <Input placeholder="新的下级汇总端名称,如 宣州区" value={name} onChange={(e) => setName(e.target.value)} data-testid="office-name"
          onPressEnter={async () => { if (await run(() => call('offices:add', { name }))) setName(''); }} />
        <Button type="primary" onClick={async () => { if (await run(() => call('offices:add', { name }))) setName(''); }} disabled={name.trim() === ''}>添加</Button>
      </Space.Compact>
    </Modal>
  );
}

/**
 * A 下达包 per subordinate office: the plan and its targets as saved in the grid, into a folder a dialog says.
 * Beside each office, how many cumulative targets it has no quota for; an office with none at all is written
 * only after the clerk confirms, being told it would get no cumulative target.
 */
function AllocationsModal({ open, gaps, onClose }: { readonly open: boolean; readonly gaps: readonly QuotaGap[]; readonly onClose: () => void }) {
  const [written, setWritten] = useState<ReadonlyMap<string, string>>(new Map());
  const [busy, setBusy] = useState<string | null>(null);
  const report = useErrorReporter();
  const { message, modal } = AntApp.useApp();

  async function write(office: string, noQuotasOk: boolean) {
    setBusy(office);
    try {
      const r = await call('offices:exportAllocation', { office, noQuotasOk });
      if (r === null) return;
      setWritten((prev) => new Map(prev).set(office, r.fileName));
      const done = `已生成「${office}」的下达包 ${r.fileName}(本地任务 ${r.tasked} 个指标,无任务 ${r.noTask} 个),保存在 ${r.folder}`;
      if (r.warning) void message.warning(`${done}。${r.warning}`, 8);
      else void message.success(done);
    } catch (err) {
      report(err, `「${office}」的下达包未生成`);
    } finally {
      setBusy(null);
    }
  }

  function ask(gap: QuotaGap) {
    if (!hasNoQuota(gap)) {
      void write(gap.office, false);
      return;
    }
    modal.confirm({
      title: `仍要生成「${gap.office}」的下达包吗?`, okText: '仍然生成', cancelText: '先去分解', width: 520,
      content: <div data-testid="no-quota-confirm">{quotaGapWarning(gap)}</div>,
      onOk: () => { void write(gap.office, true); },
    });
  }

  return (
    <Modal open={open} title="生成下达包" onCancel={onClose} footer={<Button onClick={onClose} data-testid="allocations-done">完成</Button>} width={680}>
      <Text type="secondary">下达包含工作计划和该下级汇总端的分解任务(按已保存的任务分解),带数字签名。用U盘交给下级汇总端,并电话告知本机密钥指纹。</Text>
      <Table
        size="small" rowKey="office" pagination={false} data-testid="allocations-table" style={{ marginTop: 12 }}
        dataSource={gaps.map((gap, k) => ({ ...gap, k }))}
        columns={[
          { title: '序号', key: 'seq', width: 56, render: (_: unknown, r) => r.k + 1 },
          { title: '下级汇总端', dataIndex: 'office' },
          {
            title: '未分解的累计类指标', key: 'missing', width: 170,
            render: (_: unknown, r) => (r.missing === 0
              ? <Text type="success">已全部分解</Text>
              : <Text type={hasNoQuota(r) ? 'danger' : 'warning'} data-testid={`allocation-gap-${r.office}`}>{hasNoQuota(r) ? `全部 ${r.cumulative} 个都未分解` : `${r.missing} / ${r.cumulative} 个`}</Text>),
          },
          { title: '已生成', key: 'file', render: (_: unknown, r) => written.get(r.office) ?? '' },
          {
            title: '操作', key: 'actions', width: 120,
            render: (_: unknown, r) => <Button size="small" loading={busy === r.office} disabled={busy !== null} onClick={() => ask(r)} data-testid={`allocate-${r.office}`}>生成下达包</Button>,
          },
        ]}
      />
    </Modal>
  );
}
