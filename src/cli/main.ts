#!/usr/bin/env node
/**
 * logistic-lab — the headless command line of Logistic Regression Lab, on the same engine as the extension.
 *
 *   logistic-lab train <csv> [--target COL] [--lr A] [--epochs N] [--batch-size B] [--optimizer gd|sgd|momentum|adam]
 *                      [--l2 L] [--test-size F] [--seed S] [--loss bce|mse] [--no-standardize] [--json] [--out model.json]
 *   logistic-lab predict <model.json> <csv> [--out predictions.csv]
 *
 * Bad input exits with code 2 and one line on stderr naming the file, row/column and the fix.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { readCsvFile } from '../engine/csv-file';
import { prepareDataset, suggestTarget } from '../engine/dataset';
import { parseModel, predictTable, predictionsToCsv, serializeModel } from '../engine/model-io';
import { TrainingSession } from '../engine/session';
import { LabError } from '../engine/types';
import type { ConfusionMetrics, HistoryPoint, OptimizerKind, LossKind, PreparedDataset, TrainConfig } from '../engine/types';
import { formatReport, textCurve } from './format';

const USAGE = `Usage:
  logistic-lab train <csv> [--target COL] [--lr A] [--epochs N] [--batch-size B]
                     [--optimizer gd|sgd|momentum|adam] [--l2 L] [--test-size F] [--seed S]
                     [--loss bce|mse] [--no-standardize] [--json] [--out model.json]
  logistic-lab predict <model.json> <csv> [--out predictions.csv]`;

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

/** The final train/test objective values: the last history point. */
function lastPoint(h: HistoryPoint[]): HistoryPoint | undefined {
  return h.length > 0 ? h[h.length - 1] : undefined;
}

function train(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      lr: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      optimizer: { type: 'string' },
      l2: { type: 'string' },
      'test-size': { type: 'string' },
      seed: { type: 'string' },
      loss: { type: 'string' },
      'no-standardize': { type: 'boolean' },
      json: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('train takes exactly one CSV file');
  const file = positionals[0];
  const table = readCsvFile(file);
  const target = values.target ?? suggestTarget(table);
  if (target === null) {
    throw new LabError(
      'unknown-target',
      `${basename(file)}: no column looks like a target; name it with --target (columns: ${table.columns.map((c) => c.name).join(', ')})`,
      { file },
    );
  }
  const seed = num('seed', values.seed);
  const data: PreparedDataset = prepareDataset(
    table,
    { target, standardize: !values['no-standardize'], testSize: num('test-size', values['test-size']), seed },
    file,
  );
  const config: Partial<TrainConfig> = {
    learningRate: num('lr', values.lr),
    epochs: num('epochs', values.epochs),
    batchSize: num('batch-size', values['batch-size']),
    optimizer: values.optimizer as OptimizerKind | undefined,
    l2: num('l2', values.l2),
    seed,
    loss: values.loss as LossKind | undefined,
  };
  const session = new TrainingSession(data, config, { computeOptimum: false });
  while (!session.done) session.run(1_000_000);
  const history = session.history();
  const trainM = session.evaluate('train');
  const testM = data.test.m > 0 ? session.evaluate('test') : null;
  const last = lastPoint(history);
  const model = session.exportModel();
  if (values.out) writeFileSync(values.out, serializeModel(model));

  if (values.json) {
    const { W, b, k } = session.weights();
    const n = data.n;
    const labels = k === 1 ? [data.classes[1]] : data.classes;
    const weights: Record<string, Record<string, number>> = {};
    const bias: Record<string, number> = {};
    labels.forEach((cls, c) => {
      const row: Record<string, number> = {};
      data.featureNames.forEach((f, j) => (row[f] = W[c * n + j]));
      weights[cls] = row;
      bias[cls] = b[c];
    });
    const dropped: Record<string, string> = {};
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
      train: splitJson(trainM, last?.trainLoss ?? trainM.logLoss),
      test: testM ? splitJson(testM, last?.testLoss ?? testM.logLoss) : null,
      weights,
      bias,
      iterations: session.iteration,
      epochs: session.epoch,
      history: history.map((h) => ({
        iteration: h.iteration,
        epoch: h.epoch,
        trainLoss: h.trainLoss,
        testLoss: h.testLoss,
        trainAccuracy: h.trainAccuracy,
        testAccuracy: h.testAccuracy,
      })),
      model: values.out ?? null,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }

  const w = (s: string): boolean => process.stdout.write(s + '\n');
  w(`Logistic Regression Lab — ${basename(file)}: ${data.rows} rows, target '${data.target}', classes ${data.classes.join(' / ')}`);
  w(`${data.classes.length === 2 ? 'Sigmoid + binary cross-entropy' : `Softmax + cross-entropy over ${data.classes.length} classes`}` +
    `${session.config.loss === 'mse' ? ' (trained with MSE for comparison)' : ''}; ${data.n} features; train ${data.train.m} rows, test ${data.test.m} rows`);
  w('');
  w(formatReport(data.report));
  w('');
  w(`Loss per iteration (${session.config.optimizer}, α = ${session.config.learningRate}, ${session.iteration} updates, ${session.epoch} epochs):`);
  w(textCurve(history));
  w('');
  const show = (name: string, c: ConfusionMetrics, loss: number | null | undefined): void => {
    w(`${name}: accuracy ${(c.accuracy * 100).toFixed(2)} %, loss ${loss == null ? '—' : loss.toFixed(5)}, macro F1 ${c.macroF1.toFixed(4)}` +
      (c.auc !== undefined ? `, AUC ${c.auc.toFixed(4)}` : ''));
    const width = Math.max(8, ...c.classes.map((s) => s.length + 2));
    w('  actual \\ predicted'.padEnd(22) + c.classes.map((s) => s.padStart(width)).join(''));
    c.matrix.forEach((row, i) => w(('  ' + c.classes[i]).padEnd(22) + row.map((v) => String(v).padStart(width)).join('')));
  };
  show('Train', trainM, last?.trainLoss);
  if (testM) show('Test', testM, last?.testLoss);
  if (values.out) w(`\nModel written to ${values.out}`);
  return 0;
}

function predict(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  if (positionals.length !== 2) throw new UsageError('predict takes a model file and a CSV file');
  const [modelFile, csvFile] = positionals;
  if (!existsSync(modelFile)) {
    throw new LabError('file-not-found', `${modelFile}: model file not found; train one with 'logistic-lab train <csv> --out ${modelFile}'`, { file: modelFile });
  }
  const model = parseModel(readFileSync(modelFile, 'utf8'), modelFile);
  const table = readCsvFile(csvFile);
  const result = predictTable(model, table, csvFile);
  const csv = predictionsToCsv(table, model, result);
  if (values.out) {
    writeFileSync(values.out, csv);
    process.stdout.write(`${table.rowCount} predictions written to ${values.out}\n`);
  } else {
    process.stdout.write(csv);
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
        process.stdout.write(USAGE + '\n');
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof LabError) {
      process.stderr.write(`logistic-lab: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`logistic-lab: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`logistic-lab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
