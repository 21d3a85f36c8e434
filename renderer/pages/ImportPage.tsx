/**
 * Import packages from a USB drive: several files or a whole folder; a dry-run preview of what
 * would change; a progress bar (file n of N); a per-file result table; for a unit's first key, a
 * confirmation dialog showing its fingerprint to check by phone; and for a key that already belongs
 * to another unit, a dialog that can register it as a shared key, with the warning shown.
 * File names and messages come from a USB drive: they are shown through `printable`.
 */
import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Checkbox, DatePicker, Empty, Progress, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import type { ImportFileResult, ImportProgress, ReturnView, ValueChange } from '../../shared/api';
import { ERROR_LABELS, type ErrorCode } from '../../shared/errors';
import { printable } from '../../shared/format';
import { isOfficeHolder } from '../../shared/levels';
import { call, onEvent } from '../api';
import { useErrorReporter } from '../components/common';
import { openEntryAt } from './EntryPage';
import { todayIso, useApp, usePeriodLabel } from '../store';

const { Text, Paragraph } = Typography;

const STATUS: Readonly<Record<ImportFileResult['status'], { color: string; word: string; preview: string }>> = {
  accepted: { color: 'success', word: '已导入', preview: '可导入' },
  duplicate: { color: 'default', word: '重复', preview: '重复' },
  rejected: { color: 'error', word: '拒收', preview: '拒收' },
};

function ChangesTable({ changes }: { readonly changes: readonly ValueChange[] }) {
  const plan = useApp((s) => s.plan);
  // The package names tasks and indicators by number; a clerk knows them by name.
  const taskOf = (no: number) => plan?.tasks.find((t) => t.no === no);
  const indicatorName = (c: ValueChange) => (c.indicator === null ? '—' : taskOf(c.task)?.indicators.find((i) => i.no === c.indicator)?.name ?? `指标${c.indicator}`);
  return (
    <Table<ValueChange>
      size="small" pagination={changes.length > 12 ? { pageSize: 12, size: 'small' } : false}
      rowKey={(c) => `${c.task}-${c.indicator}-${c.field}`} dataSource={[...changes]} data-testid="import-changes"
      columns={[
        { title: '任务', dataIndex: 'task', width: 200, ellipsis: true, render: (no: number) => { const t = taskOf(no); return t ? `${no}. ${t.title}` : no; } },
        { title: '指标', key: 'indicator', width: 200, ellipsis: true, render: (_, c) => indicatorName(c) },
        { title: '栏目', dataIndex: 'field', width: 110 },
        { title: '原值', dataIndex: 'before', ellipsis: true, render: (v: unknown) => (v === null || v === '' ? <Text type="secondary">(空)</Text> : printable(String(v))) },
        { title: '新值', dataIndex: 'after', ellipsis: true, render: (v: unknown) => (v === null || v === '' ? <Text type="secondary">(空)</Text> : printable(String(v))) },
      ]}
    />
  );
}

