/**
 * Errors that cross a boundary (CLI, IPC, bridge) carry a stable code and a Chinese message.
 * Never throw bare strings across the boundary.
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_VALIDATION'
  | 'E_NOT_FOUND'
  | 'E_EXISTS'
  | 'E_DB_FROM_FUTURE'
  | 'E_NOT_LEDGER_DB'
  | 'E_UNKNOWN_UNIT'
  | 'E_PERIOD_LOCKED'
  | 'E_WRONG_ROLE'
  | 'E_KEY_FILE'
  | 'E_NOT_A_PACKAGE'
  | 'E_UNREADABLE'
  | 'E_TOO_LARGE'
  | 'E_BAD_SIGNATURE'
  | 'E_TAMPERED'
  | 'E_UNKNOWN_KEY'
  | 'E_KEY_MISMATCH'
  | 'E_WRONG_PLAN'
  | 'E_WRONG_RECIPIENT'
  | 'E_KEY_OF_OTHER_UNIT'
  /** A 汇总包 from an office that is not in this office's list of subordinate offices (下级汇总端). */
  | 'E_UNKNOWN_OFFICE'
  | 'E_FUTURE_PERIOD'
  | 'E_STALE_REVISION'
  | 'E_WRITE_FAILED'
  /** The database file, its folder or its medium cannot be written (SQLITE_READONLY, a write-protected USB stick). */
  | 'E_READ_ONLY'
  /** Another program holds the database (or the import lock) beyond the time we wait. */
  | 'E_DB_BUSY'
  /** A PostgreSQL server that cannot be reached, or refuses this user or database. */
  | 'E_DB_UNREACHABLE'
  | 'E_INTERNAL';

/**
 * Each code in a few words, for a screen that shows the code beside its message.
 * @example ERROR_LABELS.E_WRONG_RECIPIENT // '不是发给本机的'
 */
export const ERROR_LABELS: Readonly<Record<ErrorCode, string>> = {
  E_USAGE: '用法错误',
  E_VALIDATION: '内容有误',
  E_NOT_FOUND: '找不到',
  E_EXISTS: '已存在',
  E_DB_FROM_FUTURE: '数据库来自更新版本',
  E_NOT_LEDGER_DB: '不是本程序的数据库',
  E_UNKNOWN_UNIT: '不是本计划的单位',
  E_PERIOD_LOCKED: '报送期已关账',
  E_WRONG_ROLE: '本机不能这样操作',
  E_KEY_FILE: '密钥文件有问题',
  E_NOT_A_PACKAGE: '不是数据包',
  E_UNREADABLE: '无法读取',
  E_TOO_LARGE: '文件过大',
  E_BAD_SIGNATURE: '签名无效',
  E_TAMPERED: '内容被改动',
  E_UNKNOWN_KEY: '首次报送,待核对密钥',
  E_KEY_MISMATCH: '密钥与登记的不一致',
  E_WRONG_PLAN: '计划不一致',
  E_WRONG_RECIPIENT: '不是发给本机的',
  E_KEY_OF_OTHER_UNIT: '密钥属于其他单位',
  E_UNKNOWN_OFFICE: '不是本机的下级汇总端',
  E_FUTURE_PERIOD: '报送期尚未开始',
  E_STALE_REVISION: '版本较旧',
  E_WRITE_FAILED: '写入失败',
  E_READ_ONLY: '数据库只读',
  E_DB_BUSY: '数据库正被占用',
  E_DB_UNREACHABLE: '连不上数据库服务器',
  E_INTERNAL: '程序内部错误',
};

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

export class LedgerError extends Error implements ErrorInfo {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LedgerError';
  }

  toJSON(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Anything thrown, as an ErrorInfo a person can read; unknown errors keep their text but get E_INTERNAL. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof LedgerError) return err.toJSON();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const e = err as { code: unknown; message: unknown; details?: unknown };
    if (typeof e.code === 'string' && e.code.startsWith('E_') && typeof e.message === 'string') {
      return { code: e.code as ErrorCode, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) };
    }
  }
  const text = err instanceof Error ? err.message : String(err);
  return { code: 'E_INTERNAL', message: `程序内部错误:${text}` };
}
