import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../../electron/cli';

/** Runs one `ledger` command in this process; what it printed, and its exit code. */
export async function runLedger(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const CLI = fileURLToPath(new URL('../../electron/cli.ts', import.meta.url));

export interface LedgerProcess {
  /** What it has written to stderr so far. */
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Runs one `ledger` command in an OS process of its own, as another clerk's program would; `env` is added
 * to this process's environment.
 * @example const { exit } = spawnLedger(['import', '--db', db, folder], { LEDGER_ACTOR: '导入A' });
 */
export function spawnLedger(argv: readonly string[], env: NodeJS.ProcessEnv = {}): LedgerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { stderr: () => stderr, exit };
}
