/**
 * The handlers behind every channel of `shared/api.ts`, shared by the Electron main process
 * (ipc.ts) and the loopback test bridge (bridge/server.ts): one map, so a channel cannot exist on
 * one side only. Plain Node, no `electron` import: file dialogs come in as `Dialogs`, events go out
 * through `emit`. Every request is checked against its zod schema in `dispatch` before a handler runs,
 * and every answer is a `Result`; thrown errors become `{ code, message }` in Chinese.
 */
import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import {
  CHANNELS, requestSchemas, type BackupView, type Channel, type EventMap, type ExportResult, type RequestOf, type ResponseOf, type Result,
} from '../../shared/api';
import { BULLETIN_FOOTER } from '../../shared/bulletin';
import { LedgerError, toErrorInfo } from '../../shared/errors';
import { parsePeriod, periodLabel, planPeriods } from '../../shared/rules/periods';
import type { ReportingFrequency } from '../../shared/domain';
import { getSetting } from '../../db/queries/settings';
import { backupNow, listBackups, restoreBackup, type BackupInfo } from './backup';
import { activePlan, openLedger, type OpenLedger } from './context';
import { fillDemo } from './demo';
import { enterReports } from './entry';
import { acceptKeyFromFile, expandPaths, importFiles, initUnitFromAssignment } from './import';
import { listKeys } from './keys';
import type { PackageFile } from './package-format';
import { exportAssignment, exportFeedback, exportReport, type ExportedPackage } from './packages';
import { lockPeriod, reopenPeriod } from './periods';
import { writeSummaryWorkbook } from './reports';
import { draftBulletin, renderBulletin } from './bulletin';
import { listReturns, returnTask } from './returns';
import { initSummary } from './setup';
import { header, loadPeriodData, summaryByCategory, summaryByTask, summaryByUnit } from './summaries';
import { appInfo, auditViews, entryForm, periodViews, planView, settingsView, trendView, unitDetail, updateSettings } from './views';

// ---------------------------------------------------------------------------------------------
// What the host provides

export interface FileFilter { readonly name: string; readonly extensions: readonly string[] }

export interface DialogOptions {
  readonly title: string;
  readonly filters?: readonly FileFilter[];
  /** A file name to suggest (saveFile). */
  readonly defaultName?: string;
}

/**
 * File and folder choices, always made by a person in a dialog the host shows. The renderer never
 * sends a path: Electron answers with its native dialogs, the test bridge with a scripted queue.
 * A cancelled dialog answers null.
 */
export interface Dialogs {
  /** One or more existing files. */
  openFiles(opts: DialogOptions & { readonly multi?: boolean }): Promise<string[] | null>;
  /** An existing folder to read from (import a whole USB folder). */
  openFolder(opts: DialogOptions): Promise<string | null>;
  /** A folder to write into (export a package to a USB drive). */
  chooseFolder(opts: DialogOptions): Promise<string | null>;
  /** A file to write (the summary workbook). */
  saveFile(opts: DialogOptions): Promise<string | null>;
}

/** Prints an HTML page to an A4 PDF file (Electron's printToPDF; Chromium's in the browser harness). */
export type PrintPdf = (html: string, file: string, opts: { readonly footerTemplate: string }) => Promise<void>;

export type Emit = <E extends keyof EventMap>(event: E, payload: EventMap[E]) => void;

/**
 * The one database this installation works on, opened on first use. Before first start there is
 * none; the setup channels create it.
 */
export class LedgerSession {
  private opening: Promise<OpenLedger | null> | null = null;

  constructor(
    readonly dbFile: string,
    private readonly opts: { readonly now?: () => Date; readonly actor?: string } = {},
  ) {}

  /** The open ledger, or null before first start. */
  current(): Promise<OpenLedger | null> {
    this.opening ??= this.open().catch((err: unknown) => {
      this.opening = null;
      throw err;
    });
    return this.opening;
  }

  /** The open ledger; refuses before first start. */
  async require(): Promise<OpenLedger> {
    const l = await this.current();
    if (!l) throw new LedgerError('E_NOT_FOUND', '尚未完成首次设置:请先选择「汇总端」或「填报端」。');
    return l;
  }

