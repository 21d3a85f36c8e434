/** The shell: top header with 民生工作督办台账, the period picker, a left menu and the page. */
import { useEffect, useState } from 'react';
import { Alert, Button, Layout, Menu, Result, Select, Space, Spin, Tag } from 'antd';
import type { MenuProps } from 'antd';
import { shortDate } from './components/common';
import { AuditPage } from './pages/AuditPage';
import { BulletinPage } from './pages/BulletinPage';
import { Dashboard } from './pages/Dashboard';
import { EntryPage } from './pages/EntryPage';
import { FirstStart } from './pages/FirstStart';
import { ImportPage } from './pages/ImportPage';
import { PeriodsPage, unitPeriodTag } from './pages/PeriodsPage';
import { PlanPage } from './pages/PlanPage';
import { QuotasPage } from './pages/QuotasPage';
import { SettingsPage } from './pages/SettingsPage';
import { UnitDetail } from './pages/UnitDetail';
import { UnitsPage } from './pages/UnitsPage';
import { useApp, usePeriodLabel, type Page } from './store';

const { Header, Sider, Content } = Layout;

const SUMMARY_MENU: MenuProps['items'] = [
  { key: 'dashboard', label: '汇总与报送情况' },
  { key: 'import', label: '导入填报包' },
  { key: 'units', label: '单位、密钥与数据包' },
  { key: 'proxy', label: '代填纸质报表' },
  { key: 'bulletin', label: '督查通报' },
  { key: 'periods', label: '报送期与关账' },
  { key: 'plan', label: '工作计划' },
  { key: 'quotas', label: '任务分解' },
  { key: 'settings', label: '设置' },
  { key: 'audit', label: '审计日志' },
];

const UNIT_MENU: MenuProps['items'] = [
  { key: 'entry', label: '本期填报' },
  { key: 'periods', label: '报送期' },
  { key: 'import', label: '导入反馈包' },
  { key: 'settings', label: '设置' },
  { key: 'audit', label: '操作记录' },
];

function PeriodPicker() {
  const periods = useApp((s) => s.periods);
  const period = useApp((s) => s.period);
  const info = useApp((s) => s.info);
  const setPeriod = useApp((s) => s.setPeriod);
  const label = usePeriodLabel();
  return (
    <Space className="period-picker">
      <span className="header-label">报送期</span>
      <Select
        value={period ?? undefined}
        onChange={setPeriod}
        style={{ width: info?.role === 'unit' ? 330 : 230 }}
        popupMatchSelectWidth={false}
        virtual={false}
        data-testid="period-select"
        options={periods.map((p) => ({
          value: p.period,
          // A unit enters and exports here: a period not yet begun is shown but cannot be chosen.
          disabled: info?.role === 'unit' && !p.started,
          label: (
            <span className="period-option">
              {label(p.period)}<span className="muted">(截止{shortDate(p.dueOn)})</span>
              {p.locked && <Tag color="purple">已关账</Tag>}
              {info?.role === 'unit' && (p.started ? unitPeriodTag(p) : <Tag>未开始</Tag>)}
            </span>
          ),
        }))}
      />
    </Space>
  );
}

function PageView({ page }: { readonly page: Page }) {
  switch (page) {
    case 'dashboard': return <Dashboard />;
    case 'unitDetail': return <UnitDetail />;
    case 'import': return <ImportPage />;
    case 'units': return <UnitsPage />;
    case 'proxy': return <ProxyEntry />;
    case 'bulletin': return <BulletinPage />;
    case 'periods': return <PeriodsPage />;
    case 'plan': return <PlanPage />;
    case 'quotas': return <QuotasPage />;
    case 'entry': return <EntryPage />;
    case 'settings': return <SettingsPage />;
    case 'audit': return <AuditPage />;
  }
}

/** 代填: pick the unit, then the same entry form the units use. */
function ProxyEntry() {
  const plan = useApp((s) => s.plan);
  const unit = useApp((s) => s.unit);
  const go = useApp((s) => s.go);
  return (
    <>
      <div className="proxy-picker">
        <Space>
          <span>代填单位</span>
          <Select showSearch virtual={false} value={unit ?? undefined} placeholder="选择单位" style={{ width: 240 }} onChange={(u: string) => go('proxy', u)}
            options={plan?.units.map((u) => ({ value: u, label: u })) ?? []} data-testid="proxy-unit" />
        </Space>
      </div>
      {unit && <EntryPage proxy />}
    </>
  );
}

export function App() {
  const { info, page, go, load } = useApp();
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    load().catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
  }, [load]);

  if (failed) {
    return <Result status="error" title="无法打开台账" subTitle={failed} extra={<Button onClick={() => location.reload()}>重试</Button>} />;
  }
  if (!info) return <div className="boot"><Spin size="large" /></div>;

  const role = info?.role ?? null;
  const menu = role === 'summary' ? SUMMARY_MENU : UNIT_MENU;
  const selected = page === 'unitDetail' ? 'dashboard' : page;

  return (
    <Layout className="app">
      <Header className="app-header">
        <div className="brand">
          <span className="brand-mark">民</span>
          <span className="brand-title">民生工作督办台账</span>
          {role && <Tag color={role === 'summary' ? 'gold' : 'cyan'} className="role-tag">{role === 'summary' ? `汇总端 · ${info?.officeName ?? ''}` : `填报端 · ${info?.unit ?? ''}`}</Tag>}
        </div>
        {role && <PeriodPicker />}
      </Header>
      {role === null ? (
        <Content className="app-content first"><FirstStart /></Content>
      ) : (
        <Layout>
          <Sider width={188} theme="light" className="app-sider">
            <Menu mode="inline" selectedKeys={[selected]} items={menu} onClick={(e) => go(e.key as Page, e.key === 'proxy' ? null : undefined)} data-testid="main-menu" />
            <div className="sider-foot">
              <div>{info?.planTitle}</div>
              <div>本机指纹</div>
              <div className="fingerprint small">{info?.fingerprint}</div>
            </div>
          </Sider>
          <Content className="app-content">
            {role === 'unit' && info?.officeFingerprint === null && <Alert type="warning" title="尚未登记汇总端密钥" />}
            {info.readOnlyYear !== null && (
              <Alert type="info" showIcon className="read-only-year" data-testid="read-only-year"
                title={`正在查看 ${info.readOnlyYear} 年的台账(只读):可以查看、打印和导出,不能修改。`}
                action={<Button size="small" onClick={() => go('plan')}>切换年度</Button>} />
            )}
            <PageView page={page} />
          </Content>
        </Layout>
      )}
    </Layout>
  );
}
