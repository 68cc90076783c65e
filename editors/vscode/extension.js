// The Intent extension: syntax colouring comes from the TextMate grammar declared in
// package.json; this file only starts `intent lsp` (diagnostics, formatting, outline, hover, go
// to definition, completion, quick fixes, references, rename) for `.intent` documents.
// Plain CommonJS, so the folder is the extension as it is, with no build step.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/**
 * The full path of `command` when it can be run: a path is taken as it is, a bare name is
 * looked up on PATH (with PATHEXT on Windows). Checked before starting because the language
 * client reports a missing executable only as "Launching server using command ... failed",
 * sometimes without the ENOENT that says why.
 */
function findExecutable(command) {
  const runnable = (file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/') || command.includes('\\')) {
    return runnable(command) ? command : undefined;
  }
  const extensions =
    process.platform === 'win32' ? ['', ...(process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const ext of extensions) {
      const file = path.join(dir, command + ext);
      if (dir && runnable(file)) {
        return file;
      }
    }
  }
  return undefined;
}

/**
 * The setting as a command for spawn: `~/…` in the home folder, and a relative path such as
 * `target/release/intent` in the first workspace folder rather than in whatever folder VS Code
 * was started from. A bare name is left for the PATH lookup.
 */
function resolveSetting(setting) {
  if (setting.startsWith('~/')) {
    return path.join(require('os').homedir(), setting.slice(2));
  }
  const folders = vscode.workspace.workspaceFolders;
  if (/[\\/]/.test(setting) && !path.isAbsolute(setting) && folders && folders.length > 0) {
    return path.join(folders[0].uri.fsPath, setting);
  }
  return setting;
}

async function activate(context) {
  const config = vscode.workspace.getConfiguration('intent.server');
  const setting = config.get('path', 'intent') || 'intent';
  const command = resolveSetting(setting);
  const extraArgs = config.get('extraArgs', []);

  const executable = findExecutable(command);
  if (!executable) {
    const choice = await vscode.window.showErrorMessage(
      `Intent: the language server could not be started: "${setting}" was not found. ` +
        'Install intent (cargo install --locked --path crates/intent-cli in its repository) ' +
        'or set "intent.server.path" to the intent executable. Syntax colouring works without it.',
      'Open Settings'
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'intent.server');
    }
    return;
  }

  // No `transport`: with `TransportKind.stdio` the client would append `--stdio` to the
  // arguments, which `intent lsp` refuses; without one it still talks over stdin/stdout.
  const server = { command: executable, args: ['lsp', ...extraArgs] };
  client = new LanguageClient(
    'intent',
    'Intent language server',
    { run: server, debug: server },
    { documentSelector: [{ language: 'intent' }] }
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('intent.server')) {
        vscode.window.showInformationMessage(
          'Intent: reload the window to restart the language server with the new settings.'
        );
      }
    })
  );
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(`Intent: the language server "${executable} lsp" failed to start: ${error}`);
    client = undefined;
  }
}

function deactivate() {
  const running = client;
  client = undefined;
  return running ? running.stop() : undefined;
}

module.exports = { activate, deactivate };
