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
  | 'E_STALE_REVISION'
  | 'E_WRITE_FAILED'
  /** The database file, its folder or its medium cannot be written (SQLITE_READONLY, a write-protected USB stick). */
  | 'E_READ_ONLY'
  /** Another program holds the database (or the import lock) beyond the time we wait. */
  | 'E_DB_BUSY'
  | 'E_INTERNAL';

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
