/**
 * Hostile and broken input: real packages made with the app's own code, mutated (tests/fuzz/mutate.ts)
 * and imported one by one at the summary office. Every file must come back accepted, duplicate or
 * refused with a documented code; a refusal leaves the data exactly as it was; whatever is accepted
 * is the very package its unit signed; nothing crashes or hangs.
 *
 *   npm test                  FUZZ_ITERATIONS=300 by default (well under a minute)
 *   npm run fuzz              3,000 iterations
 *   FUZZ_SEED=… FUZZ_ITERATIONS=… npx vitest run tests/fuzz   another run; a failure names its seed
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportFileResult } from '../../shared/api';
import { canonicalJson } from '../../shared/canonical';
import { PLAN_2019 } from '../../seeds/plan2019';
import { importFiles } from '../../electron/services/import/import';
import { loadKey } from '../../electron/services/keys/keys';
import { readPackage } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { yearEntries } from '../../scripts/bench-setup';
import { CANLIAN_JUNE, createLoop, snapshotData } from '../helpers/loop';
import { MUTATORS, rng, type Base, type Context, type Mutator } from './mutate';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20190704);
/** A hang detector, not a performance assertion: one file takes milliseconds. */
const HANG_MS = 10_000;

/** Refusal codes of an import, as documented in README (导入) and docs/package-format.md §9–§10. */
const DOCUMENTED_CODES = new Set([
  'E_NOT_A_PACKAGE', 'E_UNREADABLE', 'E_TOO_LARGE', 'E_BAD_SIGNATURE', 'E_TAMPERED', 'E_UNKNOWN_KEY', 'E_KEY_MISMATCH',
  'E_WRONG_PLAN', 'E_WRONG_RECIPIENT', 'E_STALE_REVISION', 'E_PERIOD_LOCKED', 'E_UNKNOWN_UNIT', 'E_FUTURE_PERIOD', 'E_KEY_OF_OTHER_UNIT', 'E_VALIDATION',
]);

const outcomes = new Map<string, number>();
const byMutator = new Map<string, Map<string, number>>();
/** Milliseconds per mutator (making the file and importing it), to keep the CI run short. */
const spent = new Map<string, number>();
let slowest = { ms: 0, what: '' };

afterAll(() => {
  if (outcomes.size === 0) return;
  const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
  const lines = [`import fuzz: ${total} mutated files, seed ${SEED}; slowest import ${slowest.ms} ms (${slowest.what})`];
  for (const [k, n] of [...outcomes].sort((a, b) => b[1] - a[1])) lines.push(`  ${k.padEnd(18)} ${String(n).padStart(6)}`);
  lines.push('by mutator:');
  for (const [m, counts] of [...byMutator].sort()) {
    lines.push(`  ${m.padEnd(46)} ${[...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}  (${Math.round(spent.get(m) ?? 0)} ms)`);
  }
  console.log(lines.join('\n'));
});

function count(mutator: Mutator, r: ImportFileResult): void {
  const key = r.status === 'rejected' ? r.code ?? 'E_?' : r.status;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const m = byMutator.get(mutator.name) ?? new Map<string, number>();
  m.set(key, (m.get(key) ?? 0) + 1);
  byMutator.set(mutator.name, m);
}

/** Long narratives, so the signed content runs over several signature-sheet rows. */
function withLongNarratives(items: ReturnType<typeof yearEntries>) {
  const text = (what: string) => `${what}:` + '按照年度目标任务分解到月,逐项对账销号,'.repeat(90);
  return items.map((i) => (i.indicator === undefined && i.progress ? { ...i, progress: text('进展'), problems: text('问题'), nextSteps: text('措施') } : i));
}

