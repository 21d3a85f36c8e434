/** 督查通报: the generated draft, edited by the office, previewed as the A4 page, printed to PDF by main. */
import { useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, Card, Col, Form, Input, Row, Spin, Typography } from 'antd';
import type { ResponseOf } from '../../shared/api';
import { bulletinHtml, EDITABLE_FIELDS, type Bulletin, type EditableField } from '../../shared/bulletin';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { useApp } from '../store';

const LABELS: Readonly<Record<EditableField, string>> = {
  docNo: '文号', title: '标题', recipients: '主送', opening: '开头', overall: '总体情况', units: '各单位情况', offices: '各县区情况', lagging: '滞后事项',
  reporting: '报送情况', requirements: '工作要求', office: '落款单位', date: '日期',
};

export function BulletinPage() {
  const period = useApp((s) => s.period);
  const [draft, setDraft] = useState<ResponseOf<'reports:bulletinDraft'> | null>(null);
  const [edits, setEdits] = useState<Partial<Record<EditableField, string>>>({});
  const [busy, setBusy] = useState(false);
  const report = useErrorReporter();
  const { modal } = AntApp.useApp();

  useEffect(() => {
    if (!period) return;
    setDraft(null);
    setEdits({});
    call('reports:bulletinDraft', { period }).then(setDraft, (err: unknown) => report(err));
  }, [period]);

  const html = useMemo(() => (draft ? bulletinHtml({ ...draft.bulletin, ...edits } as Bulletin, draft.timeProgress) : ''), [draft, edits]);

  async function print() {
    if (!period) return;
    setBusy(true);
    try {
      const r = await call('reports:printBulletin', { period, edits });
      if (r) modal.success({ title: '通报已生成', content: <>已保存 <Typography.Text strong>{r.fileName}</Typography.Text><br />位置:{r.folder}</>, okText: '知道了' });
    } catch (err) {
      report(err, '通报未生成');
    } finally {
      setBusy(false);
    }
  }

  if (!draft) return <div className="page-loading"><Spin /></div>;
  return (
    <Row gutter={16} data-testid="bulletin-page">
      <Col span={10}>
        <Card size="small" className="content-card" title="通报文字(可修改)" extra={<Button type="primary" loading={busy} onClick={() => void print()}>打印为PDF…</Button>}>
          <Form layout="vertical">
            {EDITABLE_FIELDS.filter((f) => f !== 'offices' || draft.bulletin.officeRanking.length > 0).map((f) => (
              <Form.Item key={f} label={LABELS[f]}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 8 }} value={edits[f] ?? draft.bulletin[f]} onChange={(e) => setEdits({ ...edits, [f]: e.target.value })} />
              </Form.Item>
            ))}
          </Form>
        </Card>
      </Col>
      <Col span={14}>
        <Card size="small" className="content-card" title="预览">
          <iframe title="通报预览" sandbox="" srcDoc={html} className="bulletin-preview" />
        </Card>
      </Col>
    </Row>
  );
}
