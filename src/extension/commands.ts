/**
 * Every `logisticLab.*` command. Each one can be used from the UI (menus, palette, keys, webview
 * buttons) and programmatically through `vscode.commands.executeCommand`, returning a value:
 *
 * - `logisticLab.train(uri?, options?: TrainOptions)` → SessionState once the data is loaded
 *   (the run continues in the background; with `wait: true` it resolves after the run)
 * - `logisticLab.step()` → StepRecord of exactly one update
 * - `logisticLab.stepEpoch()`, `pause()`, `reset()`, `configure(config, autoRun?)` → SessionState
 * - `logisticLab.run()` → SessionState when the run ends (while a run is going: that run's promise)
 * - `logisticLab.compare()` → ComparisonRun[];  `sweep()` → RateSweepResult (final cost per learning rate);  `export(uri?)`, `predict(model?, csv?, out?)` → the written Uri
 * - `logisticLab.state()` → the current SessionState or undefined;  `closeSession()` → undefined (also forgets
 *   the session saved for window reloads)
 *
 * A failure is shown as an error notification (the engine's one-line message: what, where, what to do; made safe
 * by notify.ts since it quotes CSV data), written to the output channel and sent to the webviews; the command then
 * resolves undefined.
 */
import { stat } from 'node:fs/promises';
import { freemem } from 'node:os';
import * as vscode from 'vscode';
import { exactFitMethod, resolveConfig } from '../engine/config';
import { featureCountBound } from '../engine/prepare/dataset';
import type { PrepareOptions, StepRecord, TrainConfig } from '../engine/types';
import type { ComparisonRun, SessionState } from '../protocol';
import type { RateSweepResult } from '../engine/train/rate-sweep';
import { readPlayback, readPrepareOptions, readTrainConfig, SECTION } from './config';
import { DashboardPanel } from './dashboardPanel';
import type { Log } from './log';
import { loadMemory, type FileShape } from './memory';
import { setStatusMessage, showError, showInfo, showInput, showPick, showWarning } from './notify';
import { activeCsv, baseOf, pickCsv, pickFeatures, pickTarget } from './pickers';
import { quote, safeMessage } from './safeText';
import type { DescribedFile, SessionController } from './sessionController';
import type { WebviewHub } from './webviewHub';

/** Options of `logisticLab.train` for programs and tests (every field optional). */
export interface TrainOptions {
  /** Column to predict; skips the target picker. */
  target?: string;
  /** Feature columns; skips the feature picker. Identifier-like columns listed here are kept. */
  features?: string[];
  /** Columns to keep even if they look like identifiers. */
  include?: string[];
  /** Training settings over the `logisticLab.*` settings. */
  config?: Partial<TrainConfig>;
  /** Preparation settings over the `logisticLab.*` settings. */
  prepare?: Partial<Omit<PrepareOptions, 'target' | 'features' | 'include'>>;
  /** Start training right after loading (default true). */
  autoRun?: boolean;
  /** Resolve only after the automatic run ended (default false). */
  wait?: boolean;
  /** Open the dashboard (default true). */
  showDashboard?: boolean;
}

export const COMMAND_IDS = {
  train: 'logisticLab.train',
  trainFile: 'logisticLab.trainFile',
  step: 'logisticLab.step',
  stepEpoch: 'logisticLab.stepEpoch',
  stepBack: 'logisticLab.stepBack',
  trainMore: 'logisticLab.trainMore',
  goTo: 'logisticLab.goTo',
  run: 'logisticLab.run',
  pause: 'logisticLab.pause',
  reset: 'logisticLab.reset',
  showDashboard: 'logisticLab.showDashboard',
  compare: 'logisticLab.compare',
  sweep: 'logisticLab.sweep',
  export: 'logisticLab.export',
  predict: 'logisticLab.predict',
  configure: 'logisticLab.configure',
  fitOptimum: 'logisticLab.fitOptimum',
  openSample: 'logisticLab.openSample',
  closeSession: 'logisticLab.closeSession',
  state: 'logisticLab.state',
  showLog: 'logisticLab.showLog',
} as const;

export interface CommandDeps {
  extensionUri: vscode.Uri;
  controller: SessionController;
  hub: WebviewHub;
  log: Log;
  /** Called with every error shown to the user (tests read it through the extension's API). */
  onError: (message: string) => void;
}

