/**
 * Whether a plan holds together before it is stored: every unit a task names is on the unit list, numbers
 * are unique. A plan file's own problems (a field of the wrong type) come from its parse; these are the
 * ones a plan well formed field by field can still have.
 */
import type { PlanDef } from './domain';
import { invisibleWords, nameKey, printable } from './format';
import type { PlanProblem } from './plan';

/**
 * What stops a plan from being stored, each named by task (or unit) in Chinese; empty when none.
 * @example planProblems({ ...plan, units: [] }) // [{ where: '任务1', message: '牵头单位「县人社局」不在单位名单中…' }]
 */
export function planProblems(plan: PlanDef): PlanProblem[] {
  const out: PlanProblem[] = [];
  const names = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const u of plan.units) {
    for (const n of [u.name, ...u.aliases]) {
      // A name is what packages, keys and file names are matched by: two that look alike must be equal.
      const invisible = invisibleWords(n);
      if (invisible) {
        out.push({ where: `单位「${printable(u.name)}」`, message: `名称「${printable(n)}」的${invisible}。` });
      } else if (printable(n) !== n || n.trim() !== n) {
        out.push({ where: `单位「${printable(u.name)}」`, message: `名称「${printable(n)}」含有控制字符、不可见字符或首尾空格,请改为只含可见文字的名称。` });
      }
      // Full-width and half-width letters or digits (县２中, 县2中) are one name.
      const holder = names.get(n) ?? keys.get(nameKey(n));
      if (holder !== undefined) out.push({ where: `单位「${printable(u.name)}」`, message: `名称「${printable(n)}」已是单位「${printable(holder)}」的名称或别名${names.has(n) ? '' : '(全角、半角字母或数字不同的算同一个名称)'},一个名称只能属于一个单位。` });
      else {
        names.set(n, u.name);
        keys.set(nameKey(n), u.name);
      }
    }
  }
  const seqs = new Set<number>();
  const taskNos = new Set<number>();
  for (const c of plan.categories) {
    if (seqs.has(c.seq)) out.push({ where: `类别「${c.no}、${c.name}」`, message: `类别顺序号 ${c.seq} 重复。` });
    seqs.add(c.seq);
    for (const t of c.tasks) {
      const where = `任务${t.no}`;
      if (taskNos.has(t.no)) out.push({ where, message: `任务序号 ${t.no} 出现了两次,每项任务的序号应不同。` });
      taskNos.add(t.no);
      if (t.leadUnits.length === 0 && t.subordinates?.role !== 'lead') out.push({ where, message: `「${t.title}」没有牵头单位,请补上牵头单位。` });
      for (const [role, list] of [['牵头单位', t.leadUnits], ['协同单位', t.coUnits]] as const) {
        for (const n of list) {
          if (!names.has(n)) out.push({ where, message: `${role}「${n}」不在单位名单中:请把它加入单位名单,或改为名单中的名称。` });
        }
      }
      // By the unit each name means: 市教体厅 and 市教体局 in one task are one unit named twice.
      const unitOf = (n: string) => names.get(n) ?? n;
      const leads = new Set(t.leadUnits.map(unitOf));
      const both = [...new Set(t.coUnits.map(unitOf).filter((u) => leads.has(u)))];
      if (both.length > 0) out.push({ where, message: `「${both.join('、')}」既是牵头单位又是协同单位,请只保留一种。` });
      for (const [role, list] of [['牵头单位', t.leadUnits], ['协同单位', t.coUnits]] as const) {
        const units = list.map(unitOf);
        const twice = units.find((u, k) => units.indexOf(u) !== k);
        if (twice !== undefined) out.push({ where, message: `${role}中「${twice}」列了两次(含别名),请只保留一次。` });
      }
      const indicatorNos = new Set<number>();
      const indicatorNames = new Set<string>();
      for (const i of t.indicators) {
        if (indicatorNos.has(i.no)) out.push({ where: `${where} 指标${i.no}`, message: `指标序号 ${i.no} 在本任务中出现了两次。` });
        indicatorNos.add(i.no);
        // A row pasted twice, most often; and a revision matches indicators by name (numberIndicatorsByName).
        if (indicatorNames.has(i.name.trim())) out.push({ where: `${where} 指标${i.no}`, message: `指标「${i.name}」在本任务中出现了两次,请删去重复的一行,或改名以示区别。` });
        indicatorNames.add(i.name.trim());
        if (i.comparator === 'range' ? i.targetMax === null || i.targetMax < i.target : i.targetMax !== null) {
          out.push({ where: `${where} 指标${i.no}`, message: i.comparator === 'range' ? `区间目标「${i.name}」须有不小于下限的上限。` : `「${i.name}」不是区间目标,不应有目标上限。` });
        }
      }
    }
  }
  if (taskNos.size === 0) out.push({ where: '计划', message: '没有读到任何任务。' });
  return out;
}
