/**
 * The address of the office's PostgreSQL ledger and 连接…, on the settings page and at the first start: the host
 * then asks for the folder of the office's key files (store:connect). No password is ever typed here.
 */
import { useState } from 'react';
import { App as AntApp, Button, Input, Space } from 'antd';
import type { StoreView } from '../../shared/api';
import { call } from '../api';
import { useApp } from '../store';
import { useErrorReporter } from './common';

/** What to tell a person about the address, the same wherever it is asked. */
export const SERVER_ADDRESS_HELP = '地址里不写密码:请在本机设置环境变量 PGPASSWORD 或 .pgpass 文件。点「连接…」后选择存放本单位密钥文件的文件夹。';

export function ServerConnect({ busy, onConnect }: { readonly busy: boolean; readonly onConnect: (address: string) => void }) {
  const [address, setAddress] = useState('');
  return (
    <Space.Compact style={{ width: '100%', maxWidth: 560 }}>
      <Input value={address} onChange={(e) => setAddress(e.target.value)} placeholder="postgres://用户名@服务器:端口/数据库名" data-testid="store-address" />
      <Button type="primary" loading={busy} disabled={address.trim() === ''} data-testid="store-connect" onClick={() => onConnect(address)}>连接…</Button>
    </Space.Compact>
  );
}

/**
 * Switching the ledger under every page, the same on the settings page and at the first start: the pages load
 * again, the person is told, then `after` (the settings page goes to the dashboard).
 */
export function useStoreSwitch(after: (s: StoreView) => void = () => {}) {
  const [switching, setSwitching] = useState(false);
  const load = useApp((s) => s.load);
  const { message } = AntApp.useApp();
  const report = useErrorReporter();

  async function switchStore(to: () => Promise<StoreView | null>, done: (s: StoreView) => string, failed: string) {
    setSwitching(true);
    try {
      const next = await to();
      if (next === null) return;
      await load();
      void message.success(done(next));
      after(next);
    } catch (err) {
      report(err, failed);
    } finally {
      setSwitching(false);
    }
  }

  /** store:connect to `address`; the host asks for the key folder (null: cancelled). */
  const connect = (address: string) => switchStore(() => call('store:connect', { address }), (s) => `已连接 ${s.shown},以后启动时也打开它。`, '未连接');
  return { switching, switchStore, connect };
}
