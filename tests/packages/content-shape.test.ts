/**
 * The signed content's shape is checked without zod for the common case (plainContent), zod deciding and
 * wording everything else. These tests hold the plain check to a subset of the schema: every content it
 * accepts, the schema accepts as the same value; and a real package's content takes the plain path.
 */
import { describe, expect, it } from 'vitest';
import { contentSchema, DEFAULT_LIMITS, plainContent, readPackage, type Limits } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { sampleReport, testKey } from './helpers';

const real = readPackage(writePackage(sampleReport(testKey('unit')))).content;

/** Deterministic, so a failure names a seed that repeats it. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values a hand-edited or faulty content could hold where a cell, a width, a name or a list belongs. */
const ODD: unknown[] = [
  undefined, null, true, 0, -0, 1.5, -1, 256, 255, 1e308, '', 'x', 'x'.repeat(32), 'x'.repeat(31), [], [[]], {}, { a: 1 },
  ['a', 1, null, false], [{}], [[{}]], [[[]]], Object.create(null), new Date(0), NaN, Infinity, 'x'.repeat(DEFAULT_LIMITS.maxCellChars + 1),
];

/** One random change somewhere in a copy of the content: a value replaced, a key added or removed, an item dropped or added. */
function mutate(content: unknown, rnd: () => number): unknown {
  const copy = structuredClone(content) as Record<string, unknown>;
  const holders: Array<Record<string, unknown> | unknown[]> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      holders.push(v);
      v.forEach(walk);
    } else if (typeof v === 'object' && v !== null) {
      holders.push(v as Record<string, unknown>);
      Object.values(v).forEach(walk);
    }
  };
  walk(copy.sheets);
  holders.push(copy);
  const at = holders[Math.floor(rnd() * holders.length)]!;
  const odd = ODD[Math.floor(rnd() * ODD.length)];
  const keys = Array.isArray(at) ? at.map((_, i) => i) : Object.keys(at);
  const pick = keys[Math.floor(rnd() * keys.length)];
  const move = rnd();
  if (Array.isArray(at)) {
    if (move < 0.6 && pick !== undefined) at[pick as number] = odd;
    else if (move < 0.8) at.push(odd);
    else at.splice(0, at.length);
  } else if (move < 0.5 && pick !== undefined) at[pick] = odd;
  else if (move < 0.7 && pick !== undefined) delete at[pick];
  else at[['colWidths', 'name', 'rows', 'sheets', 'data', 'extra', '__proto__'][Math.floor(rnd() * 7)]!] = odd;
  return copy;
}

describe('the signed content’s plain shape check', () => {
  it('takes a real package’s content, as the schema does', () => {
    expect(plainContent(real, DEFAULT_LIMITS)).toBe(true);
    expect(contentSchema(DEFAULT_LIMITS).safeParse(real).success).toBe(true);
  });

  it('accepts only what the schema accepts, and as the same value: 20,000 random edits of a real content', () => {
    const tight: Limits = { ...DEFAULT_LIMITS, maxRows: 6, maxSheets: 3, maxCellChars: 40 };
    let acceptedByBoth = 0;
    let refusedByPlainOnly = 0;
    for (let seed = 1; seed <= 20_000; seed++) {
      const rnd = random(seed);
      const limits = seed % 2 === 0 ? DEFAULT_LIMITS : tight;
      let content = mutate(real, rnd);
      if (rnd() < 0.3) content = mutate(content, rnd);
      const schema = contentSchema(limits).safeParse(content);
      if (plainContent(content, limits)) {
        expect(schema.success, `seed ${seed}: accepted without zod, refused by the schema`).toBe(true);
        expect(schema.data, `seed ${seed}`).toEqual(content);
        acceptedByBoth++;
      } else if (schema.success) {
        refusedByPlainOnly++;
      }
    }
    // Both sides of the comparison must be exercised, or it proves nothing.
    expect(acceptedByBoth).toBeGreaterThan(1_000);
    expect(20_000 - acceptedByBoth - refusedByPlainOnly).toBeGreaterThan(1_000);
  });

  it('leaves what it does not accept to the schema: a prototype-less sheet, a date, NaN, a cell too long', () => {
    const sheet = real.sheets[0]!;
    const cases: unknown[] = [
      { ...real, sheets: [Object.assign(Object.create(null), sheet)] },
      { ...real, sheets: [{ ...sheet, rows: [[new Date(0)]] }] },
      { ...real, sheets: [{ ...sheet, rows: [[NaN]] }] },
      { ...real, sheets: [{ ...sheet, rows: [['x'.repeat(DEFAULT_LIMITS.maxCellChars + 1)]] }] },
      { sheets: real.sheets },
    ];
    for (const c of cases) expect(plainContent(c, DEFAULT_LIMITS)).toBe(false);
  });
});
