/**
 * What a host (the Electron main process, the loopback test bridge, the browser app) gives the handlers
 * of every domain: the session on the one database, dialogs, events, a clock and an actor.
 * Plain Node, no `electron` import.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel, EventMap, RequestOf, ResponseOf } from '../../shared/api';
import { LedgerError } from '../../shared/errors';
import { getSetting } from '../../db/queries/settings';
import { openLedger, type OpenLedger } from './context';
import type { WorkerVerifier } from './packages/worker-verifier';
import type { StoreHost } from './store/store';
import { isPostgresUrl } from '../../db/location';


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
  private file: string;
  private earlier: number | null = null;

  constructor(
    dbFile: string,
    private readonly opts: { readonly now?: () => Date; readonly actor?: string } = {},
  ) {
    this.file = dbFile;
  }

  /** The database file open now: this year's, or an earlier year's being looked at. */
  get dbFile(): string {
    return this.file;
  }

  /** The year of the earlier year's ledger open read-only, or null while this year's is open. */
  get readOnlyYear(): number | null {
    return this.earlier;
  }

  /**
   * Closes the open ledger and opens `file` instead: this year's ledger, or (with `readOnlyYear`) an
   * earlier year's, read-only. A file that does not open leaves the one before open.
   */
  async switchTo(file: string, readOnlyYear: number | null): Promise<OpenLedger> {
    const next = await openLedger(file, { mustExist: true, readonly: readOnlyYear !== null, ...this.opts });
    await this.close();
    this.file = file;
    this.earlier = readOnlyYear;
    this.opening = Promise.resolve(next);
    return next;
  }

  /**
   * Closes the open ledger and works on `file` from now on, opened on first use: this computer's own ledger file
   * when it may not be made yet (a first start that joined a server and then went back), so that the first
   * start shows again.
   */
  async switchToUnmade(file: string): Promise<void> {
    await this.close();
    this.file = file;
    this.earlier = null;
  }

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
    // A server database is there or refused by openLedger in words; only a file can be not made yet.
    if (!isPostgresUrl(this.file) && !existsSync(this.file)) return null;
    const l = await openLedger(this.file, { mustExist: true, readonly: this.earlier !== null, ...this.opts });
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
  /** Reads and verifies package files off the main thread (the worker); in-process without it. */
  readonly verifier?: Pick<WorkerVerifier, 'read' | 'help'>;
  /** Where the host remembers a PostgreSQL store chosen in the settings; absent, the store cannot be switched. */
  readonly store?: StoreHost;
}

/** Where a host keeps its database: one file in the app's data folder. */
export function defaultDbFile(dataDir: string): string {
  return join(dataDir, 'minsheng-ledger.db');
}


export type Handlers = { readonly [C in Channel]: (req: RequestOf<C>) => Promise<ResponseOf<C>> };

/** The handlers of one domain (plan/, entry/, import/ …): joined into the one map in api.ts. */
export type DomainHandlers<C extends Channel> = Pick<Handlers, C>;

/** What every domain's handlers are made from: the host's deps with their defaults filled in. */
export interface HandlerDeps extends ApiDeps {
  readonly now: () => Date;
  readonly actor: string;
  readonly version: string;
}

export const PACKAGE_FILTER: readonly FileFilter[] = [{ name: 'Excel 数据包 (*.xlsx)', extensions: ['xlsx'] }];
