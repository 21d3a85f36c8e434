/**
 * The printable bulletin (督查通报) of a period: composed from the summaries as editable text,
 * then laid out as an A4 document. Pure TypeScript: the renderer edits it, main prints it
 * (Electron's printToPDF; Chromium's page.pdf in the browser harness and the tests).
 */
import type { IndicatorKind } from './domain';
import { levelWord, scopeWord } from './levels';
import { gapText, percent, targetFigure, valueWord } from './format';
import { behindIndicators, isBehind, type BehindIndicator, type Headline } from './rules/headline';
import type { Rank } from './rules/ranking';
import type { IndicatorSummary, TaskSummary, UnitSummary } from './summaries';
import { rollupStateText } from './levels';
import type { OfficeStanding } from './rollup';

export interface BulletinRow {
  readonly task: number;
  readonly title: string;
  readonly lead: string;
  readonly indicator: string;
  readonly kind: IndicatorKind;
  readonly target: string;
  /** The value with what it is: 累计完成1632人, 当前值93%, 增幅5%. */
  readonly value: string;
  readonly completion: string;
  /** 超欠进度 in the kind's own words: 落后序时进度5.0个百分点, 低于目标2.0个百分点. */
  readonly gap: string;
  readonly reason: string;
}

export interface RankingRow {
  readonly rank: Rank;
  readonly unit: string;
  readonly completion: number | null;
  /** The unit's lead indicators behind in their own terms; null when it reported no value. */
  readonly behind: number | null;
  readonly state: string;
}

/** A subordinate office (县区) in the ranking by completion against its quotas. */
export interface OfficeRankingRow {
  readonly rank: Rank;
  readonly office: string;
  readonly completion: number | null;
  readonly red: number;
  /** 第2版 (its roll-up), 待报送 (none yet, not due yet) or 未报送 (rollupStateText). */
  readonly state: string;
}

/** Every text field can be edited before printing; tables come from the data. */
export interface Bulletin {
  /** 文号, printed above the title: 〔2019〕第9期 by default, the period's place in the year. */
  readonly docNo: string;
  readonly title: string;
  readonly recipients: string;
  readonly opening: string;
  readonly overall: string;
  readonly units: string;
  readonly ranking: readonly RankingRow[];
  /** 各县区推进情况: '' and no rows for an office without subordinate offices. */
  readonly offices: string;
  readonly officeRanking: readonly OfficeRankingRow[];
  readonly lagging: string;
  readonly reporting: string;
  readonly requirements: string;
  /** Indicators behind in their own terms (未达到序时进度), grouped by kind: the lagging section's table and 附件1. */
  readonly behindRows: readonly BulletinRow[];
  readonly onTrackRows: readonly BulletinRow[];
  readonly office: string;
  readonly date: string;
}

