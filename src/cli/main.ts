#!/usr/bin/env node
/**
 * logistic-lab — the headless command line of Logistic Regression Lab, on the same engine as the extension.
 *
 *   logistic-lab train <csv> [--target COL] [options] [--test-size F | --test-file F.csv] [--json] [--out model.json]
 *   logistic-lab predict <model.json> <csv> [--out predictions.csv] [--json]
 *   logistic-lab --help
 *
 * The options of train are the settings of the settings schema (src/engine/settings-schema.ts) that have a
 * flag: --lr, --epochs, --batch-size, --optimizer, --loss, --l2, --test-size, --seed, --no-standardize,
 * --threshold, --momentum, --beta1, --beta2, --epsilon, --class-weight, --tolerance, --init, --log-every,
 * --missing-indicators, --numeric-impute, --encoding, --categorical-impute, --max-levels; `--help` lists
 * them with their defaults.
 *
 * Bad input exits with code 2 and one line on stderr naming the file, row/column and the fix. Outputs are
 * written atomically (the old file or the whole new one, never a part) and never over an input file. Text
 * from the user's files is printed through `printable` (no terminal control sequences), JSON through
 * `jsonText`.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readCsvFile } from '../engine/node/csv-file';
import { chooseKernel, releaseKernel } from '../engine/node/kernel-choice';
import { loadDataset } from '../engine/node/load';
import { applyPreprocessing, suggestTarget } from '../engine/prepare/dataset';
import { checkOutputPath, sameFile, writeFileAtomic } from '../engine/node/file-output';
import { fileSystemError, isFsError, operationOf } from '../engine/node/fs-errors';
import { evaluateModel, parseModel, predictTable, predictionsToCsv, serializeModel } from '../engine/model/model-io';
import { TrainingSession } from '../engine/train/session';
import { resolveConfig } from '../engine/config';
import { booleanFlagValue, PREPARE_DEFAULTS, SETTINGS, settingProblem, settingsValue, type AnySetting } from '../engine/settings-schema';
import { optimumAffordable } from '../engine/solve/solver';
import { LabError, matricesOf } from '../engine/types';
import type { ConfusionMetrics, HistoryPoint, PrepareOptions, PreparedDataset, TrainConfig } from '../engine/types';
import { formatReport, textCurve } from './format';
import { jsonText, printable, printableLines } from './terminal-text';

/** The value a flag takes, for --help: the choices of an enum, N for whole numbers, X for other numbers. */
function flagValue(s: AnySetting): string {
  if (s.type === 'enum') return s.choices.map((c) => c.value).join('|');
  if (s.type === 'boolean') return '';
  return s.type === 'integer' ? 'N' : 'X';
}

/** The settings with a flag of `train`, in the Settings editor's order. */
const FLAG_SETTINGS = SETTINGS.filter((s): s is AnySetting & { flag: string } => s.flag !== undefined);

