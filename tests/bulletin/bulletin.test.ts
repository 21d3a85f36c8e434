import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BULLETIN_FOOTER } from '../../shared/bulletin';
import { enterReports, type EntryItem } from '../../electron/services/entry/entry';
import { fillDemo } from '../../electron/services/entry/demo';
import { draftBulletin, renderBulletin } from '../../electron/services/summaries/bulletin';
import { loadPeriodData, summaryByUnit } from '../../electron/services/summaries/summaries';
import { createTestLedger, fixedClock, tempDir } from '../helpers/ledger';
import type { OpenLedger } from '../../electron/services/context';

const CHROMIUM = '/usr/bin/chromium';

describe('the printable bulletin (通报)', () => {
  it('has the shape of a bulletin and the figures of the database', async () => {
    const l = await createTestLedger({ now: fixedClock('2019-07-10T09:00:00') });
    await fillDemo(l, '2019-06');
    const { bulletin: b } = await draftBulletin(l, { period: '2019-06' });
    expect(b.title).toBe('关于1至6月全市民生工作推进情况的通报');
    expect(b.docNo).toBe('〔2019〕第6期');
    expect(b.opening).toContain('现将1至6月全市民生工作推进情况通报如下:');
    expect(b.date).toBe('2019年7月10日');
    const units = summaryByUnit(await loadPeriodData(l, '2019-06'));
    // the ranking lists every unit with lead tasks, best first, in 1,2,2,4 places
    expect(b.ranking.length).toBe(units.filter((u) => u.leadTasks > 0 && u.completion !== null).length);
    for (let k = 1; k < b.ranking.length; k++) {
      expect(b.ranking[k]!.rank!).toBeGreaterThanOrEqual(b.ranking[k - 1]!.rank!);
      if (b.ranking[k]!.rank! > b.ranking[k - 1]!.rank!) expect(b.ranking[k]!.completion!).toBeLessThan(b.ranking[k - 1]!.completion!);
    }
    const best = b.ranking.slice(0, 3).map((r) => r.unit);
    expect(b.units).toContain(best.join('、'));
    const missing = units.filter((u) => u.state === '未报送').map((u) => u.unit);
    expect(missing.length).toBeGreaterThan(0);
    for (const name of missing) expect(b.reporting).toContain(name);
    expect(b.behindRows.length).toBeGreaterThan(0);
    expect(b.behindRows.every((r) => /^(落后序时进度|低于目标|超出上限|逾期未完成)/.test(r.gap))).toBe(true);
    expect(b.onTrackRows.every((r) => !/^(落后序时进度|低于目标|超出上限|逾期未完成)/.test(r.gap))).toBe(true);
  });

  it('edited text is what gets printed, escaped; printed by Chromium as A4 pages with page numbers', async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium must be installed (.ci/run installs it)').toBe(true);
    const l = await createTestLedger({ now: fixedClock('2019-07-10T09:00:00') });
    await fillDemo(l, '2019-06');
    await enterReports(l, { unit: '市残联', period: '2019-06', items: [{ task: 24, problems: '<b>药费</b>发放滞后', nextSteps: '加快发放' }], replace: true });
    const draft = await draftBulletin(l, { period: '2019-06' });
    const edited = { ...draft, bulletin: { ...draft.bulletin, docNo: '宣民生办〔2019〕6号', requirements: '请各单位于7月20日前报送整改情况。<script>alert(1)</script>' } };
    const html = renderBulletin(edited);
    expect(html).toContain('请各单位于7月20日前报送整改情况。&lt;script&gt;');
    expect(html).not.toContain('<script>');
    const dir = tempDir('bulletin-');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = join(dir, 'bulletin.pdf');
      await page.pdf({ path: pdf, format: 'A4', displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: BULLETIN_FOOTER, preferCSSPageSize: true });
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
      expect(pages).toBeGreaterThanOrEqual(3); // body + two attachments, each on its own page
      expect(info).toMatch(/Page size:.*\(A4\)/); // A4 portrait: 595 × 842 pt
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      expect(text).toContain('关于1至6月全市民生工作推进情况的通报');
      // The 文号 above the title, as the office wrote it.
      expect(text).toMatch(/宣民生办〔2019〕6号\s+关于1至6月/);
      expect(text).toContain('一、总体情况');
      expect(text).toContain('五、下步要求');
      expect(text).toContain('请各单位于7月20日前报送整改情况');
      expect(text).toContain('未达到序时进度事项清单');
      expect(text).toMatch(/—\s*2\s*—/);
      const out = process.env.BULLETIN_PNG_DIR;
      if (out) {
        mkdirSync(out, { recursive: true });
        execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(out, 'bulletin')]);
        writeFileSync(join(out, 'bulletin.html'), html);
        expect(readdirSync(out).some((f) => f.endsWith('.png'))).toBe(true);
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('the bulletin\'s 文号', () => {
  it('is the period\'s place in the year by default, a quarter\'s number for a quarterly plan, and left out when cleared', async () => {
    const q = await createTestLedger({ now: fixedClock('2019-07-10T09:00:00'), frequency: 'quarterly' });
    const draft = await draftBulletin(q, { period: '2019-06' });
    expect(draft.bulletin.docNo).toBe('〔2019〕第2期');
    expect(renderBulletin(draft)).toContain('<p class="docno">〔2019〕第2期</p>');
    expect(renderBulletin({ ...draft, bulletin: { ...draft.bulletin, docNo: ' ' } })).not.toContain('class="docno"');
  });
});

describe('bulletin wording when most units are silent', () => {
  it('never names a unit that sent nothing as advancing fast', async () => {
    const l = await createTestLedger({ now: fixedClock('2019-08-06T09:00:00') });
    await enterReports(l, { unit: '市残联', period: '2019-07', items: [
      { task: 24, status: '推进中', progress: '发放中' },
      { task: 24, indicator: 1, value: 2000 }, { task: 24, indicator: 2, value: 300 }, { task: 24, indicator: 3, value: 40 },
    ] });
    const { bulletin: b } = await draftBulletin(l, { period: '2019-07' });
    expect(b.units).toMatch(/^按牵头任务.*市残联等单位推进较快/);
    expect(b.units).not.toContain('市人社局');
    expect(b.lagging).toContain('尚未报送数据');
  });
});

/**
 * June, month 6, with nine values entered by hand: each is judged in its own terms, written out here.
 *  任务2  省级农民工返乡创业示范园 1-2家, 1      → reached: 已完成
 *  任务2  开发公益性岗位 1800个, 1000            → 55.6 % ≥ 6/12: on schedule
 *  任务5  农村常住居民人均可支配收入增长 约9%, 5 → growth under 95 % of 9: behind (低于目标4.0个百分点)
 *  任务18 城乡居民基本医疗保险参保率 ≥95%, 93     → level under its target: behind (低于目标2.0个百分点)
 *  任务18 政策范围内住院费用报销比例 约75%, 74   → within 5 % of 75: on schedule (基本达到目标)
 *  任务19 城乡大病保险支付比例 ≥60%, 61          → level at its target: on schedule (not done before December)
 *  任务24 药费补助 3264人, 1632                  → exactly 6/12: on schedule
 *  任务24 康复训练 428人, 300                    → 70 %: on schedule
 *  任务24 辅具 60人, 20                          → 33.3 %: behind (落后序时进度16.7个百分点)
 */
const JUNE: readonly { unit: string; items: EntryItem[] }[] = [
  { unit: '市人社局', items: [
    { task: 2, status: '推进中', progress: '推进中' }, { task: 2, indicator: 1, value: 1 }, { task: 2, indicator: 2, value: 1000 },
    { task: 5, status: '推进中', progress: '推进中', problems: '农产品价格走低', nextSteps: '拓宽增收渠道' }, { task: 5, indicator: 1, value: 5 },
  ] },
  { unit: '市医保局', items: [
    { task: 18, status: '推进中', progress: '推进中', problems: '外出务工人员参保难', nextSteps: '上门动员' },
    { task: 18, indicator: 1, value: 93 }, { task: 18, indicator: 2, value: 74 },
    { task: 19, status: '推进中', progress: '推进中' }, { task: 19, indicator: 1, value: 61 },
  ] },
  { unit: '市残联', items: [
    { task: 24, status: '推进中', progress: '推进中', problems: '辅具适配机构少', nextSteps: '增加定点机构' },
    { task: 24, indicator: 1, value: 1632 }, { task: 24, indicator: 2, value: 300 }, { task: 24, indicator: 3, value: 20 },
  ] },
];

/** The values stored for June, read straight from the database, with what judges them. */
async function storedJune(l: OpenLedger) {
  return l.db.selectFrom('report_values')
    .innerJoin('reports', 'reports.id', 'report_values.report_id')
    .innerJoin('periods', 'periods.id', 'reports.period_id')
    .innerJoin('indicators', 'indicators.id', 'report_values.indicator_id')
    .select(['indicators.name', 'indicators.kind', 'indicators.comparator', 'indicators.target', 'report_values.value'])
    .where('periods.period', '=', '2019-06').where('reports.role', '=', 'lead').where('report_values.value', 'is not', null)
    .execute();
}

describe('bulletin 总体情况 opens as the office\'s own bulletins do (issue 11)', () => {
  it('量化指标任务N项,达到序时进度M项,占比P%,其中K项已完成;未达到序时进度J项, with the numbers counted here from the stored values, then the ones behind by kind', async () => {
    const l = await createTestLedger({ now: fixedClock('2019-07-10T09:00:00') });
    for (const { unit, items } of JUNE) await enterReports(l, { unit, period: '2019-06', items, receivedOn: '2019-07-04' });

    // Counted here, not by the app's functions: at or ahead of what is due in June (month 6), by kind.
    const stored = await storedJune(l);
    const judged = stored.map((v) => {
      const value = v.value!;
      const reached = v.comparator === '~' ? value >= v.target * 0.95 : value >= v.target;
      if (v.comparator !== '>=' && v.comparator !== '~' && v.comparator !== 'range') throw new Error(`no hand rule for ${v.comparator}`);
      switch (v.kind) {
        case 'cumulative': return { name: v.name, onSchedule: reached || value / v.target >= 6 / 12, done: reached };
        case 'level': case 'growth': return { name: v.name, onSchedule: reached, done: false }; // done only in December
        case 'milestone': throw new Error('no milestone in this plan');
      }
    });
    const N = judged.length;
    const M = judged.filter((j) => j.onSchedule).length;
    const K = judged.filter((j) => j.done).length;
    const J = N - M;
    expect([N, M, K, J]).toEqual([9, 6, 1, 3]); // and by hand, from the table above
    const P = `${((M / N) * 100).toFixed(1)}%`;
    expect(P).toBe('66.7%');

    const { bulletin: b } = await draftBulletin(l, { period: '2019-06' });
    expect(b.overall).toContain(`截至6月底,全市民生工作量化指标任务${N}项,达到序时进度${M}项,占比${P},其中${K}项已完成;未达到序时进度${J}项(进展情况占比低于序时进度或增幅低于目标任务,下同)`);
    expect(b.overall).toContain(
      '其中,累计类指标落后于序时进度1项:「肢体残疾儿童适配假肢矫形器和辅具」(市残联,落后序时进度16.7个百分点);' +
      '水平类、增幅类指标未达到目标2项:「农村常住居民人均可支配收入增长」(市人社局、市农业农村局,低于目标4.0个百分点)、' +
      '「城乡居民基本医疗保险参保率」(市医保局,低于目标2.0个百分点)。');
    expect(b.overall).toContain(`另有${62 - N}项指标尚未报送数据。`);
    expect(b.overall).not.toContain('全市总体完成');

    // The tables say the same, in each kind's words.
    expect(b.behindRows.map((r) => [r.indicator, r.value, r.gap])).toEqual([
      ['肢体残疾儿童适配假肢矫形器和辅具', '累计完成20人', '落后序时进度16.7个百分点'],
      ['农村常住居民人均可支配收入增长', '增幅5%', '低于目标4.0个百分点'],
      ['城乡居民基本医疗保险参保率', '当前值93%', '低于目标2.0个百分点'],
    ]);
    expect(b.onTrackRows.map((r) => [r.indicator, r.value, r.gap])).toEqual([
      ['省级农民工返乡创业示范园', '累计完成1家', '超序时进度50.0个百分点'],
      ['开发公益性岗位', '累计完成1000个', '超序时进度5.6个百分点'],
      ['政策范围内住院费用报销比例', '当前值74%', '基本达到目标(差1.0个百分点)'],
      ['城乡大病保险支付比例', '当前值61%', '高于目标1.0个百分点'],
      ['贫困精神残疾人药费补助', '累计完成1632人', '与序时进度持平'],
      ['残疾儿童康复训练', '累计完成300人', '超序时进度20.1个百分点'],
    ]);
    const html = renderBulletin({ bulletin: b, timeProgress: 0.5 });
    expect(html).toContain('<th>进展情况</th>');
    expect(html).not.toContain('累计完成93');
    expect(html).not.toContain('超欠进度(点)');
    // Units are said to be behind by their indicators, never by a mean completion against 序时进度.
    expect(b.ranking.find((r) => r.unit === '市医保局')).toMatchObject({ behind: 1 });
    expect(b.ranking.find((r) => r.unit === '市人社局')).toMatchObject({ behind: 1 });
    expect(b.units).toContain('共有3个单位有指标未达到序时进度');
  });

  it('counts what was reported only, and says so when nothing was', async () => {
    const l = await createTestLedger({ now: fixedClock('2019-07-10T09:00:00') });
    const { bulletin: b } = await draftBulletin(l, { period: '2019-06' });
    expect(b.overall).toContain('尚无牵头单位报送量化指标数据');
    expect(b.behindRows).toEqual([]);
  });
});
