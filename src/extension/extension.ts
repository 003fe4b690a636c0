/**
 * Entry point of the extension host side: wires the training worker, the session controller, the
 * webviews (dashboard panel, sidebar view) and the commands, and releases them all on deactivate.
 * The maths lives in the worker (src/engine); this side only asks and shows.
 * The session survives window reloads: it is saved in workspaceState as it changes, checked against its
 * CSV at activation, and restored when the dashboard is revived or the Session view resolves.
 */
import * as vscode from 'vscode';
import type { SavedSession, SessionState } from '../protocol';
import { assertNever, type FromWebview, type ToWebview } from '../protocol';
import { COMMAND_IDS, registerCommands, reportError } from './commands';
import { DashboardPanel } from './dashboardPanel';
import { Log } from './log';
import { setStatusMessage } from './notify';
import { SessionStore } from './persistence';
import { watchLongTasks } from './progressNotification';
import { SessionController } from './sessionController';
import { SIDEBAR_VIEW_ID, SidebarViewProvider } from './sidebarView';
import { WebviewHub } from './webviewHub';
import { WorkerClient } from './workerClient';

/** What `activate` returns (`vscode.extensions.getExtension(id).exports`), for tests and other extensions. */
export interface LogisticLabApi {
  /** Whether a training session exists (same as the `logisticLab.hasSession` context key). */
  readonly hasSession: boolean;
  /** Whether a run is going (same as the `logisticLab.running` context key). */
  readonly running: boolean;
  /** The latest state the host knows, without asking the worker. */
  state(): SessionState | undefined;
  /** Error messages shown to the user since activation, oldest first. */
  readonly errors: readonly string[];
  /** Number of webviews that completed the ready handshake. */
  readonly readyWebviews: number;
  /** Kills the training thread as a crash would (for tests of the recovery path). */
  simulateWorkerCrash(): Promise<void>;
  /**
   * Does what a window reload does to the session (for tests): saves it, drops the in-memory session and
   * stops the worker, then runs the activation's check of the saved session and the restore that a revived
   * dashboard triggers. Resolves with the restored state (undefined when nothing was restored). With
   * `lazy: true` it stops after the check, as when no webview is open: the first command that needs the
   * session restores it.
   */
  simulateReload(options?: { lazy?: boolean }): Promise<SessionState | undefined>;
  /** The session saved for window reloads (after writing any pending save), as stored. */
  savedSession(): Promise<SavedSession | undefined>;
}

let worker: WorkerClient | undefined;
/** Writes a pending save of the session before the host goes away. */
let flushSave: (() => Promise<void>) | undefined;
/** Longest wait for that save on deactivation. */
const FLUSH_TIMEOUT_MS = 2000;

