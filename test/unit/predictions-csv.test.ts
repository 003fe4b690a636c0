/**
 * Spreadsheet safety of the predictions CSV (model-io.ts `spreadsheetSafe` in `predictionsToCsv`): a text cell
 * copied from the user's file that a spreadsheet would evaluate as a formula gets a leading `'`, numbers stay
 * numbers. The output is read back with papaparse, an independent CSV parser.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { parseCsv } from '../../src/engine/data/csv';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { parseModel, predictTable, predictionsToCsv, serializeModel, spreadsheetSafe } from '../../src/engine/model/model-io';
import { TrainingSession } from '../../src/engine/train/session';

/** What a spreadsheet would treat as a formula: starts with = + - @ TAB CR and is not a plain number. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const looksLikeFormula = (s: string): boolean => FORMULA_START.test(s) && !PLAIN_NUMBER.test(s);

describe('spreadsheetSafe', () => {
  test('formula-like text gets a leading quote', () => {
    for (const s of ['=1+1', '=HYPERLINK("http://evil.example","x")', '+SUM(A1:A9)', '-2+3', '@SUM(A1)', '\tx', '\rx', '-', '+', '-Infinity', '=']) {
      assert.equal(spreadsheetSafe(s), `'${s}`, JSON.stringify(s));
    }
  });
  test('numbers, ordinary text and cells with the character later on stay as they are', () => {
    for (const s of ['-1.5', '+2', '-3e-2', '1e+21', '-.5', '0', 'a=b', '1+1', ' =1', '', 'Sex=male', 'née', "'=already"]) {
      assert.equal(spreadsheetSafe(s), s, JSON.stringify(s));
    }
  });
});

describe('predictionsToCsv: cells copied from the input are spreadsheet-safe', () => {
  test('copied columns (names and cells), actual and predicted labels; probabilities and numbers untouched', () => {
    const formulas = ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '"\tx"', '"\rx"', 'plain'];
    const lines = ['"=HYPERLINK(""http://evil.example"")",num,@note,label'];
    for (let i = 0; i < 40; i++) {
      const label = i % 2 === 0 ? '=bad()' : '-1';
      const num = i % 2 === 0 ? -1.5 - i : 2 + i / 4;
      lines.push(`${formulas[i % formulas.length]},${num},${i % 3 === 0 ? '@x' : 'y'},${label}`);
    }
    const table = parseCsv(lines.join('\n') + '\n');
    const data = prepareDataset(table, { target: 'label', testSize: 0 });
    assert.deepEqual(data.classes, ['-1', '=bad()']);
    const session = new TrainingSession(data, { learningRate: 0.5, epochs: 50 }, { computeOptimum: false });
    while (!session.done) session.run(1000);
    const model = parseModel(serializeModel(session.exportModel()), 'model.json');
    const result = predictTable(model, table, 'data.csv');
    const names = table.columns.map((c) => c.name).filter((n) => n !== 'label');
    const csv = predictionsToCsv(table, model, result, { columns: names });
    const parsed = Papa.parse<string[]>(csv.trimEnd(), { header: false });
    assert.deepEqual(parsed.errors, []);
    const [header, ...rows] = parsed.data;
    assert.deepEqual(header, ['row', `'=HYPERLINK("http://evil.example")`, 'num', "'@note", 'actual', 'predicted', 'p(-1)', 'p(=bad())']);
    assert.equal(rows.length, 40);
    rows.forEach((f, i) => {
      const [rowNo, text, num, note, actual, predicted] = f;
      assert.equal(rowNo, String(i + 1));
      const raw = formulas[i % formulas.length].replace(/^"|"$/g, '');
      assert.equal(text, raw === 'plain' ? 'plain' : `'${raw}`);
      assert.equal(Number(num), i % 2 === 0 ? -1.5 - i : 2 + i / 4, 'numbers stay numbers, -1.5 without a quote');
      assert.equal(note, i % 3 === 0 ? "'@x" : 'y');
      assert.equal(actual, i % 2 === 0 ? "'=bad()" : '-1', 'the label -1 is a plain number');
      assert.ok(predicted === "'=bad()" || predicted === '-1', predicted);
      for (const cell of f) assert.ok(!looksLikeFormula(cell), `row ${i + 1}: ${JSON.stringify(cell)}`);
    });
    assert.ok(rows.some((f) => f[5] === "'=bad()") && rows.some((f) => f[5] === '-1'), 'both classes predicted');
  });
});
