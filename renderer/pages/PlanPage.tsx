/**
 * 工作计划: the plan this office runs, its revisions, and how it is revised: edit it here (编辑计划), or export
 * the 责任分解表, edit it in WPS (or take a revised notice) and choose it; either way see every difference
 * before saving, then send the units whose tasks changed their new assignment packages.
 */
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Modal, Select, Space, Tabs, Timeline, Typography } from 'antd';
import type { LedgerYearView, NewYearPreview, PlanFileView, RevisionHistoryView, RevisionView } from '../../shared/api';
import type { PlanDef } from '../../shared/domain';
import { localDate } from '../../shared/format';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { PlanEditor } from '../components/PlanEditor';
import { PlanPreview } from '../components/PlanPreview';
import { useApp } from '../store';

const { Text, Paragraph } = Typography;

type Preview = PlanFileView & { readonly revision: RevisionView | null };

function Changes({ changes }: { readonly changes: readonly string[] }) {
  return <ul className="plain-list rows" data-testid="revision-changes">{changes.map((c, k) => <li key={k}>{c}</li>)}</ul>;
}

export function PlanPage() {
  const version = useApp((s) => s.version);
  const changed = useApp((s) => s.changed);
  const load = useApp((s) => s.load);
  const readOnlyYear = useApp((s) => s.info?.readOnlyYear ?? null);
  const [plan, setPlan] = useState<PlanDef | null>(null);
  const [history, setHistory] = useState<readonly RevisionHistoryView[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [saved, setSaved] = useState<RevisionView | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [years, setYears] = useState<readonly LedgerYearView[]>([]);
  const [newYear, setNewYear] = useState<NewYearPreview | null>(null);
  const report = useErrorReporter();
  const { modal } = AntApp.useApp();

  useEffect(() => {
    call('plan:def', {}).then(setPlan, (err: unknown) => report(err, '无法读取工作计划'));
    call('plan:history', {}).then(setHistory, (err: unknown) => report(err, '无法读取修订记录'));
    call('years:list', {}).then(setYears, (err: unknown) => report(err, '无法列出各年度的台账'));
    // The plan reloads when data changes (version); report is a new function each render.
  }, [version]);

  async function exportTemplate() {
    try {
      const r = await call('plan:exportTemplate', {});
      if (r) modal.success({ title: '责任分解表已导出', content: <>已保存 <Text strong data-testid="template-file">{r.fileName}</Text><br />位置:{r.folder}<br />可在 WPS 中修改后,用「从文件修订计划」读回。</>, okText: '知道了' });
    } catch (err) {
      report(err, '责任分解表未导出');
    }
  }

  /** Runs `work` with the page busy; what goes wrong is shown under `failure`. */
  async function whileBusy(failure: string, work: () => Promise<void>) {
    setBusy(true);
    try {
      await work();
    } catch (err) {
      report(err, failure);
    } finally {
      setBusy(false);
    }
  }

  const choose = () => whileBusy('不能用这个文件修订计划', async () => {
    const p = await call('plan:revisePreview', {});
    if (p) setPreview(p);
  });

  /** Opens another year's ledger (an earlier one read-only); every page then shows that year. */
  const openYear = (year: number) => whileBusy(`未能打开 ${year} 年的台账`, async () => {
    await call('years:open', { year });
    await load();
    changed();
  });

  const chooseNewYear = () => whileBusy('不能用这个文件开始新的一年', async () => {
    const p = await call('years:preview', {});
    if (p) setNewYear(p);
  });

  const startNewYear = (next: NewYearPreview) => whileBusy('新的一年未开始', async () => {
    const info = await call('years:start', { plan: next.parsed.plan });
    setNewYear(null);
    await load();
    changed();
    modal.success({ title: `已开始 ${info.year} 年的台账`, okText: '知道了', content: `${info.planTitle}。本机密钥和各单位已登记的密钥都已接续,请为各单位生成新一年的任务包。往年的台账可在「年度」中查看。` });
  });

  /** The editor's plan, compared with the stored one exactly as a chosen file is. */
  const previewEdit = (edited: PlanDef) => whileBusy('这些修改不能保存', async () => {
    const revision = await call('plan:previewEdit', { plan: edited });
    setPreview({ fileName: '在程序中编辑的计划', parsed: { plan: edited, review: [], errors: [] }, revision });
  });

  const save = (chosen: Preview) => whileBusy('计划未修订', async () => {
    const r = await call('plan:revise', { plan: chosen.parsed.plan });
    setPreview(null);
    setEditing(false);
    setSaved(r);
    await load();
    changed();
  });

  async function sendAssignments(units: readonly string[]) {
    try {
      const r = await call('packages:exportAssignments', { units: [...units] });
      if (!r) return;
      setSaved(null);
      modal.success({
        title: `已生成 ${r.written.length} 个任务包`, okText: '知道了', width: 560,
        content: <><div>位置:{r.folder}</div><ul className="plain-list" data-testid="assignments-written">{r.written.map((w) => <li key={w.unit}>{w.fileName}</li>)}</ul></>,
      });
    } catch (err) {
      report(err, '任务包未全部生成');
    }
  }

  if (!plan) return null;
  const rev = preview?.revision ?? null;
  const nothing = rev !== null && rev.changes.length === 0;
  return (
    <Card data-testid="plan-page"
      title={<>{plan.title} <Text type="secondary">第 {plan.revision} 版</Text></>}
      extra={<Space>
        <span className="header-label-dark">年度</span>
        <Select size="middle" value={years.find((y) => y.open)?.year ?? plan.year} onChange={(y: number) => void openYear(y)} data-testid="year-select" popupMatchSelectWidth={false}
          options={years.map((y) => ({ value: y.year, label: `${y.year}年${y.latest ? '' : '(只读)'}` }))} />
        {readOnlyYear === null ? (
          <>
            <Button onClick={() => setEditing(true)} data-testid="edit-plan">编辑计划…</Button>
            <Button onClick={() => void exportTemplate()} data-testid="export-template">导出责任分解表…</Button>
            <Button type="primary" loading={busy} onClick={() => void choose()} data-testid="revise-from-file">从文件修订计划…</Button>
            <Button loading={busy} onClick={() => void chooseNewYear()} data-testid="new-year">开始新的一年…</Button>
          </>
        ) : <Button onClick={() => void exportTemplate()} data-testid="export-template">导出责任分解表…</Button>}
      </Space>}>
      <Tabs items={[
        { key: 'plan', label: '当前计划', children: <PlanPreview parsed={{ plan, review: [], errors: [] }} /> },
        {
          key: 'history', label: `修订记录(${history.length})`,
          children: (
            <Timeline data-testid="revision-history" items={history.map((h) => ({
              key: h.revision,
              content: (
                <>
                  <Text strong>第 {h.revision} 版</Text> <Text type="secondary">{localDate(new Date(h.at), 'minutes')} · {h.actor}</Text>
                  {h.changes.length === 0 ? <Paragraph type="secondary">建立时的计划</Paragraph> : <Changes changes={h.changes} />}
                </>
              ),
            }))} />
          ),
        },
      ]} />

      {editing && <PlanEditor plan={plan} busy={busy} onPreview={(p) => void previewEdit(p)} onCancel={() => setEditing(false)} />}

      <Modal open={preview !== null} width={1100} title={preview ? `修订计划:${preview.fileName}` : ''} onCancel={() => setPreview(null)} data-testid="revise-modal"
        footer={[
          <Button key="cancel" onClick={() => setPreview(null)}>取消</Button>,
          <Button key="save" type="primary" loading={busy} disabled={rev === null || nothing} onClick={() => { if (preview) void save(preview); }} data-testid="save-revision">
            {rev ? `保存为第 ${rev.from + 1} 版` : '保存'}
          </Button>,
        ]}>
        {preview && rev === null && <PlanPreview parsed={preview.parsed} fileName={preview.fileName} />}
        {rev && (nothing ? <Paragraph>这个文件与当前计划(第 {rev.from} 版)相同,没有需要修订的内容。</Paragraph> : (
          <>
            <Paragraph>第 {rev.from} 版 → 第 {rev.from + 1} 版,共 <Text strong data-testid="revision-count">{rev.changes.length}</Text> 处变化。已存的报送数据不会被改写;删除的任务或指标若已有数据则退出计划、数据保留。</Paragraph>
            <Changes changes={rev.changes} />
            {rev.units.length > 0 && <Paragraph className="revision-units">任务有变化的单位({rev.units.length} 个,保存后需要新的任务包):{rev.units.join('、')}</Paragraph>}
            {rev.notes.map((n) => <Paragraph key={n} type="warning" data-testid="revision-note">注意:{n}</Paragraph>)}
          </>
        ))}
      </Modal>

      <Modal open={newYear !== null} width={1100} title={newYear ? `开始新的一年:${newYear.fileName}` : ''} onCancel={() => setNewYear(null)} data-testid="new-year-modal"
        footer={[
          <Button key="cancel" onClick={() => setNewYear(null)}>取消</Button>,
          <Button key="start" type="primary" loading={busy} disabled={!newYear || newYear.parsed.errors.length > 0} onClick={() => { if (newYear) void startNewYear(newYear); }} data-testid="start-new-year">
            {newYear ? `开始 ${newYear.parsed.plan.year} 年` : '开始'}
          </Button>,
        ]}>
        {newYear && (
          <>
            {newYear.parsed.errors.length === 0 && (
              <Paragraph data-testid="new-year-note">
                将在本机新建台账 <Text strong>{newYear.ledgerFileName}</Text>(与今年的台账在同一文件夹):{newYear.carried}。{plan.year} 年的台账保持不变,以后可在「年度」中查看(只读)。
              </Paragraph>
            )}
            <PlanPreview parsed={newYear.parsed} fileName={newYear.fileName} />
          </>
        )}
      </Modal>

      <Modal open={saved !== null} title={saved ? `已保存为第 ${saved.to} 版工作计划` : ''} onCancel={() => setSaved(null)} data-testid="revised-modal"
        footer={[
          <Button key="later" onClick={() => setSaved(null)}>以后再说</Button>,
          ...(saved && saved.units.length > 0 ? [<Button key="send" type="primary" onClick={() => void sendAssignments(saved.units)} data-testid="send-assignments">生成这些单位的任务包…</Button>] : []),
        ]}>
        {saved && <Paragraph>已记入审计日志和修订记录。{saved.units.length > 0 ? `任务有变化的 ${saved.units.length} 个单位需要新的任务包:${saved.units.join('、')}。` : '没有单位需要新的任务包。'}</Paragraph>}
        {saved?.notes.map((n) => <Paragraph key={n} type="warning">注意:{n}</Paragraph>)}
      </Modal>
    </Card>
  );
}
