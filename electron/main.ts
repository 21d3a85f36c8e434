/**
 * The Electron main process: one window, the database and the services live here. Security as in
 * Electron's own checklist: context isolation, sandbox, no Node in the renderer, a strict CSP (in
 * the page), navigation and new windows blocked, no remote content, no permissions granted, file
 * paths only from dialogs shown here.
 */
import { app, BrowserWindow, dialog, Menu, session, type OpenDialogOptions } from 'electron';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { localDate } from '../shared/format';
import { createHandlers, LedgerSession, type DialogOptions, type Dialogs, type PrintPdf } from './services/api';
import { checkDatabaseHealth, restoreBackup } from './services/backup/backup';
import { rememberedStore, storeHostIn, type StoreChoice } from './services/store/store';
import { createWorkerVerifier, tuneV8ForBatches } from './services/packages/worker-verifier';
import { emitter, registerIpc } from './ipc';
import { WINDOW_OPTIONS, WINDOW_WEB_PREFERENCES } from './window-options';

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron
const rendererIndex = join(here, '../renderer/index.html');
const indexUrl = pathToFileURL(rendererIndex).href;
const preload = join(here, 'preload.cjs');

if (!app.isPackaged) {
  // `npm start` runs against the better-sqlite3 built for Electron by scripts/electron-native.mjs.
  const binding = join(app.getAppPath(), '.cache', 'electron-native', 'better_sqlite3.node');
  if (existsSync(binding)) process.env.LEDGER_SQLITE_BINDING = binding;
}

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

let mainWindow: BrowserWindow | null = null;

function filters(opts: DialogOptions): OpenDialogOptions['filters'] {
  return opts.filters?.map((f) => ({ name: f.name, extensions: [...f.extensions] }));
}

const dialogs: Dialogs = {
  async openFiles(opts) {
    const r = await dialog.showOpenDialog(mainWindow!, { title: opts.title, properties: opts.multi ? ['openFile', 'multiSelections'] : ['openFile'], filters: filters(opts) ?? [] });
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths;
  },
  async openFolder(opts) {
    const r = await dialog.showOpenDialog(mainWindow!, { title: opts.title, properties: ['openDirectory'] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  async chooseFolder(opts) {
    const r = await dialog.showOpenDialog(mainWindow!, { title: opts.title, buttonLabel: '保存到这里', properties: ['openDirectory', 'createDirectory'] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  async saveFile(opts) {
    const r = await dialog.showSaveDialog(mainWindow!, { title: opts.title, ...(opts.defaultName ? { defaultPath: opts.defaultName } : {}), filters: filters(opts) ?? [] });
    return r.canceled ? null : (r.filePath ?? null);
  },
};

/** Prints in a hidden, sandboxed window with scripts off; the page is a local temporary file. */
const printPdf: PrintPdf = async (html, file, { footerTemplate }) => {
  const tmp = join(app.getPath('temp'), `minsheng-ledger-print-${process.pid}-${Date.now()}.html`);
  writeFileSync(tmp, html, 'utf8');
  const win = new BrowserWindow({ show: false, webPreferences: { ...WINDOW_WEB_PREFERENCES, javascript: false } });
  try {
    await win.loadFile(tmp);
    const pdf = await win.webContents.printToPDF({
      pageSize: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate,
      margins: { top: 0.8, bottom: 0.8, left: 0.7, right: 0.7 },
    });
    writeFileSync(file, pdf);
  } finally {
    win.destroy();
    rmSync(tmp, { force: true });
  }
};

function lockDown(): void {
  const ses = session.defaultSession;
  // No remote content: only the app's own files (and data: images) load.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = details.url.startsWith('file://') || details.url.startsWith('data:') || details.url.startsWith('devtools://') || details.url.startsWith('chrome-extension://');
    callback({ cancel: !ok });
  });
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({ ...WINDOW_OPTIONS, show: false, webPreferences: { ...WINDOW_WEB_PREFERENCES, preload } });
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    mainWindow = null;
  });
  await win.loadFile(rendererIndex);
}

/** The start-up check: a damaged database is offered its newest good backup, never silently replaced. */
async function offerRestoreIfDamaged(dbFile: string): Promise<void> {
  if (!existsSync(dbFile)) return;
  const health = checkDatabaseHealth(dbFile);
  if (health.ok || !health.damaged) return;
  const backup = health.lastGoodBackup;
  const { response } = await dialog.showMessageBox({
    type: 'error', title: '数据库损坏', noLink: true,
    message: health.problem,
    detail: backup ? `可以恢复最近的完好备份(${localDate(new Date(backup.createdAt), 'minutes')})。当前文件会原样保留在旁边。` : '没有找到完好的备份。请联系技术人员。',
    buttons: backup ? ['恢复备份', '退出'] : ['退出'],
  });
  if (backup && response === 0) {
    await restoreBackup(dbFile, backup.file, { actor: '本机用户' });
    return;
  }
  app.exit(1);
}

/**
 * The start-up check of a server database is a connection (backup.ts checkStoreHealth). When it fails the person
 * chooses: quit (and fix the network or the password), or work on this computer's own ledger, forgetting the choice.
 */
async function chosenServerReachable(choiceFile: string): Promise<StoreChoice | null> {
  const remembered = await rememberedStore(choiceFile);
  if (!remembered) return null;
  const { choice, problem } = remembered;
  if (problem === null) return choice;
  const { response } = await dialog.showMessageBox({
    type: 'error', title: '连接不上服务器上的台账', noLink: true,
    message: problem,
    detail: '可以先退出,检查网络、服务器和密码(PGPASSWORD 或 .pgpass)后再打开;也可以改用本机自己的台账(以后可在「设置」中重新连接服务器)。',
    buttons: ['退出', '改用本机的台账'],
  });
  if (response === 1) {
    rmSync(choiceFile, { force: true });
    return null;
  }
  app.exit(1);
  return choice;
}

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

void app.whenReady().then(async () => {
  Menu.setApplicationMenu(null);
  lockDown();
  const dataDir = app.getPath('userData');
  mkdirSync(dataDir, { recursive: true });
  const version = (JSON.parse(readFileSync(join(app.getAppPath(), 'package.json'), 'utf8')) as { version: string }).version;
  // The newest year's ledger (earlier years stay beside it, opened read-only from the 工作计划 page), or the
  // office's PostgreSQL database chosen in the settings (store/store.ts), with its key folder.
  const store = storeHostIn(dataDir);
  const choice = await chosenServerReachable(store.choiceFile);
  const dbFile = choice?.location ?? await store.localDbFile();
  if (!choice) await offerRestoreIfDamaged(dbFile);
  const ledgerSession = new LedgerSession(dbFile, { actor: '本机用户' });
  tuneV8ForBatches();
  // Worker threads cannot start from inside the asar archive: the worker ships unpacked beside it.
  const verifier = createWorkerVerifier(join(here, 'verify-worker.mjs').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'));
  const handlers = createHandlers({
    session: ledgerSession, dialogs, printPdf, version, actor: '本机用户', store,
    emit: emitter(() => mainWindow?.webContents ?? null),
    verifier,
  });
  registerIpc(handlers, indexUrl);
  app.on('before-quit', () => {
    void verifier.close();
    void ledgerSession.close();
  });
  await createWindow();
});

app.on('window-all-closed', () => app.quit());
