/**
 * Progress of long tasks (a run, the BCE-vs-MSE comparison), shown only when the task is still going after a short
 * delay, so stepping and short runs stay quiet. While the dashboard is visible it has its own Pause and progress,
 * so the progress goes to the status bar and never covers the dashboard; otherwise a cancellable notification
 * (Cancel pauses).
 */
import * as vscode from 'vscode';
import { DashboardPanel } from './dashboardPanel';
import { withNotificationProgress } from './notify';
import type { LongTask, SessionController } from './sessionController';

/** A task shorter than this never shows a notification. */
export const NOTIFICATION_DELAY_MS = 1500;

export function watchLongTasks(controller: SessionController, delayMs = NOTIFICATION_DELAY_MS): vscode.Disposable {
  return controller.onDidStartTask((task) => {
    let settled = false;
    const end = (): void => {
      settled = true;
    };
    task.done.then(end, end);
    setTimeout(() => {
      if (!settled) show(controller, task);
    }, delayMs);
  });
}

function show(controller: SessionController, task: LongTask): void {
  const title = task.kind === 'run'
    ? vscode.l10n.t('Training logistic regression')
    : task.kind === 'sweep' ? vscode.l10n.t('Sweeping the learning rate') : vscode.l10n.t('Comparing BCE and MSE');
  const dashboardShown = DashboardPanel.instance?.panel.visible === true;
  void withNotificationProgress(
    { title, cancellable: !dashboardShown, location: dashboardShown ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification },
    async (progress, token) => {
      const subs: vscode.Disposable[] = [];
      token.onCancellationRequested(() => {
        controller.pause().then(undefined, () => undefined);
      }, undefined, subs);
      if (task.kind === 'run') {
        let reported = 0;
        const epochs = controller.state?.config.epochs ?? 0;
        const report = (): void => {
          const s = controller.state;
          if (!s) return;
          const last = s.history[s.history.length - 1];
          const loss = last && Number.isFinite(last.trainLoss) ? vscode.l10n.t(' · log loss {0}', last.trainLoss.toPrecision(4)) : '';
          const fraction = epochs > 0 ? Math.min(1, s.epoch / epochs) * 100 : 0;
          progress.report({
            message: vscode.l10n.t('epoch {0} of {1} · iteration {2}', count(s.epoch), count(epochs), count(s.iteration)) + loss,
            increment: Math.max(0, fraction - reported),
          });
          reported = Math.max(reported, fraction);
        };
        report();
        subs.push(controller.onProgress(report));
      } else {
        progress.report({ message: vscode.l10n.t('training the same data twice, with each loss') });
      }
      try {
        await task.done;
      } catch {
        // The failure itself is reported by the command that started the task.
      } finally {
        for (const s of subs) s.dispose();
      }
    },
  );
}

/** A count with thousands separators (1,234,567). */
function count(n: number): string {
  return n.toLocaleString('en-US');
}
