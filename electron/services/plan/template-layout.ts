/**
 * The 责任分解表 (plan template) as both its writer (template.ts) and its reader (template-read.ts) know it:
 * sheet names, columns, and the words its drop-downs offer. Changing a word here changes both sides.
 */
import {
  FREQUENCY_LABELS, INDICATOR_KIND_LABELS, INDICATOR_KINDS, REPORTING_FREQUENCIES,
  type Comparator, type IndicatorKind, type ReportingFrequency, type UnitKind,
} from '../../../shared/domain';

export const TEMPLATE_SHEETS = {
  tasks: '责任分解',
  plan: '计划信息',
  units: '单位名单',
  notes: '填写说明',
} as const;

/** Rows 1–2 are the merged title and a one-line hint, row 3 the headers; data begins on row 4. */
export const TEMPLATE_HEADER_ROW = 3;

export type TaskColumnKey =
  | 'category' | 'taskNo' | 'title' | 'text' | 'indicator' | 'comparator' | 'target' | 'targetMax' | 'unit'
  | 'kind' | 'deadline' | 'lead' | 'co' | 'leader' | 'source';

export interface TaskColumn {
  readonly key: TaskColumnKey;
  readonly header: string;
  readonly width: number;
  /** The task's own fields: written on a task's first row only, and a later row may leave them blank. */
  readonly ofTask: boolean;
  /** A column a file may lack (older or hand-made templates): only 原文依据. */
  readonly optional?: boolean;
}

/**
 * One row per indicator. 原文依据 is the one column beyond issue 12's list: it carries IndicatorDef.source,
 * the notice's own phrase a target was read from, which a clerk checks the target against and which an
 * export → edit → read round trip would otherwise lose.
 */
export const TASK_COLUMNS: readonly TaskColumn[] = [
  { key: 'category', header: '类别', width: 14, ofTask: true },
  { key: 'taskNo', header: '任务序号', width: 8, ofTask: true },
  { key: 'title', header: '任务', width: 18, ofTask: true },
  { key: 'text', header: '任务内容', width: 40, ofTask: true },
  { key: 'indicator', header: '指标', width: 16, ofTask: false },
  { key: 'comparator', header: '比较', width: 7, ofTask: false },
  { key: 'target', header: '目标', width: 9, ofTask: false },
  { key: 'targetMax', header: '目标上限', width: 7, ofTask: false },
  { key: 'unit', header: '计量单位', width: 7, ofTask: false },
  { key: 'kind', header: '指标类型', width: 8, ofTask: false },
  { key: 'deadline', header: '完成时限', width: 7, ofTask: false },
  { key: 'lead', header: '牵头单位', width: 14, ofTask: true },
  { key: 'co', header: '协同单位', width: 22, ofTask: true },
  { key: 'leader', header: '牵头领导', width: 9, ofTask: true },
  { key: 'source', header: '原文依据', width: 20, ofTask: false, optional: true },
];

/** The words of the 比较 drop-down, one per comparator. */
export const COMPARATOR_WORDS: Readonly<Record<Comparator, string>> = {
  '>=': '不低于', '<=': '不超过', '~': '约', range: '区间', '=': '等于',
};

export const KIND_WORDS: Readonly<Record<IndicatorKind, string>> = INDICATOR_KIND_LABELS;

export const KIND_ORDER: readonly IndicatorKind[] = INDICATOR_KINDS;

/** 完成时限: the month by whose end a milestone is due. */
export const DEADLINE_WORDS: readonly string[] = Array.from({ length: 12 }, (_, k) => `${k + 1}月`);

export const UNIT_KIND_WORDS: Readonly<Record<UnitKind, string>> = { unit: '单位', group: '成员单位集合' };

export const FREQUENCY_WORDS: Readonly<Record<ReportingFrequency, string>> = FREQUENCY_LABELS;

export const FREQUENCY_ORDER: readonly ReportingFrequency[] = REPORTING_FREQUENCIES;

/** Units of measure the 计量单位 drop-down offers (besides the plan's own); any other may be typed. */
export const COMMON_MEASURES: readonly string[] = [
  '人', '人次', '户', '个', '家', '所', '座', '处', '条', '件', '套', '项', '次', '辆', '台',
  '公里', '米', '平方米', '亩', '吨', '元', '万元', '%', '‰',
];

/** 计划信息: one labelled row per field of the plan, in this order. */
export const PLAN_FIELDS = {
  title: '标题',
  year: '年度',
  issuedOn: '印发日期',
  issuer: '印发单位',
  frequency: '报送频率',
  id: '计划编号',
} as const;

export const PLAN_FIELD_HEADERS = ['项目', '内容'] as const;

export const UNIT_HEADERS = { name: '名称', aliases: '别名', kind: '类型' } as const;

/** Separator between names in one cell (units, aliases); the reader also takes , , ; ; and line breaks. */
export const NAME_SEPARATOR = '、';
