/**
 * First start of a subordinate office (issue 13 item 3): choose the parent's 下达包, see who sent it, its
 * fingerprint (to check by phone), the plan and the office's tasks, edit the proposed names of the units, confirm.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Descriptions, Input, Modal, Table, Tag, Typography } from 'antd';
import type { AllocationPreview, AppInfo } from '../../shared/api';
import { officeNameProblem } from '../../shared/format';
import { call } from '../api';
import { useErrorReporter } from './common';

const { Paragraph, Text } = Typography;

/** The button on the first-start page, and the dialog it opens. */
export function OfficeFromAllocation({ disabled, onDone }: { readonly disabled: boolean; readonly onDone: (info: AppInfo, preview: AllocationPreview) => void }) {
  const [preview, setPreview] = useState<AllocationPreview | null>(null);
  const [names, setNames] = useState<Readonly<Record<string, string>>>({});
  const [officeName, setOfficeName] = useState('');
  const [busy, setBusy] = useState(false);
  const report = useErrorReporter();

  async function choose() {
    try {
      const p = await call('app:chooseAllocation', {});
      if (p === null) return;
      setPreview(p);
      setNames(Object.fromEntries(p.units.map((u) => [u.parent, u.name])));
      setOfficeName(p.officeName);
    } catch (err) {
      report(err, '无法使用这个下达包');
    }
  }

  const blank = useMemo(() => Object.entries(names).filter(([, n]) => n.trim() === '').map(([p]) => p), [names]);
  const twice = useMemo(() => {
    const seen = new Map<string, number>();
    for (const n of Object.values(names)) seen.set(n.trim(), (seen.get(n.trim()) ?? 0) + 1);
    return new Set([...seen].filter(([, k]) => k > 1).map(([n]) => n));
  }, [names]);
  const nameProblem = officeName.trim() === '' ? '名称不能为空' : officeNameProblem(officeName);

  async function confirm() {
    setBusy(true);
    try {
      const r = await call('app:setupOffice', { officeName: officeName.trim(), names: Object.fromEntries(Object.entries(names).map(([p, n]) => [p, n.trim()])) });
      setPreview(null);
      onDone(r.info, r.preview);
    } catch (err) {
      report(err, '本级汇总端未建立');
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button onClick={() => void choose()} disabled={disabled} data-testid="setup-from-allocation">用上级下达包建立本级汇总端…</Button>
      <Modal
        open={preview !== null} width={920} style={{ top: 24 }} title="用上级下达包建立本级汇总端" onCancel={() => setPreview(null)} data-testid="allocation-modal"
        footer={[
          <Button key="cancel" onClick={() => setPreview(null)}>取消</Button>,
          <Button key="ok" type="primary" loading={busy} disabled={blank.length > 0 || twice.size > 0 || nameProblem !== null} onClick={() => void confirm()} data-testid="confirm-office">确认建立</Button>,
        ]}
      >
        {preview && (
          <>
            <Descriptions size="small" column={2} bordered className="allocation-facts">
              <Descriptions.Item label="上级汇总端">{preview.parent}</Descriptions.Item>
              <Descriptions.Item label="上级密钥指纹">
                <Text strong code className="fingerprint" data-testid="parent-fingerprint">{preview.parentFingerprint}</Text>
              </Descriptions.Item>
              <Descriptions.Item label="工作计划" span={2}>{preview.planTitle}(上级第{preview.planRevision}版,{preview.tasks} 项任务)</Descriptions.Item>
              <Descriptions.Item label="发给">{preview.office}</Descriptions.Item>
              <Descriptions.Item label="本地任务">
                <span data-testid="allocation-tasks">{preview.tasked} 个指标有本地任务,{preview.noTask} 个无任务</span>
              </Descriptions.Item>
            </Descriptions>
            <Alert className="page-alert" type="warning" showIcon title={`请与${preview.parent}电话核对上面的密钥指纹,一致后再确认。`} />
            <label className="first-office-name">
              <span>本汇总端名称</span>
              <Input value={officeName} onChange={(e) => setOfficeName(e.target.value)} maxLength={60} data-testid="allocation-office-name" status={nameProblem ? 'error' : undefined} />
            </label>
            {nameProblem && <Text type="danger">{nameProblem}</Text>}
            <Paragraph type="secondary" className="allocation-hint">
              本级各单位的名称按上级单位名称拟定(市人社局 → {preview.office}人社局,市妇联 → 县妇联),请逐个核对,需要时直接修改。
            </Paragraph>
            <Table
              size="small" bordered pagination={false} rowKey="parent" scroll={{ y: 250 }} data-testid="allocation-units"
              dataSource={preview.units.map((u) => ({ ...u, name: names[u.parent] ?? u.name }))}
              columns={[
                { title: '上级单位', dataIndex: 'parent', width: 320 },
                {
                  title: '本级单位', key: 'name',
                  render: (_: unknown, u) => {
                    const value = names[u.parent] ?? '';
                    const bad = value.trim() === '' || twice.has(value.trim());
                    return (
                      <Input size="small" value={value} maxLength={100} status={bad ? 'error' : undefined} data-testid={`own-name-${u.parent}`}
                        onChange={(e) => { const v = e.target.value; setNames((prev) => ({ ...prev, [u.parent]: v })); }} />
                    );
                  },
                },
                {
                  title: '', key: 'tag', width: 90,
                  render: (_: unknown, u) => (names[u.parent] === preview.units.find((x) => x.parent === u.parent)?.name ? <Tag>按规则拟定</Tag> : <Tag color="blue">已修改</Tag>),
                },
              ]}
            />
            {twice.size > 0 && <Text type="danger">本级单位名称重复:{[...twice].join('、')},请改为不同的名称。</Text>}
          </>
        )}
      </Modal>
    </>
  );
}
