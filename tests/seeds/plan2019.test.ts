// Cross-checks the hand-written PLAN_2019 against the text of the plan itself. Everything the
// tests compare with is re-read from seeds/2019-livelihood-work-plan.txt, never from plan2019.ts.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { COMPARATORS } from '../../shared/domain';
import type { IndicatorDef, TaskDef } from '../../shared/domain';
import { PLAN_2019 } from '../../seeds/plan2019';

const SOURCE = readFileSync(new URL('../../seeds/2019-livelihood-work-plan.txt', import.meta.url), 'utf8');
const LINES = SOURCE.split(/\r?\n/);

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];
const GROUPS = [
  '市促进城镇居民增收工作联席会议成员单位',
  '市促进农村常住居民人均可支配收入增长联席会议成员单位',
  '市清欠农民工工资领导小组成员单位',
  '市安全生产委员会成员单位',
];
const UNITS_OF_MEASURE = ['人', '人次', '个', '家', '所', '套', '户', '件', '条', '座', '处', '公里', '亩', '元', '%', '‰'];
const RATE_UNITS = ['%', '‰'];
const TASKS_WITHOUT_INDICATORS = [
  6, 7, 9, 11, 15, 17, 21, 23, 27, 28, 30, 31, 32, 33, 35, 36, 39, 42, 43, 44, 45, 47, 49, 50, 52, 53,
];

interface SourceTask {
  readonly no: number;
  readonly category: string;
  /** Everything between "N." and "(牵头责任单位:". */
  readonly body: string;
  readonly leads: string[];
  readonly cos: string[];
  readonly openEnded: boolean;
}

/** Category headings ("一、稳定和扩大就业") and task lines, read straight from the document. */
function readSource(): { headings: { no: string; name: string }[]; tasks: SourceTask[] } {
  const headings: { no: string; name: string }[] = [];
  const tasks: SourceTask[] = [];
  for (const line of LINES) {
    const heading = /^([一二三四五六七八九])、(.+)$/.exec(line);
    if (heading) {
      headings.push({ no: heading[1]!, name: heading[2]! });
      continue;
    }
    const task = /^(\d+)\.(.+)\(牵头责任单位:([^)]*)\)$/.exec(line);
    if (!task) continue;
    const [leadPart, coPart = ''] = task[3]!.split(',协同责任单位:') as [string, string?];
    const openEnded = coPart.endsWith('等');
    const cos = (openEnded ? coPart.slice(0, -1) : coPart).split(/[、,]/).filter((s) => s !== '');
    tasks.push({
      no: Number(task[1]),
      category: headings.at(-1)?.no ?? '',
      body: task[2]!,
      leads: leadPart.split('、'),
      cos,
      openEnded,
    });
  }
  return { headings, tasks };
}

const SRC = readSource();
const TASKS: readonly TaskDef[] = PLAN_2019.categories.flatMap((c) => c.tasks);
const INDICATORS: readonly (IndicatorDef & { task: number })[] = TASKS.flatMap((t) =>
  t.indicators.map((i) => ({ ...i, task: t.no })),
);

function task(no: number): TaskDef {
  const found = TASKS.find((t) => t.no === no);
  if (!found) throw new Error(`task ${no} missing`);
  return found;
}

