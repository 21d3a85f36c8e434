/**
 * A plan read from the text of a notice (要点, 计划: the .docx or .txt a city or county office sends, or text
 * pasted in), in any of the layouts real notices use, in any mix:
 * - `一、类别` headings and `N.标题。正文…(牵头责任单位:A,协同责任单位:B、C等)` (the 2019 seed);
 * - a units line `责任单位:A、B、C(列第一位者为牵头单位,下同)`, the first one leading;
 * - several lines per task: a numbered target line, then `牵头负责领导:`, `牵头责任单位:`, `协同责任单位:`;
 * - project cards: `项目名称:…` (or `1.项目名称:…`, `项目一:…`), `建设内容:…`, then the unit and 完成时限 lines.
 * Pure logic: the caller reads the file (read.ts). Whatever a person must confirm goes to `review`; only
 * what makes the plan unusable goes to `errors`.
 */
import { createHash } from 'node:crypto';
import type { CategoryDef, Comparator, IndicatorDef, PlanDef, SubordinateGroup, TaskDef, UnitDef } from '../../../shared/domain';
import { planSchema, SUBORDINATE_GROUP, type ParsedPlan, type PlanProblem, type PlanReviewItem } from '../../../shared/plan';
import { chineseCounting, chineseNumeral, CHINESE_NUMERAL_CHARS, dotGroupedReadings, NUMERAL_PATTERN } from '../../../shared/numerals';
import { deadlineMonth, isLevelMeasure, proposeKind } from '../../../shared/rules/kinds';

export interface NoticeOptions {
  /** The file the text came from, named in messages and a last resort for the title. */
  readonly fileName?: string;
}

const CN_NUM = '一二三四五六七八九十百〇零两';
/** 一 … 九十九 as a number (十二 → 12, 二十 → 20); 0 when it is not one. */
function chineseNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  return chineseNumeral(s) ?? 0;
}

/**
 * Full-width forms (U+FF01…U+FF5E: digits, letters, ，：；（）％ …) as their ASCII twins, the ideographic
 * space as a space: notices mix both, and the 2019 seed itself is printed with the ASCII ones. 、 。 “” stay.
 * Invisible characters text pasted from a web page carries (zero-width spaces and joiners, bidi marks, soft
 * hyphens, a BOM) are dropped and other control characters made spaces: inside a unit's name they would make
 * 县教体局 and 县教体局\u200b two units that look the same.
 */
export function normalizeNoticeText(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u3000\u00a0]/g, ' ')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, ' ')
    .replace(BRACKETED_LABEL, '$1:');
}

const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

// ---------------------------------------------------------------------------------------------
// Lines

type Line =
  | { readonly kind: 'category'; readonly no: string; readonly name: string; readonly at: number; readonly doubt?: string }
  /** `card`: a project card's name (`rest`); `numbered` false: a card with no number of its own, numbered here in order. */
  | { readonly kind: 'task'; readonly no: number; readonly printed: string; readonly rest: string; readonly at: number; readonly card?: true; readonly numbered?: false; readonly headed?: true }
  | { readonly kind: 'text'; readonly text: string; readonly at: number }
  /** A numbered item of the task above it (1. under (一), ① under 第一项): its text, even after the task's units. */
  | { readonly kind: 'point'; readonly text: string; readonly at: number };

const DECIMAL_ITEM = /^(\d{1,3})\s*[.、](?!\d)\s*(.*)$/;
const PAREN_DECIMAL_ITEM = /^[((](\d{1,3})[))]\s*(.*)$/;
const PAREN_CN_ITEM = new RegExp(`^[((]([${CN_NUM}]{1,3})[))]\\s*(.*)$`);
const SHI_ITEM = new RegExp(`^([${CN_NUM}]{1,3})是\\s*(.*)$`);
const CATEGORY = new RegExp(`^([${CN_NUM}]{1,3})、\\s*(.+)$`);
const BULLET_ITEM = /^[●•◆◇■□▲△★☆○◎▶►]\s*(.+)$/;
/** ①…⑳, ⑴…⒇, ⒈…⒛: one character each, numbered by where it stands in its run. */
const CIRCLED_ITEM = /^([\u2460-\u249b])\s*(.*)$/;
const circledNumber = (c: string) => {
  const cp = c.codePointAt(0)!;
  return cp - (cp >= 0x2488 ? 0x2488 : cp >= 0x2474 ? 0x2474 : 0x2460) + 1;
};
/** 第一项 城乡学前教育扩容工程, 第3件:…: the heading of one of the 十件民生实事. */
const ORDINAL_ITEM = new RegExp(`^(第\\s*([${CN_NUM}]{1,3}|\\d{1,3})\\s*[项件])(?:\\s*[::、.,]\\s*|\\s+|$)(.*)$`);
/** Any line that starts with a number a notice numbers its items with: such a line is never dropped unread. */
const NUMBERED_START = new RegExp(`^(?:\\d{1,3}\\s*[.、](?!\\d)|[((](?:\\d{1,3}|[${CN_NUM}]{1,3})[))]|[\\u2460-\\u249b]|第[${CN_NUM}\\d]{1,3}[项件])`);
/**
 * A project card (项目卡), as lists of 民生实事 projects are printed: "项目名称:…" (or "项目一:…") starts a task,
 * "建设内容:…" and the like give its text, then the usual 牵头单位/配合单位/完成时限 lines.
 */
const CARD_TITLE = /^(?:项目名称|工程名称|实事名称|实事项目|事项名称|任务名称|项目)\s*[::]\s*(.+)$/;
const CARD_NUMBERED = new RegExp(`^(?:项目|实事|工程)\\s*([${CN_NUM}]{1,3}|\\d{1,3})\\s*[::]\\s*(.+)$`);
/** What a card or a table of projects calls a project's text (建设内容, 目标任务 …). */
const CONTENT_LABEL = '(?:建设内容|主要内容|项目内容|实施内容|工作内容|建设规模|建设任务|目标任务|工作目标|主要目标|建设目标|年度目标|任务目标|具体内容|工作任务|主要任务|项目概况|目标要求)';
/** A card's text under its label; the label is the card's heading, not part of the task's words. */
const CARD_CONTENT = new RegExp(`^(?:主要)?${CONTENT_LABEL}\\s*[::]\\s*`);

/**
 * Whether a notice's own paragraphs number its tasks (1. / (1) / (一)). A table of projects beside them is then an
 * appendix repeating them, read as its lines were (docx.ts), not as more tasks: its 牵头单位 lines would be taken
 * as the last task's.
 */
export function numbersItsTasks(lines: readonly string[]): boolean {
  return itemsNumbered(lines.map((l) => normalizeNoticeText(l).trim()));
}

/** The same of lines already normalised: the rule classify numbers tasks by, where cards are tasks only without it. */
const itemsNumbered = (lines: readonly string[]) => lines.some((l) => DECIMAL_ITEM.test(l) || PAREN_DECIMAL_ITEM.test(l) || PAREN_CN_ITEM.test(l) || ORDINAL_ITEM.test(l) || CIRCLED_ITEM.test(l));

/** A numbered line that says who leads, on itself or on the line after it. */
function carriesUnits(lines: readonly string[], at: number): boolean {
  const next = lines[at + 1] ?? '';
  return assignmentAtEnd(lines[at]!) !== null || ASSIGNMENT_LINE.test(next) || UNLABELED_LINE.test(next);
}

/**
 * 一、类别 / (一)任务 / 1.分项: three levels, where the (一) lines name the units and the 1. lines under them do not.
 * Those 1. lines are the task's items: its targets, not tasks without units.
 */
function threeLevels(lines: readonly string[]): boolean {
  const at = (re: RegExp) => lines.flatMap((l, k) => (re.test(l) ? [k] : []));
  const tasks = at(PAREN_CN_ITEM);
  const items = [...at(DECIMAL_ITEM), ...at(PAREN_DECIMAL_ITEM)];
  return lines.some((l) => CATEGORY.test(l)) && tasks.length > 0 && items.length > 0
    && tasks.some((k) => carriesUnits(lines, k)) && !items.some((k) => carriesUnits(lines, k));
}

/** Headings are short and end no sentence. */
const looksLikeHeading = (s: string) => s.length <= 40 && !/[。;;]/.test(s);

function classify(lines: readonly string[]): Line[] {
  const has = (re: RegExp) => lines.some((l) => re.test(l));
  const nested = threeLevels(lines);
  // 第一项 … 第十项 number the tasks; whatever is numbered under one is its items.
  const ordinalTasks = has(ORDINAL_ITEM);
  /** 1. and (1) lines are the items of the task above them, not tasks. */
  const decimalPoints = nested || ordinalTasks;
  const decimalTasks = !decimalPoints && (has(DECIMAL_ITEM) || has(PAREN_DECIMAL_ITEM));
  // (一) numbers tasks in a notice that has no 1. / (1) items; beside them it is a sub-heading.
  const parenCnIsHeading = decimalTasks;
  // ①②③ number the tasks only where nothing above them does (一、就业 ① ② 二、养老 ③); else they are a task's items.
  // ①…;②…;③… on one line is a list inside a task, and ① again under each heading is each heading's list, unless
  // every such line names its own units.
  const circled = lines.filter((l) => CIRCLED_ITEM.test(l));
  const circledNos = circled.map((l) => circledNumber(l[0]!));
  const circledTasks = !ordinalTasks && !lines.some((l) => DECIMAL_ITEM.test(l) || PAREN_DECIMAL_ITEM.test(l) || PAREN_CN_ITEM.test(l))
    && circled.length > 0 && !circled.some((l) => /[\u2460-\u249b]/.test(l.slice(1)))
    && (circledNos.every((n, k) => k === 0 || n > circledNos[k - 1]!) || circled.every((l) => assignmentAtEnd(l) !== null));
  // Project cards are the tasks where nothing else numbers them; beside numbered items they are those items' text.
  const numbered = itemsNumbered(lines);
  const cardTasks = !numbered && (has(CARD_TITLE) || has(CARD_NUMBERED));
  // ● bullets are the tasks only where nothing numbers them (a list copied from a web page), numbered here in order.
  const bulletTasks = !numbered && !cardTasks && has(BULLET_ITEM);
  // 一是、二是 enumerate inside a task's text unless nothing else numbers the tasks.
  const shiIsTask = !numbered && !cardTasks;
  let lastTask = 0;
  /** The last task number under the current heading: some notices count each category's tasks from 1. */
  let lastInCategory = 0;
  let lastHeading = 0;
  /** A task numbered 1. under the current heading: (1) after it is a point of that task, not a task. */
  let decimalInCategory = false;
  const classified = lines.map((l, at): Line => {
    const line = classifyLine(l, at);
    if (line.kind === 'task') lastTask = lastInCategory = line.no;
    if (line.kind === 'category') {
      lastInCategory = 0;
      decimalInCategory = false;
    }
    return line;
  });
  // 十件民生实事 numbered 一、二、三、 with nothing under them: those are the tasks, not headings of none.
  if (classified.some((l) => l.kind === 'task') || !classified.some((l) => l.kind === 'category')) return classified;
  return classified.map((line): Line => {
    if (line.kind !== 'category') return line;
    const m = CATEGORY.exec(lines[line.at]!)!;
    return { kind: 'task', no: chineseNumber(m[1]!), printed: `${m[1]}、`, rest: m[2]!.trim(), at: line.at, headed: true };
  });

  function classifyLine(l: string, at: number): Line {
    let m = ORDINAL_ITEM.exec(l);
    if (m && ordinalTasks) return { kind: 'task', no: chineseNumber(m[2]!), printed: m[1]!.replace(/\s/g, ''), rest: m[3]!.trim(), at };
    m = CIRCLED_ITEM.exec(l);
    if (m) {
      if (circledTasks) return { kind: 'task', no: circledNumber(m[1]!), printed: m[1]!, rest: m[2]!, at };
      return { kind: 'point', text: l, at };
    }
    if (decimalPoints && (DECIMAL_ITEM.test(l) || PAREN_DECIMAL_ITEM.test(l))) return { kind: 'point', text: l, at };
    // "4.65岁以上老年人…" is task 4 when task 3 came before it (or 1 at a category's start), not the figure 4.65.
    const decimalStart = /^(\d{1,3})\.(\d.*)$/.exec(l);
    const no = Number(decimalStart?.[1]);
    if (decimalStart && !decimalPoints && (no === lastTask + 1 || no === lastInCategory + 1)) {
      decimalInCategory = true;
      return { kind: 'task', no, printed: decimalStart[1]!, rest: decimalStart[2]!, at };
    }
    m = CATEGORY.exec(l);
    if (m && looksLikeHeading(m[2]!)) {
      lastHeading = chineseNumber(m[1]!);
      return { kind: 'category', no: m[1]!, name: m[2]!.trim(), at };
    }
    // "三、健康旌川。" or a heading of a whole sentence: next in the headings' count, it is one, for a person to confirm.
    if (m && chineseNumber(m[1]!) === lastHeading + 1 && m[2]!.length <= 200) {
      lastHeading++;
      const name = m[2]!.trim();
      return { kind: 'category', no: m[1]!, name: name.replace(/[。;;]+$/, ''), at, doubt: name.length > 40 ? '有' + name.length + '个字' : '以句号或分号结尾' };
    }
    m = PAREN_CN_ITEM.exec(l);
    if (m) {
      if (nested) return { kind: 'task', no: chineseNumber(m[1]!), printed: `(${m[1]})`, rest: m[2]!, at };
      if (parenCnIsHeading && looksLikeHeading(m[2]!)) return { kind: 'category', no: m[1]!, name: m[2]!.trim(), at };
      if (!parenCnIsHeading) return { kind: 'task', no: chineseNumber(m[1]!), printed: `(${m[1]})`, rest: m[2]!, at };
    }
    m = DECIMAL_ITEM.exec(l);
    if (m) {
      decimalInCategory = true;
      return { kind: 'task', no: Number(m[1]), printed: m[1]!, rest: m[2]!, at };
    }
    // (1) numbers tasks, unless a 1. task of this category came before it: then it is one of that task's points.
    m = PAREN_DECIMAL_ITEM.exec(l);
    if (m && decimalInCategory) return { kind: 'text', text: l, at };
    if (m) return { kind: 'task', no: Number(m[1]), printed: m[1]!, rest: m[2]!, at };
    m = SHI_ITEM.exec(l);
    if (m && shiIsTask) return { kind: 'task', no: chineseNumber(m[1]!), printed: `${m[1]}是`, rest: m[2]!, at };
    if (bulletTasks) {
      m = BULLET_ITEM.exec(l);
      if (m) return { kind: 'task', no: lastTask + 1, printed: String(lastTask + 1), rest: m[1]!, at, numbered: false };
    }
    if (cardTasks) {
      m = CARD_NUMBERED.exec(l);
      if (m) return { kind: 'task', no: chineseNumber(m[1]!), printed: /\d/.test(m[1]!) ? m[1]! : `项目${m[1]}`, rest: m[2]!, at, card: true };
      m = CARD_TITLE.exec(l);
      if (m) return { kind: 'task', no: lastTask + 1, printed: String(lastTask + 1), rest: m[1]!, at, card: true, numbered: false };
    }
    return { kind: 'text', text: l, at };
  }
}

