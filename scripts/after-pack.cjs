// electron-builder afterPack hook: flips Electron's fuses in the packed binary, before signing and
// before the installers are made. No running as plain Node, no NODE_OPTIONS, no --inspect, and the
// app is loaded only from the asar archive.
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

exports.default = async function afterPack(context) {
  const platform = context.electronPlatformName;
  const name = context.packager.appInfo.productFilename;
  const exe = platform === 'darwin'
    ? path.join(context.appOutDir, `${name}.app`)
    : platform === 'win32'
      ? path.join(context.appOutDir, `${name}.exe`)
      : path.join(context.appOutDir, context.packager.executableName);
  await flipFuses(exe, {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: platform === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  });
};
