/** The append-only audit log: who did what, when, before and after. */
import { useEffect, useState } from 'react';
import { Card, Table, Typography } from 'antd';
import { auditActionLabel, type AuditView } from '../../shared/api';
import { localDate, printable } from '../../shared/format';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { useApp } from '../store';


/** Entries hold file names and fields from packages: shown through `printable`, as everything from a USB drive. */
function brief(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = printable(JSON.stringify(v));
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

export function AuditPage() {
  const version = useApp((s) => s.version);
  const [rows, setRows] = useState<readonly AuditView[]>([]);
  const report = useErrorReporter();
  useEffect(() => {
    call('audit:list', { limit: 500 }).then(setRows, (err: unknown) => report(err));
  }, [version]);
  return (
    <Card size="small" className="content-card" title="审计日志(只能追加,不能修改或删除)">
      <Table<AuditView>
        size="small" rowKey="id" dataSource={[...rows]} pagination={{ pageSize: 20, showSizeChanger: false }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 150, render: (a: string) => localDate(new Date(a), 'minutes') },
          { title: '操作人', dataIndex: 'actor', width: 110, ellipsis: true },
          { title: '操作', dataIndex: 'action', width: 110, render: (a: string) => auditActionLabel(a) },
          { title: '对象', key: 'e', width: 170, ellipsis: true, render: (_, r) => `${r.entity} ${r.entityId}` },
          { title: '内容', key: 'after', ellipsis: true, render: (_, r) => <Typography.Text type="secondary">{brief(r.after)}</Typography.Text> },
        ]}
      />
    </Card>
  );
}
