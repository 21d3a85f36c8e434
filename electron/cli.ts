/**
 * The `ledger` command line: `ledger <command> [options]` once linked (package.json `bin`), or
 * `npm run -s ledger -- <command> [options]` in the source folder.
 * Plain Node over the same services the desktop app uses. Exit codes: 0 success,
 * 1 refused (validation, bad input), 2 usage error.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as z from 'zod';
import { LedgerError, toErrorInfo } from '../shared/errors';
import type { ParsedPlan } from '../shared/plan';
import type { AuditText } from '../shared/audit';
import { FREQUENCY_LABELS, INDICATOR_KIND_LABELS, LIGHT_LABELS, REPORTING_FREQUENCIES, type PlanDef, type ReportingFrequency } from '../shared/domain';
import { deadlineText, gapText, localDate, percent, printable, targetFigure, valueWord } from '../shared/format';
import { PERIOD_UNIT_WORDS, periodLabel, planPeriodsText } from '../shared/rules/periods';
import { scheduleCounts } from '../shared/rules/headline';
import { ownLabel, rollupStateText } from '../shared/levels';
import { issueWords } from '../shared/zod-words';
import { planModelToDef } from '../db/queries/plan';
import { getSetting } from '../db/queries/settings';
import { failureOf } from '../db/errors';
import { isPostgresUrl, localBase, parseLocation, shownLocation, typedStore } from '../db/location';
import type { AuditRow } from '../db/queries/audit';
import { activeFrequency, activePlan, officeName, openLedger, requireRole, roleOf, type OpenLedger } from './services/context';
import type { BackupInfo } from './services/backup/backup';
import type { Destination } from './services/packages/packages';
import type { AllocationPreview } from '../shared/api';
import type { WorkerVerifier } from './services/packages/worker-verifier';

// Services are imported by the commands that use them: SheetJS, ExcelJS and the verifier's worker
// cost more to load than most commands take to run (`ledger keys` starts in ~0.1 s, not ~1.6 s).

interface Args {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly options: Map<string, string>;
  readonly flags: Set<string>;
}

const BOOLEAN_FLAGS = new Set(['json', 'dry-run', 'accept-new-keys', 'shared-key', 'help', 'all-offices', 'replace', 'all-units', 'no-quotas-ok']);

export class UsageError extends LedgerError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (BOOLEAN_FLAGS.has(name)) {
        flags.add(name);
      } else if (eq !== -1) {
        options.set(name, a.slice(eq + 1));
      } else {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`选项 --${name} 缺少取值。`);
        options.set(name, v);
      }
    } else {
      positional.push(a);
    }
  }
  return { command: positional.shift(), positional, options, flags };
}

/** How the user started this command, for the commands a message advises: npm sets npm_lifecycle_event for `npm run`. */
const LEDGER = process.env.npm_lifecycle_event === 'ledger' ? 'npm run -s ledger --' : 'ledger';

const HELP = `民生工作督办台账 命令行

用法: ledger <命令> [选项](在程序源代码目录中 npm link 一次即可直接用 ledger;
      不 link 时用 npm run -s ledger -- <命令> [选项])

  init     --db FILE [--office 名称] [--frequency monthly|quarterly]
                                                       新建汇总端数据库(内置2019年计划;名称默认 市民生工作办公室;
                                                       报送频率默认按月,quarterly 为按季度)
  init     --db FILE --plan 计划文件 [--office 名称] [--frequency monthly|quarterly] [--carry-from 上年.db]
                                                       按计划文件(.json 等)新建汇总端;计划有错误时不新建,
                                                       列出错误;显示待确认事项。--carry-from:新一年接续上年
                                                       台账(沿用本机密钥、名称、设置和各单位密钥)
  plan     --db FILE [--json]                          查看工作计划
  plan parse FILE [--json]                             从通知(.docx、.txt)、责任分解表(.xlsx)或计划文件(.json)读出工作计划,列出
                                                       需要核对的地方;有错误时退出码为 1(不需要 --db)
  plan revise --db FILE --from 计划文件 [--dry-run] [--out 文件夹] [--json]
                                                       修订工作计划:先列出变化(--dry-run 只列出),保存为新版本;
                                                       --out 为任务有变化的单位生成新任务包
  plan template --out FILE.xlsx                        生成空白责任分解表(每个指标一行,带下拉列表和填写说明)
  plan export --db FILE --out FILE.xlsx                把当前工作计划导出为责任分解表(改好后可再读回)
  enter    --db FILE --unit 单位 --period YYYY-MM --values FILE.json [--received YYYY-MM-DD] [--replace]
                                                       录入一个单位一期的进展(汇总端为代填;按季度报送时
                                                       报送期以季度的最后一个月表示,如 2019-06 为 1-6月;
                                                       代填替换单位已报送的内容须加 --replace,收到日期
                                                       不给 --received 时沿用原收到日期)
  summary  --db FILE --period YYYY-MM --by unit|task|category|office [--json]
                                                       查看汇总(office:分县区,各下级汇总端对照其任务数,及本级和合计)
  demo     --db FILE --through YYYY-MM                 填入演示数据(已标注【演示数据】)
  report   --db FILE --period YYYY-MM --out FILE.xlsx [--json]
                                                       生成汇总表(总体情况、分单位、分任务、未报送及逾期、滞后事项、趋势)

  数据包(U盘报送):
  assign   --db S.db --unit 单位 --out FILE.xlsx         汇总端:生成某单位的任务包
  assign   --db S.db --office 下级汇总端 --out FILE.xlsx 汇总端:生成某下级汇总端的下达包(计划和它的分解任务)
  assign   --db S.db --all-offices --out 文件夹          汇总端:为每个下级汇总端各生成一个下达包
                                                       某下级汇总端一个任务都没有分解时不生成(它将没有累计类目标),
                                                       确实要下达请加 --no-quotas-ok;部分未分解时提醒个数
  assign   --db S.db --all-units --out 文件夹            汇总端:生成全部任务包(每个有任务的单位一个),列出生成的文件
  init     --db U.db --from 任务包.xlsx [--carry-from 上年U.db]
                                                       填报端:按任务包新建数据库(--carry-from:新一年接续,
                                                       沿用本机密钥和上年登记的汇总端密钥)
  init     --db X.db --from 下达包.xlsx [--office 名称] [--units 对照表] [--rename 上级名称=本地名称,...] [--carry-from 上年X.db] [--dry-run]
                                                       按上级下达包新建本级汇总端(名称默认「县名+民生工作办公室」);
                                                       各单位名称按上级名称拟定(市人社局→郎溪县人社局),
                                                       --dry-run 只列出拟定的名称(可存为对照表改好后用 --units);
                                                       --carry-from:新一年接续,沿用本机密钥、上年的单位名称、
                                                       各单位和下级汇总端的密钥(下达包须由上年登记的上级签发)
  export   --db U.db --period YYYY-MM --out FILE.xlsx    填报端:导出填报包
  rollup   --db S.db --period YYYY-MM --out 文件夹       下级汇总端:生成本级一期的汇总包,报送上级汇总端(导入用 import)
  import   --db FILE [--dry-run] [--accept-new-keys] [--received YYYY-MM-DD] [--wait 秒] [--json] 文件或文件夹...
                                                       导入数据包(汇总端导入填报包和上级的新下达包;填报端导入反馈包/新任务包);
                                                       另一个导入正在进行时等它完成,最多等 --wait 秒(默认600)
  return   --db S.db --unit 单位 --period YYYY-MM --task N --comment 意见   汇总端:退回一项任务
  feedback --db S.db --unit 单位 --out FILE.xlsx         汇总端:生成反馈包(回执和退回事项)
  keys     --db FILE [--accept-from 填报包.xlsx [--shared-key]] [--json]
                                                       查看密钥指纹;用某单位的填报包登记其新密钥
                                                       (--shared-key:该密钥已属于另一单位时,仍登记为共用密钥)
  periods  --db FILE [--json]                          报送期、截止日期(遇周末、法定节假日顺延到下一个工作日)和顺延原因
  periods  --db S.db --set YYYY-MM --due YYYY-MM-DD --reason 原因
                                                       汇总端:手工设定一期的截止日期(优先于规则,记入审计日志);
                                                       --due rule 恢复按规则
  start    --db FILE [--unit 单位] --period YYYY-MM --reason 原因
                                                       设定单位的起报期(年中建立或新增的单位,此前各期不算未报送)
  opening  --db FILE [--unit 单位] --values FILE.json   录入单位起报期的期初累计数(上期累计),
                                                       FILE.json 为 [{"task":24,"indicator":1,"value":2400}]
  lock     --db S.db --period YYYY-MM                   关账锁定报送期
  reopen   --db S.db --period YYYY-MM --reason 原因       重新开启报送期

  备份与恢复:
  backup   --db FILE [--dir 文件夹] [--json]             立即备份(默认存到 FILE.backups/,保留最近20份,不含私钥)
  backups  --db FILE [--dir 文件夹] [--json]             列出备份;数据库损坏时给出最近一份完好的备份
  restore  --db FILE --from 备份.bak [--json]            从备份恢复(请先关闭程序;恢复前的数据库会另存一份)
           --db postgres://…:backup 用 pg_dump 存到 LEDGER_HOME 下;restore 由服务器管理员用 pg_restore 执行

  下级汇总端与任务分解:
  offices  --db S.db [--json]                          列出下级汇总端(按顺序)及本级的名称(市本级/县本级)
           [--add 名称 | --remove 名称 | --rename 原名 --to 新名 | --move 名称 --to 位置]
                                                       添加(排在最后)、删除(已分解任务的不能删)、改名、调整顺序(位置1为第一)
  quota    --db S.db [--json]                          查看任务分解:合计与目标不一致、尚未说明原因的指标
  quota    --db S.db --out 任务分解表.xlsx               导出任务分解表(每个指标一行:本级、各下级汇总端、合计、差额、说明)
  quota    --db S.db --from 任务分解表.xlsx [--dry-run]  读回填好的任务分解表(全部生效或全部不生效);
                                                       --dry-run 只列出将要发生的修改。累计类指标空白为无任务(不是0)

  审计日志(只能追加,不能修改或删除):
  audit    --db FILE [--limit N] [--out FILE.csv] [--json] 查看审计日志(最新的在前,默认最近100条);
                                                       --out 导出为 CSV(默认全部,WPS/Excel 可直接打开)

汇总端的 --db 也可以是 PostgreSQL 服务器数据库:postgres://用户名@服务器:端口/数据库名(密码放在环境变量 PGPASSWORD
或 .pgpass 文件中,不写在地址里;本机密钥在 LEDGER_HOME 文件夹,默认 ~/.minsheng-ledger)。填报端只用数据库文件。
加 --json 输出机器可读的 JSON。退出码: 0 成功, 1 被拒绝, 2 用法错误。`;

