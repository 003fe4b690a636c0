/**
 * Entry point of the extension host side: wires the training worker, the session controller, the
 * webviews (dashboard panel, sidebar view) and the commands, and releases them all on deactivate.
 * The maths lives in the worker (src/engine); this side only asks and shows.
 */
import * as vscode from 'vscode';
import type { SessionState } from '../protocol';
import { assertNever, type FromWebview, type ToWebview } from '../protocol';
import { COMMAND_IDS, registerCommands, reportError } from './commands';
import { DashboardPanel } from './dashboardPanel';
import { Log } from './log';
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
}

let worker: WorkerClient | undefined;

export function activate(context: vscode.ExtensionContext): LogisticLabApi {
  const log = new Log();
  context.subscriptions.push(log);
  log.info(`Logistic Regression Lab ${String(context.extension.packageJSON.version ?? '')} activated.`);

  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const workerClient = new WorkerClient(workerPath, (m) => log.info(m));
  worker = workerClient;
  context.subscriptions.push(workerClient);

  const controller = new SessionController(workerClient, log);
  context.subscriptions.push(controller);

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
        void vscode.commands.executeCommand(COMMAND_IDS.configure, msg.config, true);
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

  context.subscriptions.push(DashboardPanel.registerSerializer(context.extensionUri, hub));
  const sidebar = new SidebarViewProvider(context.extensionUri, hub);
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
  };
}

export async function deactivate(): Promise<void> {
  // Subscriptions are disposed by VS Code; stopping the thread here makes sure it ends before the host exits.
  const w = worker;
  worker = undefined;
  await w?.terminate();
}