export function ImportPage() {
  const periodLabel = usePeriodLabel();
  const info = useApp((s) => s.info);
  const changed = useApp((s) => s.changed);
  const load = useApp((s) => s.load);
  const go = useApp((s) => s.go);
  const summary = info?.role === 'summary';
  const [dryRun, setDryRun] = useState(summary);
  const [receivedOn, setReceivedOn] = useState<Dayjs | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [results, setResults] = useState<readonly ImportFileResult[] | null>(null);
  const [wasDryRun, setWasDryRun] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [returns, setReturns] = useState<readonly ReturnView[]>([]);
  const report = useErrorReporter();
  const { modal } = AntApp.useApp();

  useEffect(() => onEvent('import:progress', setProgress), []);
  useEffect(() => {
    if (!summary) call('returns:list', {}).then(setReturns, (err: unknown) => report(err));
  }, [summary, results]);

  const received = receivedOn ? { receivedOn: receivedOn.format('YYYY-MM-DD') } : {};

  async function run(first: boolean, opts: { dryRun: boolean; acceptNewKeys: boolean; mode?: 'files' | 'folder' }) {
    setBusy(true);
    setProgress(null);
    try {
      const r = first
        ? await call('packages:import', { mode: opts.mode ?? 'files', dryRun: opts.dryRun, acceptNewKeys: opts.acceptNewKeys, ...received })
        : await call('packages:importAgain', { dryRun: opts.dryRun, acceptNewKeys: opts.acceptNewKeys, ...received });
      if (r === null) return;
      setResults(r);
      setWasDryRun(opts.dryRun);
      setAccepted(opts.acceptNewKeys);
      if (!opts.dryRun) changed();
      // A new assignment may bring another reporting frequency: the plan's periods and their names change.
      if (!opts.dryRun && r.some((x) => x.kind === 'assignment' && x.status === 'accepted')) await load();
      const unknown = r.filter((x) => x.code === 'E_UNKNOWN_KEY');
      // An office's key (this one's, a parent's, a county's) is never a unit's: nothing to offer to share.
      const ofOtherUnits = r.filter((x) => x.code === 'E_KEY_OF_OTHER_UNIT' && !(x.holders ?? []).some(isOfficeHolder));
      if (unknown.length > 0) confirmKeys(unknown, opts.dryRun);
      else if (ofOtherUnits.length > 0) confirmSharedKeys(ofOtherUnits, opts);
    } catch (err) {
      report(err, '导入未完成');
    } finally {
      setBusy(false);
    }
  }

  function confirmKeys(list: readonly ImportFileResult[], wasPreview: boolean) {
    modal.confirm({
      title: '单位首次报送:请核对密钥指纹',
      width: 600,
      okText: '指纹一致,接受并继续',
      cancelText: '暂不接受',
      content: (
        <div data-testid="key-confirm">
          <Paragraph>以下单位是第一次报送,本机还没有登记它们的密钥。请电话联系这些单位,请对方读出其程序「设置」页上的本机密钥指纹,与下面的一致才能接受:</Paragraph>
          <ul className="key-list">
            {list.map((r) => <li key={r.file}><Text strong>{r.unit ?? printable(r.file)}</Text><Text type="secondary">({printable(r.file)})</Text>:<Text code strong className="fingerprint" data-testid="new-key-fingerprint">{r.fingerprint}</Text></li>)}
          </ul>
          <Paragraph type="secondary">接受后这些密钥会被登记(记入审计日志),以后只接受用同一密钥签名的数据包。</Paragraph>
        </div>
      ),
      onOk: () => run(false, { dryRun: wasPreview, acceptNewKeys: true }),
    });
  }

  /**
   * A key already registered for another unit is refused whatever the choice of new keys; only a
   * deliberate choice, file by file, registers it as this unit's shared key (audited, warned).
   */
  function confirmSharedKeys(list: readonly ImportFileResult[], opts: { dryRun: boolean; acceptNewKeys: boolean }) {
    modal.confirm({
      title: '密钥已属于其他单位:请先核实',
      width: 640,
      okText: '确认两个单位共用这个密钥,登记并重新导入',
      okButtonProps: { danger: true },
      cancelText: '不登记',
      content: (
        <div data-testid="shared-key-confirm">
          <Paragraph>以下数据包的签名密钥已经登记为别的单位的密钥。一个密钥通常只属于一个单位:可能是冒名文件,也可能是两个单位在同一台电脑上填报。请电话与双方核实。</Paragraph>
          <ul className="key-list">
            {list.map((r) => (
              <li key={r.file}>
                <Text strong>{r.unit ?? printable(r.file)}</Text><Text type="secondary">({printable(r.file)})</Text>:
                <Text code strong className="fingerprint">{r.fingerprint}</Text>
                <Text type="danger" data-testid="shared-key-warning"> 已属于 {(r.holders ?? []).join('、')}</Text>
              </li>
            ))}
          </ul>
          <Paragraph type="secondary">确认后,这个密钥同时登记为上面各单位的密钥(只针对这些文件所属的单位,记入审计日志),以后用它签名的数据包都会被接受为这些单位的。</Paragraph>
        </div>
      ),
      onOk: async () => {
        try {
          const warnings: string[] = [];
          for (const r of list) {
            const accepted = await call('keys:acceptFromFile', { file: r.file, sharedKey: true });
            if (accepted?.warning) warnings.push(accepted.warning);
          }
          if (warnings.length > 0) modal.warning({ title: '已登记为共用密钥', content: <div className="pre-line" data-testid="shared-key-accepted">{warnings.join('\n')}</div>, width: 600, okText: '知道了' });
          await run(false, opts);
        } catch (err) {
          report(err, '未登记');
        }
      },
    });
  }

  const counts = results ? { ok: results.filter((r) => r.status === 'accepted').length, dup: results.filter((r) => r.status === 'duplicate').length, bad: results.filter((r) => r.status === 'rejected').length } : null;
  const canCommit = results !== null && wasDryRun && results.some((r) => r.status === 'accepted');

  const columns: ColumnsType<ImportFileResult> = [
    { title: '文件', dataIndex: 'file', width: 260, ellipsis: true, render: (f: string) => printable(f) },
    { title: '结果', dataIndex: 'status', width: 84, render: (s: ImportFileResult['status']) => <Tag color={STATUS[s].color}>{wasDryRun ? STATUS[s].preview : STATUS[s].word}</Tag> },
    { title: '单位', dataIndex: 'unit', width: 110, render: (u?: string) => u ?? '—' },
    { title: '报送期', dataIndex: 'period', width: 120, className: 'nowrap', render: (p?: string) => (p ? periodLabel(p) : '—') },
    { title: '版本', dataIndex: 'revision', width: 64, render: (v?: number) => (v ? `第${v}版` : '—') },
    { title: '说明', dataIndex: 'message', render: (m: string, r) => <span className={r.status === 'rejected' ? 'text-danger' : ''}>{printable(m)}{r.code ? <Text type="secondary">({ERROR_LABELS[r.code as ErrorCode] ?? r.code} {r.code})</Text> : null}</span> },
  ];

  return (
    <div data-testid="import-page">
      <Card size="small" className="stats-card" title={summary ? '导入填报包' : '导入反馈包或新任务包'}>
        <Paragraph type="secondary">
          {summary
            ? '可以一次选择多个文件,或选择U盘上的整个文件夹。每个文件单独核验签名和内容,全部通过才会合并;被拒收的文件不改变任何数据,重复的文件自动跳过。'
            : '导入汇总端发来的反馈包(退回事项和回执)或新版任务包(目标调整)。'}
        </Paragraph>
        <Space wrap size={16}>
          <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} data-testid="dry-run">先预览变化,不写入</Checkbox>
          {summary && <Space><Text>收到日期</Text><DatePicker value={receivedOn} onChange={setReceivedOn} placeholder={`默认今天 ${todayIso()}`} style={{ width: 180 }} /></Space>}
          <Button type="primary" onClick={() => void run(true, { dryRun, acceptNewKeys: false, mode: 'files' })} loading={busy} data-testid="import-files">选择文件…</Button>
          <Button onClick={() => void run(true, { dryRun, acceptNewKeys: false, mode: 'folder' })} disabled={busy} data-testid="import-folder">选择文件夹…</Button>
        </Space>
        {(busy || (progress && progress.total > 0)) && (
          <div className="import-progress" data-testid="import-progress">
            <Progress percent={progress && progress.total ? Math.round((progress.done / progress.total) * 100) : 0} status={busy ? 'active' : 'normal'} />
            <Text type="secondary">{progress?.waiting ?? (progress ? (progress.done < progress.total ? `正在处理第 ${progress.done + 1} 个文件,共 ${progress.total} 个:${progress.file}` : `已处理 ${progress.total} 个文件`) : '正在读取…')}</Text>
          </div>
        )}
      </Card>
      {results && counts && (
        <Card size="small" className="content-card" title={wasDryRun ? '预览结果(尚未写入)' : '导入结果'} extra={
          canCommit && (
            <Button type="primary" onClick={() => void run(false, { dryRun: false, acceptNewKeys: accepted })} loading={busy} data-testid="commit-import">确认导入</Button>
          )
        }>
          <Alert
            className="page-alert" showIcon type={counts.bad > 0 ? 'warning' : 'success'} data-testid="import-summary"
            title={`共 ${results.length} 个文件:${wasDryRun ? '可导入' : '已导入'} ${counts.ok},重复 ${counts.dup},拒收 ${counts.bad}。`}
          />
          <Table<ImportFileResult>
            size="small" rowKey="file" pagination={false} columns={columns} dataSource={[...results]} data-testid="import-results"
            expandable={{ rowExpandable: (r) => (r.changes?.length ?? 0) > 0, expandedRowRender: (r) => <ChangesTable changes={r.changes ?? []} />, defaultExpandAllRows: wasDryRun }}
          />
        </Card>
      )}
      {!summary && (
        <Card size="small" className="content-card" title="退回的任务">
          {returns.length === 0 ? <Empty description="没有退回的任务" /> : (
            <Table<ReturnView> size="small" pagination={false} rowKey={(r) => `${r.period}-${r.task}-${r.createdAt}`} dataSource={[...returns]} data-testid="unit-returns"
              columns={[
                { title: '报送期', dataIndex: 'period', width: 120, className: 'nowrap', render: (p: string) => periodLabel(p) },
                { title: '任务', key: 't', width: 260, render: (_, r) => `${r.task}. ${r.taskTitle}` },
                { title: '退回意见', dataIndex: 'comment' },
                { title: '状态', dataIndex: 'done', width: 110, render: (d: boolean) => (d ? <Tag color="green">已重新导出</Tag> : <Tag color="orange">待修改</Tag>) },
                { title: '', key: 'op', width: 80, render: (_, r) => <Button size="small" onClick={() => { openEntryAt(r.task); useApp.getState().setPeriod(r.period); go('entry'); }}>去修改</Button> },
              ]} />
          )}
        </Card>
      )}
    </div>
  );
}

