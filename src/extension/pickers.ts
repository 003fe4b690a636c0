/**
 * The training flow's questions: which CSV, which column to predict, which columns to learn from.
 * Each picker resolves undefined when the user dismisses it. Column and file names are data: the pickers of
 * notify.ts show them as plain text (no icons, no links), the extension's own icons are given as `icons`.
 */
import * as vscode from 'vscode';
import type { ColumnInfo } from '../protocol';
import { createPick, showPick, showPickMany, type PickItem } from './notify';
import { quote } from './safeText';

/** Whether a URI names a CSV file (by extension, case-insensitive). */
export function isCsv(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && /\.csv$/i.test(uri.path);
}

/** The CSV in the active editor tab (text editor or any editor with a resource), if any. */
export function activeCsv(): vscode.Uri | undefined {
  const editorUri = vscode.window.activeTextEditor?.document.uri;
  if (isCsv(editorUri)) return editorUri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) {
    if (isCsv(input.uri)) return input.uri;
  }
  return undefined;
}

/** Quick pick of the workspace's CSV files (plus Browse…); an open dialog when there are none. */
export async function pickCsv(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.csv', '**/{node_modules,.git}/**', 1000);
  if (files.length === 0) return browseCsv();
  files.sort((a, b) => a.path.localeCompare(b.path));
  type Item = PickItem & { uri?: vscode.Uri };
  const items: Item[] = files.map((uri) => ({
    label: baseOf(uri),
    icons: { label: 'file' },
    description: vscode.workspace.asRelativePath(uri, true),
    uri,
  }));
  items.push({ label: vscode.l10n.t('Browse…'), icons: { label: 'folder-opened' }, alwaysShow: true });
  const picked = await showPick(items, {
    title: vscode.l10n.t('Train Logistic Regression'),
    placeHolder: vscode.l10n.t('Pick the CSV file to train on'),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  return picked.uri ?? browseCsv();
}

async function browseCsv(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Pick the CSV file to train on'),
    canSelectMany: false,
    filters: { 'CSV files': ['csv'] },
  });
  return picked?.[0];
}

/** One line about a column: "numeric · 88 distinct · 177 missing". */
export function columnDescription(c: ColumnInfo): string {
  const missing = c.missing > 0 ? ` · ${c.missing} missing` : '';
  return `${c.type} · ${c.distinct} distinct${missing}`;
}

export interface TargetChoice {
  target: string;
  /** The user asked to choose the feature columns next. */
  chooseFeatures: boolean;
}

const CHOOSE_FEATURES_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('list-selection'),
  tooltip: 'Use this column as the target and choose the features…',
};

/**
 * Target picker: the suggested column first, then other plausible class columns, then the rest.
 * Each item shows type, distinct values and missing values; identifier-like columns are marked.
 * Accepting an item trains on the default features; its list button asks for the features first.
 */
export function pickTarget(fileName: string, columns: ColumnInfo[], suggested: string | null): Promise<TargetChoice | undefined> {
  type Item = PickItem & { column?: string };
  const toItem = (c: ColumnInfo): Item => ({
    label: c.name,
    description: columnDescription(c) + (c.name === suggested ? ' · suggested' : ''),
    ...identifierDetail(c),
    column: c.name,
    buttons: [CHOOSE_FEATURES_BUTTON],
  });
  const first = columns.filter((c) => c.name === suggested);
  const likely = columns.filter((c) => c.name !== suggested && c.targetCandidate);
  const others = columns.filter((c) => c.name !== suggested && !c.targetCandidate);
  const items: Item[] = [...first.map(toItem), ...likely.map(toItem)];
  if (others.length > 0) {
    items.push({ label: 'Other columns', kind: vscode.QuickPickItemKind.Separator });
    items.push(...others.map(toItem));
  }

  const qp = createPick<Item>({
    title: vscode.l10n.t('Train on {0}: column to predict', fileName),
    placeholder: vscode.l10n.t('Pick the target column (the list button next to a column lets you choose the features)'),
    items,
    matchOnDescription: true,
  });
  const firstSelectable = qp.items.find((i) => i.column !== undefined);
  if (firstSelectable) qp.activeItems = [firstSelectable];

  return new Promise<TargetChoice | undefined>((resolve) => {
    let settled = false;
    const finish = (choice: TargetChoice | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(choice);
      qp.hide();
    };
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (item?.column !== undefined) finish({ target: item.column, chooseFeatures: false });
    });
    qp.onDidTriggerItemButton((e) => {
      if (e.item.column !== undefined) finish({ target: e.item.column, chooseFeatures: true });
    });
    qp.onDidHide(() => {
      finish(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/**
 * Multi-select of the feature columns (every column but the target). Columns the preparation would use
 * by default start selected; identifier-like ones start unselected with the reason shown.
 */
export async function pickFeatures(columns: ColumnInfo[], target: string): Promise<string[] | undefined> {
  type Item = PickItem & { column: string };
  const items: Item[] = columns
    .filter((c) => c.name !== target)
    .map((c) => ({
      label: c.name,
      description: columnDescription(c),
      ...identifierDetail(c),
      picked: c.identifier === null,
      column: c.name,
    }));
  const picked = await showPickMany(items, {
    title: vscode.l10n.t('Features to predict {0} from', quote(target)),
    placeHolder: vscode.l10n.t('Choose the feature columns (identifier-like columns are unselected by default)'),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  return picked.map((i) => i.column);
}

/** The detail of an identifier-like column: why it looks like one, after a "no" icon. */
function identifierDetail(c: ColumnInfo): Pick<PickItem, 'detail' | 'icons'> {
  return c.identifier ? { detail: c.identifier, icons: { detail: 'circle-slash' } } : {};
}

export function baseOf(uri: vscode.Uri): string {
  const parts = uri.path.split('/');
  return parts[parts.length - 1] || uri.path;
}
