/**
 * First start: this computer is either the summary office (on the embedded plan or on the office's own
 * plan read from its notice or 责任分解表) or a unit (from its assignment package).
 */
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Checkbox, Col, Input, Modal, Radio, Row, Space, Typography } from 'antd';
import type { AllocationPreview, AppInfo, PlanFileView, StoreView } from '../../shared/api';
import { officeNameProblem } from '../../shared/format';
import { FREQUENCY_LABELS, REPORTING_FREQUENCIES, type ReportingFrequency } from '../../shared/domain';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { OfficeFromAllocation } from '../components/OfficeFromAllocation';
import { PlanPreview } from '../components/PlanPreview';
import { SERVER_ADDRESS_HELP, ServerConnect, useStoreSwitch } from '../components/ServerConnect';
import { useApp } from '../store';

const { Title, Paragraph, Text } = Typography;

export function FingerprintNotice({ info }: { readonly info: AppInfo }) {
  return (
    <div className="fingerprint-notice">
      <Paragraph>
        本机密钥指纹:<Text strong code className="fingerprint" data-testid="own-fingerprint">{info.fingerprint}</Text>
      </Paragraph>
      {info.officeFingerprint && (
        <Paragraph>
          汇总端密钥指纹:<Text strong code className="fingerprint" data-testid="office-fingerprint">{info.officeFingerprint}</Text>
          <br />
          <Text type="warning">请与汇总端电话核对这个指纹,一致后再开始填报。</Text>
        </Paragraph>
      )}
      {info.role === 'summary' && <Paragraph type="secondary">请把本机指纹电话告知各填报单位,供他们核对任务包。</Paragraph>}
    </div>
  );
}

/** The office's name proposed from the plan's issuer: 郎溪县人民政府 → 郎溪县民生工作办公室. */
function proposedOfficeName(issuer: string): string {
  const place = /^(.+?[省市县区旗])(?:人民政府|政府)?/.exec(issuer.trim())?.[1];
  return place ? `${place}民生工作办公室` : '';
}

