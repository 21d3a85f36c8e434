/**
 * A unit's name (from a plan file anyone can write) becomes part of package file names on a USB drive:
 * nothing in it may act on a terminal listing the drive, spoof the name's direction, or make the name
 * too long for a file system (255 bytes; Chinese takes 3 bytes a character).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeName } from '../../electron/services/packages/packages';
import { tempDir } from '../helpers/ledger';

describe('package file names', () => {
  it('control characters, escape sequences, bidi overrides and invisible characters become _', () => {
    const name = safeName('市\u001b[31m残\u0007联\u202egnp.exe\u200b\u0085');
    expect(name).toBe('市_[31m残_联_gnp.exe');
    expect(name).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(safeName('市残联')).toBe('市残联');
    expect(safeName('市 残联/县')).toBe('市_残联_县');
  });

  it('a 100-character name makes a file name a file system takes, and two such names never share one', () => {
    const a = '某'.repeat(99) + '甲';
    const b = '某'.repeat(99) + '乙';
    const fa = `任务包-${safeName(a)}-2019-第12版.xlsx`;
    const fb = `任务包-${safeName(b)}-2019-第12版.xlsx`;
    expect(Buffer.byteLength(fa)).toBeLessThan(200);
    expect(fa).not.toBe(fb);
    const dir = tempDir();
    writeFileSync(join(dir, fa), 'x');
    writeFileSync(join(dir, fb), 'y');
  });
});
