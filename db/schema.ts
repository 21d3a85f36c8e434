import type { Generated, Kysely, Transaction } from 'kysely';
import type { Comparator, IndicatorKind, ReportingFrequency, Role, TaskStatus, UnitKind } from '../shared/domain';

/** Row types of the store, as Kysely sees them. 0/1 columns are SQLite integers. */
export interface SettingsTable { key: string; value: string }

export interface PlansTable {
  id: string;
  year: number;
  title: string;
  issued_on: string;
  issuer: string;
  revision: number;
  created_at: string;
  frequency: ReportingFrequency;
}

export interface CategoriesTable {
  id: Generated<number>;
  plan_id: string;
  no: string;
  seq: number;
  name: string;
  /** As tasks.retired_revision, for a category a revision removed while a retired task stays in it. */
  retired_revision: Generated<number | null>;
}

export interface UnitsTable { id: Generated<number>; name: string; kind: UnitKind; seq: number }

export interface UnitAliasesTable { alias: string; unit_id: number }

export interface TasksTable {
  id: Generated<number>;
  plan_id: string;
  category_id: number;
  no: number;
  title: string;
  text: string;
  co_units_open_ended: number;
  leader: string | null;
  subordinate_role: Role | null;
  subordinate_phrase: string | null;
  /** The plan revision that removed the task while reports named it (kept, never shown as the plan's); null while in the plan. */
  retired_revision: Generated<number | null>;
}

export interface IndicatorsTable {
  id: Generated<number>;
  task_id: number;
  no: number;
  name: string;
  comparator: Comparator;
  target: number;
  target_max: number | null;
  unit: string;
  additive: number;
  source: string;
  kind: IndicatorKind;
  deadline: number | null;
  /** As tasks.retired_revision, for an indicator a revision removed while reports carried a value of it. */
  retired_revision: Generated<number | null>;
}

export interface TaskUnitsTable { task_id: number; unit_id: number; role: Role; seq: number }

export interface PeriodsTable {
  id: Generated<number>;
  plan_id: string;
  period: string;
  month: number;
  due_on: string;
  locked: Generated<number>;
  /** 1 when the office set due_on by hand (it then wins over the rule); migration 009. */
  due_by_hand: Generated<number>;
  due_reason: Generated<string | null>;
}

export type ReportSource = 'entry' | 'proxy' | 'package' | 'demo';