// ---------------------------------------------------------------------------------------------
// Units

/** 牵头负责领导, 分管市领导, 县级责任领导, 牵头县领导: whoever answers for the task, not a unit. */
const LEADER_LABEL = '(?:(?:牵头|分管|责任|负责|联系|包保|[省市县区]级)+[省市县区]?领导)';
// 牵头:, 协办:, 配合: alone, before a colon, are the same labels shortened.
const LEAD_LABEL = '(?:牵头责任单位|责任牵头单位|牵头负责单位|牵头单位|主办单位|主要责任单位|主责单位|牵头责任部门|牵头部门|主责部门|牵头)';
const CO_LABEL = '(?:(?:协同|配合|协办|参与|协作|协助)(?:责任)?(?:单位|部门)?|责任配合(?:单位|部门))';
// 负责单位 and 实施单位 list units as 责任单位 does: the first leads unless one is marked (牵头), for a person to confirm.
const BOTH_LABEL = '(?:责任单位|责任部门|负责单位|实施单位)';
/** 完成时限:2021年8月底前 inside a unit list is the task's deadline, not a unit. */
const DEADLINE_LABEL = '(?:完成时限|完成时间|完成期限|时间节点|时限要求|时限)';
const ANY_LABEL = `(?:${LEADER_LABEL}|${LEAD_LABEL}|${CO_LABEL}|${BOTH_LABEL}|${DEADLINE_LABEL})`;
const LABEL = new RegExp(`(${ANY_LABEL})\\s*[::]`, 'g');
/** A category's count of its items after its name: 就业创业(3项), 教育事业(共2件). */
const CATEGORY_COUNT = new RegExp(`\\s*[((]\\s*共?\\s*(\\d{1,3}|[${CN_NUM}]{1,3})\\s*(项|件|个|类)\\s*[))]\\s*$`);
/** 【牵头单位】市教育局, [完成时间]12月底: a label in brackets is the label with a colon. */
const BRACKETED_LABEL = new RegExp(`[【\\[]\\s*(${ANY_LABEL}|${CONTENT_LABEL}|项目名称|工程名称|实事名称|事项名称|任务名称)\\s*[】\\]]\\s*[::]?`, 'g');
/** The whole of a line, or a closing parenthesis, that only assigns: "(牵头责任单位:…)". */
const ASSIGNMENT_LINE = new RegExp(`^[((]?\\s*${ANY_LABEL}\\s*[::]`);
const ASSIGNMENT_PAREN = new RegExp(`[((]\\s*((?:${LEAD_LABEL}|${BOTH_LABEL}|${LEADER_LABEL}|${CO_LABEL})\\s*[::].*)[))]\\s*[。.]?$`);
/** A closing parenthesis with no label that says who leads: "(市卫健委牵头,市财政局、各县(市、区)配合)". */
const UNLABELED_PAREN = /[((]((?:[^()()]|[((][^()()]*[))])*?牵头(?:[^()()]|[((][^()()]*[))])*)[))]\s*[。.]?$/;
/** Labels after the task's last sentence, with no parenthesis: "…2000套。牵头单位:市住建局;配合单位:…". */
const INLINE_ASSIGNMENT = new RegExp(`[。;;]\\s*((?:${LEAD_LABEL}|${BOTH_LABEL}|${LEADER_LABEL})\\s*[::].*)$`);

/** A line of its own that only says who leads and who helps, with no label: "县教体局牵头,县财政局、县住建局配合。" */
const UNLABELED_LINE = /^([省市县区各][^。()()::,,;;]{1,40}牵头(?:[,,;;][^。()()::]{1,160}(?:配合|协助|协同|参与))?)[。.]?$/;

/** Where a line's units begin, and their text with its labels. */
function assignmentAtEnd(line: string): { index: number; text: string } | null {
  const paren = ASSIGNMENT_PAREN.exec(line);
  if (paren) return { index: paren.index, text: paren[1]! };
  const unlabeled = UNLABELED_PAREN.exec(line);
  // Only a list of units: "(由县政府牵头)" in a sentence names who, not the task's units.
  if (unlabeled && !FIRST_LEADS_NOTE.test(unlabeled[0]) && (/配合|协助|协同|参与/.test(unlabeled[1]!) || /^[省市县区][^,,;;、]{1,18}牵头$/.test(unlabeled[1]!))) {
    return { index: unlabeled.index, text: `责任单位:${unlabeled[1]!}` };
  }
  const inline = INLINE_ASSIGNMENT.exec(line);
  if (inline) return { index: inline.index + 1, text: inline[1]! };
  return null;
}

