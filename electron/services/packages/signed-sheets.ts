/**
 * What a person reads on a package against what the importer takes from it. The visible sheets are checked cell
 * by cell against the signed content (package-format.ts, §7 g), but the content's sheets and its payload are two
 * parts of it: a program holding a unit's key could sign a cover naming another unit, or a 填报数据 sheet showing
 * 1632 over a payload of 3264. The office's clerk reads the file; the ledger stores the payload. Here the parts a
 * reader relies on are held to the manifest and the payload, where this program's layout is recognised (a layout
 * it does not know, from another version, is left to the cell-by-cell check alone).
 */
import type { CellValue, Manifest, PackageContent } from './package-format';

/**
 * The cover's rows that say who a package is from, for and about (packages.ts signAndWrite), each with what the
 * manifest says it must read: what a clerk checks a file by before importing it.
 */
const COVER_ROWS: readonly (readonly [string, (m: Manifest) => CellValue | undefined])[] = [
  ['发送方', (m) => m.from],
  ['接收方', (m) => m.to],
  ['单位', (m) => m.unit],
  ['签名密钥指纹', (m) => m.signer],
  ['接收方密钥指纹', (m) => m.recipient ?? undefined],
];

/** The header of a 填报包's 填报数据 sheet as this program writes it (packages.ts exportReport). */
const REPORT_HEADER = ['序号', '任务', '职责', '指标', '目标', '计量单位', '填报口径', '进展情况', '完成率', '序时进度', '灯号', '推进状态', '工作进展', '存在问题', '下步措施', '说明'];
const VALUE_COLUMN = REPORT_HEADER.indexOf('进展情况');
const STATUS_COLUMN = REPORT_HEADER.indexOf('推进状态');

interface ReportPayload {
  readonly reports?: readonly { readonly task: number; readonly status: string | null; readonly values: readonly { readonly value: number | null }[] }[];
}

/**
 * Why the content's visible parts say something else than its manifest or payload, in Chinese; null when they agree
 * (or use a layout this program does not write).
 * @example contentDisagreement(content, manifest) // '封面「单位」写的是「市民政局」,签名清单是「市残联」'
 */
export function contentDisagreement(content: PackageContent, m: Manifest): string | null {
  const cover = content.sheets[0];
  for (const [label, expected] of COVER_ROWS) {
    const row = cover?.rows.find((r) => r[0] === label);
    const want = expected(m);
    if (row === undefined || want === undefined) continue;
    if (row[1] !== want) return `封面「${label}」写的是「${String(row[1] ?? '')}」,签名清单是「${String(want)}」`;
  }
  if (m.kind === 'report') return reportSheetDisagreement(content, content.data as ReportPayload);
  return null;
}

/** Each task's figures and status on 填报数据 against the payload's: the same figures (in any order), the same status. */
function reportSheetDisagreement(content: PackageContent, data: ReportPayload): string | null {
  const sheet = content.sheets.find((s) => s.name === '填报数据');
  const header = sheet?.rows[0];
  if (!sheet || !header || header.length !== REPORT_HEADER.length || header.some((h, k) => h !== REPORT_HEADER[k])) return null;
  const shown = new Map<number, { values: number[]; statuses: Set<string> }>();
  for (const row of sheet.rows.slice(1)) {
    const task = row[0];
    if (typeof task !== 'number') continue;
    const entry = shown.get(task) ?? { values: [], statuses: new Set<string>() };
    const value = row[VALUE_COLUMN];
    if (typeof value === 'number') entry.values.push(value);
    entry.statuses.add(typeof row[STATUS_COLUMN] === 'string' ? row[STATUS_COLUMN] : '');
    shown.set(task, entry);
  }
  const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b).join(',');
  const reported = new Set((data.reports ?? []).map((r) => r.task));
  const extra = [...shown.keys()].find((t) => !reported.has(t));
  if (extra !== undefined) return `「填报数据」表中有任务${extra},签名的填报数据里没有这项任务`;
  for (const r of data.reports ?? []) {
    const seen = shown.get(r.task) ?? { values: [], statuses: new Set(['']) };
    const signed = r.values.flatMap((v) => (v.value === null ? [] : [v.value]));
    if (sorted(seen.values) !== sorted(signed)) {
      return `「填报数据」表中任务${r.task}显示的数值(${seen.values.join('、') || '无'})与签名的填报数据(${signed.join('、') || '无'})不一致`;
    }
    if (seen.statuses.size !== 1 || !seen.statuses.has(r.status ?? '')) {
      return `「填报数据」表中任务${r.task}显示的推进状态(${[...seen.statuses].join('、') || '空'})与签名的填报数据(${r.status ?? '空'})不一致`;
    }
  }
  return null;
}