export function FirstStart() {
  // Off unless asked for: a real office must not begin with a year of made-up reports (issue 14).
  const [withDemo, setWithDemo] = useState(false);
  const [planSource, setPlanSource] = useState<'embedded' | 'file'>('embedded');
  const [chosen, setChosen] = useState<PlanFileView | null>(null);
  const [previewOpen, setPreviewOpen] = useState(false);
  const [officeName, setOfficeName] = useState('');
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState('');
  const [frequency, setFrequency] = useState<ReportingFrequency>('monthly');
  const [busy, setBusy] = useState<'summary' | 'unit' | null>(null);
  const [store, setStore] = useState<StoreView | null>(null);
  const { switching, connect } = useStoreSwitch();
  const load = useApp((s) => s.load);
  const { modal } = AntApp.useApp();
  const report = useErrorReporter();

  useEffect(() => {
    call('store:get', {}).then(setStore, (err: unknown) => report(err));
  }, []);

  async function choosePlan(text?: string) {
    try {
      const read = text === undefined ? await call('plan:parseFile', {}) : await call('plan:parseText', { text });
      if (read === null) return;
      setPasting(false);
      setChosen(read);
      setOfficeName((name) => name || proposedOfficeName(read.parsed.plan.issuer));
      setPreviewOpen(true);
    } catch (err) {
      report(err, '无法读取工作计划');
    }
  }

  const ownPlan = planSource === 'file' ? chosen : null;
  const nameProblem = ownPlan && officeName.trim() !== '' ? officeNameProblem(officeName) : null;
  const summaryBlocked = planSource === 'file' && (ownPlan === null || ownPlan.parsed.errors.length > 0 || nameProblem !== null);

  async function setup(kind: 'summary' | 'unit') {
    setBusy(kind);
    try {
      const info = kind === 'summary'
        ? await call('app:setupSummary', {
          withDemo: withDemo && ownPlan === null, frequency,
          ...(ownPlan ? { plan: ownPlan.parsed.plan, ...(officeName.trim() ? { officeName: officeName.trim() } : {}) } : {}),
        })
        : await call('app:setupUnit', {});
      if (info === null) return;
      await load();
      modal.success({
        title: kind === 'summary' ? '汇总端已建立' : `已按任务包建立${info.unit}的填报端`,
        content: <FingerprintNotice info={info} />,
        okText: '知道了',
        width: 520,
      });
    } catch (err) {
      report(err, '首次设置未完成');
    } finally {
      setBusy(null);
    }
  }

  async function officeSetUp(info: AppInfo, p: AllocationPreview) {
    await load();
    modal.success({
      title: `已建立${info.officeName}`,
      content: (
        <div className="fingerprint-notice">
          <Paragraph>上级汇总端:{p.parent},密钥指纹 <Text strong code className="fingerprint">{p.parentFingerprint}</Text>(请电话核对)</Paragraph>
          <FingerprintNotice info={info} />
        </div>
      ),
      okText: '知道了',
      width: 560,
    });
  }

  return (
    <div className="first-start">
      <Title level={3}>欢迎使用民生工作督办台账</Title>
      <Paragraph type="secondary">首次使用,请选择本机的用途。选定后不能更改。</Paragraph>
      <Row gutter={24}>
        <Col span={12}>
          <Card title="汇总端" className="first-card" data-testid="choose-summary">
            <Paragraph>市民生工作办公室使用:导入各单位的填报包,核验、汇总,按单位、任务、类别查看,退回修改,下发任务包。</Paragraph>
            <Radio.Group className="first-plan" value={planSource} onChange={(e) => setPlanSource(e.target.value as 'embedded' | 'file')} data-testid="choose-plan-source"
              options={[
                { value: 'embedded', label: '使用内置的 2019 年宣城市民生工作要点(9 大类、54 项任务)' },
                { value: 'file', label: '使用本地区的工作计划:通知(.docx、.txt)或责任分解表(.xlsx)' },
              ]} />
            {planSource === 'file' && (
              <div className="first-own-plan">
                <Space wrap>
                  <Button onClick={() => void choosePlan()} data-testid="choose-plan-file">{chosen ? '另选文件…' : '选择文件…'}</Button>
                  <Button onClick={() => setPasting(true)} data-testid="paste-plan">粘贴通知文字…</Button>
                  {chosen && <Button type="link" onClick={() => setPreviewOpen(true)} data-testid="show-plan">{chosen.parsed.plan.title || chosen.fileName}</Button>}
                </Space>
                {chosen && chosen.parsed.errors.length > 0 && <Paragraph type="danger">这个计划有 {chosen.parsed.errors.length} 处问题,请查看并改正后重新选择。</Paragraph>}
                <label className="first-office-name">
                  <span>本汇总端名称</span>
                  <Input value={officeName} onChange={(e) => setOfficeName(e.target.value)} placeholder="如 郎溪县民生工作办公室" maxLength={60} data-testid="office-name"
                    status={nameProblem ? 'error' : undefined} />
                </label>
                {nameProblem && <Text type="danger">{nameProblem}</Text>}
              </div>
            )}
            <div className="first-frequency">
              <span>各单位报送:</span>
              <Radio.Group value={frequency} onChange={(e) => setFrequency(e.target.value as ReportingFrequency)} data-testid="choose-frequency"
                options={REPORTING_FREQUENCIES.map((f) => ({ value: f, label: f === 'monthly' ? `${FREQUENCY_LABELS[f]}(每月一期)` : `${FREQUENCY_LABELS[f]}(1-3月、1-6月……)` }))} />
            </div>
            {planSource === 'embedded' && <Checkbox checked={withDemo} onChange={(e) => setWithDemo(e.target.checked)} data-testid="with-demo">填入演示数据,用于试用和培训(上半年,均标注【演示数据】;正式使用请不要勾选)</Checkbox>}
            <div className="first-actions">
              <Space wrap>
                <Button type="primary" size="large" loading={busy === 'summary'} disabled={busy !== null || summaryBlocked} onClick={() => void setup('summary')} data-testid="setup-summary">设为汇总端</Button>
                <OfficeFromAllocation disabled={busy !== null} onDone={(info, p) => void officeSetUp(info, p)} />
              </Space>
              <Paragraph type="secondary" className="small-note">县(市、区)的汇总端:用上级汇总端发来的<Text strong>下达包</Text>建立,计划和本地任务来自下达包。</Paragraph>
            </div>
          </Card>
        </Col>
        <Col span={12}>
          <Card title="填报端" className="first-card" data-testid="choose-unit">
            <Paragraph>各责任单位使用:每期(按月或按季度,由汇总端规定)填报牵头和协同任务的进展,导出签名的填报包,用U盘报送汇总端。</Paragraph>
            <Paragraph>需要汇总端发来的<Text strong>任务包</Text>(任务包-单位名-2019-第1版.xlsx),请先插入U盘。</Paragraph>
            <div className="first-actions">
              <Button type="primary" size="large" loading={busy === 'unit'} disabled={busy !== null} onClick={() => void setup('unit')}>选择任务包…</Button>
            </div>
          </Card>
        </Col>
      </Row>
      {store?.canSwitch && (
        <Card title="已有单位服务器上的台账" className="first-card first-server" data-testid="first-server">
          {/* A colleague already made the office's ledger on the server: this computer joins it instead of setting up. */}
          <Paragraph>汇总端的台账已由同事建在单位的 PostgreSQL 服务器上时,在这里连接它,本机不再另建台账。{SERVER_ADDRESS_HELP}</Paragraph>
          <ServerConnect busy={switching || busy !== null} onConnect={(address) => void connect(address)} />
        </Card>
      )}
      <Modal open={pasting} width={760} title="粘贴通知文字" onCancel={() => setPasting(false)} data-testid="paste-modal"
        footer={[
          <Button key="cancel" onClick={() => setPasting(false)}>取消</Button>,
          <Button key="read" type="primary" disabled={pasted.trim() === ''} onClick={() => void choosePlan(pasted)} data-testid="read-pasted">读取</Button>,
        ]}>
        <Paragraph type="secondary">从 WPS、网页或聊天记录中复制通知全文(含标题、各类别和各项任务的责任单位),粘贴到下面。</Paragraph>
        <Input.TextArea rows={16} value={pasted} onChange={(e) => setPasted(e.target.value)} data-testid="pasted-text" />
      </Modal>
      <Modal open={previewOpen && chosen !== null} width={1100} title="核对工作计划" onCancel={() => setPreviewOpen(false)} data-testid="plan-preview-modal"
        footer={[
          <Button key="close" onClick={() => setPreviewOpen(false)}>{chosen && chosen.parsed.errors.length > 0 ? '关闭' : '已核对'}</Button>,
        ]}>
        {chosen && <PlanPreview parsed={chosen.parsed} fileName={chosen.fileName} />}
      </Modal>
    </div>
  );
}