function sourceTask(no: number): SourceTask {
  const found = SRC.tasks.find((t) => t.no === no);
  if (!found) throw new Error(`task ${no} not found in the source document`);
  return found;
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Canonical name for a spelling found in the document (name or alias). */
function canonical(spelling: string): string | undefined {
  return PLAN_2019.units.find((u) => u.name === spelling || u.aliases.includes(spelling))?.name;
}

interface ReadNumber {
  readonly value: number;
  readonly max: number | null;
  /** Written with 万 (e.g. "86.79万"). */
  readonly wan: boolean;
  /** What follows the number (and its 万) in the source phrase. */
  readonly after: string;
}

/** The last number written in a phrase, 万 multiplied out; "1-2" reads as a range. */
function lastNumber(phrase: string): ReadNumber | undefined {
  const matches = [...phrase.matchAll(/(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?(\s*万)?/g)];
  const m = matches.at(-1);
  if (!m) return undefined;
  const scale = m[3] ? 10_000 : 1;
  const read = (s: string): number => Number((Number(s) * scale).toFixed(6));
  return {
    value: read(m[1]!),
    max: m[2] === undefined ? null : read(m[2]),
    wan: scale !== 1,
    after: phrase.slice(m.index + m[0].length).trimStart(),
  };
}

describe('PLAN_2019 header', () => {
  it('identifies the 2019 plan as issued', () => {
    expect(PLAN_2019).toMatchObject({
      id: 'xuancheng-2019',
      year: 2019,
      title: '2019年全市民生工作要点',
      issuedOn: '2019-04-24',
      issuer: '宣城市人民政府',
      revision: 1,
    });
    expect(LINES).toContain(PLAN_2019.title);
    expect(LINES).toContain('2019年4月24日');
  });
});

describe('categories', () => {
  it('has the nine categories 一…九 in order, named as their heading lines', () => {
    expect(PLAN_2019.categories).toHaveLength(9);
    PLAN_2019.categories.forEach((c, i) => {
      expect(c.no).toBe(NUMERALS[i]);
      expect(c.seq).toBe(i + 1);
      expect(LINES).toContain(`${c.no}、${c.name}`);
    });
    expect(PLAN_2019.categories.map((c) => ({ no: c.no, name: c.name }))).toEqual(SRC.headings);
  });

  it('puts every task under the heading it follows in the document', () => {
    for (const c of PLAN_2019.categories) {
      expect(c.tasks.length, `category ${c.no}`).toBeGreaterThan(0);
      for (const t of c.tasks) expect(sourceTask(t.no).category, `task ${t.no}`).toBe(c.no);
    }
  });
});

describe('tasks', () => {
  it('numbers 54 tasks 1…54 with no gaps, as the document does', () => {
    expect(TASKS).toHaveLength(54);
    expect(TASKS.map((t) => t.no)).toEqual(Array.from({ length: 54 }, (_, i) => i + 1));
    expect(SRC.tasks.map((t) => t.no)).toEqual(TASKS.map((t) => t.no));
  });

  it('takes each title from the text before the first 。, as printed after "N."', () => {
    for (const t of TASKS) {
      expect(t.title, `task ${t.no}`).toBe(t.text.split('。')[0]);
      expect(t.title.length, `task ${t.no}`).toBeGreaterThan(0);
      expect(LINES.some((l) => l.startsWith(`${t.no}.${t.title}。`)), `task ${t.no}`).toBe(true);
    }
  });

  it('keeps each text verbatim, without its number and unit parenthesis', () => {
    for (const t of TASKS) {
      expect(SOURCE.includes(t.text), `task ${t.no}`).toBe(true);
      expect(t.text, `task ${t.no}`).toBe(sourceTask(t.no).body);
      expect(t.text).not.toContain('牵头责任单位');
    }
  });
});

describe('units', () => {
  const names = PLAN_2019.units.map((u) => u.name);

  it('matches each task\'s lead and co units as listed in the document', () => {
    for (const t of TASKS) {
      const src = sourceTask(t.no);
      expect(t.leadUnits, `task ${t.no} leads`).toEqual(src.leads.map(canonical));
      expect(t.coUnits, `task ${t.no} cos`).toEqual(src.cos.map(canonical));
      expect(t.coUnitsOpenEnded, `task ${t.no} 等`).toBe(src.openEnded);
    }
  });

  it('reads task 5 and 41 with two leads, and 宣城职院 and 皖南医药卫生学校 as co units of task 12', () => {
    expect(task(5).leadUnits).toEqual(['市人社局', '市农业农村局']);
    expect(task(41).leadUnits).toEqual(['市城管执法局', '市住建局']);
    expect(task(12).coUnits.slice(-2)).toEqual(['宣城职院', '皖南医药卫生学校']);
    expect(TASKS.filter((t) => t.leadUnits.length > 1).map((t) => t.no)).toEqual([5, 41]);
  });

  it('lists every lead and co unit, with a valid kind; groups never lead', () => {
    for (const t of TASKS) {
      for (const name of [...t.leadUnits, ...t.coUnits]) {
        const unit = PLAN_2019.units.find((u) => u.name === name);
        expect(unit, `task ${t.no}: ${name}`).toBeDefined();
        expect(['unit', 'group']).toContain(unit?.kind);
      }
      for (const name of t.leadUnits) {
        expect(PLAN_2019.units.find((u) => u.name === name)?.kind, `task ${t.no}: ${name}`).toBe('unit');
      }
      expect(new Set([...t.leadUnits, ...t.coUnits]).size, `task ${t.no}`).toBe(t.leadUnits.length + t.coUnits.length);
    }
  });

  it('marks exactly the four member-unit bodies as groups', () => {
    expect(PLAN_2019.units.filter((u) => u.kind === 'group').map((u) => u.name).sort()).toEqual([...GROUPS].sort());
  });

  it('has no duplicate, aliased or 等-suffixed names, and every spelling occurs in the document', () => {
    expect(new Set(names).size).toBe(names.length);
    const aliases = PLAN_2019.units.flatMap((u) => u.aliases);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const u of PLAN_2019.units) {
      expect(u.name.endsWith('等'), u.name).toBe(false);
      for (const alias of u.aliases) {
        expect(names, `alias ${alias}`).not.toContain(alias);
        expect(alias.endsWith('等'), alias).toBe(false);
      }
      for (const spelling of [u.name, ...u.aliases]) expect(SOURCE.includes(spelling), spelling).toBe(true);
    }
  });

  it('reads 市教体厅 as 市教体局', () => {
    expect(PLAN_2019.units.find((u) => u.name === '市教体局')?.aliases).toContain('市教体厅');
    expect(task(7).coUnits).toContain('市教体局');
    expect(TASKS.some((t) => [...t.leadUnits, ...t.coUnits].includes('市教体厅'))).toBe(false);
  });

  it('marks only tasks 47 and 50 as open-ended', () => {
    expect(TASKS.filter((t) => t.coUnitsOpenEnded).map((t) => t.no)).toEqual([47, 50]);
  });

  it('orders units by first appearance and lists no unused unit', () => {
    const firstSeen: string[] = [];
    for (const t of TASKS) {
      for (const name of [...t.leadUnits, ...t.coUnits]) if (!firstSeen.includes(name)) firstSeen.push(name);
    }
    expect(names).toEqual(firstSeen);
  });
});

describe('indicators', () => {
  it('numbers indicators 1…n within each task', () => {
    for (const t of TASKS) {
      expect(t.indicators.map((i) => i.no), `task ${t.no}`).toEqual(t.indicators.map((_, k) => k + 1));
    }
  });

  it('quotes a source phrase found once in the document and inside its own task', () => {
    for (const i of INDICATORS) {
      const where = `task ${i.task} #${i.no} ${i.name}`;
      expect(occurrences(SOURCE, i.source), where).toBe(1);
      expect(task(i.task).text.includes(i.source), where).toBe(true);
    }
  });

  it('reads the target back from its source (万 multiplied out, "1-2" as a range)', () => {
    for (const i of INDICATORS) {
      const where = `task ${i.task} #${i.no} ${i.name}`;
      const n = lastNumber(i.source);
      expect(n, where).toBeDefined();
      expect(n?.value, where).toBe(i.target);
      expect(n?.max ?? null, where).toBe(i.targetMax);
    }
  });

  it('writes the unit of measure right after the number (名 counts as 人; a bare 万 count has none)', () => {
    for (const i of INDICATORS) {
      const n = lastNumber(i.source);
      const after = n?.after ?? '';
      const ok = (after === '' && n?.wan === true) || after.startsWith(i.unit) || (i.unit === '人' && after.startsWith('名'));
      expect(ok, `task ${i.task} #${i.no} ${i.name}: "${after}" vs ${i.unit}`).toBe(true);
    }
  });

  it('uses valid comparators and units; rates and 元 caps are never additive; targetMax only on range', () => {
    for (const i of INDICATORS) {
      const where = `task ${i.task} #${i.no} ${i.name}`;
      expect(COMPARATORS, where).toContain(i.comparator);
      expect(UNITS_OF_MEASURE, where).toContain(i.unit);
      expect(i.name.length, where).toBeGreaterThan(0);
      expect(Number.isFinite(i.target) && i.target > 0, where).toBe(true);
      if (RATE_UNITS.includes(i.unit) || i.unit === '元') expect(i.additive, where).toBe(false);
      else expect(i.additive, where).toBe(true);
      if (i.comparator === 'range') {
        expect(i.targetMax, where).not.toBeNull();
        expect(i.targetMax ?? 0, where).toBeGreaterThan(i.target);
      } else {
        expect(i.targetMax, where).toBeNull();
      }
    }
  });

  it('chooses the comparator the wording of the source calls for', () => {
    const ceiling = /以内|不超过|控制在/;
    const approx = /约|左右/;
    for (const i of INDICATORS) {
      const where = `task ${i.task} #${i.no} ${i.name}: ${i.source}`;
      expect(ceiling.test(i.source), where).toBe(i.comparator === '<=');
      expect(approx.test(i.source), where).toBe(i.comparator === '~');
      expect(/\d-\d/.test(i.source), where).toBe(i.comparator === 'range');
    }
    expect(INDICATORS.filter((i) => i.comparator === '=').map((i) => i.task)).toEqual([13]);
  });

  it('gives every other task no indicators', () => {
    expect(TASKS.filter((t) => t.indicators.length === 0).map((t) => t.no)).toEqual(TASKS_WITHOUT_INDICATORS);
    expect(INDICATORS).toHaveLength(62);
  });

  it.each([
    { task: 20, no: 1, comparator: '>=', target: 867_900, targetMax: null, unit: '人', additive: true },
    { task: 20, no: 2, comparator: '>=', target: 100, targetMax: null, unit: '%', additive: false },
    { task: 51, no: 1, comparator: '<=', target: 5.46, targetMax: null, unit: '‰', additive: false },
    { task: 51, no: 2, comparator: '<=', target: 0.4, targetMax: null, unit: '‰', additive: false },
    { task: 51, no: 3, comparator: '>=', target: 16_000, targetMax: null, unit: '亩', additive: true },
    { task: 2, no: 1, comparator: 'range', target: 1, targetMax: 2, unit: '家', additive: true },
    { task: 5, no: 1, comparator: '~', target: 9, targetMax: null, unit: '%', additive: false },
    { task: 13, no: 1, comparator: '=', target: 2, targetMax: null, unit: '个', additive: true },
    { task: 14, no: 3, comparator: '<=', target: 10_000, targetMax: null, unit: '元', additive: false },
    { task: 24, no: 3, comparator: '>=', target: 60, targetMax: null, unit: '人', additive: true },
    { task: 46, no: 1, comparator: '>=', target: 575.6, targetMax: null, unit: '公里', additive: true },
  ])('task $task indicator $no is $comparator $target $unit', ({ task: no, no: k, ...expected }) => {
    expect(task(no).indicators[k - 1]).toMatchObject(expected);
  });

  it('does not treat qualifiers, ages, durations, baselines or programme names as targets', () => {
    const notTargets = [1000, 16, 24, 3, 12, 422, 351, 180, 80, 28];
    for (const no of [2, 7, 14, 16]) {
      for (const i of task(no).indicators) {
        expect(notTargets, `task ${no} ${i.name}`).not.toContain(i.target);
        expect(notTargets, `task ${no} ${i.name}`).not.toContain(i.targetMax);
      }
    }
    expect(task(4).indicators.map((i) => i.target)).toEqual([3, 20, 8, 8]);
    expect(task(40).indicators.map((i) => i.target)).not.toContain(2018);
  });
});
