// The security baseline every window of ours starts from (see README.md): page scripts never get
// Node, the page runs sandboxed and isolated from any preload, no <webview>, no mixed content.
// Each window adds what is its own (the studio's preload, the team and kiosk windows' sessions).
// Electron-free, so the window rules that use it are unit-tested in plain Node.
export const SECURE_WEB_PREFERENCES = {
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
  safeDialogs: true
} as const
