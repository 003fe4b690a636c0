/**
 * The one way the extension shows text in VS Code's own UI: notifications, progress notifications, quick picks and
 * status-bar messages. Every text passes through safeText.ts first, so CSV data quoted in it (header names, labels,
 * cells, file names) can never become a clickable `command:` link or an icon. Call sites pass plain text; icons of
 * the extension's own are given separately (`icons` of a pick item) and added after the escaping.
 * A unit test (test/unit/safe-text.test.ts) fails when another file of src/extension calls these APIs directly.
 */
import * as vscode from 'vscode';
import { MAX_MESSAGE_LENGTH, MAX_QUOTED_LENGTH, safeLabel, safeMessage } from './safeText';

/** An error notification with buttons; resolves with the button clicked. */
export function showError<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showErrorMessage(safeMessage(message), ...actions);
}

/** A warning notification with buttons; resolves with the button clicked. */
export function showWarning<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showWarningMessage(safeMessage(message), ...actions);
}

/** An information notification with buttons; resolves with the button clicked. */
export function showInfo<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showInformationMessage(safeMessage(message), ...actions);
}

/** An input box (title and prompt made safe); resolves with the text typed, or undefined when dismissed. */
export function showInput(options: { title: string; prompt: string; validateInput?: (value: string) => string | null }): Thenable<string | undefined> {
  const validate = options.validateInput;
  return vscode.window.showInputBox({
    title: safeMessage(options.title),
    prompt: safeMessage(options.prompt),
    validateInput: validate ? (v: string) => { const r = validate(v); return r === null ? null : safeMessage(r); } : undefined,
  });
}

/** A status-bar message hidden after `hideAfterMs` (or when disposed). */
export function setStatusMessage(text: string, hideAfterMs: number): vscode.Disposable {
  return vscode.window.setStatusBarMessage(safeLabel(text, MAX_MESSAGE_LENGTH), hideAfterMs);
}

/** What a progress notification's task may report. */
export interface SafeProgress {
  report(update: { message?: string; increment?: number }): void;
}

/** A progress notification (title and every reported message made safe). */
export function withNotificationProgress<R>(
  options: { title: string; cancellable?: boolean; location?: vscode.ProgressLocation },
  task: (progress: SafeProgress, token: vscode.CancellationToken) => Thenable<R>,
): Thenable<R> {
  return vscode.window.withProgress(
    {
      location: options.location ?? vscode.ProgressLocation.Notification,
      title: safeMessage(options.title),
      cancellable: options.cancellable,
    },
    (progress, token) =>
      task(
        {
          report: ({ message, increment }) =>
            progress.report({ ...(message !== undefined ? { message: safeMessage(message) } : {}), increment }),
        },
        token,
      ),
  );
}

/** Codicon ids of the extension's own, shown before a pick item's label, description or detail. */
export interface PickIcons {
  label?: string;
  description?: string;
  detail?: string;
}

/** A quick-pick item whose texts are plain text (data allowed); `icons` adds trusted icons in front of them. */
export type PickItem = vscode.QuickPickItem & { icons?: PickIcons };

/** A codicon id as VS Code accepts it (`name` or `name~modifier`). */
const ICON_ID = /^[A-Za-z0-9-]+(?:~[A-Za-z]+)?$/;

function withIcon(icon: string | undefined, text: string): string {
  if (icon === undefined) return text;
  if (!ICON_ID.test(icon)) throw new Error(`not a codicon id: ${JSON.stringify(icon)}`);
  return text === '' ? `$(${icon})` : `$(${icon}) ${text}`;
}

/**
 * A copy of the item with label, description and detail made safe (label and description at most 200 characters,
 * detail 1000) and its trusted icons added. Other fields (buttons, picked, the caller's own data) are kept.
 */
export function safePickItem<T extends PickItem>(item: T): T {
  const icons = item.icons ?? {};
  const out: T = { ...item, label: withIcon(icons.label, safeLabel(item.label, MAX_QUOTED_LENGTH)) };
  delete out.icons;
  if (item.description !== undefined || icons.description !== undefined) {
    out.description = withIcon(icons.description, safeLabel(item.description ?? '', MAX_QUOTED_LENGTH));
  }
  if (item.detail !== undefined || icons.detail !== undefined) {
    out.detail = withIcon(icons.detail, safeLabel(item.detail ?? '', MAX_MESSAGE_LENGTH));
  }
  return out;
}

/** Title and placeholder of a quick pick made safe (both are shown as plain text). */
function safePickOptions<O extends vscode.QuickPickOptions>(options: O): O {
  const out: O = { ...options };
  if (options.title !== undefined) out.title = safeMessage(options.title);
  if (options.placeHolder !== undefined) out.placeHolder = safeMessage(options.placeHolder);
  return out;
}

/**
 * `showQuickPick` for one item, with every item made safe. Resolves with the caller's own item (not the copy
 * shown), or undefined when dismissed.
 */
export async function showPick<T extends PickItem>(
  items: readonly T[],
  options: vscode.QuickPickOptions & { canPickMany?: false },
): Promise<T | undefined> {
  const shown = items.map((item) => ({ ...safePickItem(item), original: item }));
  const picked = await vscode.window.showQuickPick(shown, { ...safePickOptions(options), canPickMany: false });
  return picked?.original;
}

/** `showQuickPick` with `canPickMany`, with every item made safe. Resolves with the caller's own items. */
export async function showPickMany<T extends PickItem>(
  items: readonly T[],
  options: vscode.QuickPickOptions,
): Promise<T[] | undefined> {
  const shown = items.map((item) => ({ ...safePickItem(item), original: item }));
  const picked = await vscode.window.showQuickPick(shown, { ...safePickOptions(options), canPickMany: true });
  return picked?.map((p) => p.original);
}

/**
 * A quick pick (`createQuickPick`) whose title, placeholder and items are made safe. Its `items` are the safe
 * copies (keeping the caller's fields): take `activeItems` from them.
 */
export function createPick<T extends PickItem>(init: {
  title: string;
  placeholder: string;
  items: readonly T[];
  matchOnDescription?: boolean;
}): vscode.QuickPick<T> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = safeMessage(init.title);
  qp.placeholder = safeMessage(init.placeholder);
  qp.items = init.items.map((item) => safePickItem(item));
  if (init.matchOnDescription !== undefined) qp.matchOnDescription = init.matchOnDescription;
  return qp;
}
