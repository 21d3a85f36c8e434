/**
 * Issue 10 item 7: control characters and ANSI escapes in file names (and any text from a package)
 * reached the terminal. Everything the CLI prints goes through shared/format.ts `printable`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printable } from '../../shared/format';
import { run } from '../../electron/cli';
import { tempDir } from '../helpers/ledger';

async function ledger(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

/** What must never reach a terminal raw: C0/C1 controls, DEL, bidi and zero-width characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ACTS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

describe('printable', () => {
  it('shows every character that would act as a visible \\uXXXX, and leaves the rest alone', () => {
    expect(printable('a\u001b[2Jb')).toBe('a\\u001B[2Jb');
    expect(printable('行一\r\n行二\t')).toBe('行一\\u000D\\u000A行二\\u0009');
    expect(printable('行一\n行二', 'lines')).toBe('行一\n行二');
    expect(printable('\u009b31m \u007f \u202egpj.xlsx \u200b \ufeff')).toBe('\\u009B31m \\u007F \\u202Egpj.xlsx \\u200B \\uFEFF');
    expect(printable('市残联 2019年6月 第1版 😀 _x0041_ \\u001B')).toBe('市残联 2019年6月 第1版 😀 _x0041_ \\u001B');
  });

  it('keeps printed JSON valid and meaning the same text', () => {
    const value = { file: 'a\u009b\u202eb\u001b' };
    const shown = printable(JSON.stringify(value), 'lines');
    expect(shown).not.toMatch(ACTS);
    expect(JSON.parse(shown)).toEqual(value);
  });
});

describe('the command line prints text from a USB drive harmlessly', () => {
  it('a file name with ANSI escapes, a carriage return, a forged line and a bidi override: one line per file, nothing acts', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    expect((await ledger('init', '--db', db)).code).toBe(0);
    const usb = join(dir, 'usb');
    mkdirSync(usb);
    const name = '\u001b[2J\u001b[31m填报包\u001b[0m\r[已导入] 伪造的一行\n[已导入] 又一行\u202exslx.xlsx';
    writeFileSync(join(usb, name), 'not a package');
    copyFileSync(join(usb, name), join(usb, '普通文件.xlsx'));

    for (const dryRun of [[], ['--dry-run']]) {
      const r = await ledger('import', '--db', db, ...dryRun, usb);
      expect(r.code).toBe(1);
      const lines = r.out.join('\n').split('\n');
      expect(lines).toHaveLength(3); // two files, one tally
      for (const line of lines) expect(line).not.toMatch(ACTS);
      expect(lines.filter((l) => l.startsWith('[拒收]'))).toHaveLength(2);
      expect(r.out.join('\n')).toContain('\\u001B[2J\\u001B[31m填报包\\u001B[0m\\u000D[已导入] 伪造的一行\\u000A[已导入] 又一行\\u202Exslx.xlsx');
    }

    const json = await ledger('import', '--db', db, '--json', usb);
    const text = json.out.join('\n');
    expect(text).not.toMatch(ACTS);
    expect((JSON.parse(text) as { file: string }[]).map((r) => r.file)).toContain(name);
  });

  it('an error message carrying a file name is printed the same way', async () => {
    const dir = tempDir();
    const r = await ledger('init', '--db', join(dir, 'U.db'), '--from', join(dir, '任务包\u001b]0;标题\u0007.xlsx'));
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).not.toMatch(ACTS);
    expect(r.err.join('\n')).toContain('任务包\\u001B]0;标题\\u0007.xlsx');
  });
});
