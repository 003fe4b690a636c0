/**
 * The reader's and the preparation's fast paths give the plain results: distinct counts by hashing the values'
 * bits equal a Set's; text fields looked up by their bytes (unquoted fast path, quoted, padded, non-ASCII) give
 * the same levels and codes as the text itself; a header row's reader codes kept as they are still equal the
 * cells; one-hot blocks written from a per-code table equal the feature rule applied cell by cell.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/engine/data/csv';
import { countDistinct, prepareDataset } from '../../src/engine/prepare/dataset';
import { createRng } from '../../src/engine/random';
import type { CategoricalColumn, NumericColumn } from '../../src/engine/types';

describe('countDistinct', () => {
  test('equals a Set of the non-NaN values on random data, with −0 and 0 one value', () => {
    const rng = createRng(5);
    for (const [m, span] of [[0, 1], [1, 1], [1000, 3], [20000, 1e6], [200000, 1e3]] as const) {
      const v = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        const u = rng();
        v[i] = u < 0.05 ? NaN : u < 0.1 ? -0 : u < 0.15 ? 0 : Math.round((rng() - 0.5) * span) / 100;
      }
      const expected = new Set(Array.from(v).filter((x) => !Number.isNaN(x))).size;
      assert.equal(countDistinct(v), expected, `m=${m} span=${span}`);
    }
    assert.equal(countDistinct(Float64Array.of(-0, 0, NaN, Infinity, -Infinity, 1e308, 5e-324)), 5);
  });

  test('large columns, counted by partitions: a Set\'s count for all-distinct, repeated, float32 and skewed values', () => {
    const rng = createRng(6);
    const setCount = (v: ArrayLike<number>): number => new Set(Array.from(v).filter((x) => !Number.isNaN(x)).map((x) => (x === 0 ? 0 : x))).size;
    const cases: Array<[string, Float64Array | Float32Array]> = [];
    const m = 300_000;
    cases.push(['all distinct', Float64Array.from({ length: m }, () => rng() - 0.5)]);
    cases.push(['five decimals with repeats, NaN, −0 and 0', Float64Array.from({ length: m }, () => {
      const u = rng();
      return u < 0.03 ? NaN : u < 0.05 ? -0 : u < 0.07 ? 0 : Math.round((rng() - 0.5) * 2e5) / 1e5;
    })]);
    cases.push(['float32 values', Float32Array.from({ length: m }, () => Math.round(rng() * 5e4) / 8)]);
    // Nearly every row one value: one partition holds almost all rows.
    cases.push(['one value in 99 % of rows', Float64Array.from({ length: 1 << 20 }, () => (rng() < 0.99 ? 3.25 : rng()))]);
    cases.push(['all missing', new Float64Array(1 << 17).fill(NaN)]);
    for (const [name, v] of cases) assert.equal(countDistinct(v), setCount(v), name);
  });
});

describe('text fields looked up by their bytes', () => {
  test('quoted, padded and plain spellings of one text are one level; 3000 random levels keep their codes', () => {
    const rng = createRng(9);
    const alphabet = ['a', 'b', 'z', 'é', 'ß', '日', '本', '-', '_', '1'];
    const pool: string[] = [];
    const seen = new Set<string>();
    while (pool.length < 3000) {
      let t = alphabet[Math.floor(rng() * 6)];
      const len = 1 + Math.floor(rng() * 6);
      for (let k = 0; k < len; k++) t += alphabet[Math.floor(rng() * alphabet.length)];
      if (!seen.has(t)) {
        seen.add(t);
        pool.push(t);
      }
    }
    const lines = ['x,kind'];
    const expected: string[] = [];
    for (let i = 0; i < 12000; i++) {
      const t = pool[Math.floor(rng() * pool.length)];
      const r = rng();
      const field = r < 0.2 ? `"${t}"` : r < 0.3 ? `  ${t} ` : r < 0.35 ? `"${t}"  ` : t;
      lines.push(`${i},${field}`);
      expected.push(t);
    }
    const table = parseCsv(lines.join('\n') + '\n');
    const kind = table.columns[1] as CategoricalColumn;
    assert.equal(kind.kind, 'categorical');
    assert.deepEqual(Array.from(kind.codes, (c) => kind.levels[c]), expected);
    assert.equal(new Set(kind.levels).size, kind.levels.length, 'levels are distinct');
    const firstSeen = [...new Set(expected)];
    assert.deepEqual(kind.levels, firstSeen, 'levels in order of first appearance');
  });

  test('a column that turns to text after numbers, and one with missing markers, keep every cell', () => {
    const table = parseCsv('a,b\n1,NA\n2,red\nx, blue\n"3",\n4,red\n');
    const a = table.columns[0] as CategoricalColumn;
    const b = table.columns[1] as CategoricalColumn;
    assert.deepEqual(Array.from(a.codes, (c) => a.levels[c]), ['1', '2', 'x', '3', '4']);
    assert.deepEqual(Array.from(b.codes, (c) => (c < 0 ? null : b.levels[c])), [null, 'red', 'blue', null, 'red']);
    assert.equal(b.missing, 2);
  });
});

describe('feature blocks', () => {
  test('X equals each feature rule applied cell by cell (numeric, one-hot, missing indicator, numbers as levels)', () => {
    const rng = createRng(3);
    const colours = ['red', 'green', 'blue', 'teal'];
    const lines = ['size,colour,grade,y'];
    for (let i = 0; i < 400; i++) {
      const size = rng() < 0.1 ? '' : (rng() * 10).toFixed(2);
      const colour = rng() < 0.1 ? 'NA' : colours[Math.floor(rng() * colours.length)];
      const grade = String(1 + Math.floor(rng() * 3));
      lines.push(`${size},${colour},${grade},${rng() < 0.5 ? 'yes' : 'no'}`);
    }
    const table = parseCsv(lines.join('\n'));
    for (const encoding of ['reference', 'full'] as const) {
      const data = prepareDataset(table, {
        target: 'y', encoding, missingIndicators: true, categoricalImpute: 'missing-level', include: ['grade'], testSize: 0.25, seed: 1,
      });
      const byName = new Map(table.columns.map((c) => [c.name, c]));
      for (const split of [data.train, data.test]) {
        for (let i = 0; i < split.m; i++) {
          const r = split.sourceRows[i];
          data.preprocessing.features.forEach((f, j) => {
            const col = byName.get(f.source);
            let raw: number;
            if (col?.kind === 'numeric') {
              const v = (col as NumericColumn).values[r];
              if (f.kind === 'numeric') raw = Number.isNaN(v) ? f.fill : v;
              else if (f.kind === 'missing-indicator') raw = Number.isNaN(v) ? 1 : 0;
              else raw = Number.isNaN(v) ? ((f.fill ?? '(missing)') === f.level ? 1 : 0) : String(v) === f.level ? 1 : 0;
            } else {
              const c = col as CategoricalColumn;
              const code = c.codes[r];
              if (f.kind === 'missing-indicator') raw = code < 0 ? 1 : 0;
              else if (f.kind === 'one-hot') raw = (code < 0 ? f.fill ?? '(missing)' : c.levels[code]) === f.level ? 1 : 0;
              else raw = code < 0 ? f.fill : Number(c.levels[code]);
            }
            const want = Math.fround((raw - f.center) / f.scale);
            assert.equal(split.X[i * data.n + j], want, `${encoding} row ${r} feature ${f.name}`);
          });
        }
      }
    }
  });
});