/** "(列第一位者为牵头单位,下同)" and its variants: the first unit listed leads. */
const FIRST_LEADS_NOTE = /[((][^))]*(?:第一位|排名第一|首位|第一个)[^))]*牵头[^))]*[))]/;
/** The same note as a line of its own before the tasks: "责任单位中列第一位的为牵头单位。" */
const FIRST_LEADS_LINE = /^[^((]{0,20}(?:第一位|排名第一|首位|第一个)[^((]{0,12}牵头/;

interface UnitList {
  readonly units: string[];
  /** Marked as leading inside the list: 市教育局(牵头). */
  readonly marked: string[];
  /** Marked as helping inside the list: 县税务局配合. */
  readonly helping: string[];
  readonly openEnded: boolean;
  readonly subordinates: string | null;
  /** What a person must confirm about the list: words that are no unit, a name that does not look like one. */
  readonly doubts: string[];
}

const NO_UNITS: UnitList = { units: [], marked: [], helping: [], openEnded: false, subordinates: null, doubts: [] };

/** How a unit's name ends (局, 委, 办, 中心, 政府 …): where one name stops and the next may begin. */
const UNIT_END = /[局委办部院会心府处厅站所队社行馆联协团司室校组段署库台]$/;
/** How a unit's name begins when it names its level: 市卫健委, 县医保局. */
const UNIT_START = /^[省市县区镇乡]/;

/** Splits at the separators outside brackets: 县政府办(县大数据中心、县信息中心) is one name. */
function splitOutsideBrackets(s: string, sep: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '(' || c === '(') depth++;
    else if ((c === ')' || c === ')') && depth > 0) depth--;
    else if (depth === 0 && sep.test(c)) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

/**
 * "市卫健委和市大数据局", "县人社局 县税务局", "县卫健委/县妇联": two names joined; "县发展和改革委员会" and
 * "县委 宣传部" stay one, since what stands before 和 or the space is no whole name.
 */
function splitJoined(piece: string): string[] {
  const out: string[] = [];
  let rest = piece.trim();
  for (;;) {
    const joint = [...rest.matchAll(/\s+|[和及与/]/g)].find((m) => {
      if (m.index === 0) return false;
      const left = rest.slice(0, m.index).trim();
      const right = rest.slice(m.index + m[0].length).trim();
      if (m[0] === '/') return true;
      return UNIT_END.test(left) && (right === '' || (UNIT_START.test(right) && right.length >= 3));
    });
    if (!joint) break;
    out.push(rest.slice(0, joint.index).trim());
    rest = rest.slice(joint.index + joint[0].length).trim();
  }
  out.push(rest);
  return out.filter((s) => s !== '');
}

/** Words a unit list holds that name no unit: the offices meant are not said. */
const NOT_A_UNIT = /^(?:[省市县区]直)?(?:各)?(?:其他|其它)?(?:有关|相关)(?:单位|部门|方面)?$|^负责|^具体实施$/;
/** 县直各部门, 市直各单位, 各部门: every office of a kind, a group and not one unit. */
const ALL_OFFICES = /^(?:[省市县区]直|[省市县区](?:政府|委)?)?各(?:级|个)?(?:单位|部门|机关|成员单位)$/;

/** "市卫健委等5个单位": a list cut short, its count given. */
const COUNTED_UNITS = new RegExp(`等\\s*(\\d+|[${CN_NUM}]+)\\s*个?(?:单位|部门)$`);

function readUnitList(value: string): UnitList {
  let s = value.replace(FIRST_LEADS_NOTE, '').trim().replace(/[。.;;,,]+$/, '');
  let subordinates: string | null = null;
  const sub = SUBORDINATE_GROUP.exec(s);
  if (sub) {
    subordinates = sub[0];
    s = s.slice(0, sub.index) + '、' + s.slice(sub.index + sub[0].length);
  }
  let openEnded = false;
  const units: string[] = [];
  const marked: string[] = [];
  const helping: string[] = [];
  const doubts: string[] = [];
  const add = (name: string) => { if (name !== '' && !units.includes(name)) units.push(name); };
  for (const piece of splitOutsideBrackets(s, /[、,,;;]/).flatMap(splitJoined)) {
    let name = piece.trim();
    // "各县(市、区)配合": the group was taken out, its role word is left alone.
    if (name === '' || /^(?:配合|协助|协同|参与|牵头)$/.test(name)) continue;
    const counted = COUNTED_UNITS.exec(name);
    if (counted) {
      openEnded = true;
      doubts.push(`「${name}」只列出了部分单位,请补全其余单位。`);
      name = name.slice(0, counted.index).trim();
    }
    const etc = /等(?:单位|部门|相关单位|有关单位)?$/.exec(name);
    if (etc) {
      openEnded = true;
      name = name.slice(0, etc.index).trim();
    }
    if (name === '') continue;
    // 由县卫健委牵头: 由 says who, it is no part of the name.
    name = name.replace(/^由\s*(?=[省市县区])/, '');
    if (ALL_OFFICES.test(name)) {
      openEnded = true;
      doubts.push(`「${name}」是一类单位的统称,不是一个单位,未作为单位;请写明具体单位。`);
      continue;
    }
    if (NOT_A_UNIT.test(name)) {
      if (/有关|相关/.test(name)) openEnded = true;
      doubts.push(`「${name}」不是具体单位的名称,未作为单位;请写明具体单位。`);
      continue;
    }
    const leads = /\s*(?:[((]\s*牵头\s*[))]|牵头)$/.exec(name);
    if (leads && leads.index > 0) {
      name = name.slice(0, leads.index);
      marked.push(name);
    }
    const helps = /\s*(?:[((]\s*(?:配合|协助|协同|参与)\s*[))]|配合|协助|协同|参与)$/.exec(name);
    if (helps && helps.index > 0) {
      name = name.slice(0, helps.index);
      helping.push(name);
    }
    // What still looks like a label, a count or a sentence is kept, but a person confirms it.
    if (/[::\d\s]|配合|负责|时限|领导(?!小组)|完成|^[各由]/.test(name) || name.length > 20 || /[局委办部院会心府]\s*[和及与]/.test(name)) {
      doubts.push(`「${name}」不像一个单位的名称,请核对单位名单。`);
    }
    add(name);
  }
  return { units, marked, helping, openEnded, subordinates, doubts };
}

interface Assignment {
  leader?: string;
  leads?: UnitList;
  cos?: UnitList;
  /** 责任单位:A、B、C — who leads depends on the notice's note. */
  both?: UnitList;
  /** The note that the first one leads was on this list. */
  firstLeadsNoted?: boolean;
  /** 完成时限:…, as printed. */
  deadline?: string;
}

const IS_LEADER_LABEL = new RegExp(`^${LEADER_LABEL}$`);
const IS_DEADLINE_LABEL = new RegExp(`^${DEADLINE_LABEL}$`);
const IS_LEAD_LABEL = new RegExp(`^${LEAD_LABEL}$`);
const IS_CO_LABEL = new RegExp(`^${CO_LABEL}$`);

/** "牵头责任单位:A,协同责任单位:B、C等" and the like, into its parts. */
function readAssignment(text: string, into: Assignment): void {
  // A line of its own in brackets, "(配合单位:…)": the closing bracket is not the last unit's.
  const wrapped = /^\s*[((]/.test(text);
  const marks = [...text.matchAll(LABEL)];
  marks.forEach((m, i) => {
    let value = text.slice(m.index + m[0].length, i + 1 < marks.length ? marks[i + 1]!.index : text.length);
    if (wrapped && i + 1 === marks.length) value = value.replace(/[))]\s*[。.]?\s*$/, '');
    const label = m[1]!;
    const cleaned = value.trim().replace(/[。.;;,,]+$/, '');
    if (IS_LEADER_LABEL.test(label)) {
      if (cleaned) into.leader = cleaned;
    } else if (IS_DEADLINE_LABEL.test(label)) {
      if (cleaned) into.deadline = cleaned;
    } else if (IS_LEAD_LABEL.test(label)) into.leads = joinLists(into.leads, readUnitList(value));
    else if (IS_CO_LABEL.test(label)) into.cos = joinLists(into.cos, readUnitList(value));
    else {
      into.both = joinLists(into.both, readUnitList(value));
      if (FIRST_LEADS_NOTE.test(value)) into.firstLeadsNoted = true;
    }
  });
}

/** A second line with the same label adds to the first ("配合单位:" in the parenthesis and on the next line). */
function joinLists(a: UnitList | undefined, b: UnitList): UnitList {
  if (!a) return b;
  return {
    units: [...new Set([...a.units, ...b.units])], marked: [...a.marked, ...b.marked], helping: [...a.helping, ...b.helping],
    openEnded: a.openEnded || b.openEnded, subordinates: a.subordinates ?? b.subordinates, doubts: [...a.doubts, ...b.doubts],
  };
}

// ---------------------------------------------------------------------------------------------
// A table of projects (序号 | 项目名称 | 建设内容 | 牵头单位 | 配合单位 | 完成时限), as notices attach them

/** What a column holds, by its header; null for a column of anything else (总投资, 备注), kept as text. */
type ColumnRole = 'no' | 'category' | 'title' | 'content' | 'units' | 'leader' | 'deadline';

const NO_HEADER = /^(?:序号|编号|序|项目序号|项目编号)$/;
/** A column that names each project's category (教育, 卫生健康), where the table has no heading rows for them. */
const CATEGORY_HEADER = /^(?:类别|项目类别|类型|项目类型|分类|领域|所属领域|板块)$/;
const TITLE_HEADER = /^(?:民生)?(?:实事)?(?:项目|工程|实事|事项|任务)(?:名称)?$|^名称$/;
/** 建设内容及规模: a header may say more than the label (主要建设内容, as a card line may too). */
const CONTENT_HEADER = new RegExp(`^(?:主要)?${CONTENT_LABEL}`);
const UNITS_HEADER = new RegExp(`^(?:${LEAD_LABEL}|${CO_LABEL}|${BOTH_LABEL})$`);

function columnRole(header: string): ColumnRole | null {
  if (NO_HEADER.test(header)) return 'no';
  if (CATEGORY_HEADER.test(header)) return 'category';
  if (TITLE_HEADER.test(header)) return 'title';
  if (CONTENT_HEADER.test(header)) return 'content';
  if (UNITS_HEADER.test(header)) return 'units';
  if (IS_LEADER_LABEL.test(header)) return 'leader';
  if (IS_DEADLINE_LABEL.test(header)) return 'deadline';
  return null;
}

/** A cell of a table of projects: what it holds by its header (or the label beside it), and its text. */
interface Field {
  readonly role: ColumnRole | null;
  readonly label: string;
  readonly text: string;
}

/** A 序号 cell: 3, 3. or 三、 */
const CARD_NO = new RegExp(`^(\\d{1,3}|[${CN_NUM}]{1,3})\\s*[.、]?$`);

/** The number a project's 序号 field shows (3, 3. or 三、), as printed; undefined for none. */
function printedNo(fields: readonly Field[]): string | undefined {
  return fields.map((f) => (f.role === 'no' ? CARD_NO.exec(f.text)?.[1] : undefined)).find((n) => n !== undefined);
}

/** A project's fields as the lines of a project card; none for a row that names no project. */
function card(fields: readonly Field[]): string[] {
  const of = (role: ColumnRole) => fields.filter((f) => f.role === role && f.text !== '');
  const no = printedNo(fields);
  const title = of('title').map((f) => f.text).join(';');
  const content = of('content').map((f) => sentence(f.text)).join('');
  const head = title || content;
  if (head === '') return [];
  // Numbered as digits: "一、" would be read as a heading.
  const lines = [`${no === undefined ? '' : `${chineseNumber(no)}.`}项目名称:${head}`];
  if (title && content) lines.push(`建设内容:${content}`);
  for (const f of fields) if (f.role === null && f.text !== '' && f.label !== '') lines.push(`${f.label}:${f.text}`);
  for (const role of ['leader', 'units', 'deadline'] as const) for (const f of of(role)) lines.push(`${f.label}:${f.text}`);
  return lines;
}

/**
 * A table pasted from WPS or Excel into the text (cells separated by tabs, a row a line): read as a table of
 * projects is, where it is one; any other lines with tabs stay as they are.
 */
function tabTablesAsCards(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!lines[i]!.includes('\t')) {
      out.push(lines[i++]!);
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end]!.includes('\t')) end++;
    const block = lines.slice(i, end);
    const cards = cardLines(block.map((l) => l.split('\t').map((c) => (c.trim() === '' ? [] : [c.trim()]))));
    out.push(...(cards ?? block));
    i = end;
  }
  return out.join('\n');
}

/**
 * A table's rows (each cell's paragraphs) as the lines of project cards, or null for a table that lists no
 * projects with their units: that one is read as its lines were. Two layouts: a header row (序号 | 项目名称 |
 * 建设内容 | 牵头单位 …) and a project a row under it, a row with one filled cell ("一、教育事业", a merged heading)
 * staying a line of its own; or one project a table, each label with its value beside it (项目名称 | 城南小学新建工程).
 * @example cardLines([[['序号'], ['项目名称'], ['牵头单位']], [['1'], ['城南小学'], ['市教体局']]]) // ['1.项目名称:城南小学', '牵头单位:市教体局']
 */
export function cardLines(rows: readonly (readonly (readonly string[])[])[]): string[] | null {
  const compact = (s: string) => normalizeNoticeText(s).replace(/\s+/g, '');
  // Several units in a cell, a paragraph each, are a list; several paragraphs of text, one text.
  const field = (label: string, cell: readonly string[]): Field => {
    const role = columnRole(label);
    return { role, label, text: cell.map((t) => t.trim()).filter((t) => t !== '').join(role === 'units' ? '、' : '') };
  };
  const namesProjects = (roles: readonly (ColumnRole | null)[]) => roles.includes('units') && (roles.includes('title') || roles.includes('content'));
  const at = rows.findIndex((r) => namesProjects(r.map((c) => columnRole(compact(c.join(''))))));
  if (at !== -1) {
    let headers = rows[at]!.map((c) => compact(c.join('')));
    let first = at + 1;
    // A header of two rows: 责任单位 over 牵头单位 | 配合单位. The lower row names what each column holds.
    const lower = rows[at + 1]?.map((c) => compact(c.join('')));
    if (lower?.some((h, k) => h !== headers[k] && columnRole(h) === 'units')) {
      headers = headers.map((h, k) => (lower[k] && lower[k] !== h && columnRole(lower[k]!) !== null ? lower[k]! : h));
      first = at + 2;
    }
    const lines = rows.slice(0, at).flatMap((r) => r.flat().filter((t) => t.trim() !== ''));
    let category = '';
    let categories = 0;
    let lastNo = 0;
    for (const row of rows.slice(first)) {
      const filled = [...new Set(row.map((c) => c.join('').trim()).filter((t) => t !== ''))];
      if (filled.length <= 1) {
        lines.push(...filled);
        continue;
      }
      let fields = headers.map((h, k) => field(h, row[k] ?? []));
      // A project (it names its units) whose 序号 was left blank among numbered ones is the next: unnumbered, it
      // would be no task in a numbered list.
      const no = printedNo(fields);
      if (no !== undefined) lastNo = chineseNumber(no);
      else if (lastNo > 0 && fields.some((f) => f.role === 'units' && f.text !== '')) fields = fields.map((f) => (f.role === 'no' ? { ...f, text: String(++lastNo) } : f));
      // A category column: each new value heads the projects under it, as a heading row would.
      const named = fields.find((f) => f.role === 'category' && f.text !== '')?.text;
      if (named !== undefined && named !== category) {
        category = named;
        lines.push(`${chineseCounting(++categories)}、${named}`);
      }
      lines.push(...card(fields));
    }
    return lines;
  }
  if (rows.length === 0 || rows.some((r) => r.length % 2 !== 0)) return null;
  // An empty pair (the row's second half left blank) is nothing; a value with no label is no card's.
  const pairs = rows.flatMap((r) => r.flatMap((c, k) => (k % 2 === 0 ? [field(compact(c.join('')), r[k + 1]!)] : []))).filter((f) => f.label !== '' || f.text !== '');
  if (pairs.some((f) => f.label === '') || !namesProjects(pairs.map((f) => f.role))) return null;
  return card(pairs);
}

// ---------------------------------------------------------------------------------------------
// Targets

/** Units of measure a target is counted in ("名" is recorded as 人, as the 2019 plan does). */
const MEASURES = ['微克/立方米', '平方公里', '平方米', '立方米', '公里', '千米', '公顷', '人次', '户次', '万元', '亿元', '元', '个', '家', '所', '套', '户', '件', '条',
  '座', '处', '亩', '%', '‰', '人', '名', '项', '场', '批', '辆', '台', '张', '间', '吨', '米', '床', '支', '本', '册', '宗', '笔', '棵', '株', '只', '头', '次', '期', '班', '块', '栋', '千瓦'];
/**
 * Measures a figure in digits is also counted in. Not after Chinese numerals, where they are mostly words
 * (一对一, 三口之家, 四位一体). Spellings are recorded as one unit (km as 公里, ㎡ as 平方米, 个百分点 as 百分点).
 */
const DIGIT_MEASURES = ['个百分点', '百分点', '平方千米', '场次', '批次', '剂次', '架次', '车次', '班次', '课时', '学时', '千瓦时', '兆瓦', '公斤', '千克',
  '㎡', 'm²', 'km', 'KM', 'Km', '例', '份', '对', '盏', '片', '眼', '根', '口', '艘', '架', '篇', '幅', '首', '位', '节', '段', '轮', '剂', '单',
  '封', '斤', '枚', '颗', '杆', '孔', '幢', '站', '台套', '所次'];
const SPELLED = new Map([['个百分点', '百分点'], ['平方千米', '平方公里'], ['㎡', '平方米'], ['m²', '平方米'], ['km', '公里'], ['KM', '公里'], ['Km', '公里']]);
const byLength = (list: readonly string[]) => [...list].sort((a, b) => b.length - a.length).map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
const MEASURE_RE = new RegExp(`^\\s*(${byLength(MEASURES).join('|')})`);
const DIGIT_MEASURE_RE = new RegExp(`^\\s*(${byLength([...MEASURES, ...DIGIT_MEASURES]).join('|')})`);
/**
 * What follows a figure in digits that counts nothing a target is counted in (28种职业病, 4类对象, 12345热线,
 * 3A级, 5G). Any other word after a figure is asked about: a measure this reader does not know is no reason to drop a target.
 */
const NOT_A_MEASURE = /^\s*(?:种|类|大|级|星|代|型|版|路|线|号线|热线|专线|报警|急救|届|层|档|维|方面|环节|条例)/;
/** A range joins its bounds with a dash or 至; "90%—95%" repeats the unit after the lower bound. */
const RANGE_JOIN = '(?:-|~|～|—|–|至|到)';
const NUMBER_TOKEN = new RegExp(`(\\d+(?:\\.\\d+)?)(?:(\\s*[%‰]?\\s*)${RANGE_JOIN}\\s*(\\d+(?:\\.\\d+)?))?`, 'g');
/** 三至五个: two counts in Chinese numerals joined into a range. */
const NUMERAL_RANGE_JOIN = new RegExp(`^\\s*${RANGE_JOIN}\\s*$`);
/** 百分之九十五, 百分之百, 千分之五: a percentage or a per-mille figure in words. */
const PERCENT_WORDS = new RegExp(`([百千])分之([${CHINESE_NUMERAL_CHARS}]+|\\d+(?:\\.\\d+)?)`, 'g');
/** 零死亡, 重大火灾事故零发生: a target of none. 零就业家庭, 零售 and 一千零五 are no such figure. */
const ZERO_WORDS = /(?<![一二三四五六七八九十百千万〇零两\d])零(?=死亡|伤亡|发生|事故|新增|感染|病例|欠薪|返贫|超标|污染)/g;
/** 食品安全事故为零, 欠薪案件保持为0: none at all, said of what the clause names, as 零发生 is. */
const ZERO_IS = /(?:为|是|保持|实现|做到)\s*(?<![\d.])(?:零|0)(?![\d.])(?=\s*(?:起|例|人|个|次|件)?\s*$)/g;
/** A figure with no unit that stands where a target's does (死亡人数控制在0, 万车死亡率低于1.5): a target, its unit asked for. */
const BARE_TARGET_BEFORE = /(?:控制在|低于|不超过|不高于|不大于|小于|少于|达到|不低于|不少于|不小于|保持在|稳定在|维持在|(?:下降|降低|压减|降|提高|提升|增加|延长)(?:到|至))\s*$/;
/** 九成, 九成五: tenths in words (九成 = 90%), only before a bound or a clause's end: 一成不变 is no figure. */
const TENTHS_WORDS = /(?<![一二三四五六七八九十百千万两])([一二三四五六七八九])成([一二三四五六七八九])?(?=以上|以下|以内|左右|[,,;;。]|$)/g;
/** "3,000米": a thousands separator, not a clause's comma (the clause before ends in no digit group of three). */
const THOUSANDS = /(?<![\d.])(\d{1,3})((?:,\d{3})+)(?![\d.])/g;
const NUMERAL_TOKEN = new RegExp(NUMERAL_PATTERN, 'g');
/** 二十五点, 十点十: numerals around a 点 that make no decimal; read as two counts they would give a wrong target. */
const BROKEN_DECIMAL = new RegExp(`^[${CHINESE_NUMERAL_CHARS}]*点[${CHINESE_NUMERAL_CHARS}]*`);
/** A Chinese numeral counting something a target is counted in (三所, 两千人), as a list item holds one. */
const NUMERAL_COUNT = new RegExp(`[一二两三四五六七八九十][${CHINESE_NUMERAL_CHARS}]*\\s*(?:${MEASURES.join('|')})`);
/** Whether a piece of text holds a figure, in digits or counted in Chinese numerals. */
const hasFigure = (s: string) => /\d/.test(s) || NUMERAL_COUNT.test(s);
const AT_LEAST = /以上|不低于|不少于|不小于|达到|至少|超过|达/;
/** Words that bound a target from above: a rate that falls (降至6‰) and a cap (不超过, 以内). */
const AT_MOST = /以内|控制在|不超过|不高于|低于|以下|不大于|小于|少于|(?:下降|降低|压减|压降|减少|缩减|降)(?:到|至)/;
/** "3岁以下婴幼儿", "65岁以上老年人": 以上/以下 after another figure qualifies what is counted, it bounds no target. */
const QUALIFIER_BOUND = new RegExp(`(?:\\d+(?:\\.\\d+)?|[${CHINESE_NUMERAL_CHARS}]+)\\s*[^\\d,,;;。]{0,3}?(?:以上|以下|以内)`, 'g');
/** A rate per 100,000 (12/10万) or per 1,000: the figure is the rate, what follows the slash its unit. */
const PER_BASE = /^\s*\/\s*((?:10|1|100)?万|千|百|1000|10000|100000)(?:人)?/;
/** 每十万人 just before a figure (控制在每十万人12人以内): the figure is a ratio per that population. */
const PER_BEFORE = /每\s*(十万|万|千|百|10万|100000|10000|1000)\s*(?:人口|人|名)?\s*$/;
const PER_BEFORE_BASE: Readonly<Record<string, string>> = { 十万: '10万', 100000: '10万', 10000: '万', 1000: '千' };
/** What follows a distance or an area that only defines a rate: 500米覆盖率, 1公里服务半径覆盖率. */
const RATE_DEFINED = /^[^\d,,;;。、达控不提降以超低高保稳实]{0,6}(?:率|比例|占比|比重)/;
const DEFINING_MEASURES = new Set(['米', '公里', '千米', '平方米', '平方公里', '公顷']);
/** A growth target: 增长, 增速, 增幅; a 增长率 (人口自然增长率) is a rate, a level like any other. */
const GROWTH = /增速|增幅|增长(?!率)/;

/**
 * The kind proposeKind gives, read as a notice means it: 增速 is growth as 增长 is, and a 增长率 is a rate
 * (人口自然增长率控制在3‰以内), not the growth of the indicator.
 */
function noticeKind(f: Pick<IndicatorDef, 'name' | 'source' | 'additive'>, deadline: number | null): { kind: IndicatorDef['kind']; deadline: number | null } {
  const proposed = proposeKind(f, deadline);
  if (proposed.kind !== 'growth' && proposed.kind !== 'level') return proposed;
  return { kind: GROWTH.test(f.name) || GROWTH.test(f.source) ? 'growth' : 'level', deadline: proposed.deadline };
}

/**
 * A target read from the text: the indicator's figures, and where and in what sentence it stands (its piece's
 * sentence and clauses: "……1.2万亩,三季度末前完成" gives the figure the deadline of the clause after it).
 */
interface Found extends Pick<IndicatorDef, 'source' | 'name' | 'comparator' | 'target' | 'targetMax' | 'unit' | 'additive'>,
  Pick<Piece, 'sentence' | 'upToClause' | 'clause' | 'nextClause'> {
  /** Where the source starts in the task's text. */
  readonly at: number;
  readonly needsReview: string[];
}

interface Piece {
  readonly text: string;
  /** Where it starts in the task's text. */
  readonly start: number;
  /** Its clause's start, for a list item that says only "0.5万元". */
  readonly clauseStart: number;
  readonly sentence: string;
  /** The clause, with the one before it if that holds no figure: a deadline named there is the figure's. */
  readonly upToClause: string;
  /** Its whole clause, and the next one in its sentence ('' for none). */
  readonly clause: string;
  readonly nextClause: string;
}

/** An item's own number at the start of a clause (1. ① (2)): no part of a target's name or source. */
const ITEM_MARK = /^\s*(?:\d{1,3}\s*[.、](?!\d)|[((]\d{1,3}[))]|[\u2460-\u249b])\s*/;

/** Clauses (split at ,;。) and, inside one, list items that each hold a figure ("3个…、20个…"). */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  const sentenceRe = /[^。;;!?!?]+[。;;!?!?]?/g;
  for (const s of text.matchAll(sentenceRe)) {
    const sentence = s[0];
    let previous = '';
    const clauses = [...sentence.matchAll(/[^,,。;;!?!?]+/g)];
    for (const [n, c] of clauses.entries()) {
      const mark = ITEM_MARK.exec(c[0])?.[0].length ?? 0;
      const clause = c[0].slice(mark);
      const nextClause = clauses[n + 1]?.[0] ?? '';
      const clauseStart = s.index + c.index + mark;
      // A deadline is the figure's when its own clause names it, or a clause before it that holds no
      // figure of its own ("6月底前,完成…"); "6月底前新建2所,入园率达到92%" gives the rate none.
      const upToClause = (/\d/.test(withoutYears(previous).replace(/\d{1,2}月(?:底|末)?(?:\d{1,2}日)?(?:前|之前|以前)?/g, '')) ? '' : previous) + clause;
      previous = clause;
      // Split at 、/和/及 only where a figure lies on both sides: "视力、听力…" stays one item.
      const seps = [...clause.matchAll(/[、和及]/g)].map((m) => m.index);
      let from = 0;
      for (let k = 0; k < seps.length; k++) {
        const at = seps[k]!;
        const next = k + 1 < seps.length ? seps[k + 1]! : clause.length;
        if (hasFigure(clause.slice(from, at)) && hasFigure(clause.slice(at + 1, next).slice(0, 24))) {
          out.push({ text: clause.slice(from, at), start: clauseStart + from, clauseStart, sentence, upToClause, clause, nextClause });
          from = at + 1;
        }
      }
      out.push({ text: clause.slice(from), start: clauseStart + from, clauseStart, sentence, upToClause, clause, nextClause });
    }
  }
  return out;
}