  /** Creates the database with `make`; refuses when one is already set up. */
  async create(make: (file: string) => Promise<OpenLedger>): Promise<OpenLedger> {
    if (await this.current()) throw new LedgerError('E_EXISTS', '本机已经完成首次设置,不能再次设置。');
    this.removeUnfinished();
    const l = await make(this.dbFile);
    this.opening = Promise.resolve(l);
    return l;
  }

  async close(): Promise<void> {
    const l = await this.opening?.catch(() => null);
    this.opening = null;
    await l?.close();
  }

  /** Closes the database, lets `change` replace the file (a restore), and opens it again. */
  async replace<T>(change: () => Promise<T>): Promise<T> {
    await this.close();
    try {
      return await change();
    } finally {
      await this.current();
    }
  }

  private async open(): Promise<OpenLedger | null> {
    if (!existsSync(this.dbFile)) return null;
    const l = await openLedger(this.dbFile, { mustExist: true, ...this.opts });
    if ((await getSetting(l.db, 'role')) === null) {
      // A first start interrupted before it finished: no side chosen yet, nothing entered.
      await l.close();
      return null;
    }
    return l;
  }

  /** A database file left by an interrupted first start holds no data; it makes way for the new one. */
  private removeUnfinished(): void {
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(this.dbFile + suffix)) rmSync(this.dbFile + suffix, { force: true });
    }
  }
}

export interface ApiDeps {
  readonly session: LedgerSession;
  readonly dialogs: Dialogs;
  readonly emit: Emit;
  readonly now?: () => Date;
  readonly actor?: string;
  /** Shown in 关于; package.json's version. */
  readonly version?: string;
  /** Absent where nothing can print: printing then says so. */
  readonly printPdf?: PrintPdf;
  /** Verifies package bytes off the main thread (the app's worker); in-process by default. */
  /** Reads and verifies a package file off the main thread (the worker); in-process without it. */
  readonly read?: (file: string) => Promise<PackageFile>;
}

/** Where a host keeps its database: one file in the app's data folder. */
export function defaultDbFile(dataDir: string): string {
  return join(dataDir, 'minsheng-ledger.db');
}

// ---------------------------------------------------------------------------------------------
// Handlers

export type Handlers = { readonly [C in Channel]: (req: RequestOf<C>) => Promise<ResponseOf<C>> };

const PACKAGE_FILTER: readonly FileFilter[] = [{ name: 'Excel 数据包 (*.xlsx)', extensions: ['xlsx'] }];

function backupView(b: BackupInfo): BackupView {
  return { name: basename(b.file), bytes: b.bytes, createdAt: b.createdAt, reason: b.reason };
}

function exported(p: ExportedPackage): ExportResult {
  return { fileName: p.fileName, folder: p.folder, revision: p.revision, packageId: p.packageId };
}

/**
 * The demo fills the periods already over by the clock, at most the first half year (the first period
 * at least): a new installation has something to show and the rest of the year is left to enter.
 */
function demoThrough(year: number, frequency: ReportingFrequency, now: Date): string {
  const month = now.getFullYear() > year ? 6 : now.getFullYear() < year ? 1 : Math.min(6, Math.max(1, now.getMonth()));
  const periods = planPeriods(year, frequency);
  return periods.filter((p) => parsePeriod(p)!.month <= month).at(-1) ?? periods[0]!;
}

