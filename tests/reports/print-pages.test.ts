/**
 * The summary workbook as a clerk prints it (issue 14 item 8: 分任务 pages were half empty). The workbook is
 * printed through LibreOffice to PDF and each page measured: every 分任务 page but the sheet's last is filled
 * to most of its height, and no task is cut from its indicator rows (the page breaks are ours, set per task).
 *
 * The pages are laid out from Calibri's metrics (Excel's and WPS's default font on Windows): LibreOffice needs
 * a metric-compatible font (Carlito, Debian's fonts-crosextra-carlito) to lay them out as they will print.
 * Without it LibreOffice measures columns in DejaVu Sans, the fit-to-width scale falls from 0.82 to 0.56 and
 * every page prints half empty, which is what was seen.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDemo } from '../../electron/services/entry/demo';
import { writeSummaryWorkbook } from '../../electron/services/summaries/reports';
import { createTestLedger, fixedClock, tempDir } from '../helpers/ledger';

interface Word { readonly yMin: number; readonly yMax: number; readonly text: string }

/** The words of each page of a PDF, with their vertical place (points from the top). */
function pdfPages(pdf: string, dir: string): { readonly height: number; readonly words: Word[] }[] {
  const html = join(dir, 'pages.html');
  execFileSync('pdftotext', ['-bbox', pdf, html], { timeout: 60_000 });
  return readFileSync(html, 'utf8').split('<page ').slice(1).map((p) => ({
    height: Number(/height="([\d.]+)"/.exec(p)![1]),
    words: [...p.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)]
      .map((m) => ({ yMin: Number(m[1]), yMax: Number(m[2]), text: m[3]! })),
  }));
}

describe('the summary workbook printed', () => {
  it('fills every 分任务 page but the last to at least 70 % of its height', async () => {
    expect(execFileSync('fc-match', ['Calibri']).toString(), 'LibreOffice needs Carlito for Calibri: apt-get install fonts-crosextra-carlito').toMatch(/Carlito/);
    const ledger = await createTestLedger({ now: fixedClock('2019-10-20T10:00:00') });
    await fillDemo(ledger, '2019-09');
    const dir = tempDir();
    const out = join(dir, '2019年9月.xlsx');
    await writeSummaryWorkbook(ledger, { period: '2019-09', out });
    execFileSync('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, out], { stdio: 'ignore', timeout: 180_000 });

    const pages = pdfPages(join(dir, '2019年9月.pdf'), dir);
    // The footer names the sheet: "分任务 第 5 页,共 17 页".
    const footerTop = (p: { height: number }) => p.height - 0.6 * 72;
    const tasks = pages.filter((p) => p.words.some((w) => w.yMin > footerTop(p) && w.text === '分任务'));
    expect(tasks.length).toBeGreaterThan(2);
    const fill = tasks.map((p) => {
      const top = 0.55 * 72;
      const bottom = Math.max(...p.words.filter((w) => w.yMin < footerTop(p)).map((w) => w.yMax));
      return (bottom - top) / (footerTop(p) - top);
    });
    for (const [i, f] of fill.slice(0, -1).entries()) expect(f, `分任务 page ${i + 1} of ${tasks.length} is ${Math.round(f * 100)} % full`).toBeGreaterThanOrEqual(0.7);
  }, 240_000);
});