/** One line per option of `train`: the flag, what it sets, its default and bounds (all from the settings schema). */
function trainOptionLines(): string[] {
  const rows: Array<[string, string]> = [
    ['--target COL', 'column to predict (default: a column named like a label, else the last one with few values)'],
  ];
  for (const s of FLAG_SETTINGS) {
    const value = flagValue(s);
    const meaning = s.description.replace(/`/g, '');
    let tail: string;
    if (s.type === 'boolean') tail = `Sets ${s.label} ${booleanFlagValue(s) ? 'on' : 'off'} (default ${s.default ? 'on' : 'off'}).`;
    else if (s.type === 'enum') tail = `Default ${String(settingsValue(s, s.default))}.`;
    else tail = `Default ${s.default}; ${s.must}.`;
    rows.push([`--${s.flag}${value ? ' ' + value : ''}`, `${meaning} ${tail}`]);
  }
  rows.push(
    ['--test-file F.csv', 'evaluate on another CSV: no split is made, the preprocessing is fitted on the training file only (excludes --test-size)'],
    ['--json', 'print one JSON object'],
    ['--out model.json', 'write the model with its preprocessing'],
  );
  // A flag longer than the column gets a line of its own (the enums' lists of choices).
  const width = 24;
  return rows.flatMap(([flag, text]) =>
    flag.length + 2 <= width ? [`  ${flag.padEnd(width)}${text}`] : [`  ${flag}`, `  ${' '.repeat(width)}${text}`]);
}

const USAGE = `Usage:
  logistic-lab train <csv> [--target COL] [options] [--test-size F | --test-file F.csv] [--json] [--out model.json]
  logistic-lab predict <model.json> <csv> [--out predictions.csv] [--json]
  logistic-lab --help    every option of train, with its default`;

/** --help: the usage and every option of train (the same settings as logisticLab.* in VS Code). */
const HELP = `${USAGE}

Options of train (the settings logisticLab.* of VS Code):
${trainOptionLines().join('\n')}

Options of predict:
  --out predictions.csv   write the predictions as CSV (otherwise they go to standard output)
  --json                  print one JSON object (with accuracy and log loss when the CSV has the target)`;

/** A usage mistake: printed with the usage text, exit code 2. */
class UsageError extends Error {}

/** Parses a numeric option, or throws a UsageError naming it. */
function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name} needs a number (got '${v}')`);
  return x;
}

/** One split's summary for --json. */
function splitJson(c: ConfusionMetrics, loss: number): { loss: number; accuracy: number; confusion: number[][] } {
  return { loss, accuracy: c.accuracy, confusion: c.matrix };
}

/**
 * Refuses an --out that is one of the inputs (same path after resolving links, or the same inode): LabError
 * 'bad-config' before anything is read or written, so an input is never overwritten. Also refuses, before the
 * work, an --out that is a folder or lies in a missing folder (`checkOutputPath`).
 */
function checkOut(out: string | undefined, example: string, inputs: Array<[path: string | undefined, which: string]>): void {
  if (out === undefined) return;
  for (const [path, which] of inputs) {
    if (path !== undefined && sameFile(out, path)) {
      throw new LabError('bad-config', `--out ${out} is the input ${which}; choose another file`, { file: out });
    }
  }
  checkOutputPath(out, example);
}

/** A name → value object without a prototype: keys such as `__proto__` or `constructor` are plain keys. */
function nameMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A confusion matrix as aligned lines; class labels made printable before they are measured. */
function confusionLines(classes: string[], matrix: number[][]): string[] {
  const names = classes.map(printable);
  const width = Math.max(8, ...names.map((s) => s.length + 2));
  return [
    '  actual \\ predicted'.padEnd(22) + names.map((s) => s.padStart(width)).join(''),
    ...matrix.map((row, i) => ('  ' + names[i]).padEnd(22) + row.map((v) => String(v).padStart(width)).join('')),
  ];
}

/** The final train/test objective values: the last history point. */
function lastPoint(h: HistoryPoint[]): HistoryPoint | undefined {
  return h.length > 0 ? h[h.length - 1] : undefined;
}

function train(argv: string[]): number {
  // The settings' flags come from the settings schema: a string for numbers and choices, a boolean switch otherwise.
  const options: NonNullable<ParseArgsConfig['options']> = {
    target: { type: 'string' },
    'test-file': { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
  };
  for (const s of FLAG_SETTINGS) options[s.flag] = { type: s.type === 'boolean' ? 'boolean' : 'string' };
  const parsed = parseArgs({ args: argv, allowPositionals: true, options });
  const positionals = parsed.positionals;
  const text = (name: string): string | undefined => {
    const v = parsed.values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const values = { target: text('target'), out: text('out'), 'test-file': text('test-file'), json: parsed.values.json === true };
  if (positionals.length !== 1) throw new UsageError('train takes exactly one CSV file');
  const file = positionals[0];
  checkOut(values.out, 'model.json', [[file, 'CSV file'], [values['test-file'], 'test file']]);
  const testFile = values['test-file'];
  if (testFile !== undefined && text('test-size') !== undefined) {
    throw new UsageError('--test-file and --test-size exclude each other (a test file replaces the split)');
  }
  // Each flag's value goes to the training settings, the preparation options or both (the seed), as the schema says.
  const config: Record<string, unknown> = {};
  const prepare: Record<string, unknown> = {};
  for (const s of FLAG_SETTINGS) {
    let value: unknown;
    if (s.type === 'boolean') value = parsed.values[s.flag] === true ? booleanFlagValue(s) : undefined;
    else if (s.type === 'enum') value = text(s.flag);
    else value = num(s.flag, text(s.flag));
    if (value === undefined) continue;
    const problem = settingProblem(s, value);
    if (problem !== null) throw new LabError('bad-config', problem);
    if (s.group !== 'prepare') config[s.key] = value;
    if (s.group !== 'train') prepare[s.key] = value;
  }
  if (testFile !== undefined) prepare.testSize = 0;
  // Bad settings are reported before the file is read (resolveConfig: the rules between fields too).
  resolveConfig(config as Partial<TrainConfig>);
  const prepareOptions = prepare as Omit<PrepareOptions, 'target'>;
  const t0 = performance.now();
  // Without --target the file is read to suggest one (and that table is prepared, not read again).
  const table = values.target === undefined ? readCsvFile(file) : null;
  const tableSeconds = (performance.now() - t0) / 1000;
  const target = values.target ?? (table ? suggestTarget(table) : null);
  if (target === null || table === null && values.target === undefined) {
    throw new LabError(
      'unknown-target',
      `${basename(file)}: no column looks like a target; name it with --target (columns: ${(table?.columns ?? []).map((c) => c.name).join(', ')})`,
      { file },
    );
  }
  // The extension's kernels (WebAssembly SIMD on threads where available; released before the report), chosen
  // first so that the file is prepared into their memory, as in the extension's worker.
  const kernel = chooseKernel();
  // The extension's way to read and prepare a file (loadDataset): the same file and settings give the same model.
  const loaded = loadDataset(file, { ...prepareOptions, target }, { table, store: matricesOf(kernel) });
  for (const n of loaded.notices) process.stderr.write(`logistic-lab: note: ${printable(`${basename(file)}: ${n}`)}\n`);
  const data: PreparedDataset = loaded.data;
  const readSeconds = tableSeconds + loaded.readSeconds;
  if (testFile !== undefined) {
    // Preprocessing fitted on the training file only, applied to the test file (its labels must be known classes).
    const testTable = readCsvFile(testFile);
    for (const n of testTable.notices ?? []) process.stderr.write(`logistic-lab: note: ${printable(`${basename(testFile)}: ${n}`)}\n`);
    const applied = applyPreprocessing(data.preprocessing, testTable, data.classes, testFile, matricesOf(kernel));
    if (!applied.y) {
      throw new LabError('unknown-target', `${basename(testFile)} has no column '${data.target}' to test against; add it or drop --test-file`, { file: testFile });
    }
    data.test = { X: applied.X, y: applied.y, m: applied.m, sourceRows: Int32Array.from({ length: applied.m }, (_, i) => i) };
  }
  const k = data.classes.length === 2 ? 1 : data.classes.length;
  const session = new TrainingSession(data, config as Partial<TrainConfig>, { kernel, computeOptimum: optimumAffordable(data.train.m, data.n, k) });
  // The exact optimum (for J − J*, the verdict and the table beside the model) is timed apart from the fit.
  const tOpt = performance.now();
  if (optimumAffordable(data.train.m, data.n, k)) session.optimum();
  const optimumSeconds = (performance.now() - tOpt) / 1000;
  const tFit = performance.now();
  let diverged: LabError | null = null;
  try {
    while (!session.done) session.run(1_000_000);
  } catch (e) {
    // Divergence: one error line (exit 2); with --json the report is printed as well, with the verdict 'diverged'.
    releaseKernel(kernel);
    if (!(e instanceof LabError && e.code === 'divergence') || !values.json) throw e;
    diverged = e;
  }
  const fitSeconds = (performance.now() - tFit) / 1000;
  const history = session.history();
  const trainM = session.evaluate('train');
  const testM = data.test.m > 0 ? session.evaluate('test') : null;
  const last = lastPoint(history);
  const verdict = session.convergence();
  const optimum = session.optimumSummary();
  const baseline = session.baseline();
  const model = session.exportModel();
  if (values.out) writeFileAtomic(values.out, serializeModel(model), 'model.json');

  if (values.json) {
    const { W, b, k } = session.weights();
    const n = data.n;
    const labels = k === 1 ? [data.classes[1]] : data.classes;
    // Null-prototype maps: a class or column named __proto__, constructor or toString is an ordinary key.
    const weights = nameMap<Record<string, number>>();
    const bias = nameMap<number>();
    labels.forEach((cls, c) => {
      const row = nameMap<number>();
      data.featureNames.forEach((f, j) => (row[f] = W[c * n + j]));
      weights[cls] = row;
      bias[cls] = b[c];
    });
    const dropped = nameMap<string>();
    for (const r of data.report) if (r.action === 'dropped') dropped[r.name] = r.reason ?? 'dropped';
    const out = {
      file: basename(file),
      rows: data.rows,
      target: data.target,
      classes: data.classes,
      kind: k === 1 ? 'binary' : 'softmax',
      features: data.featureNames,
      dropped,
      report: data.report,
      config: session.config,
      encoding: prepareOptions.encoding ?? PREPARE_DEFAULTS.encoding,
      testFile: testFile ?? null,
      timings: { readSeconds, prepareSeconds: loaded.prepareSeconds, fitSeconds, optimumSeconds, kernel: kernel.name },
      train: { ...splitJson(trainM, trainM.logLoss), cost: last?.trainCost ?? null },
      test: testM ? splitJson(testM, testM.logLoss) : null,
      convergence: {
        verdict: verdict.verdict,
        gradNorm: verdict.gradNorm,
        lossGap: verdict.lossGap,
        stableLearningRate: verdict.stableRate,
        suggestedLearningRate: verdict.suggestedRate,
        headline: verdict.headline,
        advice: verdict.advice,
      },
      optimum: optimum
        ? {
            cost: optimum.cost,
            trainLoss: optimum.trainLoss,
            testLoss: optimum.testLoss,
            trainAccuracy: optimum.trainAccuracy,
            testAccuracy: optimum.testAccuracy,
            unique: optimum.unique,
          }
        : null,
      baseline: {
        majorityClass: baseline.majorityClass,
        trainAccuracy: baseline.trainAccuracy,
        testAccuracy: baseline.testAccuracy,
        trainLoss: baseline.trainLoss,
        testLoss: baseline.testLoss,
      },
      weights,
      bias,
      iterations: session.iteration,
      epochs: session.epoch,
      history: history.map((h) => ({
        iteration: h.iteration,
        epoch: h.epoch,
        trainCost: h.trainCost,
        gap: h.gap,
        trainLoss: h.trainLoss,
        testLoss: h.testLoss,
        trainAccuracy: h.trainAccuracy,
        testAccuracy: h.testAccuracy,
      })),
      model: values.out ?? null,
    };
    process.stdout.write(jsonText(out) + '\n');
    releaseKernel(kernel);
    if (diverged) {
      process.stderr.write(`logistic-lab: ${printable(diverged.message)}\n`);
      return 2;
    }
    return 0;
  }

  // Every line goes through printable: names, labels and file names come from the user's files.
  const w = (s: string): boolean => process.stdout.write(printable(s) + '\n');
  w(`Logistic Regression Lab — ${basename(file)}: ${data.rows} rows, target '${data.target}', classes ${data.classes.join(' / ')}`);
  w(`${data.classes.length === 2 ? 'Sigmoid + binary cross-entropy' : `Softmax + cross-entropy over ${data.classes.length} classes`}` +
    `${session.config.loss === 'mse' ? ' (trained with MSE for comparison)' : ''}; ${data.n} features; train ${data.train.m} rows, test ${data.test.m} rows`);
  w('');
  for (const line of formatReport(data.report).split('\n')) w(line);
  w('');
  const method = session.config.optimizer === 'newton' || session.config.optimizer === 'lbfgs'
    ? session.config.optimizer
    : `${session.config.optimizer}, α = ${session.config.learningRate}`;
  w(`Log loss per iteration (${method}, ${session.iteration} updates, ${session.epoch} epochs):`);
  for (const line of textCurve(history).split('\n')) w(line);
  w('');
  w(`Verdict: ${verdict.verdict.toUpperCase()} — ${verdict.advice}`);
  w(`  ‖∇J‖ = ${verdict.gradNorm.toPrecision(3)}` + (verdict.lossGap !== null ? `, J − J* = ${verdict.lossGap.toPrecision(3)}` : ''));
  w('');
  const show = (name: string, c: ConfusionMetrics, loss: number | null | undefined): void => {
    w(`${name}: accuracy ${(c.accuracy * 100).toFixed(2)} %, loss ${loss == null ? '—' : loss.toFixed(5)}, macro F1 ${c.macroF1.toFixed(4)}` +
      (c.auc !== undefined ? `, AUC ${c.auc.toFixed(4)}` : ''));
    for (const l of confusionLines(c.classes, c.matrix)) w(l);
  };
  show('Train', trainM, trainM.logLoss);
  if (testM) show(testFile !== undefined ? `Test (${basename(testFile)})` : 'Test', testM, testM.logLoss);
  w('');
  const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(2)} %`);
  const dec = (x: number | null): string => (x === null ? '—' : x.toFixed(5));
  w('Beside this model:'.padEnd(34) + 'train loss   test loss   train acc    test acc');
  const line = (name: string, trL: number | null, teL: number | null, trA: number | null, teA: number | null): void => {
    w(`  ${name}`.padEnd(34) + `${dec(trL).padStart(10)}  ${dec(teL).padStart(10)}  ${pct(trA).padStart(10)}  ${pct(teA).padStart(10)}`);
  };
  line('this model', trainM.logLoss, testM?.logLoss ?? null, trainM.accuracy, testM?.accuracy ?? null);
  if (optimum) line('optimum W* (exact fit)', optimum.trainLoss, optimum.testLoss, optimum.trainAccuracy, optimum.testAccuracy);
  else w('  optimum W* (exact fit)'.padEnd(34) + (session.config.loss !== 'bce' ? 'not computed for the MSE loss' : 'not computed (no finite optimum, or too costly for these data)'));
  line(`majority class '${baseline.majorityClass}'`, baseline.trainLoss, baseline.testLoss, baseline.trainAccuracy, baseline.testAccuracy);
  // A blank line, then the line: `w` shows control characters (a newline too) as visible escapes.
  if (values.out) {
    w('');
    w(`Model written to ${values.out}`);
  }
  w('');
  w(`Times: read ${readSeconds.toFixed(2)} s, prepare ${loaded.prepareSeconds.toFixed(2)} s, ` +
    `fit ${fitSeconds.toFixed(2)} s, optimum ${optimumSeconds.toFixed(2)} s`);
  releaseKernel(kernel);
  return 0;
}

/**
 * The text of a model file; LabError 'file-not-found' (via fileSystemError) when it is missing, a folder,
 * unreadable or not a regular file (a FIFO or a device would never end).
 */
function readModelText(path: string): string {
  try {
    const st = statSync(path);
    if (!st.isFile() && !st.isDirectory()) {
      throw new LabError('file-not-found', `${path} is not a regular file; give the model .json file written by 'logistic-lab train --out'`, { file: path });
    }
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (isFsError(e) && e.code === 'ENOENT') {
      throw new LabError('file-not-found', `${path}: model file not found; train one with 'logistic-lab train <csv> --out ${path}'`, { file: path });
    }
    throw fileSystemError(e, path, 'read', 'model file') ?? e;
  }
}

function predict(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 2) throw new UsageError('predict takes a model file and a CSV file');
  const [modelFile, csvFile] = positionals;
  checkOut(values.out, 'predictions.csv', [[modelFile, 'model file'], [csvFile, 'CSV file']]);
  const model = parseModel(readModelText(modelFile), modelFile);
  const table = readCsvFile(csvFile);
  for (const n of table.notices ?? []) process.stderr.write(`logistic-lab: note: ${printable(`${basename(csvFile)}: ${n}`)}\n`);
  const result = predictTable(model, table, csvFile);
  const csv = predictionsToCsv(table, model, result);
  // A CSV that has the target column: how well the model does on it (log loss from the scores, as in training).
  const hasTarget = table.columns.some((c) => c.name === model.target);
  let metrics: ConfusionMetrics | null = null;
  if (hasTarget) {
    // The kernels training uses, so the accuracy and log loss are train's numbers to the last digit.
    const kernel = chooseKernel();
    const applied = applyPreprocessing(model.preprocessing, table, model.classes, csvFile, matricesOf(kernel));
    if (applied.y) metrics = evaluateModel(model, applied.X, applied.y, applied.m, kernel);
    releaseKernel(kernel);
  }
  if (values.out) writeFileAtomic(values.out, csv, 'predictions.csv');
  if (values.json) {
    const out = {
      file: basename(csvFile),
      rows: table.rowCount,
      target: model.target,
      predictions: values.out ?? null,
      metrics: metrics
        ? { accuracy: metrics.accuracy, loss: metrics.logLoss, confusion: metrics.matrix, classes: metrics.classes, macroF1: metrics.macroF1 }
        : null,
    };
    process.stdout.write(jsonText(out) + '\n');
    return 0;
  }
  if (values.out) process.stdout.write(`${table.rowCount} predictions written to ${printable(values.out)}\n`);
  // The CSV itself is data: byte-exact when piped or redirected, made printable only when shown on a terminal.
  else process.stdout.write(process.stdout.isTTY ? printableLines(csv) : csv);
  if (metrics) {
    // Beside a CSV on standard output the metrics go to standard error, so the CSV stays clean.
    const stream = values.out ? process.stdout : process.stderr;
    const w = (s: string): boolean => stream.write(printable(s) + '\n');
    w(`${basename(csvFile)} has the target '${model.target}': accuracy ${(metrics.accuracy * 100).toFixed(2)} %, log loss ${metrics.logLoss.toFixed(5)}, macro F1 ${metrics.macroF1.toFixed(4)}`);
    for (const l of confusionLines(metrics.classes, metrics.matrix)) w(l);
  }
  return 0;
}

/** Runs the CLI and returns the exit code. */
export function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'train':
        return train(rest);
      case 'predict':
        return predict(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write((cmd === undefined ? USAGE : HELP) + '\n');
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    // Error lines quote names, cells and paths from the user's files: printable, one line each.
    const fsError = e instanceof LabError ? e : isFsError(e) ? fileSystemError(e, e.path ?? 'a file', operationOf(e)) : null;
    if (fsError) {
      process.stderr.write(`logistic-lab: ${printable(fsError.message)}\n`);
      return 2;
    }
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`logistic-lab: ${printable(e.message)}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`logistic-lab: internal error: ${printableLines(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
