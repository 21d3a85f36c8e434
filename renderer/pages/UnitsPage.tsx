/** 汇总端: the units in the fixed order, their pinned keys, and their assignment and feedback packages. */
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Input, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ExportResult, KeysView, ReturnView } from '../../shared/api';
import { call } from '../api';
import { STICKY_HEADER, useErrorReporter } from '../components/common';
import { useTableView } from '../components/TableTools';
import type { TableSpec } from '../../shared/table-view';
import { useApp } from '../store';

const { Text, Paragraph } = Typography;

interface UnitRow {
  readonly seq: number;
  readonly unit: string;
  readonly lead: number;
  readonly co: number;
  readonly fingerprint: string | null;
  readonly acceptedAt: string | null;
  readonly pendingReturns: number;
}

/** The units page's table: searched by name or fingerprint, filtered by whether a key is pinned or a return waits. */
const KEY_TABLE: TableSpec<UnitRow> = {
  title: '单位与密钥',
  key: (r) => r.unit,
  text: (r) => `${r.unit} ${r.fingerprint ?? ''}`,
  sort: {
    seq: { label: '序号', value: (r) => r.seq },
    tasks: { label: '牵头任务数', value: (r) => r.lead },
  },
  filter: {
    key: { label: '密钥', values: (r) => [r.fingerprint ? '已登记' : '未登记'] },
    returns: { label: '待发退回', values: (r) => [r.pendingReturns > 0 ? '有待发退回' : '无'] },
  },
};