/** Inside “…” or "…": a name ("351"工程, “健康宣城2030”), not a figure. */
function quoted(before: string): boolean {
  const open = (before.match(/[“「『]/g) ?? []).length - (before.match(/[”」』]/g) ?? []).length;
  return open > 0 || (before.match(/"/g) ?? []).length % 2 === 1;
}

const VERB_PREFIX = /^(?:[((]\d{1,3}[))]\s*|其中|[\u2460-\u2473]\s*|\d{4}年(?:底|末)前?|\d{4}年|我市|我县|我区|力争|确保|全面|全年|全市|全县|全区|实现|积极争取|争取|积极|开展|完成|在全市|为全市|在全县|为全县|为|在|对|分别|共|累计|计划|预计|年内|年底前|\d{1,2}月(?:份|底|末)?(?:\d{1,2}日)?(?:前|之前|以前)|\d{1,2}月份|(?:前|第)?[一二三四]季度(?:末|底|内)?前?|上半年|年中|于(?=\d|[一二三四上年]))+/;
/** Comparator words end a name's phrase ("参保率稳定在"); inside it they are part of it ("65岁以上老年人"). */
const COMPARATOR_TAIL = /(?:稳定在|控制在|保持在|保持|维持在|维持|稳定|达到|(?:提升|增加|增长|上升|扩大)(?:到|至)|不低于|不少于|不小于|不超过|不高于|不大于|至少|超过|分别|约为|约|达|低于|小于|少于|以上|以内|左右|以下|提高到|提高至|(?:下降|降低|压减|压降|减少|缩减|降)(?:到|至))+$/;

function cleanName(s: string): string {
  return s.trim().replace(VERB_PREFIX, '').replace(/^(?:的|了)/, '').replace(COMPARATOR_TAIL, '').replace(/[的,,、]+$/, '').trim().slice(0, 40);
}

type Scan = { readonly found: Found } | { readonly review: string } | null;

/** A number in a piece: where it stands, as printed, and its bounds (a range has two). */
interface Figure {
  readonly at: number;
  readonly printed: string;
  readonly lo: number;
  readonly hi: number | null;
  /** Written in Chinese numerals (三所, 两千人). */
  readonly numeral: boolean;
  /** 百分之九十五, 千分之五, 九成: the unit (% or ‰) is in the words. */
  readonly percent?: '%' | '‰';
  /** 零死亡, 零发生: none of it at all, a ceiling of 0. */
  readonly zero?: true;
  /** Numerals that cannot be read as one number (十点十): asked about, never guessed. */
  readonly unreadable?: true;
}

/** Every number of a piece, in digits or in Chinese numerals, in the order they stand. */
function figures(text: string): Figure[] {
  const out: Figure[] = [...text.matchAll(NUMBER_TOKEN)].flatMap((m) => {
    // "90%—95‰" is two figures in two units, no range.
    const unitBetween = m[2]?.trim() ?? '';
    if (m[3] !== undefined && unitBetween !== '' && !text.slice(m.index + m[0].length).trimStart().startsWith(unitBetween)) {
      const second = m.index + m[0].length - m[3].length;
      return [{ at: m.index, printed: m[1]!, lo: Number(m[1]), hi: null, numeral: false }, { at: second, printed: m[3], lo: Number(m[3]), hi: null, numeral: false }];
    }
    return [{ at: m.index, printed: m[0], lo: Number(m[1]), hi: m[3] === undefined ? null : Number(m[3]), numeral: false }];
  });
  const words: Figure[] = [];
  for (const m of text.matchAll(PERCENT_WORDS)) {
    const value = m[2] === '百' || m[2] === '千' ? (m[1] === '百' ? 100 : 1000) : /\d/.test(m[2]!) ? Number(m[2]) : chineseNumeral(m[2]!);
    if (value !== null) words.push({ at: m.index, printed: m[0], lo: value, hi: null, numeral: false, percent: m[1] === '百' ? '%' : '‰' });
  }
  for (const m of text.matchAll(ZERO_WORDS)) words.push({ at: m.index, printed: '零', lo: 0, hi: null, numeral: false, zero: true });
  for (const m of text.matchAll(ZERO_IS)) words.push({ at: m.index + m[0].length - 1, printed: m[0].slice(-1), lo: 0, hi: null, numeral: false, zero: true });
  for (const m of text.matchAll(TENTHS_WORDS)) {
    const value = chineseNumeral(m[1]!)! * 10 + (m[2] === undefined ? 0 : chineseNumeral(m[2])!);
    words.push({ at: m.index, printed: m[0], lo: value, hi: null, numeral: false, percent: '%' });
  }
  const inWords = (at: number) => words.some((w) => at >= w.at && at < w.at + w.printed.length);
  const numerals: Figure[] = [];
  let brokenUntil = -1;
  for (const m of text.matchAll(NUMERAL_TOKEN)) {
    if (inWords(m.index) || m.index < brokenUntil) continue;
    const broken = /^点/.test(text.slice(m.index + m[0].length)) ? BROKEN_DECIMAL.exec(text.slice(m.index)) : null;
    if (broken) {
      brokenUntil = m.index + broken[0].length;
      numerals.push({ at: m.index, printed: broken[0], lo: Number.NaN, hi: null, numeral: true, unreadable: true });
      continue;
    }
    // A trailing 万/亿 is left to be multiplied out, as it is after digits (一百万元 = 一百 × 万元).
    const printed = m[0].replace(/[万亿]+$/, '');
    const value = chineseNumeral(printed);
    if (value === null) continue;
    const previous = numerals.at(-1);
    const between = previous ? text.slice(previous.at + previous.printed.length, m.index) : '';
    if (previous && previous.hi === null && NUMERAL_RANGE_JOIN.test(between)) {
      numerals[numerals.length - 1] = { ...previous, printed: previous.printed + between + printed, hi: value };
    } else numerals.push({ at: m.index, printed, lo: value, hi: null, numeral: true });
  }
  return [...out.filter((f) => !inWords(f.at)), ...words, ...numerals].sort((a, b) => a.at - b.at);
}

/** A figure in Chinese numerals that is a word, not a count: 第一, 三支一扶, 二期工程, 一批, 一次性. */
function numeralWord(f: Figure, before: string, unit: string, rest: string, text: string): Scan | undefined {
  if (/第\s*$/.test(before) || unit === '期') return null;
  if (new RegExp(`^[${CHINESE_NUMERAL_CHARS}]`).test(rest)) return null;
  if (f.printed !== '一') return undefined;
  // 一 before a measure is mostly an article ("建立一个机制"); where something is to be built, a person decides.
  if (unit === '批' || unit === '次' || !/建成|新建|新增|建设|完成|创建|打造/.test(before)) return null;
  return { review: `「${text.trim()}」中的「一${unit}」可能是数量目标,也可能只是「一」的习惯说法,未作为指标;如是目标请手工添加。` };
}

/** Reads one figure in a piece, or says why it is not a target (null: plainly not one, e.g. a year). */
function readFigure(piece: Piece, f: Figure, taskText: string, carried: Found | undefined): Scan {
  const text = piece.text;
  const at = f.at;
  let before = text.slice(0, at);
  let after = text.slice(at + f.printed.length);
  if (f.zero) return zeroTarget(piece, f);
  if (f.unreadable) return { review: `「${text.trim()}」中的「${f.printed}」读不出数字,未作为指标;如是目标请手工添加。` };
  const prevChar = before.slice(-1);
  if (/[A-Za-z.]/.test(prevChar) || (/^[A-Za-z]/.test(after) && !/^(?:km|KM|Km|m²)/.test(after))) return null; // PM2.5, 5G
  if (/第\s*$/.test(before)) return null; // 第3批, 排名第1位
  if (quoted(taskText.slice(0, piece.start + at))) return null;
  // "重污染天数减少至3天以内", "办理时限压缩至5个工作日": a length of time bounded is a target this reader does not count in.
  const duration = /^\s*(?:个工作日|工作日|个月|小时|分钟|天|周)(?!岁)/.exec(after);
  if (duration && (/^\s*(?:以内|以下|以上)/.test(after.slice(duration[0].length)) || /(?:控制在|压缩|缩短|减少|降|不超过|不少于|不低于|达到|提高)[到至在]?\s*$/.test(before))) {
    return { review: `「${text.trim()}」的目标是天数或时长,未作为指标;如是目标请手工添加。` };
  }
  // 人均预期寿命达到79岁, 平均受教育年限达到10.5年: a span of life or schooling as the target, not an age that qualifies.
  const years = /^\s*(周岁|岁|年)(?![龄度份月底末内前])/.exec(after);
  const lifeSpan = years && /(?:寿命|年龄|年限)[^,,;;。\d]{0,6}$/.test(before) && BARE_TARGET_BEFORE.test(before) ? years : null;
  if (!lifeSpan && /^\s*(?:年|月|日|号|周岁|岁|个月|小时|分钟|天|周|倍|〕|\]|】|时)/.test(after)) return null; // years, dates, ages, durations, 〔2019〕12号
  if (/[〔[【]$/.test(before)) return null;
  if (/\d\s*\/\s*$/.test(before)) return null; // the base of 12/10万, read with the 12
  // 每十万人口献血率, 每千人口床位数: the population a ratio is counted per is part of its name, no target.
  if (/每\s*$/.test(before)) return null;
  // 控制在每十万人12人以内: the figure is a ratio per that population, written as 12/10万 is.
  const perBefore = PER_BEFORE.exec(before);
  if (perBefore) {
    before = before.slice(0, perBefore.index);
    after = after.replace(/^\s*(?:人|例|名|起|次)/, '');
  }
  const perBase = perBefore ? null : PER_BASE.exec(after);
  // "30余间", "三百余人", "1万余人": at least the figure, but a person says what was meant.
  // 余 stands before 万 or after it: 30余间, 1万余人.
  const scale = /^(\s*[余多])?(?:\s*(万|亿))?(\s*[余多])?/.exec(after)!;
  const approximate = scale[1] !== undefined || scale[3] !== undefined;
  let magnitude = scale[2] === undefined ? 1 : scale[2] === '万' ? 10_000 : 100_000_000;
  after = after.slice(scale[0].length);
  const measure = perBase || perBefore || lifeSpan || f.percent ? null : (f.numeral ? MEASURE_RE : DIGIT_MEASURE_RE).exec(after);
  // 死亡人数控制在0, 万车死亡率低于1.5: no unit, but standing where a target stands, at its clause's end.
  const bareTarget = !f.numeral && BARE_TARGET_BEFORE.test(before) && /^\s*(?:以上|以下|以内|左右)?\s*$/.test(after);
  if (!measure && !perBase && !perBefore && !lifeSpan && !bareTarget && !f.percent && magnitude === 1) {
    if (f.numeral || NOT_A_MEASURE.test(after) || !/^\s*[\u4e00-\u9fff]/.test(after)) return null;
    return { review: `「${text.trim()}」中的「${f.printed}${after.trim().slice(0, 1)}」不是已知的计量单位,未作为指标;如是目标请手工添加。` };
  }
  let unit = lifeSpan ? (lifeSpan[1] === '年' ? '年' : '岁') : f.percent ? f.percent : perBefore ? `/${PER_BEFORE_BASE[perBefore[1]!] ?? perBefore[1]!}` : perBase ? `/${perBase[1]!}` : measure ? SPELLED.get(measure[1]!) ?? measure[1]! : '';
  if (perBase) after = after.slice(perBase[0].length);
  else if (lifeSpan) after = after.slice(lifeSpan[0].length);
  else if (measure) after = after.slice(measure[0].length);
  // 公交站点500米覆盖率达到100%: a distance or size that defines a rate is part of its name, not a target.
  if (measure && DEFINING_MEASURES.has(unit) && RATE_DEFINED.test(after)) {
    if (figures(text).some((g) => g.at > at)) return null;
    return { review: `「${text.trim()}」中的「${f.printed}${measure[1]}」像是指标定义的一部分,未作为指标;如是目标请手工添加。` };
  }
  // 25公里/小时: a speed or any rate per something is one compound unit, not a distance and a name "/小时".
  const per = measure ? /^\s*\/\s*(小时|时|h|分钟|秒|天|日|周|月|年|人|户|车|次)/.exec(after) : null;
  if (per) {
    unit = `${unit}/${per[1] === 'h' ? '小时' : per[1]!}`;
    after = after.slice(per[0].length);
  }
  if (unit === '万元') { magnitude *= 10_000; unit = '元'; }
  if (unit === '亿元') { magnitude *= 100_000_000; unit = '元'; }
  if (unit === '名') unit = '人';
  if (f.numeral) {
    const word = numeralWord(f, before, unit, after, text);
    if (word !== undefined) return word;
  }

  // 两项补贴, 三项制度: a count that names a policy, not a number of things to be done.
  if (unit === '项' && /^\s*(?:补贴|补助|津贴|制度|政策|保险|待遇)/.test(after)) return null;
  // Qualifiers: the subsidy paid, the size that makes a firm count, a share applied, a baseline.
  if (unit === '元' && (/(?:补贴|补助|奖励|奖补|给予|一次性|标准|每人|每户|(?<!不)超过?|额)\s*$/.test(before) || /^\s*(?:的)?(?:补贴|补助|奖励|奖补|求职|创业补贴)/.test(after))) return null;
  // "改造城区学校、乡镇卫生院等15所" may well be the target: the count of what was listed is asked about.
  if (/等\s*$/.test(before) && !/^\s*(?:以上|以下)?的/.test(after)) {
    return { review: `「${text.trim()}」的数字是前面所列各项的总数,未作为指标;如是目标请手工添加。` };
  }
  if (/(?:(?<!不)超过?|额|(?<!不)高于|按|等)\s*$/.test(before) && (/^\s*(?:以上|以下)?的/.test(after) || /按\s*$/.test(before))) return null;
  if (/按\s*$/.test(before)) return null;
  const sentencePart = piece.sentence;
  if (/基础上/.test(sentencePart) && /(?:已|完成|\d{4}年)/.test(before)) {
    return { review: `「${text.trim()}」像是已完成的基数(……的基础上),未作为指标;如是目标请手工添加。` };
  }
  if (/^[^,,。]*等一(?:批|系列)/.test(after)) {
    return { review: `「${text.trim()}」的数字是举例(……等一批),未作为指标;如是目标请手工添加。` };
  }
  if (/^[^,,。]*范围/.test(after)) {
    return { review: `「${text.trim()}」像是实施范围,未作为指标;如是目标请手工添加。` };
  }

  const needsReview: string[] = [];
  // 86.79万: multiplied out without the float's tail (867900, not 867900.0000000001).
  const times = (n: number) => Number((n * magnitude).toPrecision(12));
  const lo = times(f.lo);
  const hi = f.hi === null ? null : times(f.hi);
  // 控制在95%至100%之间: 之间 bounds the range, it names nothing.
  const tail = /^\s*(?:以上|以内|以下|左右|之间|之内)/.exec(after)?.[0] ?? '';
  const window = before.replace(QUALIFIER_BOUND, '').slice(-8) + tail;
  let comparator: Comparator;
  if (hi !== null) comparator = 'range';
  else if (approximate) {
    comparator = '>=';
    needsReview.push(`「${text.trim()}」是约数(……余),按不少于${lo}${unit}提出,请确认。`);
  } else if (/左右/.test(tail) && /控制在\s*$/.test(before)) {
    // 控制在5.5%左右: a ceiling with some give, the 左右 for a person to weigh.
    comparator = '<=';
    needsReview.push(`「${text.trim()}」写的是“控制在……左右”,按不超过${lo}${unit}(上限)提出;如允许略高于${lo}${unit},请调整目标值。`);
  } else if (/约为?\s*$/.test(before) || /左右/.test(tail)) comparator = '~';
  else if (AT_MOST.test(window.replace(/不低于|不少于|不小于/g, ''))) comparator = '<=';
  else if (AT_LEAST.test(window)) comparator = '>=';
  else if (carried && before.trim() === '') comparator = carried.comparator;
  else comparator = '>=';

  // With 万 or 亿 after it, 1.100 is a decimal: no one writes a thousands separator before 万.
  for (const n of f.numeral || f.percent || magnitude !== 1 ? [] : f.printed.match(/\d+(?:\.\d+)?/g) ?? []) {
    const both = dotGroupedReadings(n);
    if (both) needsReview.push(`「${text.trim()}」中的 ${n} 有两种读法:${both.thousands}(点号分隔千位)或 ${both.decimal},已按 ${both.decimal} 读取,请核对。`);
  }

  // "郎溪县和旌德县2个县": the items are named and counted exactly.
  const noun = after.trim().slice(0, 1);
  if (comparator === '>=' && unit === '个' && noun) {
    const named = before.replace(VERB_PREFIX, '').split(/[和、及]/).map((s) => s.trim()).filter((s) => s !== '');
    if (named.length === lo && named.length > 1 && named.every((s) => s.endsWith(noun))) comparator = '=';
  }

  const restAfter = after.slice(tail.length);
  // The words before the figure, after an enumeration's count ("…水泥尘和高温等28种职业病监测信息不低于"),
  // and the noun after it ("新建8所公办幼儿园"): a short verb before joins the noun after.
  const beforeName = cleanName(before.split(/等\d+(?:\.\d+)?[种类项个]?/).at(-1) ?? '');
  // 5000套(间): the unit's alternative in brackets names nothing.
  const afterName = /^\s*[、和及]/.test(restAfter) ? '' : cleanName(restAfter.replace(/^\s*[((][^()()]{1,6}[))]/, '').replace(/^\s*的/, ''));
  let name = afterName.length > 1 ? (beforeName.length <= 4 ? beforeName + afterName : afterName) : beforeName + afterName;
  if (name === '' && carried) {
    name = `${carried.name.replace(/\([^(]*\)$/, '')}(${text.trim()})`.slice(0, 60);
    needsReview.push(`指标名称按上一项「${carried.name}」拼成,请核对。`);
  }
  // "居民人均可支配收入增长与经济增长基本同步,达到6.5%左右": the clause before names what the figure is.
  const previousClause = piece.upToClause.slice(0, piece.upToClause.length - piece.clause.length);
  if (name === '' && /增长|增收|增速|增幅|同步/.test(previousClause)) {
    name = cleanName(previousClause.split(/与|同|和/)[0]!);
    if (name !== '') needsReview.push(`「${text.trim()}」的指标名称取自前一分句「${previousClause.trim()}」,请核对。`);
  }
  if (unit === '') {
    const implied = /(人|户|个)数$/.exec(cleanName(before));
    if (implied) unit = implied[1]!;
    else needsReview.push(`「${text.trim()}」没有计量单位,请补上。`);
  }
  const bare = text.slice(0, at).trim() === '' && restAfter.trim() === '';
  const from = bare ? piece.clauseStart : piece.start;
  const printed = taskText.slice(from, piece.start + text.length);
  const source = printed.trim();
  const sourceAt = from + (printed.length - printed.trimStart().length);
  const additive = !(unit === '%' || unit === '‰' || unit === '百分点' || unit.includes('/') || isLevelMeasure(name) || isLevelMeasure(source));
  return { found: { source, at: sourceAt, name: name || cleanName(text) || text.trim().slice(0, 40), comparator, target: lo, targetMax: hi, unit, additive, sentence: piece.sentence, upToClause: piece.upToClause, clause: piece.clause, nextClause: piece.nextClause, needsReview } };
}

/** 实现零死亡, 重大火灾事故零发生: a ceiling of 0, in people for deaths and in cases for anything else, for review. */
function zeroTarget(piece: Piece, f: Figure): Scan {
  const text = piece.text;
  const word = /^(?:死亡|伤亡|发生|事故|新增|感染|病例|欠薪|返贫|超标|污染)/.exec(text.slice(f.at + 1))?.[0];
  // 事故为零: what is none is the clause's subject, before its verb.
  const subject = cleanName(word === undefined ? text.slice(0, f.at).replace(/(?:为|是|保持|实现|做到)\s*$/, '') : text.slice(0, f.at));
  const counted = word ?? subject;
  const people = /死亡|伤亡|感染|病例|返贫|人数$/.test(counted);
  const unit = people ? '人' : '起';
  const name = (word === undefined && /数$/.test(subject) ? subject : `${subject}${word ?? ''}${people ? '人数' : '起数'}`).slice(0, 40);
  const source = text.trim();
  const sourceAt = piece.start + (text.length - text.trimStart().length);
  return { found: {
    source, at: sourceAt, name, comparator: '<=', target: 0, targetMax: null, unit, additive: true,
    sentence: piece.sentence, upToClause: piece.upToClause, clause: piece.clause, nextClause: piece.nextClause,
    needsReview: [`「${source}」按${name}不超过0${unit}提出,请确认指标名称和计量单位。`],
  } };
}

/** The words a target is stated with; a clause with one of them and a figure is worded as a goal. */
const GOAL_WORDS = /达到|控制在|不低于|不少于|不超过|不高于|低于|(?:提高|提升|下降|降低|增加|减少)(?:到|至)|降至|稳定在|保持在|维持在|清零|实现零/;
/** Something a target is counted with: a digit, 零, 千分之…, 九成. */
const GOAL_FIGURE = /\d|零|分之|[一二三四五六七八九]成/;
/** Dates and multiples (不低于人均收入2倍标准, a standard, not a target this reader counts) hold no goal's figure. */
const MONTH_DAY = /\d{1,2}月(?:份|底|末)?(?:\d{1,2}日)?|\d{1,2}日|\d+(?:\.\d+)?倍/g;

interface TaskTargets {
  readonly found: Found[];
  readonly review: string[];
  readonly errors: string[];
}

function readTargets(text: string): TaskTargets {
  const found: Found[] = [];
  const review: string[] = [];
  const errors: string[] = [];
  /** Clauses (by where they start) that gave an indicator or a review item. */
  const yielded = new Set<number>();
  const clauses = new Map<number, string>();
  for (const piece of pieces(text)) {
    let carried = found.at(-1);
    if (carried && carried.sentence !== piece.sentence) carried = undefined;
    clauses.set(piece.clauseStart, piece.clause);
    for (const figure of figures(piece.text)) {
      const r = readFigure(piece, figure, text, carried);
      if (r === null) continue;
      yielded.add(piece.clauseStart);
      if ('review' in r) { review.push(r.review); continue; }
      const f = r.found;
      if (f.targetMax !== null && f.targetMax < f.target) {
        errors.push(`「${f.source}」的范围下限大于上限,无法读出目标。`);
        continue;
      }
      if (!Number.isFinite(f.target)) {
        errors.push(`「${f.source}」的数字无法读出。`);
        continue;
      }
      found.push(f);
      carried = f;
    }
  }
  // A clause worded as a goal, with a figure in it, that gave nothing: a person looks at it rather than lose it.
  for (const [at, clause] of clauses) {
    if (yielded.has(at) || !GOAL_WORDS.test(clause) || !GOAL_FIGURE.test(withoutYears(clause).replace(MONTH_DAY, ''))) continue;
    review.push(`「${clause.trim()}」像是目标,但没有读出指标;如是目标请手工添加。`);
  }
  return { found: uniqueSources(boundsAsRanges(found, text), text), review, errors };
}

/** "新建公墓5个以上、10个以下": a lower and an upper bound of one thing, one after the other, are one range. */
function boundsAsRanges(found: readonly Found[], text: string): Found[] {
  const out: Found[] = [];
  for (const f of found) {
    const prev = out.at(-1);
    if (prev && prev.comparator === '>=' && f.comparator === '<=' && prev.unit === f.unit && prev.sentence === f.sentence && f.target > prev.target
      && f.name.startsWith(`${prev.name}(`) && /^[、,,]?$/.test(text.slice(prev.at + prev.source.length, f.at).trim())) {
      out[out.length - 1] = { ...prev, comparator: 'range', targetMax: f.target, source: text.slice(prev.at, f.at + f.source.length) };
      continue;
    }
    out.push(f);
  }
  return out;
}

/** Each source occurs once in its task's text: a repeated phrase takes the words before it until it does. */
function uniqueSources(found: readonly Found[], text: string): Found[] {
  return found.map((f) => {
    let start = f.at;
    const end = f.at + f.source.length;
    while (occurrences(text, text.slice(start, end)) > 1 && start > 0) {
      start--;
      while (start > 0 && !/[,。;、]/.test(text[start - 1]!)) start--;
    }
    return { ...f, source: text.slice(start, end).trim() };
  });
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i !== -1; i = text.indexOf(part, i + 1)) n++;
  return n;
}

/** What a milestone without a figure finishes by its deadline. */
const MILESTONE_VERB = /完成|建成|竣工|完工|投入使用|投入运营|投用|交付|开工|启动|实现|出台|印发|建立/;

/** A month or quarter named before something finished, which deadlineMonth leaves to running text's other meanings. */
const DONE_AFTER = `(?=\\s*(?:全部|全面|基本)?(?:${MILESTONE_VERB.source}))`;
const QUARTER_DONE = new RegExp(`(?:前|第)?([一二三四1-4])季度(?:内|前)?${DONE_AFTER}`);
const MONTH_DONE = new RegExp(`(\\d{1,2}|十[一二]?|[一二三四五六七八九])月份?(?:内)?${DONE_AFTER}`);
const MIDYEAR_DONE = new RegExp(`(?<!全)年中(?:前)?${DONE_AFTER}`);

/**
 * The month a phrase in a notice falls due: deadlineMonth's, and where it names none, a quarter, a month or 年中
 * before something finished (前三季度完成 → 9, 一季度完成招标 → 3, 10月份完成 → 10, 年中完成 → 6).
 */
function noticeDeadline(s: string): number | null {
  const month = deadlineMonth(s);
  if (month !== null) return month;
  const quarter = QUARTER_DONE.exec(s);
  if (quarter) return (/\d/.test(quarter[1]!) ? Number(quarter[1]) : chineseNumber(quarter[1]!)) * 3;
  const named = MONTH_DONE.exec(s);
  const n = named ? chineseNumber(named[1]!) : 0;
  if (n >= 1 && n <= 12) return n;
  return MIDYEAR_DONE.test(s) ? 6 : null;
}

/** A deadline phrase as printed, taken out of a milestone's name. */
const DEADLINE_PHRASE = /(?:\d{4}年)?(?:\d{1,2}月(?:份|底|末)?(?:\d{1,2}日)?(?:前|之前|以前)?|(?:前|第)?[一二三四]季度(?:末|底|内)?(?:前|之前|以前)?|上半年|下半年|年中|年内|年底前?|年末前?)/g;

/** A clause that says only by when ("三季度末前完成", "10月底前全部投入运营"): the deadline of the figure before it. */
function onlyDeadline(clause: string): boolean {
  return noticeDeadline(withoutYears(clause)) !== null
    && withoutYears(clause).replace(DEADLINE_PHRASE, '').replace(/确保|力争|全部|全面|基本|于|之前|以前|前|并|完成|建成|竣工|完工|投入使用|投入运营|投用|交付|开工|启动|运营|到位|\s/g, '') === '';
}

/** The year the notice's text speaks of most (2021年新建…), ties going to the signing year or the one after it; null when they name none. */
function tasksYear(text: string, issueYear: number): number | null {
  const counts = new Map<number, number>();
  for (const m of text.matchAll(/(?<![\d较比与同])(20\d{2})年(?!的?基础上|同期)/g)) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  const near = (y: number) => (y === issueYear || y === issueYear + 1 ? 0 : 1);
  const ranked = [...counts].sort(([ya, a], [yb, b]) => b - a || near(ya) - near(yb) || yb - ya);
  return ranked[0]?.[0] ?? null;
}

/** A year a clause sets its figure in ("到2023年", "2022年6月底前") that is not the plan's; a baseline (较2020年) is none. */
function yearOtherThan(clause: string, year: number): number | null {
  for (const m of clause.matchAll(/(?<![较比与同\d])(\d{4})年/g)) {
    if (Number(m[1]) !== year && !/^(?:的)?基础上|^(?:同期|相比)/.test(clause.slice(m.index + m[0].length))) return Number(m[1]);
  }
  return null;
}

/** A card's name as a sentence of its own: the task's title ends where the name does. */
const sentence = (s: string) => (/[。;;!?!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}。`);

/** A bare year (2019年) is no deadline; 2019年10月 keeps its month. */
const withoutYears = (s: string) => s.replace(/\d{4}年(?!\d{1,2}月|底|末)/g, '');

/**
 * Whether the notice counts each category's tasks from 1 again (一、 1. 2. 二、 1. 2.). A plan numbers its tasks once,
 * so they are then numbered in order, for a person to confirm. Only where every category starts at 1 and counts on
 * by one: any other number printed twice is a slip in the notice, and stays an error.
 */
function restartsPerCategory(drafts: readonly DraftTask[]): boolean {
  if (new Set(drafts.map((d) => d.no)).size === drafts.length) return false;
  const byCategory = new Map<number, number[]>();
  for (const d of drafts) byCategory.set(d.category, [...(byCategory.get(d.category) ?? []), d.no]);
  return byCategory.size > 1 && [...byCategory.values()].every((nos) => nos.every((no, i) => no === i + 1));
}

/**
 * "一、教育(牵头单位:县教体局)": units named on a category's heading are those of each task under it that names no
 * lead of its own (a task's own units, deadline and leader stand); the heading keeps only its name.
 */
function inheritCategoryUnits(categories: { name: string }[], drafts: readonly DraftTask[], review: PlanReviewItem[]): void {
  categories.forEach((c, k) => {
    const paren = assignmentAtEnd(c.name);
    if (!paren) return;
    const given: Assignment = {};
    readAssignment(paren.text, given);
    c.name = c.name.slice(0, paren.index).trim();
    const taking = drafts.filter((d) => d.category === k && !d.assignment.leads && !d.assignment.both);
    for (const { assignment: a } of taking) {
      if (given.leads) a.leads = given.leads;
      if (given.both) a.both = given.both;
      a.cos ??= given.cos;
      a.leader ??= given.leader;
      a.deadline ??= given.deadline;
    }
    if (taking.length > 0) {
      review.push({ task: null, reason: `类别「${c.name}」的标题写明了责任单位,其下${taking.length}项没有写牵头单位的任务(任务${taking.map((d) => d.no).join('、')})按标题的单位读取,请核对。` });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The notice's head: title, date, issuer

// What a plan is called: 要点 and 计划 here, 民生实事(项目), 民生工程, 目标任务 or 工作安排 in other cities' notices.
const TITLE_WORDS = '要点|计划|方案|清单|任务分工|责任分解|实事|项目|工程|任务|安排';
/** A table's title says it is one (…项目责任分解表, …一览表): the plan is what it lists. */
const TABLE_WORDS = '(?:责任)?(?:任务)?分解表|一览表|汇总表|表';
const TITLE_LINE = new RegExp(`^(?:.{0,40}关于印发)?《?(.{2,60}?(?:${TITLE_WORDS}))(?:${TABLE_WORDS})?》?(?:的通知)?(?:[((].{1,20}[))])?$`);
const QUOTED_TITLE = new RegExp(`《([^》]{2,60}?(?:${TITLE_WORDS}))》`);
const ISSUER_LINE = /^[\u4e00-\u9fa5]{2,30}(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|委员会|领导小组)$/;

function isoDate(line: string): string | null {
  const m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(line);
  if (m) return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const c = new RegExp(`^([${CN_NUM}]{4})年([${CN_NUM}]{1,3})月([${CN_NUM}]{1,3})日$`).exec(line);
  if (!c) return null;
  // A year is read digit by digit (二〇二〇), not as a number.
  const year = [...c[1]!].map((d) => chineseNumeral(d) ?? 0).join('');
  return `${year}-${String(chineseNumber(c[2]!)).padStart(2, '0')}-${String(chineseNumber(c[3]!)).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------

interface DraftTask {
  no: number;
  printed: string;
  category: number;
  at: number;
  text: string;
  assignment: Assignment;
  /** Its units have been named: free text after them is no longer the task's. */
  closed: boolean;
  /** Its text so far is a heading alone (第一项 城乡学前教育扩容工程): the paragraph under it is a sentence of its own. */
  heading: boolean;
}

/**
 * A line's words added to a task's text. A heading's body or a numbered item starts a sentence of its own, or the
 * title (the text up to the first 。) would run on into it.
 */
function append(task: DraftTask, more: string, point: boolean): void {
  const open = task.text !== '' && !/[。;;,,::、!?!?]$/.test(task.text);
  task.text += (open && (task.heading || point) ? '。' : '') + more;
  task.heading = false;
}

/** What is said of a numbered line that was read into no task. */
const unread = (line: { text: string; at: number }) => `第${line.at + 1}行「${line.text.slice(0, 40)}」有编号,但没有读作任务,也没有归入任何任务,请核对是否漏读。`;

/**
 * Reads a plan from a notice's text.
 * @example const { plan, review, errors } = parseNoticeText(readFileSync('要点.txt', 'utf8'), { fileName: '要点.txt' })
 */
export function parseNoticeText(input: string, opts: NoticeOptions = {}): ParsedPlan {
  // The separator goes before clauses are split at commas: 3,000米 is one figure, not 3 and 000米.
  const lines = tabTablesAsCards(normalizeNoticeText(input)).replace(THOUSANDS, (_, head: string, groups: string) => head + groups.replace(/,/g, '')).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const review: PlanReviewItem[] = [];
  const errors: PlanProblem[] = [];
  const classified = classify(lines);
  const firstBody = classified.findIndex((l) => l.kind !== 'text');
  const head = lines.slice(0, firstBody === -1 ? lines.length : firstBody);

  const categories: { no: string; name: string; at: number; doubt: string | null }[] = [];
  const drafts: DraftTask[] = [];
  /** Project cards numbered here, in order, for a person to confirm. */
  const unnumbered: number[] = [];
  /** Items numbered 一、二、 with nothing under them, read as the tasks (classify). */
  const headed: number[] = [];
  for (const line of classified) {
    if (line.kind === 'category') {
      categories.push({ no: line.no, name: line.name, at: line.at, doubt: line.doubt ?? null });
      continue;
    }
    // A heading ends the task before it: the lines under it are no longer that task's.
    const open = drafts.at(-1)?.category === categories.length - 1 ? drafts.at(-1) : undefined;
    if (line.kind === 'task') {
      // "1.项目名称:城南小学新建工程": the label heads a card; the name is the task's title, a sentence of its own.
      const titled = CARD_TITLE.exec(line.rest);
      const rest = titled ? sentence(titled[1]!) : line.card ? sentence(line.rest) : line.rest;
      if (line.numbered === false) unnumbered.push(line.no);
      if (line.headed) headed.push(line.no);
      const heading = rest.length <= 40 && !/[,,。;;::、!?!?]/.test(rest) && !hasFigure(rest);
      const task: DraftTask = { no: line.no, printed: line.printed, category: categories.length - 1, at: line.at, text: rest, assignment: {}, closed: false, heading };
      const paren = assignmentAtEnd(task.text);
      if (paren) {
        readAssignment(paren.text, task.assignment);
        task.text = task.text.slice(0, paren.index).trim();
        task.closed = true;
      }
      drafts.push(task);
    } else if (!open) {
      if (line.kind === 'point') review.push({ task: null, reason: unread(line) });
    } else if (line.kind === 'point' && open.closed) {
      // The items under a task whose units stand on its own line ((一)…牵头单位:…), after those units.
      append(open, line.text, true);
    } else {
      const point = line.kind === 'point';
      const paren = assignmentAtEnd(line.text);
      // "建设内容:…" under a card: its words join the task's text, the label does not.
      const content = CARD_CONTENT.exec(line.text)?.[0].length ?? 0;
      const unlabeled = open.closed ? null : UNLABELED_LINE.exec(line.text);
      if (ASSIGNMENT_LINE.test(line.text)) {
        readAssignment(line.text, open.assignment);
        open.closed = true;
      } else if (unlabeled) {
        readAssignment(`责任单位:${unlabeled[1]!}`, open.assignment);
        open.closed = true;
      } else if (!open.closed && paren) {
        append(open, line.text.slice(content, paren.index).trim(), point);
        readAssignment(paren.text, open.assignment);
        open.closed = true;
      } else if (!open.closed || content > 0) {
        // A card may name its units before its 建设内容: a labelled content line is the task's wherever it stands.
        append(open, line.text.slice(content), point);
      } else if (NUMBERED_START.test(line.text)) {
        // A numbered line after a task's units that no rule places: never lost without a word.
        review.push({ task: null, reason: unread(line) });
      }
    }
  }
  if (restartsPerCategory(drafts)) {
    drafts.forEach((d, i) => {
      d.no = i + 1;
      d.printed = String(i + 1);
    });
    review.push({ task: null, reason: `通知中每个类别的任务都从1重新编号,已按出现顺序统一编为任务1–${drafts.length},请核对。` });
  }
  inheritCategoryUnits(categories, drafts, review);
  if (unnumbered.length > 0) {
    review.push({ task: null, reason: `通知中的${unnumbered.length}个项目没有编号,已按出现顺序编为任务${unnumbered[0]}–${unnumbered.at(-1)},请核对。` });
  }
  // The note that the first unit listed leads is printed once and holds for every item (下同).
  const firstLeadsNoted = drafts.some((d) => d.assignment.firstLeadsNoted) || lines.some((l) => FIRST_LEADS_LINE.test(l));

  // Head: title, date, issuer.
  let title = '';
  for (const l of head) {
    const m = TITLE_LINE.exec(l);
    if (m && !/[。,,::]/.test(l)) { title = m[1]!; break; }
  }
  if (!title) {
    const quotedTitle = head.map((l) => QUOTED_TITLE.exec(l)).find((m) => m);
    if (quotedTitle) title = quotedTitle[1]!;
  }
  if (!title) {
    title = (opts.fileName ?? '').replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '').slice(0, 60) || '工作计划';
    review.push({ task: null, reason: `通知里找不到计划标题(……要点/计划/方案/民生实事),暂用「${title}」,请改为正式标题。` });
  }
  const dates = lines.map(isoDate).filter((d): d is string => d !== null);
  const issuedOn = dates[0] ?? '';
  if (!issuedOn) review.push({ task: null, reason: '通知里找不到印发日期(如“2019年4月24日”一行),请补上。' });
  const yearFromTitle = /(\d{4})年/.exec(title);
  const issueYear = issuedOn ? Number(issuedOn.slice(0, 4)) : 0;
  let year = yearFromTitle ? Number(yearFromTitle[1]) : issueYear;
  if (!yearFromTitle) {
    // A notice signed in December is mostly next year's plan: with no year in the title, the year the tasks
    // speak of most is the plan's, and a person confirms it where it is not the signing date's.
    const spoken = tasksYear([...head.filter((l) => isoDate(l) === null), ...drafts.map((d) => d.text)].join('\n'), issueYear);
    if (spoken !== null && spoken !== issueYear) {
      year = spoken;
      review.push({ task: null, reason: issueYear
        ? `标题没有写年份;印发日期是${issueYear}年,正文中写的多是${spoken}年,已按${spoken}年作为计划年度,请核对。`
        : `标题没有写年份,也找不到印发日期;正文中写的多是${spoken}年,已按${spoken}年作为计划年度,请核对。` });
    } else if (spoken === null && issueYear) {
      review.push({ task: null, reason: `标题没有写年份,正文中也没有写年份,已按印发日期定为${issueYear}年,请核对。` });
    }
  }
  if (!year) errors.push({ where: '标题', message: `标题「${title}」和印发日期都没有年份,无法确定计划年度。请在标题中写明年份(如“2020年全县民生工作要点”)。` });
  let issuer = lines.find((l) => ISSUER_LINE.test(l)) ?? '';
  const issuedBy = /^(.{2,30}?)关于印发/.exec(head.find((l) => /关于印发/.test(l)) ?? '');
  if (!issuer && issuedBy) issuer = issuedBy[1]!;
  if (!issuer) review.push({ task: null, reason: '通知没有写明印发机关(落款),请补上(如“××县人民政府”)。' });

  if (drafts.length === 0) {
    errors.push({ where: opts.fileName ?? '通知', message: '没有找到任何编号的工作任务(如“1.”“(一)”开头的段落)。请确认选择的是工作要点或计划的正文。' });
  }

  // Tasks.
  const seen = new Map<number, DraftTask>();
  const unitOrder: string[] = [];
  const groupKinds = new Map<string, UnitDef['kind']>();
  const tasksByCategory = new Map<number, TaskDef[]>();
  const addUnit = (name: string) => {
    if (!unitOrder.includes(name)) unitOrder.push(name);
    groupKinds.set(name, /成员单位$|成员$/.test(name) ? 'group' : 'unit');
  };
  if (headed.length > 0) {
    review.push({ task: null, reason: `通知中的${headed.length}个事项以“一、二、……”编号,其下没有分项,已作为任务${headed[0]}–${headed.at(-1)}读取,归入类别「工作任务」,请核对。` });
  } else if (drafts.some((d) => d.category === -1)) {
    review.push({ task: null, reason: '部分任务前没有“一、……”类别标题,已归入类别「工作任务」,请核对。' });
  }
  let bothWithoutNote = false;
  for (const d of drafts) {
    const where = `任务${d.printed}(第${d.at + 1}行)`;
    if (seen.has(d.no)) {
      errors.push({ where, message: `任务序号 ${d.no} 重复(第${seen.get(d.no)!.at + 1}行已有),请检查编号。` });
      continue;
    }
    seen.set(d.no, d);
    const a = d.assignment;
    /** 完成时限 in the unit list: the deadline of every figure whose own sentence names none. */
    let taskDue: number | null = null;
    let leads: UnitList = a.leads ?? NO_UNITS;
    let cos: UnitList = a.cos ?? NO_UNITS;
    const doubts = [...leads.doubts, ...cos.doubts, ...(a.both?.doubts ?? [])];
    if (a.both) {
      const both = a.both;
      // 市教育局(牵头) names the lead wherever it stands; else the first leads, unless 牵头单位 already named one.
      const [first, ...rest] = both.units;
      let leading = first === undefined ? [] : [first];
      if (both.marked.length > 0) leading = both.marked;
      else if (a.leads && first !== undefined && !a.leads.units.includes(first)) {
        leading = [];
        doubts.push(`任务既写了牵头单位又写了责任单位,责任单位「${both.units.join('、')}」已都作为协同单位,请核对。`);
      } else if (!firstLeadsNoted && rest.length > 0) bothWithoutNote = true;
      leads = { ...leads, units: [...leads.units, ...leading], marked: [...leads.marked, ...both.marked] };
      cos = { ...cos, units: [...cos.units, ...both.units.filter((u) => !leading.includes(u))], openEnded: cos.openEnded || both.openEnded, subordinates: cos.subordinates ?? both.subordinates };
    }
    // 县税务局配合 in a lead list cooperates; 县教体局(牵头) in a cooperating list leads.
    const helping = [...leads.helping, ...cos.helping, ...(a.both?.helping ?? [])];
    const marked = [...leads.marked, ...cos.marked];
    leads = { ...leads, units: [...new Set([...leads.units.filter((u) => !helping.includes(u)), ...cos.units.filter((u) => marked.includes(u))])] };
    cos = { ...cos, units: [...new Set([...cos.units.filter((u) => !marked.includes(u)), ...helping])] };
    for (const r of doubts) review.push({ task: d.no, reason: r });
    if (a.deadline !== undefined) {
      // A table's 完成时限 typed as a date in text (2025-12-31, 2025/12, 2025.6.30) reads as 2025年12月31日 does.
      const written = a.deadline.replace(/^\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\s*$/, (_, y: string, m: string, d?: string) => `${y}年${Number(m)}月${d ? `${Number(d)}日` : ''}`);
      const month = deadlineMonth(withoutYears(written), { field: true });
      const printedYear = /(\d{4})年/.exec(written)?.[1];
      if (month === null || (printedYear !== undefined && Number(printedYear) !== year)) {
        review.push({ task: d.no, reason: `完成时限「${a.deadline}」${month === null ? '读不出月份' : `不在计划年度(${year}年)内`},未作为指标的完成时限,请核对。` });
      } else taskDue = month;
    }
    let subordinates: SubordinateGroup | null = null;
    if (leads.subordinates) subordinates = { role: 'lead', phrase: leads.subordinates };
    else if (cos.subordinates) subordinates = { role: 'co', phrase: cos.subordinates };
    if (leads.units.length === 0 && subordinates?.role !== 'lead') {
      errors.push({ where, message: `任务${d.printed}没有牵头单位。请在该任务后写明“牵头责任单位:××”或“责任单位:××、××”。` });
    }
    const coUnits = cos.units.filter((u) => !leads.units.includes(u));
    for (const u of leads.units) addUnit(u);
    for (const u of coUnits) addUnit(u);

    const text = d.text.trim();
    const title = (/^[^。]*/.exec(text)![0].trim() || text).slice(0, 500);
    const targets = readTargets(text);
    for (const e of targets.errors) errors.push({ where, message: e });
    for (const r of targets.review) review.push({ task: d.no, reason: r });
    /** Each figure's own deadline: in its clause or the one before, or a clause after that says only by when (……1.2万亩,三季度末前完成). */
    const inClause = targets.found.map((f) => noticeDeadline(withoutYears(f.upToClause)));
    // Not a clause that says when work starts (6月底前全部开工): that is a stage of its own, not when the figure is done.
    const fromNext = targets.found.map((f, k) => inClause[k] === null && f.additive && onlyDeadline(f.nextClause) && !/开工|启动/.test(f.nextClause));
    const owns = targets.found.map((f, k) => (fromNext[k] ? noticeDeadline(withoutYears(f.nextClause)) : inClause[k]!));
    const indicators: IndicatorDef[] = targets.found.map((f, k) => {
      const own = owns[k]!;
      const deadline = own ?? taskDue;
      const where = own === null ? `所在任务写明完成时限「${a.deadline}」` : '所在句有完成时限';
      const { kind, deadline: due } = noticeKind(f, deadline);
      for (const r of f.needsReview) review.push({ task: d.no, indicator: k + 1, reason: r });
      if (kind === 'milestone') {
        review.push({ task: d.no, indicator: k + 1, reason: `「${f.source}」${where},按节点类(${due}月底前)提出,请确认。` });
      } else if (deadline !== null) {
        review.push({ task: d.no, indicator: k + 1, reason: `「${f.source}」${where}(${deadline}月底前),但它是${kind === 'growth' ? '增幅' : '比率或水平'},按${kind === 'growth' ? '增幅类' : '水平类'}提出,请确认。` });
      } else if ((f.unit === '%' && /提高|提升|下降|降低|减少/.test(f.name)) || f.unit === '百分点') {
        review.push({ task: d.no, indicator: k + 1, reason: `「${f.source}」可能是变化幅度而不是水平,按${kind === 'growth' ? '增幅类' : '水平类'}提出,请确认。` });
      }
      const otherYear = yearOtherThan(f.upToClause, year);
      if (otherYear !== null) review.push({ task: d.no, indicator: k + 1, reason: `「${f.source}」所在句写的是${otherYear}年,不是计划年度${year}年,请确认它是否本年度的指标。` });
      return { no: k + 1, name: f.name, comparator: f.comparator, target: f.target, targetMax: f.targetMax, unit: f.unit, additive: f.additive, kind, deadline: due, source: f.source };
    });
    /**
     * "6月底前开工建设学校2所、年底前建成": a part of a figure's clause with a deadline of its own, a verb and no figure
     * is a later stage of the same things: a milestone of the figure's count by that month (学校建成 2所, 12月底前).
     */
    const laterStage = (clause: string) => {
      const mine = targets.found.filter((f) => f.clause.trim() === clause.trim());
      if (mine.length !== 1) return;
      const f = mine[0]!;
      for (const part of clause.split('、')) {
        const due = noticeDeadline(withoutYears(part));
        if (due === null || part.includes(f.source) || /\d/.test(withoutYears(part).replace(DEADLINE_PHRASE, '')) || !MILESTONE_VERB.test(part)) continue;
        const source = part.trim();
        const verb = cleanName(withoutYears(source).replace(DEADLINE_PHRASE, ''));
        const object = f.name.replace(new RegExp(`^(?:${MILESTONE_VERB.source}|新建|建设|改造|实施)+`), '') || f.name;
        if (verb === '' || occurrences(text, source) !== 1) continue;
        indicators.push({ no: indicators.length + 1, name: `${object}${verb}`.slice(0, 40), comparator: '>=', target: f.target, targetMax: null, unit: f.unit, additive: f.additive, kind: 'milestone', deadline: due, source });
        review.push({ task: d.no, indicator: indicators.length, reason: `「${source}」与「${f.source}」同句,按节点类(${due}月底前${verb}${f.target}${f.unit})提出,请确认。` });
      }
    };
    // "6月底前完成县第三中学新校区建设": a deadline with something to finish and no figure is a milestone
    // counted as one item (1项) done by its month.
    // A clause with a figure is the figure's; one that only says by when is the deadline of the figure beside it.
    // One that names what it finishes (县第二污水处理厂9月底前投入使用) is a milestone of its own, whatever follows it.
    const figureClause = (clause: string) => targets.found.some((f, k) => f.clause.trim() === clause.trim()
      || (onlyDeadline(clause) && (f.upToClause.includes(clause) || (fromNext[k] && f.nextClause.trim() === clause.trim()))));
    for (const clause of text.match(/[^,;。]+/g) ?? []) {
      if (noticeDeadline(withoutYears(clause)) === null || !MILESTONE_VERB.test(clause)) continue;
      if (figureClause(clause)) {
        laterStage(clause);
        continue;
      }
      // "6月底前开工、年底前完工": two milestones, each by its own month, of the thing named before the first.
      const parts = clause.split('、');
      const several = parts.length > 1 && parts.every((p) => noticeDeadline(withoutYears(p)) !== null && MILESTONE_VERB.test(p));
      const subject = several ? withoutYears(parts[0]!).slice(0, withoutYears(parts[0]!).search(DEADLINE_PHRASE)).trim() : '';
      for (const part of several ? parts : [clause]) {
        const due = noticeDeadline(withoutYears(part))!;
        const source = part.trim();
        if (occurrences(text, source) !== 1) continue;
        const own = cleanName(withoutYears(source).replace(DEADLINE_PHRASE, ''));
        const name = (several && !own.startsWith(subject) ? cleanName(subject || title) + own : own) || source.slice(0, 40);
        indicators.push({ no: indicators.length + 1, name, comparator: '>=', target: 1, targetMax: null, unit: '项', additive: true, kind: 'milestone', deadline: due, source });
        const otherYear = yearOtherThan(source, year);
        review.push({ task: d.no, indicator: indicators.length, reason: `「${source}」有完成时限但没有数量,按节点类(${due}月底前完成1项)提出,请确认。${otherYear === null ? '' : `它写的是${otherYear}年,不是计划年度${year}年。`}` });
      }
    }
    const due = noticeDeadline(withoutYears(text)) ?? taskDue;
    if (due !== null && !indicators.some((i) => i.kind === 'milestone' || (owns[i.no - 1] ?? taskDue) !== null)) {
      review.push({ task: d.no, reason: indicators.length === 0
        ? `任务有完成时限(${due}月底前)但没有数量目标;如需按节点考核,请手工添加指标。`
        : `任务有完成时限(${due}月底前),但不在任何指标的句子里;如某项指标按节点考核,请改为节点类并填完成时限。` });
    }
    const task: TaskDef = {
      no: d.no, title, text, leadUnits: leads.units, coUnits, coUnitsOpenEnded: cos.openEnded || leads.openEnded,
      leader: a.leader ?? null, subordinates, indicators,
    };
    const list = tasksByCategory.get(d.category) ?? [];
    list.push(task);
    tasksByCategory.set(d.category, list);
  }
  if (bothWithoutNote) {
    review.push({ task: null, reason: '“责任单位”列了多个单位,通知没有说明哪个牵头,已按列第一位者为牵头单位,请核对。' });
  }

  const cats: CategoryDef[] = [];
  const orphan = tasksByCategory.get(-1);
  if (orphan) cats.push({ no: '一', seq: 1, name: '工作任务', tasks: orphan });
  categories.forEach((c, k) => {
    const tasks = tasksByCategory.get(k) ?? [];
    if (tasks.length === 0) {
      // A heading that names units over no task read: a task written in a way no rule numbers, lost unless said.
      const block = lines.slice(c.at + 1, categories[k + 1]?.at ?? lines.length);
      if (block.some((l) => ASSIGNMENT_LINE.test(l) || UNLABELED_LINE.test(l))) {
        review.push({ task: null, reason: `第${c.at + 1}行「${c.no}、${c.name}」下写了责任单位,但没有读到编号的任务,未读入计划,请核对是否漏读。` });
      }
      return;
    }
    if (c.doubt !== null) review.push({ task: null, reason: `第${c.at + 1}行「${c.no}、${c.name}」${c.doubt},不像通常的类别标题,因编号接着上一个类别,已按类别标题读取,请核对。` });
    // 就业创业(3项): the count is no part of the name, and a check on what was read under it.
    const counted = CATEGORY_COUNT.exec(c.name);
    const name = counted ? c.name.slice(0, counted.index).trim() : c.name;
    const said = counted ? (/\d/.test(counted[1]!) ? Number(counted[1]) : chineseNumber(counted[1]!)) : null;
    if (said !== null && said !== tasks.length) {
      review.push({ task: null, reason: `第${c.at + 1}行类别「${name}」写明${counted![1]}${counted![2]},其下读到${tasks.length}项任务,请核对是否漏读或多读。` });
    }
    cats.push({ no: c.no, seq: cats.length + 1, name, tasks });
  });

  const units = unitsWithAliases(unitOrder, groupKinds, review);
  const canonical = new Map(units.flatMap((u) => u.aliases.map((a) => [a, u.name] as const)));
  const named = (list: readonly string[]) => [...new Set(list.map((u) => canonical.get(u) ?? u))];
  const plan: PlanDef = {
    id: `plan-${year}-${createHash('sha256').update(title).digest('hex').slice(0, 8)}`,
    year, title, issuedOn, issuer, revision: 1, frequency: 'monthly',
    categories: cats.map((c) => ({ ...c, tasks: c.tasks.map((t) => ({ ...t, leadUnits: named(t.leadUnits), coUnits: named(t.coUnits) })) })),
    units,
  };
  const checked = planSchema.safeParse(plan);
  if (!checked.success && errors.length === 0) {
    for (const i of checked.error.issues.slice(0, 20)) errors.push({ where: i.path.join('.') || '计划', message: i.message });
  }
  return { plan, review, errors };
}

/** The spelling of a unit name that only punctuation, width or spaces tell apart. */
const unitKey = (name: string) => name.replace(/[\s()()]/g, '');

/**
 * Units in order of first appearance. Names that differ only in punctuation or spacing are one unit (the
 * first spelling canonical, the rest aliases); names that differ in their last character only (局/厅) are listed for a person to merge.
 */
function unitsWithAliases(order: readonly string[], kinds: ReadonlyMap<string, UnitDef['kind']>, review: PlanReviewItem[]): UnitDef[] {
  const byKey = new Map<string, { name: string; aliases: string[]; kind: UnitDef['kind'] }>();
  for (const name of order) {
    const key = unitKey(name);
    const known = byKey.get(key);
    if (known) known.aliases.push(name);
    else byKey.set(key, { name, aliases: [], kind: kinds.get(name) ?? 'unit' });
  }
  const units = [...byKey.values()];
  for (let i = 0; i < units.length; i++) {
    for (let j = i + 1; j < units.length; j++) {
      const a = units[i]!.name;
      const b = units[j]!.name;
      // Only the last character: 市教体局/市教体厅 may be one office, 市财政局/市民政局 are two.
      if (a.length === b.length && a.length >= 4 && a.slice(0, -1) === b.slice(0, -1)) {
        review.push({ task: null, reason: `单位「${a}」和「${b}」只差一个字,可能是同一单位的不同写法,请确认后合并。` });
      }
      const [short, long] = a.length < b.length ? [a, b] : [b, a];
      if (abbreviates(short, long)) {
        review.push({ task: null, reason: `单位「${short}」可能是「${long}」的简称,请确认是否同一单位,是则合并。` });
      }
    }
  }
  return units;
}

/**
 * 县发改委 for 县发展和改革委员会, 县教体局 for 县教育体育局: the short name starts and ends as the long one does
 * (委员会 shortened to 委) and takes its other characters from it in order. Only asked about, never merged:
 * 县林业局 and 县林业和园林局 may be two offices.
 */
function abbreviates(short: string, long: string): boolean {
  if (short.length >= long.length) return false;
  const s = short.replace(/委员会$/, '委');
  const l = long.replace(/委员会$/, '委');
  if (s.length < 3 || s.length >= l.length || s[0] !== l[0] || s.at(-1) !== l.at(-1)) return false;
  let k = 1;
  for (const c of l.slice(1, -1)) if (c === s[k]) k++;
  return k === s.length - 1;
}