function need(args: Args, name: string): string {
  const v = args.options.get(name);
  if (v === undefined || v === '') throw new UsageError(`缺少选项 --${name}。运行 ledger --help 查看用法。`);
  return v;
}

function checkOptions(args: Args, allowed: readonly string[]): void {
  for (const k of args.options.keys()) {
    if (!allowed.includes(k)) throw new UsageError(`命令 ${args.command} 不认识选项 --${k}。`);
  }
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** `ledger plan template --out FILE.xlsx` and `ledger plan export --db FILE --out FILE.xlsx`: the 责任分解表. */
async function planWorkbookCommand(sub: 'template' | 'export', args: Args, io: Io, json: boolean): Promise<number> {
  if (args.positional.length > 1) throw new UsageError(`ledger plan ${sub} 不需要 ${args.positional.slice(1).join(' ')}:输出文件用 --out 指定。`);
  const { exportPlanWorkbook, writeBlankTemplate } = await import('./services/plan/template');
  const { TEMPLATE_SHEETS } = await import('./services/plan/template-layout');
  const sheets = Object.values(TEMPLATE_SHEETS).join('、');
  if (sub === 'template') {
    checkOptions(args, ['out']);
    const r = await writeBlankTemplate(need(args, 'out'), new Date());
    io.out(json ? JSON.stringify(r) : `已生成空白责任分解表 ${r.out}\n工作表:${sheets}。填好后用 ledger plan parse ${basename(r.out)} 检查。`);
    return 0;
  }
  checkOptions(args, ['db', 'out']);
  return await withLedger(need(args, 'db'), async (l) => {
    const r = await exportPlanWorkbook(l, need(args, 'out'));
    io.out(json ? JSON.stringify(r) : `已把工作计划导出为责任分解表 ${r.out}(${r.tasks} 项任务,${r.rows} 行,${r.units} 个单位)\n工作表:${sheets}`);
    return 0;
  }, io);
}

/** `--out` may name a file or an existing folder (then the package keeps its standard name). */
function destination(out: string): Destination {
  if (existsSync(out) && statSync(out).isDirectory()) return { outDir: out };
  // `usb/` for a folder that is not there, or a name without .xlsx: a folder was meant, and a file of that
  // name (without an extension, overwritten by the next export) would be lost on the drive.
  if (/[\\/]$/.test(out) || !/\.xlsx$/i.test(out)) throw new UsageError(`--out 应是一个已有的文件夹,或以 .xlsx 结尾的文件名;「${out}」都不是(文件夹不存在时请先建立)。`);
  return { outDir: dirname(resolve(out)), fileName: basename(out) };
}

const BACKUP_REASONS: Record<BackupInfo['reason'], string> = { manual: '手动备份', 'before-import': '导入前自动备份', 'before-restore': '恢复前自动备份' };
const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;
const localTime = (iso: string) => localDate(new Date(iso), 'seconds');

const pct = (x: number | null) => percent(x);

/** A plan as `ledger plan` prints it: categories, tasks with their units, indicators with their source. */
function planText(def: PlanDef): string {
  const lines = [`${def.title}(${def.issuedOn || '印发日期未知'} 印发,第 ${def.revision} 版,${FREQUENCY_LABELS[def.frequency]}报送)`];
  for (const c of def.categories) {
    lines.push(`${c.no}、${c.name}`);
    for (const t of c.tasks) {
      const subordinates = t.subordinates ? `  ${t.subordinates.role === 'lead' ? '牵头' : '协同'}下级:${t.subordinates.phrase}` : '';
      lines.push(`  ${t.no}. ${t.title}  牵头:${t.leadUnits.join('、')}${t.coUnits.length ? `  协同:${t.coUnits.join('、')}${t.coUnitsOpenEnded ? '等' : ''}` : ''}${subordinates}${t.leader ? `  牵头领导:${t.leader}` : ''}`);
      for (const i of t.indicators) {
        lines.push(`      · ${i.name} ${i.comparator} ${targetFigure(i)}${i.unit}  ${INDICATOR_KIND_LABELS[i.kind]}${i.deadline === null ? '' : `(${deadlineText(i.deadline)})`}  「${i.source}」`);
      }
    }
  }
  return lines.join('\n');
}

/** A period as the open ledger's plan names it: 2019年6月, or 2019年1-6月 when it reports quarterly. */
async function labelOf(l: OpenLedger, period: string): Promise<string> {
  return periodLabel(period, await activeFrequency(l));
}

/** `--frequency`: monthly (按月) or quarterly (按季度). */
function frequencyOption(value: string | undefined): ReportingFrequency | undefined {
  if (value === undefined) return undefined;
  const f = REPORTING_FREQUENCIES.find((x) => x === value || FREQUENCY_LABELS[x] === value);
  if (!f) throw new UsageError(`--frequency 只能是 monthly(按月)或 quarterly(按季度),不是「${value}」。`);
  return f;
}

/** A JSON list a command reads from a file (`enter --values`, `opening --values`), or E_VALIDATION naming the items that do not fit. */
function readJsonList<T>(file: string, schema: z.ZodType<T>, what: string, fieldWords: Readonly<Record<string, string>> = {}): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? '文件不存在' : err instanceof SyntaxError ? '不是有效的 JSON 文本(请检查括号、引号和逗号)' : '无法读取该文件(请检查文件是否存在、能否打开)';
    throw new LedgerError('E_VALIDATION', `无法读取${what} ${file}:${why}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // The file's own field names (value), with what each is in words, so a clerk finds it in the file and understands it.
    const where = parsed.error.issues.slice(0, 10).map((i) => `· 第 ${Number(i.path[0] ?? 0) + 1} 条 ${issueWords(i, i.path.slice(1).map((k) => (typeof k === 'string' && Object.hasOwn(fieldWords, k) ? `${k}(${fieldWords[k]})` : k)))}`);
    throw new LedgerError('E_VALIDATION', `${what} ${file} 格式不对,未保存任何内容:\n${where.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Runs `fn` on the ledger at `file`. A command that only reads passes `reading`: on a write-protected USB stick
 * it then reads a copy in memory, and says so there, rather than refusing (db/open.ts copyIfReadOnly).
 */
async function withLedger<T>(file: string, fn: (l: OpenLedger) => Promise<T>, reading?: Io): Promise<T> {
  try {
    const ledger = await openLedger(file, { mustExist: true, actor: process.env.LEDGER_ACTOR ?? '命令行', copyIfReadOnly: reading !== undefined });
    if (ledger.handle.inMemoryCopy) reading?.err(`注意:数据库文件 ${file} 所在位置只读(文件夹或U盘有写保护),已在内存中打开它的副本查看,不会改动这个文件。`);
    try {
      return await fn(ledger);
    } finally {
      await ledger.close();
    }
  } catch (err) {
    throw await damaged(err, file);
  }
}

/** A damaged database file is named as such, with the newest good backup to restore from. */
async function damaged(err: unknown, file: string): Promise<unknown> {
  // A server database has no file to check here, nor backups beside it: its StoreError says what to do.
  if (failureOf(err) !== 'damaged' || isPostgresUrl(file)) return err;
  const { checkDatabaseHealth } = await import('./services/backup/backup');
  const health = checkDatabaseHealth(file);
  const last = health.ok ? null : health.lastGoodBackup;
  return new LedgerError('E_UNREADABLE', `数据库文件 ${file} 已损坏。${last
    ? `最近一份完好的备份:${last.file}\n恢复:${LEDGER} restore --db ${file} --from ${last.file}`
    : '没有找到完好的备份。'}`);
}


const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

/**
 * The audit log as CSV for WPS/Excel: a UTF-8 BOM so Chinese reads right, RFC 4180 quoting, and a
 * leading ' on any cell a spreadsheet would take for a formula (= + - @), so none ever runs.
 */
function auditCsv(rows: readonly AuditRow[], words: (r: AuditRow) => AuditText): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const json = (v: unknown) => (v === null ? '' : JSON.stringify(v));
  // The words first, for people; the raw line after them, for whoever checks the words.
  const lines = [['序号', '时间', '操作人', '操作', '对象', '内容', '操作代码', '对象类别', '对象编号', '修改前', '修改后'].join(',')];
  for (const r of rows) {
    const w = words(r);
    lines.push([String(r.id), localTime(r.at), r.actor, w.action, w.object, w.changes.join('\n'), r.action, r.entity, r.entityId, json(r.before), json(r.after)].map(cell).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/**
 * `ledger import` reads this far ahead before the import itself has loaded: about what the worker
 * verifies while this thread opens the database and reads the plan (0.2 s; docs/performance.md).
 */
const START_AHEAD_FILES = 64;
const START_AHEAD_BYTES = 32 * 1024 * 1024;

/**
 * The verifier's worker: built, the launcher's (scripts/verify-worker.cjs runs dist/cli/verify-worker.cjs
 * through the code cache), or the source under tsx.
 */
function verifyWorkerFile(): URL {
  const built = !import.meta.url.endsWith('.ts');
  return new URL(built ? '../../scripts/verify-worker.cjs' : './services/packages/verify-worker.ts', import.meta.url);
}

/**
 * Everything printed passes through `printable`: file names and a package's fields come from a USB
 * drive, and a control character or an ANSI escape in them must show, not act on the terminal.
 */
function terminalIo(io: Io): Io {
  return { out: (t) => io.out(printable(t, 'lines')), err: (t) => io.err(printable(t, 'lines')) };
}

/**
 * A plan file read for use (`init --plan`, `plan revise --from`): refused with every problem the file has, by
 * where it is, when it has any.
 */
async function readCheckedPlan(file: string): Promise<ParsedPlan> {
  const { readPlanFile } = await import('./services/plan/read');
  const parsed = await readPlanFile(file);
  if (parsed.errors.length > 0) {
    throw new LedgerError('E_VALIDATION', `计划文件「${basename(file)}」有 ${parsed.errors.length} 处错误,未做任何修改:\n${parsed.errors.map((e) => `· ${e.where}:${e.message}`).join('\n')}\n请改正后重新运行。`, { errors: parsed.errors });
  }
  return parsed;
}

/** `ledger plan revise`: the differences first; saved as the next revision unless --dry-run; new assignment packages with --out. */
async function planRevise(args: Args, io: Io, json: boolean): Promise<number> {
  checkOptions(args, ['db', 'from', 'out']);
  const dryRun = args.flags.has('dry-run');
  const out = args.options.get('out');
  const outDir = out === undefined ? undefined : destinationFolder(out);
  const parsed = await readCheckedPlan(need(args, 'from'));
  return await withLedger(need(args, 'db'), async (l) => {
    const { revisePlan } = await import('./services/plan/revise');
    const r = await revisePlan(l, parsed.plan, { dryRun, ...(outDir === undefined ? {} : { outDir }) });
    if (json) {
      io.out(JSON.stringify({ ...r, packages: r.packages.map((p) => ({ unit: p.unit, file: p.file })) }, null, 2));
      return 0;
    }
    const { changes, units } = r.diff;
    if (changes.length === 0) {
      io.out(`计划文件与本机第${r.from}版工作计划相同,没有需要修订的内容,未做任何修改。`);
      return 0;
    }
    io.out(`${dryRun ? '(预览,未保存)' : ''}第${r.from}版 → 第${r.from + 1}版,共 ${changes.length} 处变化:`);
    for (const c of changes) io.out(`  · ${c.words}`);
    io.out(units.length > 0 ? `任务有变化的单位(${units.length} 个,需要新的任务包):${units.join('、')}` : '没有单位的任务发生变化。');
    for (const n of r.notes) io.out(`注意:${n}`);
    if (dryRun) {
      io.out('以上为预览,未做任何修改。确认后去掉 --dry-run 再运行一次即保存为新版本。');
      return 0;
    }
    io.out(`已保存为第${r.to}版工作计划,已记入审计日志。以前各版本的报送数据保持不变;按旧版本填报的填报包仍可导入。`);
    for (const p of r.packages) io.out(`  已生成 ${p.unit} 的任务包 ${p.file}`);
    if (outDir === undefined && units.length > 0) io.out(`请为以上单位生成新的任务包(ledger assign,或运行本命令时加 --out 文件夹)。`);
    return 0;
  });
}

/**
 * Own names of the parent's units given on the command line: `--units 对照表` (one `上级名称=本地名称` a line, as
 * `init --dry-run` prints them; # begins a comment) and `--rename 上级名称=本地名称[,…]`, which wins.
 */
function unitNameChoices(args: Args): Record<string, string> {
  const names: Record<string, string> = {};
  const take = (pair: string, where: string) => {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`${where}「${pair}」应写成 上级名称=本地名称,例如 市人社局=郎溪县人力资源和社会保障局。`);
    names[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  };
  const mapFile = args.options.get('units');
  if (mapFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(mapFile, 'utf8').replace(/^\ufeff/, '');
    } catch (err) {
      throw new LedgerError('E_UNREADABLE', `无法读取单位名称对照表 ${mapFile}:${(err as Error).message}`);
    }
    text.split(/\r?\n/).forEach((line, k) => {
      const t = line.replace(/#.*/, '').trim();
      if (t) take(t, `${basename(mapFile)} 第${k + 1}行`);
    });
  }
  for (const pair of (args.options.get('rename') ?? '').split(/[,,]/).map((p) => p.trim()).filter(Boolean)) take(pair, '--rename');
  return names;
}

/** `ledger init --from 下达包.xlsx`: a subordinate summary office, its units' names proposed (or given); --dry-run only shows them. */
async function initFromAllocation(args: Args, io: Io, json: boolean, file: string, from: string): Promise<number> {
  if (args.options.has('frequency')) throw new UsageError('--frequency 不用于按上级下达包新建汇总端:工作计划和报送频率来自下达包。');
  const { initOfficeFromAllocation, previewAllocationPlan } = await import('./services/levels/allocation');
  const office = args.options.get('office');
  const carryFrom = args.options.get('carry-from');
  const choices = {
    names: unitNameChoices(args), ...(office === undefined ? {} : { officeName: office }),
    ...(carryFrom === undefined ? {} : { carryFrom }),
  };
  const unitLines = (units: readonly { parent: string; name: string }[]) => units.map((u) => `  ${u.parent}=${u.name}`);
  const parentLine = (p: AllocationPreview) => `上级汇总端:${p.parent},密钥指纹 ${p.parentFingerprint}${p.parentKnown ? '(与上年登记的相同,无需再核对)' : '(请与上级电话核对)'}`;
  // Addressed to a key the parent pinned last year, but set up with a new one: the parent would refuse its 汇总包.
  const addressedNote = (p: AllocationPreview) => (p.recipient !== null && carryFrom === undefined
    ? [`提醒:这个下达包是发给密钥指纹为 ${p.recipient} 的汇总端的(上级已登记本级的密钥)。如果本级去年用过本软件,请加 --carry-from 上年台账.db 接续,沿用原来的密钥;新建的密钥要由上级重新登记(ledger keys --accept-from 本级的汇总包)。`]
    : []);
  if (args.flags.has('dry-run')) {
    const { preview: p } = await previewAllocationPlan(from, choices);
    if (json) io.out(JSON.stringify(p, null, 2));
    else {
      io.out(`(预览,未新建)下达包 ${p.fileName}:${p.parent} 发给「${p.office}」\n${parentLine(p)}\n计划:${p.planTitle}(上级第${p.planRevision}版,${p.tasks} 项任务;本地任务 ${p.tasked} 个指标,无任务 ${p.noTask} 个)\n本级汇总单位:${p.officeName}`);
      io.out(`单位名称(上级名称=本地名称,共 ${p.units.length} 个;可把下面几行存为文件,改好后用 --units 文件 新建,或用 --rename 上级名称=本地名称):`);
      for (const line of unitLines(p.units)) io.out(line);
      for (const line of addressedNote(p)) io.err(line);
    }
    return 0;
  }
  const ledger = await initOfficeFromAllocation(file, from, { ...choices, actor: process.env.LEDGER_ACTOR ?? '命令行' });
  try {
    const p = ledger.preview;
    const fp = await getSetting(ledger.db, 'fingerprint');
    if (json) io.out(JSON.stringify({ db: file, ...p, fingerprint: fp }));
    else {
      io.out(`已按上级下达包新建汇总端数据库 ${shownLocation(parseLocation(file))}\n本级汇总单位:${p.officeName}(上级列为「${p.office}」)\n${parentLine(p)}`);
      const offices = await (await import('../db/queries/levels')).listOffices(ledger.db);
      io.out(`计划:${p.planTitle}(上级第${p.planRevision}版;本级第1版,${p.tasks} 项任务;本地任务 ${p.tasked} 个指标,无任务 ${p.noTask} 个)\n下级汇总端:${offices.length > 0 ? `${offices.map((o) => o.name).join('、')}(接续上年)` : '尚未设置(如需,用 ledger offices --add 添加)'}`);
      io.out(`单位(${p.units.length} 个,上级名称=本地名称):`);
      for (const line of unitLines(p.units)) io.out(line);
      if (carryFrom !== undefined) {
        const { listTrustedKeys } = await import('../db/queries/keys');
        io.out(`已接续上年台账 ${carryFrom}(上年台账保持不变,仍可用 --db ${carryFrom} 查看):本机密钥不变(上级和各单位无需重新核对指纹),沿用上年的单位名称和设置,${(await listTrustedKeys(ledger.db)).length} 个单位的密钥已登记\n本机密钥指纹:${fp}`);
      } else {
        io.out(`本机密钥指纹:${fp}(请电话告知各填报单位核对)`);
      }
      io.out(`下一步:为各单位生成任务包(ledger assign --db ${typedStore(file)} --unit 单位 --out 文件夹)。`);
      for (const line of addressedNote(p)) io.err(line);
    }
  } finally {
    await ledger.close();
  }
  return 0;
}

/** `ledger assign --office 名称 | --all-offices`: 下达包 for subordinate offices. */
async function assignOffices(args: Args, io: Io, json: boolean): Promise<number> {
  return await withLedger(need(args, 'db'), async (l) => {
    const { exportAllocation, exportAllocations } = await import('./services/levels/allocation');
    const out = need(args, 'out');
    const noQuotasOk = args.flags.has('no-quotas-ok');
    const written = args.flags.has('all-offices')
      ? await exportAllocations(l, { outDir: destinationFolder(out), noQuotasOk })
      : [await exportAllocation(l, { office: need(args, 'office'), noQuotasOk, ...destination(out) })];
    if (json) io.out(JSON.stringify(written.length === 1 && !args.flags.has('all-offices') ? written[0] : written));
    else {
      for (const r of written) io.out(`已生成「${r.office}」的下达包 ${r.file}(计划第${r.revision}版;本地任务 ${r.tasked} 个指标,无任务 ${r.noTask} 个)。`);
      io.out('请用U盘交给下级汇总端,并电话告知本机密钥指纹。');
    }
    for (const r of written) if (r.warning) io.err(`提醒:${r.warning}`);
    return 0;
  });
}

/** `ledger summary --by office`: every subordinate office against its quotas, 本级, and each indicator's area total. */
async function byOfficeCommand(args: Args, io: Io, json: boolean): Promise<number> {
  return await withLedger(need(args, 'db'), async (l) => {
    await requireRole(l, 'summary', '按下级汇总端汇总(--by office)');
    const { summaryByOffice } = await import('./services/levels/figures');
    const v = await summaryByOffice(l, need(args, 'period'));
    if (json) {
      const row = (o: typeof v.own) => ({ office: o.office, due: o.due, onTime: o.onTime, late: o.late, missing: o.missing, waiting: o.waiting, completion: o.completion, green: o.green, yellow: o.yellow, red: o.red, revision: o.revision, receivedOn: o.receivedOn });
      io.out(JSON.stringify({ period: v.head.period, own: row(v.own), offices: v.offices.map(row), indicators: v.indicators }, null, 2));
      return 0;
    }
    const h = v.head;
    io.out(`${h.planTitle} ${periodLabel(h.period, h.frequency)} 分县区 序时进度 ${pct(h.timeProgress)} 报送截止 ${h.dueOn}`);
    io.out('序号 下级汇总端  汇总包  应报/按时/逾期/未报/待报  完成度  绿/黄/红');
    [...v.offices, v.own].forEach((o, k) => {
      const got = o.revision === null ? rollupStateText(o) : `第${o.revision}版 ${o.receivedOn ?? ''}`;
      io.out(`${o.own ? '  ' : String(k + 1).padStart(2)} ${o.office}  ${got}  ${o.due}/${o.onTime}/${o.late}/${o.missing}/${o.waiting}  ${pct(o.completion)}  ${o.green}/${o.yellow}/${o.red}`);
    });
    // A figure reported where there is no task still counts in the area's total: shown beside 无任务, as the page shows it.
    const cell = (f: { target: number | null; value: number | null }, word: string) => (f.target === null ? (f.value === null ? word : `${word}(${f.value})`) : `${f.value ?? '未报'}/${f.target}`);
    io.out(`\n分指标(数值/目标;累计类合计 = ${v.own.office} + 各下级汇总端,其他类为${v.own.office}牵头单位的数值;无任务处报来的数值列在括号里,也计入合计):`);
    for (const r of v.indicators) {
      const blank = r.basis === 'sum' ? '无任务' : '同目标';
      io.out(`  任务${r.task} 指标${r.indicator} ${r.name}(${r.unit})  合计 ${r.total ?? '未报'}/${r.target}  ${v.own.office} ${cell(r.own, blank)}  ${v.offices.map((o, k) => `${o.office} ${cell(r.offices[k]!, blank)}`).join('  ')}`);
    }
    return 0;
  }, io);
}

/** `ledger assign --all-units --out DIR`: every unit's assignment package into one folder, and the list of them. */
async function assignAll(args: Args, io: Io, json: boolean): Promise<number> {
  if (args.options.has('unit')) throw new UsageError('--all-units 与 --unit 只能选一个。');
  checkOptions(args, ['db', 'out']);
  const outDir = need(args, 'out');
  if (!(existsSync(outDir) && statSync(outDir).isDirectory())) throw new UsageError(`--all-units 时 --out 应是一个已有的文件夹,「${outDir}」不是。`);
  return await withLedger(need(args, 'db'), async (l) => {
    const { exportAllAssignments } = await import('./services/packages/packages');
    const written = await exportAllAssignments(l, { outDir });
    if (json) {
      io.out(JSON.stringify({ folder: outDir, written: written.map((p) => ({ unit: p.unit, file: p.fileName, revision: p.revision, packageId: p.packageId })) }, null, 2));
      return 0;
    }
    io.out(`已在 ${outDir} 生成 ${written.length} 个任务包:`);
    written.forEach((p, k) => io.out(`  ${k + 1}. ${p.unit}  ${p.fileName}(计划第${p.revision}版)`));
    io.out('请用U盘分别交给各单位,并电话告知本机密钥指纹。');
    return 0;
  });
}

/** `--out` for several packages: an existing folder. */
function destinationFolder(out: string): string {
  if (!(existsSync(out) && statSync(out).isDirectory())) throw new UsageError(`--out 应是一个已有的文件夹,「${out}」不是。`);
  return out;
}

/** What the launcher (scripts/ledger.mjs) started before this module loaded. */
export interface Started {
  /** `ledger import`'s verifier, its worker already loading (docs/performance.md). */
  readonly verifier?: WorkerVerifier;
}

/** Runs one command; returns the exit code. */
export async function run(argv: readonly string[], rawIo: Io, started: Started = {}): Promise<number> {
  const io = terminalIo(rawIo);
  let json = false;
  try {
    const args = parseArgs(argv);
    json = args.flags.has('json');
    if (args.command === undefined || args.flags.has('help') || args.command === 'help') {
      io.out(HELP);
      return args.command === undefined && !args.flags.has('help') ? 2 : 0;
    }
    switch (args.command) {
      case 'init': {
        checkOptions(args, ['db', 'from', 'office', 'frequency', 'plan', 'carry-from', 'units', 'rename']);
        const carryFrom = args.options.get('carry-from');
        const file = need(args, 'db');
        const from = args.options.get('from');
        const planFile = args.options.get('plan');
        if (from !== undefined && planFile !== undefined) throw new UsageError('--plan 只用于新建汇总端;填报端和按下达包建立的汇总端的工作计划来自数据包。');
        if (from !== undefined && (await import('./services/levels/allocation')).setupKindOf(from) === 'allocation') return await initFromAllocation(args, io, json, file, from);
        if (args.options.has('units') || args.options.has('rename')) throw new UsageError('--units 和 --rename 只用于按上级下达包新建汇总端(--from 下达包.xlsx)。');
        if (args.flags.has('dry-run')) throw new UsageError('init 的 --dry-run 只用于按上级下达包新建汇总端(--from 下达包.xlsx)。');
        const office = args.options.get('office');
        const frequency = frequencyOption(args.options.get('frequency'));
        if (from !== undefined && office !== undefined) throw new UsageError('--office 只用于新建汇总端;填报端的汇总单位名称来自任务包。');
        if (from !== undefined && frequency !== undefined) throw new UsageError('--frequency 只用于新建汇总端;填报端的报送频率来自任务包。');
        if (from !== undefined) {
          const { initUnitFromAssignment } = await import('./services/import/import');
          const { rolesOfUnit } = await import('./services/entry/entry');
          const unitLedger = await initUnitFromAssignment(file, from, { actor: process.env.LEDGER_ACTOR ?? '命令行', ...(carryFrom === undefined ? {} : { carryFrom }) });
          try {
            const self = await getSetting(unitLedger.db, 'self_unit');
            const plan = await activePlan(unitLedger);
            const fp = await getSetting(unitLedger.db, 'fingerprint');
            const unit = plan.units.find((u) => u.name === self);
            const tasks = unit ? rolesOfUnit(plan, unit.id).size : 0;
            if (json) io.out(JSON.stringify({ db: file, unit: self, plan: plan.title, frequency: plan.frequency, tasks, officeFingerprint: unitLedger.officeFingerprint, fingerprint: fp }));
            else if (carryFrom !== undefined) io.out(`已按任务包新建填报端数据库 ${file}(接续上年台账 ${carryFrom},上年台账保持不变)\n单位:${self}(${tasks} 项任务)\n计划:${plan.title}(第${plan.revision}版,${planPeriodsText(plan.year, plan.frequency)})\n汇总端密钥指纹:${unitLedger.officeFingerprint}(与上年登记的相同,无需再核对)\n本机密钥指纹:${fp}(沿用上年的密钥)`);
            else io.out(`已按任务包新建填报端数据库 ${file}\n单位:${self}(${tasks} 项任务)\n计划:${plan.title}(第${plan.revision}版,${planPeriodsText(plan.year, plan.frequency)})\n汇总端密钥指纹:${unitLedger.officeFingerprint}(请与汇总端电话核对)\n本机密钥指纹:${fp}`);
          } finally {
            await unitLedger.close();
          }
          return 0;
        }
        const { initSummary } = await import('./services/plan/setup');
        const parsed = planFile === undefined ? null : await readCheckedPlan(planFile);
        const ledger = await initSummary(file, {
          ...(office === undefined ? {} : { officeName: office }), ...(parsed ? { plan: parsed.plan } : {}),
          // The plan file's own frequency counts only where it states one: else --carry-from keeps last year's.
          ...(frequency !== undefined ? { frequency } : parsed?.frequencyStated ? { frequency: parsed.plan.frequency } : {}),
          ...(carryFrom === undefined ? {} : { carryFrom }),
        });
        try {
          const plan = await activePlan(ledger);
          const fp = await getSetting(ledger.db, 'fingerprint');
          const officeName = await getSetting(ledger.db, 'office_name');
          const units = plan.units.filter((u) => u.kind === 'unit').length;
          const groups = plan.units.length - units;
          const review = parsed?.review ?? [];
          const result = { db: file, office: officeName, plan: plan.title, year: plan.year, frequency: plan.frequency, tasks: plan.tasks.length, units, groups, fingerprint: fp, review: review.length };
          if (json) io.out(JSON.stringify(result));
          else {
            io.out(`已新建汇总端数据库 ${shownLocation(parseLocation(file))}\n汇总单位:${officeName}\n计划:${plan.title}(${plan.tasks.length} 项任务,${units} 个责任单位,${groups} 个成员单位集合)\n报送:${planPeriodsText(plan.year, plan.frequency)}\n本机密钥指纹:${fp}(请电话告知各填报单位核对)`);
            if (carryFrom !== undefined) {
              const { listTrustedKeys } = await import('../db/queries/keys');
              io.out(`已接续上年台账 ${carryFrom}(上年台账保持不变,仍可用 --db ${carryFrom} 查看):本机密钥不变(各单位无需重新核对指纹),沿用汇总单位名称和设置,${(await listTrustedKeys(ledger.db)).length} 个单位的密钥已登记`);
            }
            if (parsed) io.out(`待确认事项:${review.length} 项${review.length > 0 ? '(请逐项核对;如需改动,改好计划文件后用 ledger plan revise 修订)' : ''}`);
            for (const r of review) io.out(`  · ${r.task === null ? '计划' : `任务${r.task}`}${r.indicator === undefined ? '' : ` 指标${r.indicator}`}:${r.reason}`);
          }
        } finally {
          await ledger.close();
        }
        return 0;
      }
      case 'plan': {
        const sub = args.positional[0];
        if (sub === 'template' || sub === 'export') return await planWorkbookCommand(sub, args, io, json);
        if (args.positional[0] === 'parse') {
          // A plan read from a notice (.docx, .txt), a 责任分解表 (.xlsx) or a plan file: no ledger needed to look at it.
          checkOptions(args, []);
          const file = args.positional[1];
          if (!file) throw new UsageError('用法:ledger plan parse 文件(通知 .docx、.txt,责任分解表 .xlsx,或 .json)[--json]');
          const { readPlanFile } = await import('./services/plan/read');
          const { plan, review, errors } = await readPlanFile(file);
          if (json) io.out(JSON.stringify({ ...plan, review, errors }, null, 2));
          else {
            if (plan.categories.length > 0) io.out(planText(plan));
            if (review.length > 0) {
              io.out(`\n请核对(${review.length} 处):`);
              for (const r of review) io.out(`  · ${r.task === null ? '计划' : `任务${r.task}${r.indicator === undefined ? '' : ` 指标${r.indicator}`}`}:${r.reason}`);
            }
            if (errors.length > 0) {
              io.err(`无法使用这份计划(${errors.length} 处错误):`);
              for (const e of errors) io.err(`  · ${e.where}:${e.message}`);
            }
          }
          return errors.length === 0 ? 0 : 1;
        }
        if (args.positional[0] === 'revise') return await planRevise(args, io, json);
        checkOptions(args, ['db']);
        return await withLedger(need(args, 'db'), async (l) => {
          const def = planModelToDef(await activePlan(l));
          // The whole plan, so that the file read back (init --plan, plan revise --from) is this plan.
          io.out(json ? JSON.stringify(def, null, 2) : planText(def));
          return 0;
        }, io);
      }
      case 'enter': {
        checkOptions(args, ['db', 'unit', 'period', 'values', 'received']);
        const file = need(args, 'db');
        const { enterReports, EntryItemsSchema } = await import('./services/entry/entry');
        const { ENTRY_FIELD_WORDS } = await import('../shared/entry-items');
        const items = readJsonList(need(args, 'values'), EntryItemsSchema, '录入文件', ENTRY_FIELD_WORDS);
        const received = args.options.get('received');
        return await withLedger(file, async (l) => {
          const r = await enterReports(l, {
            unit: need(args, 'unit'), period: need(args, 'period'), items,
            ...(received ? { receivedOn: received } : {}), replace: args.flags.has('replace'),
          });
          if (json) io.out(JSON.stringify(r));
          else {
            io.out(`已保存 ${r.unit} ${await labelOf(l, r.period)} ${r.tasks.length} 项任务的进展${r.proxy ? '(汇总端代填,已记入审计日志)' : ''}。`);
            for (const w of r.warnings) io.out(`  提示(已说明):${w.message}`);
            if (r.incomplete.length > 0) {
              const what = r.incomplete.map((t) => `任务${t.task}${[t.noStatus ? '未选推进状态' : '', t.missing > 0 ? `缺${t.missing}项指标的数值` : ''].filter(Boolean).join('、')}`);
              io.out(`  注意:${what.join(';')}。未填完的牵头任务不算已报送${r.proxy ? `,${r.unit}本期仍按未报送(或待报送)统计` : ',填完后才能导出填报包'}。`);
            }
          }
          return 0;
        });
      }
      case 'summary': {
        checkOptions(args, ['db', 'period', 'by']);
        const by = need(args, 'by');
        if (!['unit', 'task', 'category', 'office'].includes(by)) throw new UsageError('--by 只能是 unit、task、category 或 office。');
        if (by === 'office') return await byOfficeCommand(args, io, json);
        const { header, loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } = await import('./services/summaries/summaries');
        return await withLedger(need(args, 'db'), async (l) => {
          const d = await loadPeriodData(l, need(args, 'period'));
          const h = header(d);
          const title = `${h.planTitle} ${periodLabel(h.period, h.frequency)} 序时进度 ${pct(h.timeProgress)} 报送截止 ${h.dueOn}`;
          if (by === 'unit') {
            const rows = summaryByUnit(d);
            if (json) io.out(JSON.stringify(rows.map((r) => ({
              unit: r.unit, leadTasks: r.leadTasks, coTasks: r.coTasks, due: r.due, onTime: r.onTime, late: r.late,
              missing: r.missing, waiting: r.waiting, completion: r.completion, green: r.green, yellow: r.yellow, red: r.red, state: r.state, receivedOn: r.receivedOn,
            })), null, 2));
            else {
              io.out(title);
              io.out('序号 单位  牵头/协同  按时/逾期/未报/待报  完成度  绿/黄/红  报送情况');
              for (const r of rows) {
                io.out(`${String(r.seq).padStart(2)} ${r.unit}  ${r.leadTasks}/${r.coTasks}  ${r.onTime}/${r.late}/${r.missing}/${r.waiting}  ${pct(r.completion)}  ${r.green}/${r.yellow}/${r.red}  ${r.state}`);
              }
            }
          } else if (by === 'task') {
            const { areaPartText, taskStatusText } = await import('../shared/summaries');
            const rows = summaryByTask(d);
            const own = rows.some((t) => t.indicators.some((i) => i.area)) ? ownLabel(await officeName(l)) : '';
            if (json) io.out(JSON.stringify(rows, null, 2));
            else {
              const c = scheduleCounts(rows, h.month);
              io.out(title);
              // With 县区, cumulative figures are the whole area's (本级 + their 汇总包), as summary --by office totals them.
              if (own) io.out(`累计类指标为全辖区合计:${own}加各下级汇总端最新汇总包(${d.offices.filter((o) => o.rollup !== null).length}/${d.offices.length}个已报)。`);
              io.out(`量化指标任务${c.total}项,达到序时进度${c.onSchedule}项,占比${pct(c.share)},其中${c.done}项已完成;未达到序时进度${c.behind}项;未报数${c.noValue}项`);
              for (const t of rows) {
                io.out(`${t.no}. ${t.title}  牵头:${t.leadUnits.join('、')}  ${taskStatusText(t)}  ${LIGHT_LABELS[t.light]}  完成度 ${pct(t.completion)}`);
                for (const i of t.indicators) {
                  io.out(`    · ${i.name}(${INDICATOR_KIND_LABELS[i.kind]}) 目标 ${targetFigure(i)}${i.unit} ${valueWord(i)} ${i.value === null ? '未报' : `${i.value}${i.unit}`} 完成率 ${pct(i.completion)} ${gapText(i)} ${LIGHT_LABELS[i.light]}${i.area ? `  ${areaPartText(i.area, i.unit, own)}` : ''}`);
                }
              }
            }
          } else {
            const rows = summaryByCategory(d);
            if (json) io.out(JSON.stringify(rows, null, 2));
            else {
              io.out(title);
              for (const c of rows) io.out(`${c.no}、${c.name}  任务 ${c.tasks}  指标 ${c.indicators}  完成度 ${pct(c.completion)}  绿/黄/红 ${c.green}/${c.yellow}/${c.red}  未报 ${c.missing}  待报 ${c.waiting}`);
            }
          }
          return 0;
        }, io);
      }
      case 'demo': {
        checkOptions(args, ['db', 'through']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { fillDemo } = await import('./services/entry/demo');
          const r = await fillDemo(l, need(args, 'through'));
          if (json) io.out(JSON.stringify(r));
          else io.out(`已填入演示数据:${r.periods} 个${PERIOD_UNIT_WORDS[await activeFrequency(l)]},${r.reports} 条报告(均标注【演示数据】)。`);
          return 0;
        });
      }
      case 'assign': {
        if (args.flags.has('all-units')) return await assignAll(args, io, json);
        checkOptions(args, ['db', 'unit', 'office', 'out']);
        const targets = [args.options.has('unit'), args.options.has('office'), args.flags.has('all-offices')].filter(Boolean).length;
        if (targets !== 1) throw new UsageError('请用 --unit 单位(任务包)、--office 下级汇总端(下达包)或 --all-offices(每个下级汇总端一个下达包)中的一个。');
        if (!args.options.has('unit')) return await assignOffices(args, io, json);
        return await withLedger(need(args, 'db'), async (l) => {
          const { exportAssignment } = await import('./services/packages/packages');
          const r = await exportAssignment(l, { unit: need(args, 'unit'), ...destination(need(args, 'out')) });
          if (json) io.out(JSON.stringify(r));
          else io.out(`已生成任务包 ${r.file}(计划第${r.revision}版)。请用U盘交给该单位,并电话告知本机密钥指纹。`);
          return 0;
        });
      }
      case 'rollup': {
        checkOptions(args, ['db', 'period', 'out']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { exportRollup } = await import('./services/levels/rollup');
          const r = await exportRollup(l, { period: need(args, 'period'), ...destination(need(args, 'out')) });
          if (json) io.out(JSON.stringify(r));
          else io.out(`已生成${r.office} ${await labelOf(l, need(args, 'period'))}的汇总包 ${r.file}(第${r.revision}版),报送上级:${r.parent}。请用U盘交给上级汇总端。`);
          return 0;
        });
      }
      case 'export': {
        checkOptions(args, ['db', 'period', 'out']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { exportReport } = await import('./services/packages/packages');
          const r = await exportReport(l, { period: need(args, 'period'), ...destination(need(args, 'out')) });
          if (json) io.out(JSON.stringify(r));
          else io.out(`已导出填报包 ${r.file}(第${r.revision}版)。`);
          return 0;
        });
      }
      case 'feedback': {
        checkOptions(args, ['db', 'unit', 'out']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { exportFeedback } = await import('./services/packages/packages');
          const r = await exportFeedback(l, { unit: need(args, 'unit'), ...destination(need(args, 'out')) });
          if (json) io.out(JSON.stringify(r));
          else io.out(`已生成反馈包 ${r.file}。`);
          return 0;
        });
      }
      case 'return': {
        checkOptions(args, ['db', 'unit', 'period', 'task', 'comment']);
        const task = Number(need(args, 'task'));
        if (!Number.isInteger(task) || task < 1) throw new UsageError('--task 应为任务序号,例如 24。');
        return await withLedger(need(args, 'db'), async (l) => {
          const { returnTask } = await import('./services/entry/returns');
          const r = await returnTask(l, { unit: need(args, 'unit'), period: need(args, 'period'), task, comment: need(args, 'comment') });
          if (json) io.out(JSON.stringify(r));
          else io.out(`已退回 ${r.unit} ${await labelOf(l, r.period)} 任务${r.task}「${r.taskTitle}」,将随下一个反馈包发出。`);
          return 0;
        });
      }
      case 'import': {
        checkOptions(args, ['db', 'received', 'wait']);
        if (args.positional.length === 0) throw new UsageError('请给出要导入的文件或文件夹。');
        const received = args.options.get('received');
        if (received !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(received)) throw new UsageError('--received 应为 YYYY-MM-DD。');
        const wait = args.options.get('wait');
        if (wait !== undefined && !/^\d+$/.test(wait)) throw new UsageError('--wait 应为等待的秒数,例如 600。');
        // Verified in a worker thread as in the app: a hostile file cannot take the command down,
        // and on two cores verifying overlaps merging (docs/performance.md). The worker starts first,
        // so that it loads while this thread opens the database and reads the plan.
        const verifier = started.verifier ?? (await import('./services/packages/worker-verifier')).createWorkerVerifier(verifyWorkerFile());
        verifier.warm();
        // The first files are read while this thread loads the import and opens the database.
        const { expandPaths, readAheadCount } = await import('./services/import/files');
        const files = expandPaths(args.positional);
        verifier.readAhead(files.slice(0, readAheadCount(files, 0, START_AHEAD_FILES, START_AHEAD_BYTES)));
        // Closed whatever happens, a database that would not open included.
        // A preview writes nothing, so it may look at a ledger on a write-protected stick (a copy in memory).
        return await withLedger(need(args, 'db'), async (l) => {
          const { importFiles, verifyingWith } = await import('./services/import/import');
          const results = await importFiles(l, args.positional, {
            dryRun: args.flags.has('dry-run'), acceptNewKeys: args.flags.has('accept-new-keys'),
            ...(received ? { receivedOn: received } : {}), ...verifyingWith(verifier),
            ...(wait === undefined ? {} : { lockWaitMs: Number(wait) * 1000 }),
            onProgress: (p) => { if (p.waiting) io.err(p.waiting); },
          });
          if (json) io.out(JSON.stringify(results, null, 2));
          else {
            const word = { accepted: args.flags.has('dry-run') ? '可导入' : '已导入', duplicate: '重复', rejected: '拒收' } as const;
            // One line per file and per change, whatever a file name or a narrative holds (line breaks too).
            for (const r of results) {
              io.out(`[${word[r.status]}] ${printable(r.message)}${r.code ? ` (${r.code})` : ''}`);
              for (const c of r.changes ?? []) {
                if (args.flags.has('dry-run') && c.words !== undefined) io.out(`    ${printable(c.words)}`);
                else if (args.flags.has('dry-run')) io.out(`    任务${c.task}${c.indicator ? ` 指标${c.indicator}` : ''} ${c.field}:${printable(String(c.before ?? '(空)'))} → ${printable(String(c.after ?? '(空)'))}`);
              }
            }
            const n = (s: string) => results.filter((r) => r.status === s).length;
            io.out(`共 ${results.length} 个文件:${word.accepted} ${n('accepted')},重复 ${n('duplicate')},拒收 ${n('rejected')}。`);
          }
          return results.some((r) => r.status === 'rejected') ? 1 : 0;
        }, args.flags.has('dry-run') ? io : undefined).finally(() => verifier.close());
      }
      case 'keys': {
        checkOptions(args, ['db', 'accept-from']);
        const sharedKey = args.flags.has('shared-key');
        if (sharedKey && !args.options.has('accept-from')) throw new UsageError('--shared-key 要与 --accept-from 填报包.xlsx 一起使用。');
        return await withLedger(need(args, 'db'), async (l) => {
          const from = args.options.get('accept-from');
          if (from !== undefined) {
            const { acceptKeyFromFile } = await import('./services/import/import');
            const r = await acceptKeyFromFile(l, from, { sharedKey });
            if (json) io.out(JSON.stringify(r));
            else {
              io.out(`已登记 ${r.unit} 的${r.sharedWith.length > 0 ? '共用' : '新'}密钥 ${r.fingerprint}${r.previous ? `(替换 ${r.previous})` : ''},已记入审计日志。`);
              if (r.warning) io.err(r.warning);
            }
            return 0;
          }
          const { listKeys } = await import('./services/keys/keys');
          const k = await listKeys(l);
          if (json) io.out(JSON.stringify(k, null, 2));
          else {
            io.out(`本机密钥指纹:${k.own}`);
            if (k.office) io.out(`汇总端密钥指纹:${k.office}`);
            if (k.parent) io.out(`上级汇总端(${k.parent.name})密钥指纹:${k.parent.fingerprint}`);
            for (const p of k.pinned) io.out(`  ${p.unit}  ${p.fingerprint}  登记于 ${p.acceptedAt.slice(0, 10)}(${p.acceptedBy})`);
            for (const o of k.offices) io.out(`  下级汇总端 ${o.office}  ${o.fingerprint}  登记于 ${o.acceptedAt.slice(0, 10)}(${o.acceptedBy})`);
            if (!k.office && k.pinned.length === 0 && k.offices.length === 0) io.out('  尚未登记任何单位的密钥。');
          }
          return 0;
        }, args.options.has('accept-from') ? undefined : io);
      }
      case 'periods': {
        checkOptions(args, ['db', 'set', 'due', 'reason']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { periodViews } = await import('./services/views');
          const set = args.options.get('set');
          if (set !== undefined) {
            const { setPeriodDue } = await import('./services/entry/periods');
            const due = need(args, 'due');
            const r = await setPeriodDue(l, { period: set, dueOn: due === 'rule' ? null : due, reason: args.options.get('reason') ?? '' });
            if (json) io.out(JSON.stringify(r));
            else io.out(`${await labelOf(l, r.period)} 截止日期:${r.dueOn}${r.dueNote ? `,${r.dueNote}` : ''}。已记入审计日志。`);
            return 0;
          }
          if (args.options.has('due') || args.options.has('reason')) throw new UsageError('--due 和 --reason 要与 --set YYYY-MM 一起使用。');
          const rows = await periodViews(l);
          if (json) { io.out(JSON.stringify(rows, null, 2)); return 0; }
          for (const p of rows) {
            const note = [p.dueByHand ? '手工设定' : null, p.dueNote, p.dueWarning, p.locked ? '已关账' : null, p.beforeStart ? '未起报' : null].filter((x) => x !== null).join(';');
            io.out(`${p.period}  ${(await labelOf(l, p.period)).padEnd(10)}  截止 ${p.dueOn}${note ? `  ${note}` : ''}`);
          }
          return 0;
        }, args.options.has('set') ? undefined : io);
      }
      case 'start': {
        checkOptions(args, ['db', 'unit', 'period', 'reason']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { setUnitStart } = await import('./services/entry/starts');
          const r = await setUnitStart(l, { unit: args.options.get('unit'), period: need(args, 'period'), reason: need(args, 'reason') });
          if (json) io.out(JSON.stringify(r));
          else if ((await roleOf(l)) === 'unit') io.out(`${r.unit} 从 ${await labelOf(l, r.period)} 起报送(本机的填报提示据此,已记入审计日志)。注意:这只改本机;汇总端是否把此前各期算作未报送,由汇总端用 start 命令设定,请告知汇总端。`);
          else io.out(`${r.unit} 从 ${await labelOf(l, r.period)} 起报送,此前各期不算未报送(已记入审计日志)。`);
          return 0;
        });
      }
      case 'opening': {
        checkOptions(args, ['db', 'unit', 'values']);
        const { OpeningValuesSchema, setOpeningValues } = await import('./services/entry/starts');
        const { ENTRY_FIELD_WORDS } = await import('../shared/entry-items');
        const values = readJsonList(need(args, 'values'), OpeningValuesSchema, '期初累计数文件', ENTRY_FIELD_WORDS);
        return await withLedger(need(args, 'db'), async (l) => {
          const r = await setOpeningValues(l, { unit: args.options.get('unit'), values });
          if (json) io.out(JSON.stringify(r));
          else io.out(`已保存 ${r.unit} 的期初累计数 ${r.values} 项,作为 ${await labelOf(l, r.start)} 的上期累计(已记入审计日志)。`);
          return 0;
        });
      }
      case 'lock':
      case 'reopen': {
        checkOptions(args, ['db', 'period', 'reason']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { lockPeriod, reopenPeriod } = await import('./services/entry/periods');
          const r = args.command === 'lock' ? await lockPeriod(l, need(args, 'period')) : await reopenPeriod(l, need(args, 'period'), need(args, 'reason'));
          if (json) io.out(JSON.stringify(r));
          else io.out(`${await labelOf(l, r.period)} ${r.locked ? '已关账锁定' : '已重新开启'}(已记入审计日志)。`);
          return 0;
        });
      }
      case 'report': {
        checkOptions(args, ['db', 'period', 'out']);
        return await withLedger(need(args, 'db'), async (l) => {
          const { writeSummaryWorkbook } = await import('./services/summaries/reports');
          const r = await writeSummaryWorkbook(l, { period: need(args, 'period'), out: need(args, 'out') });
          if (json) io.out(JSON.stringify({ out: r.out, sheets: r.sheets, units: r.units, tasks: r.tasks }));
          else io.out(`已生成汇总表 ${r.out}(${await labelOf(l, need(args, 'period'))},${r.units} 个单位,${r.tasks} 项任务)\n工作表:${r.sheets.join('、')}`);
          return 0;
        }, io);
      }
      case 'backup': {
        checkOptions(args, ['db', 'dir']);
        const dir = args.options.get('dir');
        return await withLedger(need(args, 'db'), async (l) => {
          const { backupNow } = await import('./services/backup/backup');
          const b = await backupNow(l, { reason: 'manual', ...(dir ? { dir } : {}) });
          if (json) io.out(JSON.stringify(b));
          else io.out(`已备份数据库 ${l.handle.shown} 到 ${b.file}(${kb(b.bytes)})。私钥文件 ${l.file}.key 不在备份中,请另行妥善保管。`);
          return 0;
        });
      }
      case 'backups': {
        // Works on a damaged database too: that is when the list is needed.
        checkOptions(args, ['db', 'dir']);
        const file = need(args, 'db');
        const { checkStoreHealth, defaultBackupDir, listBackups } = await import('./services/backup/backup');
        // A PostgreSQL database's backups are beside its local base under LEDGER_HOME.
        const base = localBase(file);
        const dir = args.options.get('dir') ?? defaultBackupDir(base);
        const list = listBackups(base, dir);
        const health = await checkStoreHealth(file, { dir });
        if (json) io.out(JSON.stringify(list, null, 2));
        else {
          if (!health.ok) {
            io.out(`注意:${health.problem}`);
            // A backup is offered for a damaged or missing file, not for one that is busy or could not be checked.
            if (health.damaged || !existsSync(base)) {
              if (health.lastGoodBackup) io.out(`最近一份完好的备份:${health.lastGoodBackup.file}\n恢复:${LEDGER} restore --db ${file} --from ${health.lastGoodBackup.file}`);
              else io.out('没有找到完好的备份。');
            }
          }
          if (list.length === 0) io.out(`数据库 ${file} 还没有备份(备份文件夹 ${dir})。`);
          else {
            io.out(`数据库 ${file} 的备份(${dir},共 ${list.length} 份,最新的在前):`);
            for (const b of list) io.out(`  ${localTime(b.createdAt)}  ${BACKUP_REASONS[b.reason]}  ${kb(b.bytes)}  ${b.file}`);
          }
        }
        return health.ok ? 0 : 1;
      }
      case 'restore': {
        checkOptions(args, ['db', 'from']);
        const file = need(args, 'db');
        const { restoreBackup } = await import('./services/backup/backup');
        const r = await restoreBackup(file, need(args, 'from'), { actor: process.env.LEDGER_ACTOR ?? '命令行' });
        if (json) io.out(JSON.stringify(r));
        else {
          io.out(`已从备份 ${r.restoredFrom} 恢复数据库 ${file}(已记入审计日志,第 ${r.restoreAuditId} 条)。`);
          io.out(r.auditNotCarried ?? `审计日志未丢失:自该备份以来的 ${r.carriedAudit} 条审计记录已原样转入恢复后的数据库。`);
          // The log keeps what was done since the backup; the data it did is what the restore took back.
          if (!r.auditNotCarried && r.carriedAudit > 0) {
            const first = r.restoreAuditId - r.carriedAudit;
            const ids = r.carriedAudit === 1 ? `${first}` : `${first}–${r.restoreAuditId - 1}`;
            io.out(`注意:这 ${r.carriedAudit} 条记录(审计日志第 ${ids} 条)所做的导入、录入、关账等修改不在恢复后的数据中;仍需要的,请重新导入或录入(${LEDGER} audit --db ${file} 可查看)。`);
          }
          if (r.safetyCopy) io.out(`恢复前的数据库已另存为 ${r.safetyCopy.file};如需撤销,用它再恢复一次。`);
          if (r.damagedCopy) io.out(`原来已损坏的数据库文件保留为 ${r.damagedCopy}。`);
        }
        return 0;
      }
      case 'offices': {
        checkOptions(args, ['db', 'add', 'remove', 'rename', 'move', 'to']);
        const actions = (['add', 'remove', 'rename', 'move'] as const).filter((a) => args.options.has(a));
        if (actions.length > 1) throw new UsageError(`--${actions.join('、--')} 一次只能用一个。`);
        const action = actions[0];
        const to = args.options.get('to');
        if ((action === 'rename' || action === 'move') && to === undefined) throw new UsageError(action === 'rename' ? '--rename 原名 要与 --to 新名 一起使用。' : '--move 名称 要与 --to 位置 一起使用(位置1为第一)。');
        if (action !== 'rename' && action !== 'move' && to !== undefined) throw new UsageError('--to 只与 --rename 或 --move 一起使用。');
        if (action === 'move' && !/^\d+$/.test(to!)) throw new UsageError(`--to 应为位置序号(1为第一),不是「${to}」。`);
        return await withLedger(need(args, 'db'), async (l) => {
          // A unit has no subordinate offices: its list would show only a bogus 本级 line.
          await requireRole(l, 'summary', '查看和设置下级汇总端');
          const o = await import('./services/levels/offices');
          const view = action === 'add' ? await o.addOffice(l, need(args, 'add'))
            : action === 'remove' ? await o.removeOffice(l, need(args, 'remove'))
              : action === 'rename' ? await o.renameOfficeNamed(l, need(args, 'rename'), to!)
                : action === 'move' ? await o.moveOffice(l, need(args, 'move'), Number(to))
                  : await o.officesView(l);
          if (json) io.out(JSON.stringify(view, null, 2));
          else {
            if (action) io.out('已修改下级汇总端(已记入审计日志)。');
            io.out(`本级:${view.own}(本单位各部门合计)`);
            if (view.offices.length === 0) {
              io.out('下级汇总端:尚未设置。');
              if (view.subordinatePhrases.length > 0) io.out(`计划中有 ${view.tasksNamingSubordinates} 项任务由「${view.subordinatePhrases.join('」「')}」承担,请用 --add 名称 逐个列出下级汇总端。`);
            } else {
              io.out(`下级汇总端(${view.offices.length} 个):`);
              view.offices.forEach((name, k) => io.out(`  ${k + 1}. ${name}`));
            }
          }
          return 0;
        }, actions.length === 0 ? io : undefined);
      }
      case 'quota': {
        checkOptions(args, ['db', 'out', 'from']);
        const out = args.options.get('out');
        const from = args.options.get('from');
        if (out !== undefined && from !== undefined) throw new UsageError('--out(导出)和 --from(读回)一次只能用一个。');
        if (args.flags.has('dry-run') && from === undefined) throw new UsageError('--dry-run 只与 --from 一起使用。');
        return await withLedger(need(args, 'db'), async (l) => {
          const levels = await import('./services/levels/quota-table');
          const { quotaGrid } = await import('./services/levels/quotas');
          const unexplainedLines = (rows: readonly { task: number; indicator: number; name: string; difference: number | null }[]) =>
            rows.map((r) => `  任务${r.task} 指标${r.indicator}「${r.name}」差额 ${r.difference! > 0 ? '+' : ''}${r.difference},请说明原因`);
          if (out !== undefined) {
            const r = await levels.writeQuotaTable(l, out);
            if (json) io.out(JSON.stringify(r));
            else io.out(`已导出任务分解表 ${r.out}(${r.rows} 个指标,${r.offices} 个下级汇总端)。`);
            return 0;
          }
          if (from !== undefined) {
            const dryRun = args.flags.has('dry-run');
            const r = await levels.importQuotaTable(l, from, { dryRun });
            if (json) io.out(JSON.stringify(r, null, 2));
            else {
              const show = (v: number | string | null) => (v === null ? '(空)' : String(v));
              io.out(r.changes.length === 0 ? `任务分解表 ${from} 与本机一致,没有修改。`
                : `${dryRun ? '试读' : '已读回'}任务分解表 ${from}:${r.changes.length} 处${dryRun ? '将修改(未保存)' : '修改(已记入审计日志)'}`);
              for (const c of r.changes) io.out(`  任务${c.task} 指标${c.indicator}「${c.name}」${c.column}:${show(c.before)} → ${show(c.after)}`);
              if (r.unexplained.length > 0) io.out(`合计与目标不一致、尚未说明原因的指标 ${r.unexplained.length} 个:\n${unexplainedLines(r.unexplained).join('\n')}`);
              for (const n of r.notes) io.out(`注意:${n}`);
            }
            return 0;
          }
          const grid = await quotaGrid(l);
          const split = grid.rows.filter((r) => r.split);
          const unexplained = split.filter((r) => r.needsReason && r.reason === null);
          if (json) io.out(JSON.stringify(grid, null, 2));
          else {
            io.out(`任务分解:${grid.own} + ${grid.offices.length} 个下级汇总端;累计类指标 ${split.length} 个,已分解 ${split.filter((r) => r.total !== null).length} 个,与${grid.targetHeader}一致 ${split.filter((r) => r.total !== null && !r.needsReason).length} 个。`);
            if (unexplained.length > 0) io.out(`合计与目标不一致、尚未说明原因的指标 ${unexplained.length} 个:\n${unexplainedLines(unexplained).join('\n')}`);
            io.out('导出表格:ledger quota --db 文件 --out 任务分解表.xlsx');
          }
          return 0;
        }, from === undefined ? io : undefined);
      }
      case 'audit': {
        checkOptions(args, ['db', 'limit', 'out']);
        const out = args.options.get('out');
        const limitText = args.options.get('limit');
        const limit = limitText === undefined ? (out === undefined ? 100 : Number.MAX_SAFE_INTEGER) : Number(limitText);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit 应为正整数,例如 100。');
        return await withLedger(need(args, 'db'), async (l) => {
          const { describeAudit } = await import('../shared/audit');
          const { auditViews } = await import('./services/views');
          const rows = await auditViews(l, { limit });
          const frequency = await activeFrequency(l);
          const words = (r: AuditRow) => describeAudit(r, { frequency, ...(r.indicators ? { indicators: r.indicators } : {}) });
          if (out !== undefined) {
            const { writeFileAtomic } = await import('./services/packages/packages');
            await writeFileAtomic(resolve(out), Buffer.from(auditCsv(rows, words), 'utf8'));
            if (json) io.out(JSON.stringify({ out, rows: rows.length }));
            else io.out(`已导出审计日志 ${out}(${rows.length} 条,最新的在前)。`);
          } else if (json) {
            io.out(JSON.stringify(rows, null, 2));
          } else {
            io.out(`审计日志(最近 ${rows.length} 条,最新的在前):`);
            for (const r of rows) {
              const w = words(r);
              io.out(`#${r.id}  ${localTime(r.at)}  ${r.actor}  ${w.action}  ${w.object}`);
              for (const c of w.changes) io.out(`    ${clip(c)}`);
            }
          }
          return 0;
        }, io);
      }
      default:
        throw new UsageError(`不认识的命令「${args.command}」。运行 ledger --help 查看用法。`);
    }
  } catch (err) {
    const info = toErrorInfo(err);
    if (json) io.out(JSON.stringify({ error: info }));
    else io.err(`错误 [${info.code}]:${info.message}`);
    return info.code === 'E_USAGE' ? 2 : 1;
  }
}

/** The process entry: `ledger` as built (scripts/ledger.mjs) or `tsx electron/cli.ts`. */
export async function main(argv: readonly string[], started: Started = {}): Promise<void> {
  // `ledger plan | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); });
  try {
    process.exitCode = await run(argv, { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n') }, started);
  } catch (err) {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  }
}

// Not awaited at the top level: the built command line is CommonJS (scripts/build-cli.mjs); main never throws.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main(process.argv.slice(2));
