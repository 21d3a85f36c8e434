/** Small pieces every page uses: lights with colour and word, numbers, error messages. */
import { App as AntApp, Progress, Tag, Tooltip } from 'antd';
import type { Light } from '../../shared/domain';
import { LIGHT_LABELS } from '../../shared/domain';
import type { ReportState } from '../../shared/summaries';

export const LIGHT_COLORS: Readonly<Record<Light, string>> = {
  green: '#389e0d',
  yellow: '#d48806',
  red: '#cf1322',
  none: '#8c8c8c',
};

/** A table's sticky header stays below the app's own sticky header (52 px, .app-header), not under it. */
export const STICKY_HEADER = { offsetHeader: 52 } as const;

const LIGHT_TAG: Readonly<Record<Light, string>> = { green: 'success', yellow: 'warning', red: 'error', none: 'default' };
const LIGHT_MARK: Readonly<Record<Light, string>> = { green: '●', yellow: '▲', red: '■', none: '—' };

/** A light as colour and word, so it reads in black-and-white print and for colour-blind users too. */
export function LightTag({ light }: { readonly light: Light }) {
  if (light === 'none') return <Tag>—</Tag>;
  return (
    <Tag color={LIGHT_TAG[light]} className="light-tag" data-light={light}>
      {LIGHT_MARK[light]} {LIGHT_LABELS[light]}
    </Tag>
  );
}

/** 绿/黄/红 counts, each in its colour. */
export function LightCounts({ green, yellow, red }: { readonly green: number; readonly yellow: number; readonly red: number }) {
  return (
    <span className="light-counts">
      <Tooltip title="绿灯"><span style={{ color: LIGHT_COLORS.green }}>●{green}</span></Tooltip>
      <Tooltip title="黄灯"><span style={{ color: LIGHT_COLORS.yellow }}>▲{yellow}</span></Tooltip>
      <Tooltip title="红灯"><span style={{ color: LIGHT_COLORS.red }}>■{red}</span></Tooltip>
    </span>
  );
}

export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return Number.isInteger(x) ? x.toLocaleString('zh-CN') : x.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

/**
 * Completion as a small bar with its number, in the colour of the row's light (rowLight for a unit or a
 * category, a task's own light): one scale for every table and chart.
 */
export function CompletionBar({ value, light }: { readonly value: number | null; readonly light: Light }) {
  if (value === null) return <span className="muted">—</span>;
  return (
    <Progress
      percent={Math.round(value * 1000) / 10}
      size="small"
      strokeColor={LIGHT_COLORS[light]}
      format={(p) => `${(p ?? 0).toFixed(1)}%`}
      style={{ minWidth: 120, margin: 0 }}
      data-light={light}
    />
  );
}

const STATE_COLOR: Readonly<Record<ReportState, string>> = { 已报送: 'success', 部分报送: 'warning', 未报送: 'error', 待报送: 'processing', 未起报: 'default', 无牵头任务: 'default' };

export function StateTag({ state }: { readonly state: ReportState }) {
  return <Tag color={STATE_COLOR[state]}>{state}</Tag>;
}

export function targetText(i: { readonly comparator: string; readonly target: number; readonly targetMax: number | null; readonly unit: string }): string {
  const words: Record<string, string> = { '>=': '≥', '<=': '≤', '~': '约', range: '', '=': '' };
  const t = i.comparator === 'range' ? `${num(i.target)}–${num(i.targetMax)}` : num(i.target);
  return `${words[i.comparator] ?? ''}${t}${i.unit}`;
}

export { shortDate } from '../../shared/format';

/** Shows an API error: short ones as a message, long ones (lists of problems) in a dialog. */
export function useErrorReporter(): (err: unknown, title?: string) => void {
  const { message, modal } = AntApp.useApp();
  return (err, title = '操作未完成') => {
    const text = err instanceof Error ? err.message : String(err);
    if (text.includes('\n') || text.length > 80) {
      modal.error({ title, content: <div className="pre-line">{text}</div>, width: 640, okText: '知道了' });
    } else {
      void message.error(text);
    }
  };
}
