// Item 2 of issue 12: the parser proves itself on the known document. Parsing the 2019 notice's text
// gives the hand-checked PLAN_2019, except for the differences listed, each with its reason, in
// seeds/plan2019-parse-differences.json. A new drift fails here, and so does a difference that is fixed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PlanDef } from '../../shared/domain';
import { PLAN_2019 } from '../../seeds/plan2019';
import { parseNoticeText } from '../../electron/services/plan/notice';

interface Difference {
  readonly task: number | null;
  readonly indicator?: number;
  readonly field: string;
  readonly parsed: unknown;
  readonly embedded: unknown;
}

const PLAN_FIELDS = ['id', 'year', 'title', 'issuedOn', 'issuer', 'revision', 'frequency'] as const;
const TASK_FIELDS = ['title', 'text', 'leadUnits', 'coUnits', 'coUnitsOpenEnded', 'leader', 'subordinates'] as const;
const INDICATOR_FIELDS = ['comparator', 'target', 'targetMax', 'unit', 'additive', 'kind', 'deadline'] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every field in which the parsed plan differs from the embedded one, plan, task and indicator. */
function differences(parsed: PlanDef, embedded: PlanDef): Difference[] {
  const out: Difference[] = [];
  for (const f of PLAN_FIELDS) if (!same(parsed[f], embedded[f])) out.push({ task: null, field: f, parsed: parsed[f], embedded: embedded[f] });
  const categories = (p: PlanDef) => p.categories.map((c) => ({ no: c.no, name: c.name, tasks: c.tasks.map((t) => t.no) }));
  if (!same(categories(parsed), categories(embedded))) out.push({ task: null, field: 'categories', parsed: categories(parsed), embedded: categories(embedded) });
  const parsedTasks = new Map(parsed.categories.flatMap((c) => c.tasks).map((t) => [t.no, t]));
  for (const e of embedded.categories.flatMap((c) => c.tasks)) {
    const p = parsedTasks.get(e.no);
    if (!p) {
      out.push({ task: e.no, field: 'task', parsed: null, embedded: e.title });
      continue;
    }
    parsedTasks.delete(e.no);
    for (const f of TASK_FIELDS) if (!same(p[f], e[f])) out.push({ task: e.no, field: f, parsed: p[f], embedded: e[f] });
    const n = Math.max(p.indicators.length, e.indicators.length);
    for (let k = 0; k < n; k++) {
      const pi = p.indicators[k];
      const ei = e.indicators[k];
      if (!pi || !ei) {
        out.push({ task: e.no, indicator: k + 1, field: 'indicator', parsed: pi?.source ?? null, embedded: ei?.source ?? null });
        continue;
      }
      for (const f of INDICATOR_FIELDS) if (!same(pi[f], ei[f])) out.push({ task: e.no, indicator: k + 1, field: f, parsed: pi[f], embedded: ei[f] });
    }
  }
  for (const p of parsedTasks.values()) out.push({ task: p.no, field: 'task', parsed: p.title, embedded: null });
  const units = (p: PlanDef) => new Map(p.units.map((u) => [u.name, u]));
  const pu = units(parsed);
  const eu = units(embedded);
  for (const [name, u] of eu) {
    const q = pu.get(name);
    if (!q) out.push({ task: null, field: `units.${name}`, parsed: null, embedded: u });
    else if (!same(q, u)) out.push({ task: null, field: `units.${name}`, parsed: q, embedded: u });
  }
  for (const [name, u] of pu) if (!eu.has(name)) out.push({ task: null, field: `units.${name}`, parsed: u, embedded: null });
  const order = (p: PlanDef) => p.units.map((u) => u.name).filter((n) => pu.has(n) && eu.has(n));
  if (!same(order(parsed), order(embedded))) out.push({ task: null, field: 'units.order', parsed: order(parsed), embedded: order(embedded) });
  return out;
}

const SOURCE = readFileSync(new URL('../../seeds/2019-livelihood-work-plan.txt', import.meta.url), 'utf8');
const REVIEWED = JSON.parse(readFileSync(new URL('../../seeds/plan2019-parse-differences.json', import.meta.url), 'utf8')) as (Difference & { reason: string })[];

describe('the 2019 notice parsed against PLAN_2019', () => {
  const parsed = parseNoticeText(SOURCE, { fileName: '2019-livelihood-work-plan.txt' });

  it('parses without errors into the same 54 tasks', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.plan.categories.flatMap((c) => c.tasks).map((t) => t.no)).toEqual(PLAN_2019.categories.flatMap((c) => c.tasks).map((t) => t.no));
  });

  it('differs from the embedded plan exactly as the reviewed list says, each difference with its reason', () => {
    const found = differences(parsed.plan, PLAN_2019);
    expect(found).toEqual(REVIEWED.map(({ reason: _reason, ...d }) => d));
    for (const d of REVIEWED) expect(d.reason.length, JSON.stringify(d)).toBeGreaterThan(10);
  });

  it('agrees on every indicator figure, the reviewed extra ones aside: comparator, target, range, unit, kind', () => {
    const extra = new Set(REVIEWED.filter((d) => d.field === 'indicator' && d.embedded === null).map((d) => `${d.task}.${d.indicator}`));
    const figures = (p: PlanDef) => p.categories.flatMap((c) => c.tasks).flatMap((t) => t.indicators
      .filter((i) => !extra.has(`${t.no}.${i.no}`))
      .map((i) => [t.no, i.comparator, i.target, i.targetMax, i.unit, i.kind]));
    expect(extra.size).toBe(1);
    expect(figures(parsed.plan)).toEqual(figures(PLAN_2019));
  });

  it('gives every indicator a source printed in its task, once', () => {
    for (const t of parsed.plan.categories.flatMap((c) => c.tasks)) {
      for (const i of t.indicators) expect(t.text.split(i.source).length - 1, `任务${t.no}「${i.source}」`).toBe(1);
    }
  });
});
