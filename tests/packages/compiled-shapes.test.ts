/**
 * The shapes every imported package is checked against (manifest, content, a report's payload) are compiled
 * by zod (`z.compile`): generated code answers, and zod's runtime parser only where that code refuses. A
 * wrong "valid" from the generated code would be returned as it is, so these tests hold the two to the same
 * verdicts and values over random edits of real packages. `safeParseAsync` is the runtime parser alone
 * (compiled code runs synchronous parses only).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { readPackageFile, reportDataSchema } from '../../electron/services/packages/package-data';
import { contentSchema, DEFAULT_LIMITS, manifestSchema, readPackage, type Limits } from '../../electron/services/packages/package-format';
import { CANLIAN_JUNE, createLoop } from '../helpers/loop';

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

/** What a hand edit or a faulty writer could leave where a cell, a number, a name, a date or a list belongs. */
const ODD: unknown[] = [
  undefined, null, true, 0, -0, 1.5, -1, 256, 255, 2 ** 53, 1e308, '', 'x', 'x'.repeat(32), 'x'.repeat(201), [], [[]], {}, { a: 1 },
  ['a', 1, null, false], [{}], Object.create(null), new Date(0), NaN, Infinity, 'report', 'lead', '推进中', '2019-06', '2019-13',
  '2019-02-29T10:00:00Z', '2020-02-29T10:00:00+08:00', '2019-06-31T10:00:00Z', '2019-06-30T24:00:00Z', '2019-06-30T10:00Z',
  'ABCD-EF01-2345-6789', 'abcd-ef01-2345-6789', `${'A'.repeat(43)}=`, 'a'.repeat(64), 'x'.repeat(DEFAULT_LIMITS.maxCellChars + 1),
];

/** One random change somewhere in a copy: a value replaced, a key added or removed, a list grown or emptied. */
function mutate(value: unknown, rnd: () => number): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
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
  walk(copy);
  const at = holders[Math.floor(rnd() * holders.length)]!;
  const odd = ODD[Math.floor(rnd() * ODD.length)];
  const keys = Array.isArray(at) ? at.map((_, i) => i) : Object.keys(at);
  const pick = keys[Math.floor(rnd() * keys.length)];
  const move = rnd();
  if (Array.isArray(at)) {
    if (move < 0.6 && pick !== undefined) at[pick as number] = odd;
    else if (move < 0.8) at.push(rnd() < 0.5 ? odd : structuredClone(at[0]));
    else at.splice(0, at.length);
  } else if (move < 0.6 && pick !== undefined) at[pick] = odd;
  else if (move < 0.75 && pick !== undefined) delete at[pick];
  else at[['colWidths', 'name', 'extra', '__proto__', 'recipient', 'values'][Math.floor(rnd() * 6)]!] = odd;
  return copy;
}

/**
 * Random edits of `real` through `schema`: the compiled verdict and value against the runtime's. Returns
 * how many edits both accepted and both refused, so a caller can see both sides were exercised.
 */
async function compare(schema: z.ZodType, real: unknown, edits: number): Promise<{ accepted: number; refused: number; mismatch?: string }> {
  let accepted = 0;
  let refused = 0;
  for (let seed = 1; seed <= edits; seed++) {
    const rnd = random(seed);
    let value = mutate(real, rnd);
    if (rnd() < 0.3) value = mutate(value, rnd);
    const compiled = schema.safeParse(value);
    const runtime = await schema.safeParseAsync(value);
    if (compiled.success !== runtime.success) return { accepted, refused, mismatch: `seed ${seed}: compiled ${compiled.success}, runtime ${runtime.success}` };
    if (compiled.success) {
      expect(compiled.data, `seed ${seed}`).toEqual(runtime.data);
      accepted++;
    } else {
      // A refusal is worded by the runtime in both cases: the same message reaches the user.
      expect(compiled.error.issues, `seed ${seed}`).toEqual(runtime.error!.issues);
      refused++;
    }
  }
  return { accepted, refused };
}

describe('the compiled shapes of a package', async () => {
  const loop = await createLoop();
  const file = await loop.report(await loop.unit('市残联'), '2019-06', CANLIAN_JUNE);
  const real = readPackage(readFileSync(file));
  const report = readPackageFile(file).pkg.report;
  // Limits the real content just fits, so that an edit can cross each of them.
  const cells = real.content.sheets.flatMap((s) => s.rows.flat());
  const tight: Limits = {
    ...DEFAULT_LIMITS,
    maxRows: Math.max(...real.content.sheets.map((s) => s.rows.length)),
    maxSheets: real.content.sheets.length,
    maxCellChars: Math.max(...cells.map((c) => (typeof c === 'string' ? c.length : 0))),
  };

  it('are what a real report is checked with: its manifest, content and payload pass', () => {
    expect(manifestSchema.safeParse(real.manifest).success).toBe(true);
    expect(contentSchema(DEFAULT_LIMITS).safeParse(real.content).success).toBe(true);
    expect(report).not.toBeNull();
    expect(reportDataSchema.safeParse(report).success).toBe(true);
  });

  it.each([
    ['the manifest', () => manifestSchema, () => real.manifest],
    ['the content, default limits', () => contentSchema(DEFAULT_LIMITS), () => real.content],
    ['the content, tight limits', () => contentSchema(tight), () => real.content],
    ['a report’s payload', () => reportDataSchema, () => report],
  ] as const)('%s: the same verdict and value as zod’s runtime parser over 5,000 random edits', async (_, schema, value) => {
    const { accepted, refused, mismatch } = await compare(schema() as z.ZodType, value(), 5_000);
    expect(mismatch).toBeUndefined();
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });

  it('the comparison catches a fast path that accepts too much', async () => {
    const lenient = z.withParser(manifestSchema, (v) => v as z.output<typeof manifestSchema>);
    const { mismatch } = await compare(lenient, real.manifest, 5_000);
    expect(mismatch).toMatch(/compiled true, runtime false/);
  });
});
