/**
 * The extension's output channel ("Logistic Regression Lab" in the Output view): one place for what the
 * host did, the preparation report of each dataset, and every error with its code and location.
 * Every line is made safe first (safeText.ts: no control characters or line breaks from CSV data, no link
 * syntax, at most MAX_LOG_LENGTH characters), so a header name cannot forge log lines or escape sequences.
 */
import * as vscode from 'vscode';
import type { ColumnReport } from '../engine/types';
import type { DatasetInfo } from '../protocol';
import { MAX_LOG_LENGTH, quote, safeMessage } from './safeText';

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Logistic Regression Lab') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  info(message: string): void {
    this.channel.info(safeMessage(message, MAX_LOG_LENGTH));
  }

  warn(message: string): void {
    this.channel.warn(safeMessage(message, MAX_LOG_LENGTH));
  }

  error(message: string): void {
    this.channel.error(safeMessage(message, MAX_LOG_LENGTH));
  }

  /** Reveal the channel without taking focus. */
  show(): void {
    this.channel.show(true);
  }

  /** Writes what became of every column of a freshly prepared dataset. */
  preparationReport(info: DatasetInfo): void {
    const lines = [
      `Prepared ${info.fileName}: ${info.rows} rows → ${info.mTrain} train / ${info.mTest} test, ` +
        `${info.featureNames.length} features, target ${quote(info.target)} with classes ${info.classes
          .map((c) => quote(c))
          .join(', ')}`,
      ...info.notices.map((n) => `  note: ${n}`),
      ...info.report.map(describeColumn),
    ];
    for (const line of lines) this.info(line);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** One line per source column, e.g. "  Age (numeric, 88 distinct, 177 missing): kept → Age; median 28; z-score …". */
export function describeColumn(r: ColumnReport): string {
  const head = `  ${r.name} (${r.sourceType}, ${r.distinct} distinct, ${r.missing} missing): ${r.action}`;
  const parts: string[] = [];
  if (r.reason) parts.push(r.reason);
  if (r.features.length > 0 && !(r.features.length === 1 && r.features[0] === r.name)) {
    parts.push(`→ ${r.features.join(', ')}`);
  }
  if (r.imputed) parts.push(`missing: ${r.imputed}`);
  if (r.scaling) parts.push(r.scaling);
  return parts.length > 0 ? `${head} — ${parts.join('; ')}` : head;
}
