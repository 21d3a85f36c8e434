import { run } from '../../electron/cli';

/** Runs one `ledger` command in this process; what it printed, and its exit code. */
export async function runLedger(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