export function activate(context: vscode.ExtensionContext): LogisticLabApi {
  const log = new Log();
  context.subscriptions.push(log);
  log.info(`Logistic Regression Lab ${String(context.extension.packageJSON.version ?? '')} activated.`);

  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const workerClient = new WorkerClient(workerPath, (m) => log.info(m));
  worker = workerClient;
  context.subscriptions.push(workerClient);

  const store = new SessionStore(context.workspaceState);
  const controller = new SessionController(workerClient, log, store);
  context.subscriptions.push(controller);
  flushSave = () => controller.flushSave();
  // A session saved before the window reloaded: checked now, restored when a webview needs it.
  void controller.lookForSavedSession();
  const restoreSaved = (): void => {
    void controller.restorePending();
  };

  const errors: string[] = [];
  const onError = (message: string): void => {
    errors.push(message);
    if (errors.length > 100) errors.shift();
  };

  const handleWebviewMessage = (msg: FromWebview, reply: (m: ToWebview) => void): void => {
    switch (msg.type) {
      case 'ready':
        return; // handled by the hub
      case 'command':
        void vscode.commands.executeCommand(`logisticLab.${msg.command}`);
        return;
      case 'setThreshold':
        controller.evaluate(msg.threshold, msg.requestId).then(undefined, (err: unknown) => {
          reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
        });
        return;
      case 'configure':
        void vscode.commands.executeCommand(COMMAND_IDS.configure, msg.config, msg.run !== false, msg.keepWeights === true, msg.prepare);
        return;
      case 'extend':
        void vscode.commands.executeCommand(COMMAND_IDS.trainMore, msg.epochs);
        return;
      case 'goto':
        void vscode.commands.executeCommand(COMMAND_IDS.goTo, msg.iteration);
        return;
      case 'row':
        controller.row(msg.split, msg.index).then(
          (row) => reply({ type: 'row', requestId: msg.requestId, row }),
          (err: unknown) => reply({ type: 'row', requestId: msg.requestId, row: null, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      case 'landscape':
        controller.landscape(msg.p, msg.q).then(
          (landscape) => reply({ type: 'landscape', requestId: msg.requestId, landscape }),
          (err: unknown) => reply({ type: 'landscape', requestId: msg.requestId, landscape: null, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      case 'clearEarlierRuns':
        controller.clearEarlierRuns();
        return;
      case 'boundary':
        controller.boundary(msg.x, msg.y).then(
          (boundary) => reply({ type: 'boundary', requestId: msg.requestId, boundary }),
          (err: unknown) => reply({ type: 'boundary', requestId: msg.requestId, boundary: null, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      case 'copy':
        void vscode.env.clipboard.writeText(msg.text).then(() => {
          const rows = Math.max(0, msg.text.split('\n').filter((l) => l !== '').length - 1);
          setStatusMessage(vscode.l10n.t('Copied {0} rows as tab-separated text', String(rows)), 4000);
        });
        return;
      case 'speed':
        controller.setSpeed(msg.updatesPerSecond).then(undefined, (err: unknown) => {
          reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
        });
        return;
      default:
        assertNever(msg);
    }
  };

  const hub = new WebviewHub(controller, handleWebviewMessage, (m) => log.warn(m));
  context.subscriptions.push(hub);

  context.subscriptions.push(
    controller.onDidChangeState((s) => hub.postState(s)),
    controller.onProgress((p) => hub.postProgress(p)),
    controller.onBusy((label) => hub.broadcast({ type: 'busy', label })),
    controller.onMetrics((m) => hub.broadcast({ type: 'metrics', requestId: m.requestId, train: m.train, test: m.test })),
    controller.onDidLoseSession((failure) => reportError({ log, hub, onError }, 'Training worker', failure)),
    watchLongTasks(controller),
  );

  context.subscriptions.push(DashboardPanel.registerSerializer(context.extensionUri, hub, restoreSaved));
  const sidebar = new SidebarViewProvider(context.extensionUri, hub, restoreSaved);
  context.subscriptions.push(
    sidebar,
    vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, sidebar),
    new vscode.Disposable(() => DashboardPanel.instance?.dispose()),
  );

  context.subscriptions.push(
    ...registerCommands({ extensionUri: context.extensionUri, controller, hub, log, onError }),
  );

  return {
    get hasSession() {
      return controller.hasSession;
    },
    get running() {
      return controller.running;
    },
    state: () => controller.state,
    errors,
    get readyWebviews() {
      return hub.readyCount;
    },
    simulateWorkerCrash: () => workerClient.simulateCrash(),
    simulateReload: async (options = {}) => {
      await controller.flushSave();
      controller.forgetForReload();
      await workerClient.terminate();
      await controller.lookForSavedSession();
      return options.lazy ? undefined : controller.restorePending();
    },
    savedSession: async () => {
      await controller.flushSave();
      return store.read();
    },
  };
}

export async function deactivate(): Promise<void> {
  // Save the latest changes for the next window (bounded wait), then stop the thread so it ends before the
  // host exits. Subscriptions are disposed by VS Code afterwards.
  const flush = flushSave;
  flushSave = undefined;
  if (flush) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
    });
    await Promise.race([flush().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
  const w = worker;
  worker = undefined;
  await w?.terminate();
}