export function createHandlers(deps: ApiDeps) {
  const { session, dialogs, emit } = deps;
  const version = deps.version ?? '0.0.0';
  const now = deps.now ?? (() => new Date());
  const actor = deps.actor ?? '本机用户';
  /** The files of the last import dialog, for 再次导入 after a key is accepted. */
  let lastImport: readonly string[] | null = null;

  async function runImport(ctx: OpenLedger, paths: readonly string[], req: { dryRun: boolean; acceptNewKeys: boolean; receivedOn?: string | undefined }) {
    return importFiles(ctx, paths, {
      dryRun: req.dryRun,
      acceptNewKeys: req.acceptNewKeys,
      ...(req.receivedOn ? { receivedOn: req.receivedOn } : {}),
      onProgress: (p) => emit('import:progress', p),
      ...(deps.read ? { read: deps.read } : {}),
    });
  }

  async function periodSummary(period: string) {
    return loadPeriodData(await session.require(), period);
  }

  return {
    'app:info': async () => appInfo(await session.current(), version),

    'app:setupSummary': async (req) => {
      const ledger = await session.create((file) => initSummary(file, { now, actor, ...(req.frequency ? { frequency: req.frequency } : {}) }));
      if (req.withDemo) {
        const plan = await activePlan(ledger);
        await fillDemo(ledger, demoThrough(plan.year, plan.frequency, now()));
      }
      return appInfo(ledger, version);
    },

    'app:setupUnit': async () => {
      if (await session.current()) throw new LedgerError('E_EXISTS', '本机已经完成首次设置,不能再次设置。');
      const files = await dialogs.openFiles({ title: '选择汇总端发来的任务包', filters: PACKAGE_FILTER });
      const file = files?.[0];
      if (!file) return null;
      const ledger = await session.create((dbFile) => initUnitFromAssignment(dbFile, file, { now, actor }));
      return appInfo(ledger, version);
    },

    'plan:get': async () => planView(await session.require()),
    'periods:list': async () => periodViews(await session.require()),
    'periods:lock': async (req) => lockPeriod(await session.require(), req.period),
    'periods:reopen': async (req) => reopenPeriod(await session.require(), req.period, req.reason),

    'entry:get': async (req) => entryForm(await session.require(), req),

    'entry:save': async (req) => {
      const r = await enterReports(await session.require(), { unit: req.unit, period: req.period, items: req.items, ...(req.receivedOn ? { receivedOn: req.receivedOn } : {}) });
      return { tasks: r.tasks, warnings: r.warnings };
    },

    'packages:exportReport': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: '选择保存填报包的文件夹(如U盘)' });
      return folder ? exported(await exportReport(ctx, { period: req.period, outDir: folder })) : null;
    },

    'packages:exportAssignment': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: `选择保存${req.unit}任务包的文件夹(如U盘)` });
      return folder ? exported(await exportAssignment(ctx, { unit: req.unit, outDir: folder })) : null;
    },

    'packages:exportFeedback': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: `选择保存${req.unit}反馈包的文件夹(如U盘)` });
      return folder ? exported(await exportFeedback(ctx, { unit: req.unit, outDir: folder })) : null;
    },

    'packages:import': async (req) => {
      const ctx = await session.require();
      let paths: string[] | null;
      if (req.mode === 'folder') {
        const dir = await dialogs.openFolder({ title: '选择存放数据包的文件夹(如U盘)' });
        paths = dir ? [dir] : null;
      } else {
        paths = await dialogs.openFiles({ title: '选择要导入的数据包(可多选)', filters: PACKAGE_FILTER, multi: true });
      }
      if (!paths || paths.length === 0) return null;
      lastImport = paths;
      return runImport(ctx, paths, req);
    },

    'packages:importAgain': async (req) => {
      const ctx = await session.require();
      if (!lastImport) throw new LedgerError('E_USAGE', '没有可以再次导入的文件:请先选择文件或文件夹导入。');
      return runImport(ctx, lastImport, req);
    },

    'keys:list': async () => listKeys(await session.require()),

    'keys:acceptFromFile': async (req) => {
      const ctx = await session.require();
      let file: string | undefined;
      if (req.file !== undefined) {
        // Only a file of the last import, by its name: the renderer never gives a path.
        file = lastImport ? expandPaths(lastImport).find((f) => basename(f) === req.file) : undefined;
        if (!file) throw new LedgerError('E_NOT_FOUND', `上次导入的文件中没有「${req.file}」,请重新选择文件导入。`);
      } else {
        file = (await dialogs.openFiles({ title: '选择该单位的填报包,登记其新密钥', filters: PACKAGE_FILTER }))?.[0];
        if (!file) return null;
      }
      const r = await acceptKeyFromFile(ctx, file, { sharedKey: req.sharedKey ?? false });
      return { unit: r.unit, fingerprint: r.fingerprint, warning: r.warning };
    },

    'summary:byUnit': async (req) => {
      const d = await periodSummary(req.period);
      return { header: header(d), rows: summaryByUnit(d) };
    },
    'summary:byTask': async (req) => {
      const d = await periodSummary(req.period);
      return { header: header(d), rows: summaryByTask(d) };
    },
    'summary:byCategory': async (req) => {
      const d = await periodSummary(req.period);
      return { header: header(d), rows: summaryByCategory(d) };
    },
    'summary:unitDetail': async (req) => unitDetail(await session.require(), req),
    'summary:trend': async () => trendView(await session.require()),

    'returns:create': async (req) => returnTask(await session.require(), req),
    'returns:list': async (req) => listReturns(await session.require(), req.period ? { period: req.period } : {}),

    'reports:exportWorkbook': async (req) => {
      const ctx = await session.require();
      const name = `民生工作汇总表-${periodLabel(req.period, (await activePlan(ctx)).frequency)}.xlsx`;
      const folder = await dialogs.chooseFolder({ title: '选择保存汇总表的文件夹', defaultName: name });
      if (!folder) return null;
      await writeSummaryWorkbook(ctx, { period: req.period, out: join(folder, name) });
      return { fileName: name, folder };
    },

    'reports:bulletinDraft': async (req) => {
      const draft = await draftBulletin(await session.require(), { period: req.period });
      return { bulletin: draft.bulletin, timeProgress: draft.timeProgress, html: renderBulletin(draft) };
    },

    'reports:printBulletin': async (req) => {
      const ctx = await session.require();
      if (!deps.printPdf) throw new LedgerError('E_USAGE', '当前运行方式不能打印PDF,请在桌面程序中打印。');
      const draft = await draftBulletin(ctx, { period: req.period });
      const edited = { ...draft, bulletin: { ...draft.bulletin, ...req.edits } };
      const name = `督查通报-${periodLabel(req.period, (await activePlan(ctx)).frequency)}.pdf`;
      const folder = await dialogs.chooseFolder({ title: '选择保存通报PDF的文件夹', defaultName: name });
      if (!folder) return null;
      await deps.printPdf(renderBulletin(edited), join(folder, name), { footerTemplate: BULLETIN_FOOTER });
      return { fileName: name, folder };
    },

    'settings:get': async () => settingsView(await session.require()),
    'settings:update': async (req) => updateSettings(await session.require(), req),

    'audit:list': async (req) => auditViews(await session.require(), req),

    'backup:create': async () => backupView(await backupNow(await session.require(), { reason: 'manual' })),
    'backup:list': async () => {
      await session.require();
      return listBackups(session.dbFile).map(backupView);
    },
    'backup:restore': async (req) => {
      await session.require();
      // Only a file the list names: the renderer never gives a path.
      const chosen = listBackups(session.dbFile).find((b) => basename(b.file) === req.name);
      if (!chosen) throw new LedgerError('E_NOT_FOUND', `备份列表中没有「${req.name}」。`);
      const r = await session.replace(() => restoreBackup(session.dbFile, chosen.file, { now, actor }));
      return {
        restoredFrom: basename(r.restoredFrom), safetyCopy: r.safetyCopy ? basename(r.safetyCopy.file) : null,
        carriedAudit: r.carriedAudit, auditNotCarried: r.auditNotCarried,
      };
    },
  } satisfies Handlers;
}

// ---------------------------------------------------------------------------------------------
// Dispatch

const zhCN = z.locales.zhCN().localeError;

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);

export function isChannel(channel: unknown): channel is Channel {
  return typeof channel === 'string' && CHANNEL_SET.has(channel);
}

/**
 * Validates the request of a channel, runs its handler and wraps the answer. Never throws: an
 * unknown channel or a bad argument is `E_USAGE`, anything thrown becomes its `ErrorInfo`.
 * @example await dispatch(handlers, 'summary:byUnit', { period: '2019-06' })
 */
export async function dispatch(handlers: Handlers, channel: unknown, raw: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'E_USAGE', message: `没有名为「${String(channel).slice(0, 60)}」的接口。` } };
  }
  const parsed = requestSchemas[channel].safeParse(raw ?? {}, { error: zhCN });
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join('.')}:` : '') + i.message);
    return { ok: false, error: { code: 'E_USAGE', message: `接口 ${channel} 的参数不正确:${where.join(';')}` } };
  }
  try {
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}
