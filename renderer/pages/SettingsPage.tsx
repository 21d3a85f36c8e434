/** Settings: this computer's fingerprint, the office's (at a unit), the office's name, light thresholds and the due day (at the office). */
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Space, Table, Tag, Typography } from 'antd';
import type { BackupView, StoreView } from '../../shared/api';
import { FREQUENCY_LABELS, REPORTING_FREQUENCIES, type ReportingFrequency } from '../../shared/domain';
import { localDate } from '../../shared/format';
import { DEFAULT_DUE_DAY } from '../../shared/rules/periods';
import { DEFAULT_THRESHOLDS } from '../../shared/rules/progress';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { SERVER_ADDRESS_HELP, ServerConnect, useStoreSwitch } from '../components/ServerConnect';
import { useApp } from '../store';

const { Text, Paragraph } = Typography;

export function SettingsPage() {
  const info = useApp((s) => s.info);
  const settings = useApp((s) => s.settings);
  const plan = useApp((s) => s.plan);
  const load = useApp((s) => s.load);
  const go = useApp((s) => s.go);
  const [store, setStore] = useState<StoreView | null>(null);
  const { switching, switchStore, connect } = useStoreSwitch((next) => {
    setStore(next);
    go('dashboard');
  });
  const [yellow, setYellow] = useState<number | null>(settings?.yellowPoints ?? DEFAULT_THRESHOLDS.yellowPoints);
  const [dueDay, setDueDay] = useState<number | null>(settings?.dueDay ?? DEFAULT_DUE_DAY);
  const [officeName, setOfficeName] = useState(settings?.officeName ?? '');
  const [frequency, setFrequency] = useState<ReportingFrequency>(settings?.frequency ?? 'monthly');
  const [busy, setBusy] = useState(false);
  const report = useErrorReporter();
  const { message } = AntApp.useApp();
  const summary = info?.role === 'summary';
  const [backups, setBackups] = useState<readonly BackupView[]>([]);
  const { modal } = AntApp.useApp();

  useEffect(() => {
    setYellow(settings?.yellowPoints ?? DEFAULT_THRESHOLDS.yellowPoints);
    setDueDay(settings?.dueDay ?? DEFAULT_DUE_DAY);
    setOfficeName(settings?.officeName ?? '');
    setFrequency(settings?.frequency ?? 'monthly');
  }, [settings]);

  useEffect(() => {
    call('backup:list', {}).then(setBackups, (err: unknown) => report(err));
    call('store:get', {}).then(setStore, (err: unknown) => report(err));
  }, []);


  async function backupNow() {
    try {
      const b = await call('backup:create', {});
      void message.success(`已备份:${b.name}`);
      setBackups(await call('backup:list', {}));
    } catch (err) {
      report(err, '未备份');
    }
  }

  function restore(b: BackupView) {
    modal.confirm({
      title: '恢复这个备份?',
      width: 560,
      content: <>数据库将恢复到 <Text strong>{localDate(new Date(b.createdAt), 'minutes')}</Text> 的状态。恢复前会先把当前数据库另存为一个备份,可以再恢复回来。</>,
      okText: '恢复', cancelText: '取消', okButtonProps: { danger: true },
      onOk: async () => {
        try {
          const r = await call('backup:restore', { name: b.name });
          void message.success(`已恢复 ${r.restoredFrom}${r.safetyCopy ? `(恢复前的数据已另存为 ${r.safetyCopy})` : ''}。${r.auditNotCarried ?? `自该备份以来的 ${r.carriedAudit} 条审计记录已转入,审计日志未丢失。`}`);
          await load();
          setBackups(await call('backup:list', {}));
        } catch (err) {
          report(err, '未恢复');
        }
      },
    });
  }

  const REASONS: Record<BackupView['reason'], string> = { manual: '手动', 'before-import': '导入前自动', 'before-restore': '恢复前自动' };

  async function save() {
    setBusy(true);
    try {
      const renamed = officeName.trim() !== (settings?.officeName ?? '') ? { officeName } : {};
      const refrequenced = frequency !== settings?.frequency ? { frequency } : {};
      await call('settings:update', { ...(yellow !== null ? { yellowPoints: yellow } : {}), ...(dueDay !== null ? { dueDay } : {}), ...renamed, ...refrequenced });
      void message.success('设置已保存(已记入审计日志)');
      await load();
    } catch (err) {
      report(err, '设置未保存');
    } finally {
      setBusy(false);
    }
  }

  if (!info) return null;
  return (
    <div data-testid="settings-page">
      <Card size="small" className="stats-card" title="本机">
        <Descriptions column={1} size="small" bordered styles={{ label: { width: 180 } }}>
          <Descriptions.Item label="用途">{summary ? '汇总端' : `填报端(${info.unit})`}</Descriptions.Item>
          <Descriptions.Item label="工作计划">{plan ? `${plan.title}(第${plan.revision}版)` : '—'}</Descriptions.Item>
          {summary ? <Descriptions.Item label="汇总单位">{info.officeName}</Descriptions.Item> : <Descriptions.Item label="报送给">{info.officeName}</Descriptions.Item>}
          <Descriptions.Item label="本机密钥指纹"><Text code strong className="fingerprint" data-testid="settings-fingerprint">{info.fingerprint}</Text></Descriptions.Item>
          {!summary && <Descriptions.Item label="汇总端密钥指纹"><Text code strong className="fingerprint">{info.officeFingerprint}</Text></Descriptions.Item>}
          <Descriptions.Item label="程序版本">{info.version}</Descriptions.Item>
        </Descriptions>
        <Paragraph type="secondary" className="hint">密钥指纹用于电话核对数据包的来源。私钥保存在本机数据库旁,不会进入任何数据包或备份。</Paragraph>
      </Card>
      <Card size="small" className="content-card" title={summary ? '汇总单位、报送频率、红黄绿灯与截止日期' : '报送频率、红黄绿灯与截止日期'}>
        <Form layout="horizontal" labelCol={{ flex: '220px' }} disabled={!summary}>
          {summary && (
            <Form.Item label="汇总单位名称" extra="写在本机发出的任务包、反馈包及其封面上。各单位按密钥指纹认本机,改名不影响它们报送。">
              <Input value={officeName} maxLength={50} onChange={(e) => setOfficeName(e.target.value)} style={{ maxWidth: 360 }} data-testid="office-name" />
            </Form.Item>
          )}
          <Form.Item label="报送频率" extra={summary
            ? (settings?.frequencyLocked ? '已有报送数据,报送频率不能再修改。' : '按季度时,报送期为 1-3月、1-6月、1-9月、1-12月(累计到季度末),季度结束后的次月截止日前报送。只能在开始报送之前修改;修改后请重新生成各单位的任务包。')
            : '由汇总端在任务包中规定。'}>
            <Radio.Group value={frequency} onChange={(e) => setFrequency(e.target.value as ReportingFrequency)} disabled={settings?.frequencyLocked ?? true} data-testid="settings-frequency"
              options={REPORTING_FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] }))} />
          </Form.Item>
          <Form.Item label="黄灯阈值" extra="一个阈值,各类指标按自己的口径计:累计类落后序时进度、水平类和增幅类低于目标,不足该数(个百分点)为黄灯,达到或超过为红灯。">
            <Space.Compact><InputNumber min={1} max={50} value={yellow} onChange={setYellow} /><Space.Addon>个百分点</Space.Addon></Space.Compact>
          </Form.Item>
          <Form.Item label="报送截止日(次月)" extra={`${settings?.frequency === 'quarterly' ? '按季度报送时,为季度结束后次月的这一天。' : ''}修改后,未关账报送期的截止日期一并调整。`}>
            <Space.Compact><Space.Addon>每月</Space.Addon><InputNumber min={1} max={28} value={dueDay} onChange={setDueDay} /><Space.Addon>日</Space.Addon></Space.Compact>
          </Form.Item>
          {summary && <Form.Item label=" " colon={false}><Button type="primary" loading={busy} onClick={() => void save()}>保存设置</Button></Form.Item>}
        </Form>
        {!summary && <Paragraph type="secondary">填报端的阈值和截止日期由汇总端规定。</Paragraph>}
      </Card>
      {store && (
        <Card size="small" className="content-card" title="台账数据库" data-testid="store-card">
          <Descriptions column={1} size="small" bordered styles={{ label: { width: 180 } }}>
            <Descriptions.Item label="当前使用">{store.kind === 'postgres' ? '单位服务器上的 PostgreSQL 数据库' : '本机的台账文件'}</Descriptions.Item>
            <Descriptions.Item label="位置"><Text code data-testid="store-shown">{store.shown}</Text></Descriptions.Item>
            {store.ledgerHome && <Descriptions.Item label="密钥文件夹">{store.ledgerHome}</Descriptions.Item>}
          </Descriptions>
          {store.canSwitch && (
            <Form layout="horizontal" labelCol={{ flex: '220px' }} style={{ marginTop: 12 }}>
              <Form.Item label="连接服务器上的台账"
                extra={`几位同事同时导入、填报,或单位要求数据放在服务器上时使用(兼容 KingbaseES、openGauss)。${SERVER_ADDRESS_HELP}`}>
                <ServerConnect busy={switching}
                  onConnect={(address) => void connect(address)} />
              </Form.Item>
              {store.kind === 'postgres' && (
                <Form.Item label=" " colon={false}>
                  <Button loading={switching} onClick={() => void switchStore(() => call('store:useLocal', {}), () => '已改回本机的台账。', '未能改回本机的台账')}>改回本机的台账</Button>
                </Form.Item>
              )}
            </Form>
          )}
        </Card>
      )}
      <Card size="small" className="content-card" title="备份与恢复" extra={<Button onClick={() => void backupNow()}>立即备份</Button>}>
        <Paragraph type="secondary">{store?.kind === 'postgres'
          ? '服务器上的台账用 pg_dump 备份到密钥文件夹旁,保留最近 20 份;导入前不另做备份(由服务器的备份负责)。恢复请交服务器管理员执行。'
          : '每次导入数据包前自动备份,保留最近 20 份。备份只含数据库,不含私钥。'}</Paragraph>
        <Table<BackupView> size="small" rowKey="name" dataSource={[...backups]} pagination={backups.length > 8 ? { pageSize: 8, showSizeChanger: false } : false}
          locale={{ emptyText: '还没有备份' }}
          columns={[
            { title: '时间', dataIndex: 'createdAt', width: 160, render: (d: string) => localDate(new Date(d), 'minutes') },
            { title: '类型', dataIndex: 'reason', width: 110, render: (r: BackupView['reason']) => <Tag>{REASONS[r]}</Tag> },
            { title: '大小', dataIndex: 'bytes', width: 100, render: (n: number) => `${(n / 1024).toFixed(0)} KB` },
            { title: '文件', dataIndex: 'name', ellipsis: true },
            { title: '', key: 'op', width: 80, render: (_, b) => <Button size="small" danger onClick={() => restore(b)}>恢复…</Button> },
          ]} />
      </Card>
    </div>
  );
}