export interface ReportsTable {
  id: Generated<number>;
  period_id: number;
  unit_id: number;
  task_id: number;
  role: Role;
  status: TaskStatus | null;
  progress: string;
  problems: string;
  next_steps: string;
  explanation: string;
  funds_planned: number | null;
  funds_available: number | null;
  funds_spent: number | null;
  contact: string;
  phone: string;
  entered_by: string;
  proxy: number;
  source: ReportSource;
  package_id: string | null;
  revision: number;
  received_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReportValuesTable { report_id: number; indicator_id: number; value: number | null; note: string }

export interface ReportHistoryTable {
  id: Generated<number>;
  report_id: number;
  revision: number;
  snapshot: string;
  replaced_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: string | null;
  after: string | null;
}

export interface UnitKeysTable {
  id: Generated<number>;
  unit_id: number;
  public_key: string;
  fingerprint: string;
  status: 'trusted' | 'retired';
  accepted_at: string;
  accepted_by: string;
}

export type PackageKindColumn = 'assignment' | 'report' | 'feedback' | 'allocation' | 'rollup';

export interface PackagesTable {
  package_id: string;
  kind: PackageKindColumn;
  direction: 'in' | 'out';
  unit_id: number | null;
  /** The subordinate office an allocation went to or a roll-up came from (migration 007). */
  office_id: Generated<number | null>;
  period: string | null;
  revision: number;
  signer: string;
  file_name: string;
  sha256: string;
  size: number;
  bytes: Uint8Array | null;
  created_at: string;
  received_at: string;
  received_on: string | null;
}

export interface ReturnsTable {
  id: Generated<number>;
  unit_id: number;
  period: string;
  task_id: number;
  comment: string;
  created_at: string;
  created_by: string;
  feedback_package_id: string | null;
  done: Generated<number>;
  /** The report revision that answered the return (已重报), and when it came in; migration 009. */
  answered_revision: Generated<number | null>;
  answered_at: Generated<string | null>;
  closed_at: Generated<string | null>;
  closed_by: Generated<string | null>;
}

/** The period a unit starts reporting from; no row: the plan's first period (migration 009). */
export interface UnitStartsTable {
  plan_id: string;
  unit_id: number;
  period: string;
  /** setup: the unit's computer was set up then; revision: a plan revision added the unit; hand: the office set it. */
  how: 'setup' | 'revision' | 'hand';
  reason: string | null;
}

/** A unit's cumulative values before its first period (上期累计 of that period). */
export interface OpeningValuesTable { unit_id: number; indicator_id: number; value: number }

/** Every revision of a plan: the PlanDef as it then was (JSON), when, by whom, and its PlanDiff from the one before. */
export interface PlanRevisionsTable {
  plan_id: string;
  revision: number;
  plan: string;
  created_at: string;
  actor: string;
  diff: string | null;
}
/** A subordinate office (下级汇总端), in the office's fixed order. */
export interface OfficesTable { id: Generated<number>; name: string; seq: number }

/** A subordinate office's quota of an indicator; no row is 无任务. */
export interface QuotasTable { indicator_id: number; office_id: number; value: number }

/** 本级's own share of an indicator; no row is 无任务. */
export interface OwnQuotasTable { indicator_id: number; value: number }

export interface QuotaReasonsTable { indicator_id: number; reason: string }

/** A subordinate office's pinned key, as unit_keys for units. */
export interface OfficeKeysTable {
  id: Generated<number>;
  office_id: number;
  public_key: string;
  fingerprint: string;
  status: 'trusted' | 'retired';
  accepted_at: string;
  accepted_by: string;
}

/** The parent office (上级汇总端) this office was set up from; id is always 1. */
export interface ParentOfficeTable {
  id: number;
  name: string;
  public_key: string;
  fingerprint: string;
  plan_id: string;
  office_name: string;
  pinned_at: string;
}

/** The current roll-up (汇总包) of a subordinate office for a period; data is its RollupData as JSON. */
export interface RollupsTable {
  id: Generated<number>;
  office_id: number;
  period: string;
  revision: number;
  package_id: string;
  received_on: string | null;
  created_at: string;
  data: string;
}

export interface RollupHistoryTable {
  id: Generated<number>;
  rollup_id: number;
  revision: number;
  package_id: string;
  data: string;
  replaced_at: string;
}

/** Which unit of this office stands for which unit of its parent (migration 008). */
export interface ParentUnitsTable { parent_name: string; name: string }

export interface Database {
  settings: SettingsTable;
  plans: PlansTable;
  categories: CategoriesTable;
  units: UnitsTable;
  unit_aliases: UnitAliasesTable;
  tasks: TasksTable;
  indicators: IndicatorsTable;
  task_units: TaskUnitsTable;
  periods: PeriodsTable;
  reports: ReportsTable;
  report_values: ReportValuesTable;
  report_history: ReportHistoryTable;
  audit_log: AuditLogTable;
  unit_keys: UnitKeysTable;
  packages: PackagesTable;
  returns: ReturnsTable;
  unit_starts: UnitStartsTable;
  opening_values: OpeningValuesTable;
  plan_revisions: PlanRevisionsTable;
  offices: OfficesTable;
  quotas: QuotasTable;
  own_quotas: OwnQuotasTable;
  quota_reasons: QuotaReasonsTable;
  office_keys: OfficeKeysTable;
  parent_office: ParentOfficeTable;
  rollups: RollupsTable;
  rollup_history: RollupHistoryTable;
  parent_units: ParentUnitsTable;
}

/** The database handle every query module takes first: the database itself or a transaction. */
export type Db = Kysely<Database>;
export type Tx = Transaction<Database> | Kysely<Database>;
