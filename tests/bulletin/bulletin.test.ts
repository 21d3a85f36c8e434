import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BULLETIN_FOOTER } from '../../shared/bulletin';
import { enterReports } from '../../electron/services/entry';
import { fillDemo } from '../../electron/services/demo';
import { draftBulletin, renderBulletin } from '../../electron/services/bulletin';
import { loadPeriodData, summaryByUnit } from '../../electron/services/summaries';
import { createTestLedger, fixedClock, tempDir } from '../helpers/ledger';

const CHROMIUM = '/usr/bin/chromium';

describe('the printable bulletin (通报)', () => {
  it('has the shape of a bulletin and the figures of the database', async () => {
    const l = await createTestLedger({ now: fixedClock('2019-07-10T09:00:00') });
    await fillDemo(l, '2019-06');
    const { bulletin: b } = await draftBulletin(l, { period: '2019-06' });
    expect(b.title).toBe('关于1至6月全市民生工作推进情况的通报');
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
    expect(b.behindRows.every((r) => r.gap.startsWith('-'))).toBe(true);
    expect(b.onTrackRows.every((r) => !r.gap.startsWith('-'))).toBe(true);
  });

  it('edited text is what gets printed, escaped; printed by Chromium as A4 pages with page numbers', async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium must be installed (.ci/run installs it)').toBe(true);
    const l = await createTestLedger({ now: fixedClock('2019-07-10T09:00:00') });
    await fillDemo(l, '2019-06');
    await enterReports(l, { unit: '市残联', period: '2019-06', items: [{ task: 24, problems: '<b>药费</b>发放滞后', nextSteps: '加快发放' }] });
    const draft = await draftBulletin(l, { period: '2019-06' });
    const edited = { ...draft, bulletin: { ...draft.bulletin, requirements: '请各单位于7月20日前报送整改情况。<script>alert(1)</script>' } };
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
      expect(text).toContain('一、总体情况');
      expect(text).toContain('五、下步要求');
      expect(text).toContain('请各单位于7月20日前报送整改情况');
      expect(text).toContain('欠序时进度事项清单');
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