/** A size in MB or GB. */
function megabytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
}

/**
 * Before a large CSV is read: when reading it would take more than FREE_MEMORY_SHARE of the free memory, ask
 * (Load Anyway / Cancel) instead of letting the machine swap. Resolves true to go on.
 */
async function enoughMemoryFor(file: string, fileName: string, shape: FileShape | null): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return true; // the worker reports a missing file with its own message
  }
  const { need, fits } = loadMemory(size, freemem(), shape);
  if (fits) return true;
  const loadAnyway = vscode.l10n.t('Load Anyway');
  const choice = await showWarning(
    vscode.l10n.t(
      '{0} is {1}: reading and preparing it needs about {2} of memory, and {3} are free. Close other programs or use a smaller sample of the file.',
      fileName, megabytes(size), megabytes(need), megabytes(freemem()),
    ),
    loadAnyway,
    vscode.l10n.t('Cancel'),
  );
  return choice === loadAnyway;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { controller, log } = deps;

  /** Runs a command body; shows, logs and broadcasts any failure and then resolves undefined. */
  const guarded =
    <A extends unknown[], R>(name: string, body: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await body(...args);
      } catch (err) {
        reportError(deps, name, err);
        return undefined;
      }
    };

  const showDashboard = (preserveFocus = false): void => {
    // After a window reload the saved session may still be waiting: the dashboard shows it.
    void controller.restorePending();
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    DashboardPanel.createOrShow(deps.extensionUri, deps.hub, {
      column: DashboardPanel.instance ? undefined : column,
      preserveFocus,
    });
  };

  /** Starts a run whose failure is reported (used after train/configure and from buttons). */
  const runInBackground = (): void => {
    controller.run().then(undefined, (err: unknown) => reportError(deps, 'Run', err));
  };

  const train = async (arg?: unknown, rawOptions?: unknown): Promise<SessionState | undefined> => {
    const options = parseTrainOptions(rawOptions);
    const uri = toUri(arg) ?? activeCsv() ?? (await pickCsv());
    if (!uri) return undefined;
    if (uri.scheme !== 'file') {
      throw new Error(vscode.l10n.t('{0} is not a file on disk; save it as a .csv file first and train on that file.', uri.toString()));
    }
    const file = uri.fsPath;
    const fileName = baseOf(uri);

    // Validate settings before reading a possibly large file.
    const config: Partial<TrainConfig> = { ...readTrainConfig(uri), ...options.config };
    resolveConfig(config);

    let target = options.target;
    let features = options.features;
    let include = options.include;
    let described: DescribedFile | null = null;
    if (target === undefined) {
      described = await controller.describe(file);
      log.info(`${fileName}: ${described.rows} rows, ${described.columns.length} columns`);
      const choice = await pickTarget(fileName, described.columns, described.suggested);
      if (!choice) return undefined;
      target = choice.target;
      const alwaysChoose = vscode.workspace.getConfiguration(SECTION, uri).get<boolean>('chooseFeatures') === true;
      if (features === undefined && (choice.chooseFeatures || alwaysChoose)) {
        features = await pickFeatures(described.columns, target);
        if (!features) return undefined;
        if (features.length === 0) throw new Error(vscode.l10n.t('No feature columns chosen; pick at least one column to learn from.'));
        // Columns the user picked explicitly are kept even if they look like identifiers.
        const flagged = new Set(described.columns.filter((c) => c.identifier !== null).map((c) => c.name));
        include = [...(include ?? []), ...features.filter((f) => flagged.has(f))];
      }
    }
    const prepare: PrepareOptions = { ...readPrepareOptions(uri), ...options.prepare, target };
    if (features !== undefined) prepare.features = features;
    if (include !== undefined && include.length > 0) prepare.include = include;

    // Described files: the memory their columns and features take; otherwise a multiple of the file's size.
    const shape: FileShape | null = described && {
      rows: described.rows,
      rowBytes: described.rowBytes,
      features: featureCountBound(described.columns, prepare),
    };
    if (!(await enoughMemoryFor(file, fileName, shape))) return undefined;
    const playback = readPlayback(uri);
    await controller.setSpeed(playback.updatesPerSecond);
    log.info(`Training on ${file} → target ${quote(target)}${features ? `, features ${features.map((f) => quote(f)).join(', ')}` : ''}`);
    // The dashboard opens at once and shows "Preparing …" with a spinner while a big file is read and prepared.
    if (options.showDashboard !== false) showDashboard(true);
    const state = await controller.load(file, prepare, config);
    log.preparationReport(state.dataset);
    // How the file was read when it was not plain UTF-8 numbers and text: decoding, decimal commas, non-finite values.
    if (state.dataset.notices.length > 0) {
      void showWarning(vscode.l10n.t('{0}: {1}', fileName, state.dataset.notices.join('; ')));
    }
    if (options.showDashboard !== false) showDashboard(true);
    if (options.autoRun === false) return state;
    if (playback.startPaused && options.wait !== true) {
      showStatus(state.iteration, vscode.l10n.t('Paused at iteration 0: Run (F5) trains, Step (F10) makes one update'));
      return state;
    }
    if (options.wait) return controller.run();
    runInBackground();
    return state;
  };

  /**
   * A short status-bar note about the last step, for the iteration it describes: replaced by the next note and
   * cleared as soon as the session is at another iteration (a run, a reset, another session).
   */
  let statusNote: { iteration: number; message: vscode.Disposable } | undefined;
  const showStatus = (iteration: number, text: string): void => {
    statusNote?.message.dispose();
    statusNote = { iteration, message: setStatusMessage(text, 4000) };
  };
  const clearStaleStatus = (iteration: number | undefined): void => {
    if (statusNote && statusNote.iteration !== iteration) {
      statusNote.message.dispose();
      statusNote = undefined;
    }
  };

  /** The dashboard shows the Step tab after every step the user makes, from whatever tab (F10 included). */
  const showStepTab = (): void => deps.hub.broadcast({ type: 'showStep' });

  const step = async (): Promise<StepRecord> => {
    const before = controller.state;
    const record = await controller.step();
    showStepTab();
    if (before?.done && !before.running) {
      // Stepping past the end is allowed (a learner may want one more look), but never silently.
      const more = vscode.l10n.t('Train More Epochs…');
      void showInfo(
        vscode.l10n.t('Training had finished ({0} epochs): this update went past the epoch budget.', before.config.epochs),
        more,
      ).then((choice) => {
        if (choice === more) void vscode.commands.executeCommand(ids.trainMore);
      });
    }
    showStatus(record.iteration, `Logistic Lab: iteration ${record.iteration} · batch loss ${fmt(record.lossBefore)} → ${fmt(record.lossAfter)}`);
    return record;
  };

  /** Train More Epochs…: raise the budget by N epochs (asked, default the current budget) and run on from here. */
  const trainMore = async (epochs?: unknown): Promise<SessionState | undefined> => {
    await controller.restorePending();
    let extra = typeof epochs === 'number' ? epochs : undefined;
    if (extra === undefined) {
      const current = controller.state?.config.epochs ?? 100;
      const typed = await showInput({
        title: vscode.l10n.t('Train more epochs'),
        prompt: vscode.l10n.t('How many more epochs (the weights are kept; the budget is now {0})', current),
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 ? null : vscode.l10n.t('A whole number ≥ 1, e.g. {0}', current)),
      });
      if (typed === undefined) return undefined;
      extra = Number(typed.trim());
    }
    const state = await controller.extend(extra);
    runInBackground();
    return state;
  };

  const stepBack = async (): Promise<StepRecord | null> => {
    const record = await controller.stepBack();
    showStepTab();
    const it = controller.state?.iteration ?? 0;
    showStatus(it, vscode.l10n.t('Logistic Lab: back to iteration {0}', it));
    return record;
  };

  const goTo = async (iteration?: unknown): Promise<SessionState | undefined> => {
    let target = typeof iteration === 'number' ? iteration : undefined;
    if (target === undefined) {
      const furthest = controller.state?.furthestIteration ?? 0;
      const typed = await showInput({
        title: vscode.l10n.t('Go to iteration'),
        prompt: vscode.l10n.t('A whole number from 0 to {0}', furthest),
        validateInput: (v) => (/^\d+$/.test(v.trim()) ? null : vscode.l10n.t('A whole number, e.g. 10')),
      });
      if (typed === undefined) return undefined;
      target = Number(typed.trim());
    }
    const state = await controller.goTo(target);
    showStepTab();
    return state;
  };

  const stepEpoch = async (): Promise<SessionState> => {
    const state = await controller.stepEpoch();
    showStatus(state.iteration, `Logistic Lab: epoch ${state.epoch} · iteration ${state.iteration}`);
    return state;
  };

  const run = async (): Promise<SessionState> => {
    await controller.restorePending();
    const s = controller.state;
    if (s && s.done && !controller.running) {
      const more = vscode.l10n.t('Train More Epochs…');
      void showInfo(
        vscode.l10n.t('Training already finished ({0} epochs). Train more epochs from here, reset the weights, or change the settings.', s.config.epochs),
        more,
      ).then((choice) => {
        if (choice === more) void vscode.commands.executeCommand(ids.trainMore);
      });
      return s;
    }
    return controller.run();
  };

  const configure = async (
    config?: Partial<TrainConfig>, autoRun = true, keepWeights = false, prepare?: Partial<PrepareOptions>,
  ): Promise<SessionState> => {
    if (config === undefined) {
      await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:logistic-lab.logistic-regression-lab`);
      return controller.state ?? Promise.reject(new Error(vscode.l10n.t('No training session yet.')));
    }
    await controller.restorePending();
    resolveConfig({ ...(controller.state?.config ?? {}), ...config });
    // Other preparation settings (test size, seed, standardisation): the file is prepared again and training restarts.
    const state = prepare && Object.keys(prepare).length > 0
      ? await controller.reprepare(prepare, config)
      : await controller.configure(config, keepWeights);
    if (autoRun) runInBackground();
    return state;
  };

  /**
   * Fit optimum: re-train the same data with the exact fit (Newton, or L-BFGS when the Newton Hessian would be too
   * large) on the cross-entropy, so the model is the optimum W* — about 10 updates, each one shown in the step panel.
   */
  const fitOptimum = async (): Promise<SessionState> => {
    await controller.restorePending();
    const ds = controller.state?.dataset;
    if (!ds) throw new Error(vscode.l10n.t('No training session yet: train on a CSV first.'));
    const k = ds.classes.length === 2 ? 1 : ds.classes.length;
    return configure({ optimizer: exactFitMethod(k * (ds.featureNames.length + 1)), loss: 'bce' });
  };

  /** Open a Sample CSV…: one of the bundled data sets in an editor (the Get Started walkthrough's first step). */
  const openSample = async (): Promise<vscode.Uri | undefined> => {
    const samples = [
      { label: 'titanic.csv', description: vscode.l10n.t('predict Survived: numbers, categories and missing values'), file: 'titanic.csv' },
      { label: 'iris.csv', description: vscode.l10n.t('three species: softmax regression'), file: 'iris.csv' },
      { label: 'digits.csv', description: vscode.l10n.t('handwritten digits, 8×8 pixels: one weight image per digit'), file: 'digits.csv' },
    ];
    const picked = await showPick(samples, { placeHolder: vscode.l10n.t('Open a sample CSV (then Train on CSV…)') });
    if (!picked) return undefined;
    const uri = vscode.Uri.joinPath(deps.extensionUri, 'samples', picked.file);
    await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  };

  const compare = async (): Promise<ComparisonRun[]> => {
    if (!DashboardPanel.instance) showDashboard(true);
    return controller.compare();
  };

  const sweep = async (): Promise<RateSweepResult> => {
    if (!DashboardPanel.instance) showDashboard(true);
    return controller.sweep();
  };

  const exportModel = async (target?: unknown): Promise<vscode.Uri | undefined> => {
    const json = await controller.exportModel();
    let uri = toUri(target);
    if (!uri) {
      const source = controller.state?.dataset.filePath;
      const defaultUri = source
        ? vscode.Uri.file(source.replace(/\.csv$/i, '') + '.model.json')
        : vscode.workspace.workspaceFolders?.[0]?.uri;
      uri = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export the model (weights and preprocessing) as JSON'),
        defaultUri,
        filters: { 'Model JSON': ['json'] },
      });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(json));
      log.info(`Model exported to ${uri.fsPath}`);
      const open = vscode.l10n.t('Open');
      void showInfo(vscode.l10n.t('Model saved to {0}.', baseOf(uri)), open).then((choice) => {
        if (choice === open && uri) void vscode.window.showTextDocument(uri);
      });
      return uri;
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(json));
    log.info(`Model exported to ${uri.fsPath}`);
    return uri;
  };

  const predict = async (modelArg?: unknown, csvArg?: unknown, outArg?: unknown): Promise<vscode.Uri | undefined> => {
    const interactive = outArg === undefined;
    const modelUri =
      toUri(modelArg) ??
      (
        await vscode.window.showOpenDialog({
          title: vscode.l10n.t('Choose a model exported by Logistic Regression Lab'),
          canSelectMany: false,
          filters: { 'Model JSON': ['json'] },
        })
      )?.[0];
    if (!modelUri) return undefined;
    const csvUri =
      toUri(csvArg) ??
      (
        await vscode.window.showOpenDialog({
          title: vscode.l10n.t('Choose the CSV file to predict'),
          canSelectMany: false,
          filters: { 'CSV files': ['csv'] },
          defaultUri: vscode.Uri.joinPath(modelUri, '..'),
        })
      )?.[0];
    if (!csvUri) return undefined;
    if (csvUri.scheme !== 'file') throw new Error(vscode.l10n.t('{0} is not a file on disk; save it as a .csv file first.', csvUri.toString()));
    if (modelUri.scheme !== 'file') {
      throw new Error(vscode.l10n.t('{0} is not a file on disk; save the model as a .json file first.', modelUri.toString()));
    }
    // The worker reads and parses the model file: a large model never blocks the extension host's thread.
    const result = await controller.predict(modelUri.fsPath, csvUri.fsPath);
    const outUri =
      toUri(outArg) ??
      (await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save the predictions as CSV'),
        defaultUri: vscode.Uri.file(csvUri.fsPath.replace(/\.csv$/i, '') + '.predictions.csv'),
        filters: { 'CSV files': ['csv'] },
      }));
    if (!outUri) return undefined;
    await vscode.workspace.fs.writeFile(outUri, new TextEncoder().encode(result.csv));
    log.info(`Predicted ${result.rows} rows of ${csvUri.fsPath} with ${modelUri.fsPath} → ${outUri.fsPath}`);
    if (interactive) await vscode.window.showTextDocument(outUri, { preview: false });
    return outUri;
  };

  const ids = COMMAND_IDS;
  return [
    controller.onProgress((p) => clearStaleStatus(p.iteration)),
    controller.onDidChangeState((state) => clearStaleStatus(state?.iteration)),
    { dispose: () => statusNote?.message.dispose() },
    vscode.commands.registerCommand(ids.train, guarded('Train', train)),
    vscode.commands.registerCommand(ids.trainFile, guarded('Train', train)),
    vscode.commands.registerCommand(ids.step, guarded('Step', step)),
    vscode.commands.registerCommand(ids.stepEpoch, guarded('Step epoch', stepEpoch)),
    vscode.commands.registerCommand(ids.stepBack, guarded('Step back', stepBack)),
    vscode.commands.registerCommand(ids.trainMore, guarded('Train more epochs', trainMore)),
    vscode.commands.registerCommand(ids.goTo, guarded('Go to iteration', goTo)),
    vscode.commands.registerCommand(ids.run, guarded('Run', run)),
    vscode.commands.registerCommand(
      ids.pause,
      guarded('Pause', () => controller.pause()),
    ),
    vscode.commands.registerCommand(
      ids.reset,
      guarded('Reset', () => controller.reset()),
    ),
    vscode.commands.registerCommand(
      ids.showDashboard,
      guarded('Show dashboard', async () => {
        showDashboard(false);
      }),
    ),
    vscode.commands.registerCommand(ids.compare, guarded('Compare', compare)),
    vscode.commands.registerCommand(ids.sweep, guarded('Sweep the learning rate', sweep)),
    vscode.commands.registerCommand(ids.fitOptimum, guarded('Fit optimum', fitOptimum)),
    vscode.commands.registerCommand(ids.openSample, guarded('Open sample', openSample)),
    vscode.commands.registerCommand(ids.export, guarded('Export', exportModel)),
    vscode.commands.registerCommand(ids.predict, guarded('Predict', predict)),
    vscode.commands.registerCommand(
      ids.configure,
      guarded('Configure', (config?: unknown, autoRun?: unknown, keepWeights?: unknown, prepare?: unknown) =>
        configure(
          config === undefined ? undefined : (config as Partial<TrainConfig>), autoRun !== false, keepWeights === true,
          typeof prepare === 'object' && prepare !== null ? (prepare as Partial<PrepareOptions>) : undefined,
        ),
      ),
    ),
    vscode.commands.registerCommand(
      ids.closeSession,
      guarded('Close session', () => controller.close()),
    ),
    vscode.commands.registerCommand(
      ids.state,
      guarded('State', () => controller.refresh()),
    ),
    vscode.commands.registerCommand(ids.showLog, () => log.show()),
  ];
}

/**
 * Shows, logs and broadcasts a failure. LabError/worker messages are already user-facing sentences, but they quote
 * CSV data verbatim: what is shown, recorded and broadcast is the safe form of the message (safeText.ts).
 */
export function reportError(deps: Pick<CommandDeps, 'log' | 'hub' | 'onError'>, what: string, err: unknown): void {
  const message = safeMessage(errorMessage(err));
  const details = errorDetails(err);
  deps.log.error(`${what} failed${details}: ${message}`);
  deps.hub.broadcast({ type: 'error', message });
  deps.onError(message);
  // A binary file (an archive renamed .csv) has no line to go to: opening it in a text editor helps nobody.
  const binary = typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'binary-file';
  const where = binary ? undefined : sourceLine(err);
  const actions = where ? ['Go to Line', 'Show Log'] : ['Show Log'];
  void showError(message, ...actions).then((choice) => {
    if (choice === 'Show Log') deps.log.show();
    if (choice === 'Go to Line' && where) {
      const pos = new vscode.Position(where.line - 1, 0);
      void vscode.window.showTextDocument(vscode.Uri.file(where.file), { selection: new vscode.Range(pos, pos) });
    }
  });
}

/** The file and 1-based line an error points at, when it has both. */
function sourceLine(err: unknown): { file: string; line: number } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const loc = (err as { location?: { file?: unknown; line?: unknown } }).location;
  if (loc && typeof loc.file === 'string' && typeof loc.line === 'number' && loc.line >= 1) {
    return { file: loc.file, line: loc.line };
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** " [code] (file:line, column 'x')" when the error carries them. */
function errorDetails(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const e = err as { code?: unknown; location?: { file?: string; line?: number; columnName?: string; column?: number } };
  const parts: string[] = [];
  if (typeof e.code === 'string') parts.push(`[${e.code}]`);
  const loc = e.location;
  if (loc && (loc.file || loc.line !== undefined || loc.columnName)) {
    const where = [
      loc.file ? loc.file + (loc.line !== undefined ? `:${loc.line}` : '') : loc.line !== undefined ? `line ${loc.line}` : '',
      loc.columnName ? `column ${quote(loc.columnName)}` : loc.column !== undefined ? `column ${loc.column + 1}` : '',
    ].filter((s) => s !== '');
    parts.push(`(${where.join(', ')})`);
  }
  return parts.length > 0 ? ' ' + parts.join(' ') : '';
}

/** A Uri from a command argument: a Uri, a path string, or nothing (menus also pass other objects). */
export function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return /^[a-z][\w+.-]*:\/\//i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return undefined;
}

/** Keeps the known fields of a `train` options argument (menus pass unrelated second arguments). */
export function parseTrainOptions(raw: unknown): TrainOptions {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof vscode.Uri) return {};
  const r = raw as Record<string, unknown>;
  const out: TrainOptions = {};
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
  const object = <T>(v: unknown): T | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as T) : undefined;
  if (typeof r.target === 'string') out.target = r.target;
  if (strings(r.features)) out.features = strings(r.features);
  if (strings(r.include)) out.include = strings(r.include);
  if (object(r.config)) out.config = object<Partial<TrainConfig>>(r.config);
  if (object(r.prepare)) out.prepare = object<TrainOptions['prepare']>(r.prepare);
  if (typeof r.autoRun === 'boolean') out.autoRun = r.autoRun;
  if (typeof r.wait === 'boolean') out.wait = r.wait;
  if (typeof r.showDashboard === 'boolean') out.showDashboard = r.showDashboard;
  return out;
}

/** A loss value for the status bar (4 significant digits). */
function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : '—';
}