export const EDITABLE_FIELDS = ['docNo', 'title', 'recipients', 'opening', 'overall', 'units', 'offices', 'lagging', 'reporting', 'requirements', 'office', 'date'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

const listNames = (names: readonly string[]) => names.join('、');

/** 2019年7月8日 */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function rowOf(t: TaskSummary, i: IndicatorSummary & { readonly value: number }): BulletinRow {
  return {
    task: t.no, title: t.title, lead: t.leadUnits.join('、'), indicator: i.name, kind: i.kind,
    target: `${targetFigure(i)}${i.unit}`,
    value: `${valueWord(i)}${i.value}${i.unit}`, completion: percent(i.completion), gap: gapText(i),
    reason: t.problems.trim() || '(未说明原因)',
  };
}

/**
 * How 总体情况 names what is behind, kind by kind, as the office's bulletins do: a cumulative share
 * behind 序时进度, a level or growth figure short of its target ("增幅低于目标任务"), a milestone overdue.
 */
const BEHIND_GROUPS: readonly { readonly kinds: readonly IndicatorKind[]; readonly words: string }[] = [
  { kinds: ['cumulative'], words: '累计类指标落后于序时进度' },
  { kinds: ['level', 'growth'], words: '水平类、增幅类指标未达到目标' },
  { kinds: ['milestone'], words: '节点类指标逾期未完成' },
];

/** How many of a group 总体情况 names, furthest behind first; the rest are in 附件1. */
const NAMED_PER_GROUP = 6;

/** The indicators behind, group by group, furthest behind first within each (plan order among equals). */
function groupedBehind(behind: readonly BehindIndicator[]): BehindIndicator[][] {
  return BEHIND_GROUPS.map((g) => behind.filter((b) => g.kinds.includes(b.indicator.kind))
    .sort((a, b) => (a.indicator.gapPoints ?? 0) - (b.indicator.gapPoints ?? 0)));
}

export interface BulletinInput {
  readonly planYear: number;
  readonly headline: Headline;
  readonly units: readonly UnitSummary[];
  readonly ranks: readonly Rank[];
  readonly tasks: readonly TaskSummary[];
  readonly office: string;
  /** ISO date the bulletin is dated. */
  readonly date: string;
  /** The subordinate offices in order, against their quotas, with their ranks (summary:byOffice); none or empty: no section. */
  readonly offices?: readonly { readonly standing: OfficeStanding; readonly rank: Rank }[];
  /** The period's place in the year (9 for September; 2 for 1-6月 of a quarterly plan): the 文号's number. */
  readonly issue: number;
}

/** What a bulletin calls an office's subordinates together: 各县(市、区) for a city, 各市 for a province, 各乡镇 for a county. */
export function subordinatesWord(office: string): string {
  const level = levelWord(office);
  return level === '省' ? '各市' : level === '县' || level === '旗' ? '各乡镇' : level === '区' ? '各街道、乡镇' : '各县(市、区)';
}

/**
 * The 文号 a bulletin carries unless the office writes its own: the year in 〔〕 and the issue.
 * @example docNumber(2019, 9) // '〔2019〕第9期'
 */
export function docNumber(year: number, issue: number): string {
  return `〔${year}〕第${issue}期`;
}

/**
 * Whom a bulletin goes to, by the office's level, as its notices address them: a city's the counties and its
 * departments; a county's or a district's the townships (and street offices) and its departments.
 */
export function recipientsOf(office: string): string {
  const level = levelWord(office) || '市';
  const below = level === '省' ? '各市人民政府' : level === '县' || level === '旗' ? '各乡镇人民政府' : level === '区' ? '各街道办事处、乡镇人民政府' : '各县、市、区人民政府';
  return `${below},${level}政府各部门、各直属机构:`;
}

/**
 * Composes the bulletin's text from a period's figures, in the shape these bulletins have.
 * @example composeBulletin({ planYear: 2019, headline, units, ranks, tasks, office: '市民生办', date: '2019-07-10', issue: 6 }).title
 */
export function composeBulletin(input: BulletinInput): Bulletin {
  const h = input.headline;
  const c = h.counts;
  const m = h.month;
  const span = m === 1 ? '1月' : `1至${m}月`;
  const ranking: RankingRow[] = input.units
    .map((u, k) => ({ rank: input.ranks[k] ?? null, unit: u.unit, completion: u.completion, behind: u.indicatorsReported === 0 ? null : u.indicatorsBehind, state: u.state }))
    .filter((r) => r.rank !== null)
    .sort((a, b) => (a.rank! - b.rank!) || 0);
  // Only units that sent figures are named as fast or slow; silent ones are named in 四、报送情况.
  const reported = ranking.filter((r) => r.state === '已报送' || r.state === '部分报送');
  const best = reported.slice(0, 3).map((r) => r.unit);
  const worst = reported.length > 3 ? reported.slice(-3).reverse().map((r) => r.unit) : [];
  const unitsBehind = ranking.filter((r) => (r.behind ?? 0) > 0).length;
  const groups = groupedBehind(behindIndicators(input.tasks, m));
  const behindRows = groups.flat().map((b) => rowOf(b.task, b.indicator));
  const onTrackRows = input.tasks.flatMap((t) => t.indicators.flatMap((i) =>
    i.value !== null && !isBehind(i, i.value, m) ? [rowOf(t, { ...i, value: i.value })] : []));
  const named = groups
    .map((list, k) => (list.length === 0 ? '' : `${BEHIND_GROUPS[k]!.words}${list.length}项:` +
      list.slice(0, NAMED_PER_GROUP).map((b) => `「${b.indicator.name}」(${b.task.leadUnits.join('、')},${gapText(b.indicator)})`).join('、') +
      (list.length > NAMED_PER_GROUP ? `等,详见附件1` : '')))
    .filter((s) => s !== '');
  const scope = scopeWord(input.office);
  const notReported = c.noValue > 0 ? `另有${c.noValue}项指标尚未报送数据。` : '';
  const overall =
    (c.total === 0
      ? `截至${m}月底,${scope}民生工作共${h.tasks}项任务、${h.indicators}项量化指标,尚无牵头单位报送量化指标数据。`
      : `截至${m}月底,${scope}民生工作量化指标任务${c.total}项,达到序时进度${c.onSchedule}项,占比${percent(c.share)},其中${c.done}项已完成;` +
        `未达到序时进度${c.behind}项(进展情况占比低于序时进度或增幅低于目标任务,下同)` +
        `${named.length > 0 ? `。其中,${named.join(';')}` : ''}。${notReported}`) +
    `按任务计,共${h.tasks}项任务,绿灯${h.green}项、黄灯${h.yellow}项、红灯${h.red}项。`;
  const units =
    reported.length === 0
      ? '本期各单位均未报送量化数据。'
      : `按牵头任务量化指标平均完成率排序(见下表,未报送单位按0计),${listNames(best)}等单位推进较快` +
        `${worst.length > 0 ? `,${listNames(worst)}等单位进度相对滞后` : ''}` +
        `${unitsBehind > 0 ? `,共有${unitsBehind}个单位有指标未达到序时进度` : ''}。`;
  const lagging =
    behindRows.length === 0
      ? `已报送的量化指标均达到序时进度${c.noValue > 0 ? `;另有${c.noValue}项指标尚未报送数据,见四、报送情况` : ''}。`
      : `未达到序时进度的${behindRows.length}项量化指标及牵头单位说明的原因见下表。${c.noValue > 0 ? `另有${c.noValue}项指标尚未报送数据,见四、报送情况。` : ''}`;
  const reporting =
    `本期应报送单位${h.leadUnits}个,已报送${h.unitsReported}个,部分报送${h.unitsPartial}个,未报送${h.unitsMissing}个${h.unitsWaiting > 0 ? `,尚未到截止日期${h.unitsWaiting}个` : ''}。` +
    `${h.lateUnitNames.length > 0 ? `逾期报送的单位:${listNames(h.lateUnitNames)}。` : '无逾期报送的单位。'}` +
    `${h.partialUnitNames.length > 0 ? `部分报送的单位:${listNames(h.partialUnitNames)}。` : ''}` +
    `${h.missingUnitNames.length > 0 ? `未报送的单位:${listNames(h.missingUnitNames)}。` : ''}`;
  const officeRanking: OfficeRankingRow[] = (input.offices ?? [])
    .map(({ standing: o, rank }) => ({ rank, office: o.office, completion: o.completion, red: o.red, state: rollupStateText(o) }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  const sent = officeRanking.filter((r) => r.state !== '未报送' && r.state !== '待报送');
  const silent = officeRanking.filter((r) => r.state === '未报送').map((r) => r.office);
  const notYet = officeRanking.filter((r) => r.state === '待报送').map((r) => r.office);
  const notYetText = notYet.length > 0 ? `尚未到截止日期、还未报送汇总包的:${listNames(notYet)}。` : '';
  const below = subordinatesWord(input.office);
  const offices = officeRanking.length === 0 ? ''
    : sent.length === 0 ? `${silent.length > 0 ? `${below}均未报送汇总包:${listNames(silent)}。` : ''}${notYetText}`
      : `按${below}分解任务的量化指标平均完成率排序(见下表,空白任务不计,未报送汇总包的按0计),${listNames(sent.slice(0, 3).map((r) => r.office))}推进较快` +
        `${sent.length > 3 ? `,${listNames(sent.slice(-3).reverse().map((r) => r.office))}进度相对滞后` : ''}。` +
        `${silent.length > 0 ? `未报送汇总包的:${listNames(silent)}。` : ''}${notYetText}`;
  return {
    docNo: docNumber(input.planYear, input.issue),
    title: `关于${span}${scope}民生工作推进情况的通报`,
    recipients: recipientsOf(input.office),
    opening: `为加快推进${input.planYear}年${scope}民生工作,根据各牵头单位报送情况,现将${span}${scope}民生工作推进情况通报如下:`,
    overall,
    units,
    ranking,
    offices,
    officeRanking,
    lagging,
    reporting,
    requirements: '各牵头单位要对照年度目标任务,聚焦滞后事项,逐项分析原因,细化推进措施,确保按序时进度完成任务;协同单位要积极配合,形成工作合力;各单位要按时、准确报送进展情况。',
    behindRows,
    onTrackRows,
    office: input.office,
    date: chineseDate(input.date),
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const para = (s: string) => s.split(/\n+/).filter((l) => l.trim()).map((l) => `<p>${escapeHtml(l)}</p>`).join('');

/**
 * Completion by unit as a horizontal bar chart (SVG). A unit's mean completion mixes kinds (a level's
 * is value/target all year), so no 序时进度 line is drawn across it: the bars of units with an
 * indicator behind in its own terms are hatched, which also reads when printed without colour.
 */
export function completionChartSvg(rows: readonly RankingRow[], timeProgress: number): string {
  const width = 640;
  const barH = 14;
  const gap = 5;
  const left = 150;
  const plotW = width - left - 60;
  const height = rows.length * (barH + gap) + 40;
  const x = (v: number) => left + Math.max(0, Math.min(1, v)) * plotW;
  const bars = rows.map((r, k) => {
    const y = 20 + k * (barH + gap);
    const c = r.completion ?? 0;
    const behind = (r.behind ?? 0) > 0;
    return `<text x="${left - 6}" y="${y + barH - 3}" text-anchor="end" font-size="11">${escapeHtml(r.unit)}</text>` +
      `<rect x="${left}" y="${y}" width="${(x(c) - left).toFixed(1)}" height="${barH}" fill="${behind ? 'url(#hatch)' : '#1f5fa8'}" stroke="#1f5fa8" stroke-width="0.6"/>` +
      `<text x="${(x(c) + 4).toFixed(1)}" y="${y + barH - 3}" font-size="10">${percent(r.completion)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="各单位完成率">` +
    `<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#b23a2e" stroke-width="2.2"/></pattern></defs>` +
    bars.join('') +
    `<text x="${left}" y="${height - 4}" font-size="10">斜线:有指标未达到序时进度的单位(累计类指标序时进度${percent(timeProgress)},水平类、增幅类对照目标值)</text></svg>`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[], widths?: readonly string[]): string {
  const cols = widths ? `<colgroup>${widths.map((w) => `<col style="width:${w}">`).join('')}</colgroup>` : '';
  return `<table>${cols}<thead><tr>${head.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
}

const ITEM_HEAD = ['序号', '任务', '牵头单位', '指标', '目标', '进展情况', '完成率', '超欠进度'];
const ITEM_WIDTHS = ['6%', '17%', '10%', '16%', '8%', '13%', '8%', '22%'];
const itemRows = (rows: readonly BulletinRow[]) => rows.map((r) => [String(r.task), r.title, r.lead, r.indicator, r.target, r.value, r.completion, r.gap]);

/** Footer with page numbers, for Chromium's page.pdf and Electron's printToPDF alike. */
export const BULLETIN_FOOTER = '<div style="width:100%;text-align:center;font-size:10px;font-family:serif;">— <span class="pageNumber"></span> —</div>';

/**
 * The bulletin as a self-contained A4 HTML document (no scripts, no remote content).
 * @example bulletinHtml(composeBulletin(input), 0.5)
 */
export function bulletinHtml(b: Bulletin, timeProgress: number): string {
  const css = `
    @page { size: A4; margin: 25mm 22mm 22mm 22mm; }
    body { font-family: "FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 15.5px; line-height: 1.85; color: #000; margin: 0; }
    .docno { text-align: center; text-indent: 0; font-size: 15.5px; margin: 0 0 6px; }
    h1 { font-family: "Noto Serif CJK SC", "SimSun", serif; font-weight: 700; font-size: 22px; text-align: center; margin: 0 0 18px; line-height: 1.5; }
    h2 { font-family: "Noto Sans CJK SC", "SimHei", sans-serif; font-size: 16px; font-weight: 700; margin: 14px 0 4px; text-indent: 2em; }
    p { margin: 0; text-indent: 2em; text-align: justify; }
    p.to { text-indent: 0; }
    .sign { text-align: right; margin-top: 28px; }
    .sign p { text-indent: 0; text-align: right; }
    table { width: 100%; border-collapse: collapse; margin: 8px 0 10px; font-size: 11.5px; line-height: 1.45; page-break-inside: auto; }
    thead { display: table-header-group; }
    tr { page-break-inside: avoid; }
    th, td { border: 0.8px solid #000; padding: 2px 4px; text-align: center; vertical-align: middle; }
    td:nth-child(2) { text-align: left; }
    th { font-family: "Noto Sans CJK SC", "SimHei", sans-serif; font-weight: 700; background: #eee; }
    .chart { margin: 6px 0 10px; page-break-inside: avoid; }
    .attach { page-break-before: always; }
    .attach h3 { font-family: "Noto Sans CJK SC", "SimHei", sans-serif; font-size: 15px; margin: 0 0 4px; }
    .attach h4 { font-family: "Noto Serif CJK SC", serif; text-align: center; font-size: 17px; margin: 0 0 8px; }`;
  const rankRows = b.ranking.map((r) => [String(r.rank ?? '—'), r.unit, percent(r.completion), r.behind === null ? '—' : String(r.behind), r.state]);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<title>${escapeHtml(b.title)}</title><style>${css}</style></head><body>` +
    (b.docNo.trim() === '' ? '' : `<p class="docno">${escapeHtml(b.docNo)}</p>`) +
    `<h1>${escapeHtml(b.title)}</h1>` +
    `<p class="to">${escapeHtml(b.recipients)}</p>${para(b.opening)}` +
    `<h2>一、总体情况</h2>${para(b.overall)}` +
    `<h2>二、各单位推进情况</h2>${para(b.units)}` +
    `<div class="chart">${completionChartSvg(b.ranking, timeProgress)}</div>` +
    table(['名次', '单位', '完成率', '未达到序时进度指标(项)', '报送情况'], rankRows, ['10%', '32%', '16%', '22%', '20%']) +
    (b.officeRanking.length > 0 ? para(b.offices) + table(['名次', '下级汇总端', '完成率', '红灯任务(项)', '汇总包'],
      b.officeRanking.map((r) => [String(r.rank ?? '—'), r.office, percent(r.completion), String(r.red), r.state]), ['10%', '32%', '16%', '22%', '20%']) : '') +
    `<h2>三、滞后事项</h2>${para(b.lagging)}` +
    (b.behindRows.length > 0 ? table(['序号', '任务', '牵头单位', '指标', '超欠进度', '原因'], b.behindRows.map((r) => [String(r.task), r.title, r.lead, r.indicator, r.gap, r.reason]), ['6%', '18%', '11%', '16%', '21%', '28%']) : '') +
    `<h2>四、报送情况</h2>${para(b.reporting)}` +
    `<h2>五、下步要求</h2>${para(b.requirements)}` +
    `<div class="sign"><p>${escapeHtml(b.office)}</p><p>${escapeHtml(b.date)}</p></div>` +
    `<div class="attach"><h3>附件1</h3><h4>未达到序时进度事项清单</h4>${b.behindRows.length > 0 ? table(ITEM_HEAD, itemRows(b.behindRows), ITEM_WIDTHS) : '<p>无。</p>'}</div>` +
    `<div class="attach"><h3>附件2</h3><h4>达到序时进度事项清单</h4>${b.onTrackRows.length > 0 ? table(ITEM_HEAD, itemRows(b.onTrackRows), ITEM_WIDTHS) : '<p>无。</p>'}</div>` +
    `</body></html>`;
}
