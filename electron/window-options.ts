/**
 * The main window's options, kept out of main.ts (which imports `electron`) so a plain-Node test can
 * check the security settings of Electron's checklist: context isolation, sandbox, no Node in the
 * renderer, web security on, no remote module, no webviews.
 */
export const WINDOW_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  devTools: true,
} as const;

export const WINDOW_OPTIONS = {
  width: 1366,
  height: 800,
  minWidth: 1100,
  minHeight: 640,
  title: '民生工作督办台账',
  backgroundColor: '#f0f2f5',
  autoHideMenuBar: true,
} as const;

/** The renderer's own page: the only frame whose requests main answers. */
export function isAppPage(frameUrl: string | undefined, indexFileUrl: string): boolean {
  if (!frameUrl) return false;
  try {
    const u = new URL(frameUrl);
    const index = new URL(indexFileUrl);
    // Windows drive letters may differ in case (file:///C:/… and file:///c:/…).
    const norm = (p: string) => (/^\/[A-Za-z]:/.test(p) ? decodeURIComponent(p).toLowerCase() : decodeURIComponent(p));
    return u.protocol === 'file:' && u.host === index.host && norm(u.pathname) === norm(index.pathname);
  } catch {
    return false;
  }
}
