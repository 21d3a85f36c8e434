import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { App } from './App';
import './styles.css';

dayjs.locale('zh-cn');

const FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimSun", sans-serif';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      theme={{
        token: { colorPrimary: '#1d4f91', borderRadius: 4, fontFamily: FONT, fontSize: 14 },
        components: {
          Layout: { headerBg: '#173e75', headerHeight: 52, headerPadding: '0 20px', bodyBg: '#f0f2f5', siderBg: '#ffffff' },
          Menu: { itemSelectedBg: '#e6eef8', itemSelectedColor: '#1d4f91', itemActiveBg: '#f0f5fb' },
        },
      }}
    >
      <AntApp>
        <App />
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
