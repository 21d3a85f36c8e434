/** The append-only audit log in plain Chinese: when, who, what was done, to what, before → after. */
import { useEffect, useState } from 'react';
import { Card, Table, Typography } from 'antd';
import type { AuditView } from '../../shared/api';
import { describeAudit } from '../../shared/audit';
import { localDate } from '../../shared/format';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { useApp, useFrequency } from '../store';

/** How many changes a line shows before it says how many more (a plan revision can hold dozens). */
const SHOWN_CHANGES = 6;

export function AuditPage() {
  const version = useApp((s) => s.version);
  const frequency = useFrequency();
  const [rows, setRows] = useState<readonly AuditView[]>([]);
  const report = useErrorReporter();
  useEffect(() => {
    call('audit:list', { limit: 500 }).then(setRows, (err: unknown) => report(err));
  }, [version]);
  const words = (r: AuditView) => describeAudit(r, { frequency, ...(r.indicators ? { indicators: r.indicators } : {}) });
  return (
    <Card size="small" className="content-card" title="审计日志(只能追加,不能修改或删除)">
      <Table<AuditView>
        size="small" rowKey="id" dataSource={[...rows]} pagination={{ pageSize: 20, showSizeChanger: false }} data-testid="audit-table"
        columns={[
          { title: '时间', dataIndex: 'at', width: 140, render: (a: string) => localDate(new Date(a), 'minutes') },
          { title: '操作人', dataIndex: 'actor', width: 110, ellipsis: true },
          { title: '操作', key: 'action', width: 120, render: (_, r) => <span title={r.action}>{words(r).action}</span> },
          { title: '对象', key: 'object', width: 230, render: (_, r) => words(r).object },
          {
            title: '内容(修改前 → 修改后)', key: 'changes', render: (_, r) => {
              const changes = words(r).changes;
              return (
                <ul className="audit-changes">
                  {changes.slice(0, SHOWN_CHANGES).map((c, k) => <li key={k}>{c}</li>)}
                  {changes.length > SHOWN_CHANGES && <li><Typography.Text type="secondary">……另有 {changes.length - SHOWN_CHANGES} 项</Typography.Text></li>}
                </ul>
              );
            },
          },
        ]}
      />
    </Card>
  );
}
