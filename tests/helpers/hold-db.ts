import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Another program holding a ledger database: a separate process (so its lock is a real SQLite lock
 * between processes) that opens the file, takes `BEGIN <mode>`, appends one audit line, and commits
 * after `holdMs` or when released.
 */
export interface Holder {
  /** The audit line it wrote (visible to others once it commits). */
  readonly marker: string;
  /** Commits now (if it has not yet) and waits for the process to end. */
  release(): Promise<void>;
  /** Resolves when it has committed and ended on its own. */
  readonly done: Promise<void>;
}

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

const CHILD = `
const [lib, file, mode, holdMs, marker] = process.argv.slice(1);
const db = new (require(lib))(file);
db.exec('BEGIN ' + mode);
db.prepare("INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES (?, '另一个程序', 'test.hold', 'test', ?)").run(new Date().toISOString(), marker);
process.stdout.write('held\\n');
const finish = () => { if (db.inTransaction) db.exec('COMMIT'); db.close(); process.exit(0); };
setTimeout(finish, Number(holdMs));
process.stdin.on('data', finish);
`;

export function holdDatabase(file: string, opts: { readonly mode: 'IMMEDIATE' | 'EXCLUSIVE'; readonly holdMs: number }): Promise<Holder> {
  const marker = `hold-${process.pid}-${Date.now()}`;
  const child = spawn(process.execPath, ['-e', CHILD, betterSqlite3, file, opts.mode, String(opts.holdMs), marker], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const done = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`holder failed (${code}): ${stderr}`))));
  });
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      if (c.includes('held')) {
        resolve({
          marker,
          done,
          release: async () => {
            if (child.exitCode === null) child.stdin.write('release\n');
            await done;
          },
        });
      }
    });
    done.catch(reject);
  });
}