describe('import fuzz', () => {
  it(`${ITERATIONS} mutated real packages: accepted as signed, or refused with a documented code and nothing changed`, async () => {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const rsj = await loop.unit('市人社局');
    // Both units' keys pinned at the office, as after their first package.
    const pinned = await importFiles(loop.office, [
      await loop.report(canlian, '2019-05', CANLIAN_JUNE),
      await loop.report(rsj, '2019-05', yearEntries(PLAN_2019, '市人社局', '2019-05')),
    ], { acceptNewKeys: true });
    expect(pinned.map((r) => r.status)).toEqual(['accepted', 'accepted']);

    const baseOf = async (name: string, file: string, unit: typeof canlian, otherUnit: string, foreignTask: number): Promise<Base> => {
      const bytes = readFileSync(file);
      return { name, bytes, pkg: readPackage(bytes), key: loadKey(unit.file), otherUnit, foreignTask };
    };
    const bases = [
      await baseOf('市残联 2019-06', await loop.report(canlian, '2019-06', CANLIAN_JUNE), canlian, '市人社局', 1),
      await baseOf('市人社局 2019-06 (long)', await loop.report(rsj, '2019-06', withLongNarratives(yearEntries(PLAN_2019, '市人社局', '2019-06'))), rsj, '市残联', 24),
    ];
    expect(bases[1]!.pkg.manifest.packageId).not.toBe(bases[0]!.pkg.manifest.packageId);
    const signedIds = new Set<string>();
    let revision = 1000;
    const ctx: Context = {
      bases,
      nextRevision: () => ++revision,
      nextId: () => {
        const id = `fuzz-${SEED}-${revision}-${signedIds.size}`;
        signedIds.add(id);
        return id;
      },
    };

    const dir = join(loop.dir, 'fuzz');
    mkdirSync(dir);
    const sqlite = loop.office.handle.sqlite;
    let snapshot = await snapshotData(loop.office.db);

    for (let i = 0; i < ITERATIONS; i++) {
      const mutator = MUTATORS[i % MUTATORS.length]!;
      const seed = (SEED + Math.imul(i, 0x9e3779b1)) >>> 0;
      const r = rng(seed);
      // Re-signed packages from the small base: each accepted one is archived whole and compared each time.
      const base = mutator.family === 'signed' ? bases[0]! : r.pick(bases);
      const where = `iteration ${i}, mutator ${mutator.name}, base ${base.name}, FUZZ_SEED=${SEED}`;
      const started = performance.now();
      const bytes = mutator.apply(base, r, ctx);
      const file = join(dir, `fuzz-${String(i).padStart(5, '0')}-${mutator.name}.xlsx`);
      writeFileSync(file, bytes);

      const t0 = Date.now();
      const results = await importFiles(loop.office, [file]);
      const ms = Date.now() - t0;
      if (ms > slowest.ms) slowest = { ms, what: mutator.name };
      expect(ms, `${where}: import took ${ms} ms`).toBeLessThan(HANG_MS);
      expect(results, where).toHaveLength(1);
      const res = results[0]!;
      count(mutator, res);

      expect(['accepted', 'duplicate', 'rejected'], where).toContain(res.status);
      if (res.status === 'rejected') {
        expect(DOCUMENTED_CODES.has(res.code ?? ''), `${where}: code ${res.code}: ${res.message}`).toBe(true);
        // An unexpected exception is turned into a refusal by importFiles; its message gives it away.
        expect(res.message, where).not.toContain('程序内部错误');
        expect(res.message, where).toContain(`fuzz-${String(i).padStart(5, '0')}`);
        const after = await snapshotData(loop.office.db);
        expect(after === snapshot, `${where}: data changed after a refusal (${res.code})`).toBe(true);
      } else {
        expect(mutator.mustRefuse, `${where}: ${res.status}, but only a refusal is right: ${res.message}`).toBe(false);
        // Whatever got in is a real package of its unit: the very one signed, byte for byte of content.
        const pkg = readPackage(bytes);
        if (mutator.family === 'signed') {
          expect(signedIds.has(pkg.manifest.packageId), where).toBe(true);
          expect(pkg.fingerprint, where).toBe(base.pkg.fingerprint);
        } else {
          const original = bases.find((b) => b.pkg.manifest.packageId === pkg.manifest.packageId);
          expect(original, `${where}: accepted a package nobody signed`).toBeDefined();
          expect(pkg.manifest, where).toEqual(original!.pkg.manifest);
          expect(canonicalJson(pkg.content), where).toBe(canonicalJson(original!.pkg.content));
        }
        const after = await snapshotData(loop.office.db);
        if (res.status === 'duplicate') {
          expect(after === snapshot, `${where}: a duplicate changed data`).toBe(true);
        } else {
          const data = pkg.content.data as { reports: { values: unknown[] }[] };
          const stored = sqlite!.prepare('SELECT count(*) AS n FROM reports WHERE package_id = ?').get(pkg.manifest.packageId) as { n: number };
          const values = sqlite!.prepare('SELECT count(*) AS n FROM report_values v JOIN reports r ON r.id = v.report_id WHERE r.package_id = ?').get(pkg.manifest.packageId) as { n: number };
          expect([stored.n, values.n], where).toEqual([data.reports.length, data.reports.reduce((s, x) => s + x.values.length, 0)]);
          const archived = sqlite!.prepare('SELECT count(*) AS n FROM packages WHERE package_id = ?').get(pkg.manifest.packageId) as { n: number };
          expect(archived.n, where).toBe(1);
        }
        snapshot = after;
      }
      rmSync(file);
      spent.set(mutator.name, (spent.get(mutator.name) ?? 0) + performance.now() - started);
    }
    // Most mutations must be refused: a mutator that stopped mutating would show up here.
    const refused = [...outcomes].filter(([k]) => k.startsWith('E_')).reduce((s, [, n]) => s + n, 0);
    if (ITERATIONS > 0) expect(refused).toBeGreaterThan(ITERATIONS / 2);
    expect(sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
  }, ITERATIONS * 2_000 + 60_000);
});

describe('bugs the fuzz found, kept as regressions', () => {
  /** 市残联 pinned at the office, and a signer of report packages with its real key. */
  async function signerForCanlian() {
    const loop = await createLoop();
    const canlian = await loop.unit('市残联');
    const [first] = await importFiles(loop.office, [await loop.report(canlian, '2019-05', CANLIAN_JUNE)], { acceptNewKeys: true });
    expect(first!.status).toBe('accepted');
    const base = readPackage(readFileSync(await loop.report(canlian, '2019-06', CANLIAN_JUNE)));
    const sign = (name: string, edit: { revision?: number; data?: (d: { reports: { values: { indicator: number; value: number | null; note: string }[] }[] }) => void }) => {
      const data = structuredClone(base.content.data) as Parameters<NonNullable<typeof edit.data>>[0];
      edit.data?.(data);
      const file = join(loop.dir, name);
      writeFileSync(file, writePackage({
        manifest: { ...base.manifest, packageId: `${name}-id`, revision: edit.revision ?? 5 },
        // No 填报数据 sheet: it would show figures the edited payload no longer has (E_TAMPERED before the payload is read).
        sheets: base.content.sheets.filter((s) => s.name !== '填报数据'), data, key: loadKey(canlian.file),
      }));
      return file;
    };
    return { loop, sign };
  }

  it('a signed report of revision 0 is refused with a code (was a CHECK constraint failure inside the merge)', async () => {
    const { loop, sign } = await signerForCanlian();
    const before = await snapshotData(loop.office.db);
    const [r] = await importFiles(loop.office, [sign('report-revision-zero.xlsx', { revision: 0 })]);
    expect(r).toMatchObject({ status: 'rejected', code: 'E_NOT_A_PACKAGE' });
    expect(r!.message).toContain('版本号');
    expect(await snapshotData(loop.office.db)).toBe(before);
  });

  it('a signed report naming one indicator twice is refused with a code (was a PRIMARY KEY failure inside the merge)', async () => {
    const { loop, sign } = await signerForCanlian();
    const before = await snapshotData(loop.office.db);
    const file = sign('report-indicator-twice.xlsx', { data: (d) => {
      const task24 = d.reports.find((x) => x.values.length > 0)!;
      task24.values.push({ ...task24.values[0]!, value: 7 });
    } });
    const [r] = await importFiles(loop.office, [file]);
    expect(r).toMatchObject({ status: 'rejected', code: 'E_TAMPERED' });
    expect(r!.message).toContain('出现了两次');
    expect(await snapshotData(loop.office.db)).toBe(before);
  });
});