export function UnitsPage() {
  const plan = useApp((s) => s.plan);
  const version = useApp((s) => s.version);
  const changed = useApp((s) => s.changed);
  const go = useApp((s) => s.go);
  const [keys, setKeys] = useState<KeysView | null>(null);
  const [returns, setReturns] = useState<readonly ReturnView[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const report = useErrorReporter();
  const { modal } = AntApp.useApp();

  useEffect(() => {
    Promise.all([call('keys:list', {}), call('returns:list', {})]).then(([k, r]) => { setKeys(k); setReturns(r); }, (err: unknown) => report(err));
  }, [version]);

  const rows: UnitRow[] = (plan?.units ?? []).map((unit, k) => {
    const key = keys?.pinned.find((p) => p.unit === unit);
    return {
      seq: k + 1, unit,
      lead: plan!.tasks.filter((t) => t.leadUnits.includes(unit)).length,
      co: plan!.tasks.filter((t) => t.coUnits.includes(unit)).length,
      fingerprint: key?.fingerprint ?? null, acceptedAt: key?.acceptedAt ?? null,
      pendingReturns: returns.filter((r) => r.unit === unit && !r.done).length,
    };
  });

  const view = useTableView(rows, KEY_TABLE);
  if (!plan) return null;

  async function exportPackage(kind: 'assignment' | 'feedback', unit: string) {
    setBusy(`${kind}:${unit}`);
    try {
      const r: ExportResult | null = kind === 'assignment' ? await call('packages:exportAssignment', { unit }) : await call('packages:exportFeedback', { unit });
      if (r) {
        modal.success({
          title: kind === 'assignment' ? '任务包已生成' : '反馈包已生成', width: 560, okText: '知道了',
          content: (
            <div data-testid="package-result">
              <Paragraph>文件:<Text strong copyable>{r.fileName}</Text></Paragraph>
              <Paragraph>位置:{r.folder}</Paragraph>
              {kind === 'assignment' && <Paragraph type="secondary">请用U盘交给{unit},并电话告知本机密钥指纹 <Text code>{keys?.own}</Text> 供对方核对。</Paragraph>}
            </div>
          ),
        });
        changed();
      }
    } catch (err) {
      report(err, '数据包未生成');
    } finally {
      setBusy(null);
    }
  }

  async function exportAll() {
    if (!plan) return;
    setBusy('all');
    try {
      const r = await call('packages:exportAllAssignments', {});
      if (r) {
        modal.success({
          title: `已生成 ${r.written.length} 个任务包`, width: 640, okText: '知道了',
          content: (
            <div data-testid="assignments-written">
              <Paragraph>位置:{r.folder}</Paragraph>
              <ol className="plain-list rows">{r.written.map((w) => <li key={w.unit}>{w.unit}:{w.fileName}(计划第{w.revision}版)</li>)}</ol>
              <Paragraph type="secondary">请用U盘分别交给各单位,并电话告知本机密钥指纹 <Text code>{keys?.own}</Text> 供对方核对。</Paragraph>
            </div>
          ),
        });
        changed();
      }
    } catch (err) {
      report(err, '任务包未全部生成');
    } finally {
      setBusy(null);
    }
  }

  async function acceptKey() {
    try {
      const r = await call('keys:acceptFromFile', {});
      if (r) {
        modal.success({ title: '已登记新密钥', content: <>{r.unit} 的密钥指纹:<Text code strong>{r.fingerprint}</Text>(已记入审计日志)</>, okText: '知道了' });
        changed();
      }
    } catch (err) {
      report(err, '未登记');
    }
  }

  const columns: ColumnsType<UnitRow> = [
    { title: '序号', dataIndex: 'seq', width: 70, align: 'center', ...view.column('seq') },
    { title: '单位', dataIndex: 'unit', width: 160, render: (u: string) => <Button type="link" size="small" onClick={() => go('unitDetail', u)}>{u}</Button> },
    { title: '牵头/协同任务', width: 124, align: 'center', ...view.column('tasks'), render: (_, r) => `${r.lead}/${r.co}` },
    {
      // A key is pinned by the unit's first imported package; a unit may have reported by proxy entry without one.
      title: '密钥指纹', dataIndex: 'fingerprint', width: 200, ...view.column('key'),
      render: (f: string | null) => (f ? <Text code>{f}</Text> : <Tooltip title="该单位还没有导入过填报包。代填的报表不登记密钥;导入其第一个填报包时核对并登记。"><Text type="secondary">未登记</Text></Tooltip>),
    },
    { title: '登记日期', dataIndex: 'acceptedAt', width: 100, render: (d: string | null) => d?.slice(0, 10) ?? '—' },
    { title: '待发退回', dataIndex: 'pendingReturns', width: 100, align: 'center', ...view.column('returns'), render: (n: number) => (n > 0 ? <Tag color="orange">{n} 项</Tag> : '—') },
    {
      title: '数据包', key: 'op', render: (_, r) => (
        <Space>
          <Button size="small" loading={busy === `assignment:${r.unit}`} onClick={() => void exportPackage('assignment', r.unit)} data-testid={`assign-${r.unit}`}>生成任务包</Button>
          <Button size="small" loading={busy === `feedback:${r.unit}`} onClick={() => void exportPackage('feedback', r.unit)} data-testid={`feedback-${r.unit}`}>生成反馈包</Button>
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="units-page">
      <Card size="small" className="stats-card" title="单位与密钥" extra={<Space>
        <Button onClick={() => void exportAll()} loading={busy === 'all'} data-testid="assign-all">生成全部任务包…</Button>
        <Button onClick={() => void acceptKey()}>从填报包登记新密钥…</Button>
      </Space>}>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          本机密钥指纹 <Text code strong className="fingerprint">{keys?.own ?? '…'}</Text>。任务包带有本机签名,各单位据此核对。单位第一次报送时登记其密钥;
          单位重装程序后密钥会变化,核实后用「从填报包登记新密钥」更换(下级汇总端重装后,选它的汇总包)。
        </Paragraph>
        {keys?.parent && (
          <Paragraph type="secondary" style={{ margin: '4px 0 0' }} data-testid="parent-key">
            上级汇总端「{keys.parent.name}」的密钥指纹 <Text code>{keys.parent.fingerprint}</Text>
          </Paragraph>
        )}
        {keys && keys.offices.length > 0 && (
          <Paragraph type="secondary" style={{ margin: '4px 0 0' }} data-testid="office-keys">
            下级汇总端的密钥指纹:{keys.offices.map((o, k) => <span key={o.office}>{k > 0 ? ';' : ''}{o.office} <Text code>{o.fingerprint}</Text></span>)}
          </Paragraph>
        )}
      </Card>
      <Card size="small" className="content-card">
        <div className="table-toolbar">
          <Space wrap>
            <Input.Search allowClear placeholder="搜索单位或指纹" style={{ width: 260 }} value={view.query.search} onChange={(e) => view.setSearch(e.target.value)} data-testid="search-keys" />
            <Text type="secondary">显示 {view.rows.length} / {rows.length} 个单位</Text>
          </Space>
        </div>
        <Table<UnitRow> size="small" rowKey="unit" pagination={false} columns={columns} dataSource={[...view.rows]} onChange={view.onChange} sticky={STICKY_HEADER} data-testid="units-table" />
      </Card>
    </div>
  );
}
