/**
 * The CLI against hostile input, run as a user runs it (`node dist/cli.js …` in a child process):
 * - an --out that is an input (same path, another spelling, a symbolic or hard link) is refused and nothing changes;
 * - file-system errors (a folder, a missing folder, a path through a file, a FIFO, a write that fails half-way)
 *   give one line naming the path and the fix, exit code 2, and an existing output stays byte-identical;
 * - text from the user's files (names, labels, cells, file names) reaches the terminal without control sequences;
 * - columns and classes named __proto__, constructor, toString keep their keys in --json;
 * - a target with 100 000 classes is refused with the class cap's message.
 * Each test works in its own temporary folder and removes it.
 */
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, run, sample, type RunResult } from './cli-run';




/** A fresh temporary folder for `fn`, removed afterwards whatever happens. */
function inTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-hard-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir` with its bytes (folders as entries without bytes; links followed). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out.set(p, '<dir>');
        if (!name.startsWith('dirlink')) walk(p);
      } else {
        out.set(p, readFileSync(p).toString('base64'));
      }
    }
  };
  walk(dir);
  return out;
}

/** Exit code 2 and exactly one line on stderr starting with 'logistic-lab: ', without a stack or 'internal error'. */
function assertOneLineError(r: RunResult, ...patterns: RegExp[]): string {
  assert.equal(r.code, 2, `exit code: ${r.stdout}${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^logistic-lab: /);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+|\n\s+at /);
  for (const p of patterns) assert.match(lines[0], p);
  return lines[0];
}

/** Characters a terminal acts on (the newline between lines excepted). */
const UNSAFE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** What JSON.stringify leaves raw among them. */
const UNSAFE_IN_JSON = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

// ───────────────────────────── --out never overwrites an input ─────────────────────────────

describe('--out that is an input is refused, nothing is written', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-cli-out-'));
    copyFileSync(sample('iris.csv'), join(dir, 'data.csv'));
    copyFileSync(sample('iris.csv'), join(dir, 'test.csv'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'data.csv'), join(dir, 'alias.csv'));
    linkSync(join(dir, 'data.csv'), join(dir, 'hard.csv'));
    symlinkSync(dir, join(dir, 'dirlink'));
    const r = run('train', join(dir, 'data.csv'), '--target', 'species', '--epochs', '5', '--out', join(dir, 'model.json'));
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], () => string, string]> = [
    ['train: --out is the CSV', () => ['train', join(dir, 'data.csv'), '--target', 'species'], () => join(dir, 'data.csv'), 'CSV file'],
    ['train: --out is the CSV spelled another way', () => ['train', join(dir, 'data.csv'), '--target', 'species'], () => join(dir, 'sub', '..', './data.csv'), 'CSV file'],
    ['train: --out is a symbolic link to the CSV', () => ['train', join(dir, 'data.csv'), '--target', 'species'], () => join(dir, 'alias.csv'), 'CSV file'],
    ['train: --out is the CSV through a linked folder', () => ['train', join(dir, 'data.csv'), '--target', 'species'], () => join(dir, 'dirlink', 'data.csv'), 'CSV file'],
    ['train: --out is a hard link to the CSV', () => ['train', join(dir, 'data.csv'), '--target', 'species'], () => join(dir, 'hard.csv'), 'CSV file'],
    ['train: --out is the test file', () => ['train', join(dir, 'data.csv'), '--target', 'species', '--test-file', join(dir, 'test.csv')], () => join(dir, 'test.csv'), 'test file'],
    ['predict: --out is the model', () => ['predict', join(dir, 'model.json'), join(dir, 'data.csv')], () => join(dir, 'model.json'), 'model file'],
    ['predict: --out is the CSV (by a link)', () => ['predict', join(dir, 'model.json'), join(dir, 'data.csv')], () => join(dir, 'alias.csv'), 'CSV file'],
  ];
  for (const [name, args, out, which] of cases) {
    test(name, () => {
      const before = snapshot(dir);
      for (const json of [[], ['--json']]) {
        const r = run(...args(), '--out', out(), ...json);
        assertOneLineError(r);
        assert.equal(r.stderr, `logistic-lab: --out ${out()} is the input ${which}; choose another file\n`);
        assert.equal(r.stdout, '', 'refused before any work');
      }
      assert.deepEqual(snapshot(dir), before, 'every file byte-identical, no temporary file');
    });
  }

  test('a different file next to the inputs is fine, and written atomically (no temporary file left)', () => {
    const out = join(dir, 'sub', 'model2.json');
    const r = run('train', join(dir, 'data.csv'), '--target', 'species', '--epochs', '5', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { format: string }).format, 'logistic-regression-lab/model');
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['model2.json']);
    rmSync(out);
  });
});

// ───────────────────────────── File-system errors ─────────────────────────────

describe('file-system errors: one line naming the path and the fix, exit 2', () => {
  let dir = '';
  let model = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-cli-fs-'));
    model = join(dir, 'model.json');
    const r = run('train', sample('iris.csv'), '--target', 'species', '--epochs', '5', '--out', model);
    assert.equal(r.code, 0, r.stderr);
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'plain.txt'), 'plain');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], () => RegExp[]]> = [
    ['train --out a folder', () => ['train', sample('iris.csv'), '--target', 'species', '--out', join(dir, 'folder')],
      () => [/folder: it is a folder\. Give a file name inside it \(e\.g\. .*folder\/model\.json\)/]],
    ['predict --out a folder', () => ['predict', model, sample('iris.csv'), '--out', join(dir, 'folder')],
      () => [/it is a folder\. Give a file name inside it \(e\.g\. .*folder\/predictions\.csv\)/]],
    ['train --out into a missing folder', () => ['train', sample('iris.csv'), '--target', 'species', '--out', join(dir, 'missing', 'm.json')],
      () => [/Cannot write .*missing\/m\.json: the folder .*missing does not exist\. Create it first/]],
    ['predict --out into a missing folder', () => ['predict', model, sample('iris.csv'), '--out', join(dir, 'missing', 'p.csv')],
      () => [/the folder .*missing does not exist/]],
    ['train --out through a regular file', () => ['train', sample('iris.csv'), '--target', 'species', '--out', join(dir, 'plain.txt', 'm.json')],
      () => [/Cannot write .*plain\.txt\/m\.json: a part of the path before the file name is a file, not a folder/]],
    ['train on a folder', () => ['train', join(dir, 'folder'), '--target', 'species'], () => [/folder is a folder, not a CSV file\. Pick a \.csv file inside it/]],
    ['predict with a folder as the model', () => ['predict', join(dir, 'folder'), sample('iris.csv')], () => [/folder is a folder, not a model file\. Pick a file inside it/]],
    ['predict on a folder as the CSV', () => ['predict', model, join(dir, 'folder')], () => [/folder is a folder, not a CSV file/]],
    ['predict with a model through a regular file', () => ['predict', join(dir, 'plain.txt', 'm.json'), sample('iris.csv')], () => [/Cannot read .*plain\.txt\/m\.json: a part of the path/]],
  ];
  for (const [name, args, patterns] of cases) {
    test(name, () => {
      const before = snapshot(dir);
      const r = run(...args());
      const line = assertOneLineError(r, ...patterns());
      assert.ok(line.includes(dir), `names the path: ${line}`);
      assert.equal(r.stdout, '', 'an output mistake is found before the training, not after it');
      assert.deepEqual(snapshot(dir), before);
    });
  }

  test('a FIFO as the model file is refused instead of read forever', (t) => {
    const fifo = join(dir, 'fifo.json');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) {
      t.skip('mkfifo is not available');
      return;
    }
    try {
      assertOneLineError(run('predict', fifo, sample('iris.csv')), /fifo\.json is not a regular file/);
    } finally {
      rmSync(fifo, { force: true });
    }
  });

  // A real write failure half-way with an existing output: the file-size limit (ulimit -f 0, SIGXFSZ ignored)
  // makes every write into a regular file fail with EFBIG. The old file must come out byte-identical.
  const limited = (args: string[]): RunResult => {
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 0; exec '${process.execPath}' '${cli}' ${quoted}`], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  for (const [name, args, out] of [
    ['predict --out', () => ['predict', model, sample('iris.csv'), '--out', join(dir, 'old-predictions.csv')], () => join(dir, 'old-predictions.csv')],
    ['train --out', () => ['train', sample('iris.csv'), '--target', 'species', '--epochs', '5', '--out', join(dir, 'old-model.json')], () => join(dir, 'old-model.json')],
  ] as const) {
    test(`${name}: a write that fails (file-size limit) leaves the existing file byte-identical`, (t) => {
      if (process.platform !== 'linux' || spawnSync('bash', ['-c', 'true']).status !== 0) {
        t.skip('needs Linux and bash');
        return;
      }
      const old = Buffer.from('the previous output\r\nwith two lines\n');
      writeFileSync(out(), old);
      try {
        const before = snapshot(dir);
        const r = limited(args());
        assertOneLineError(r, /^logistic-lab: Cannot write .*: the file would be larger than allowed .*ulimit -f/);
        assert.deepEqual(readFileSync(out()), old);
        assert.deepEqual(snapshot(dir), before, 'no temporary file left');
      } finally {
        rmSync(out(), { force: true });
      }
    });
  }
});

// ───────────────────────────── Terminal safety ─────────────────────────────

describe('text from the files reaches the terminal without control sequences', () => {
  const ESC = '\u001b';
  const link = `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`;
  /** Header names and labels with escape sequences, C1 controls, bidi overrides, a newline and a carriage return. */
  const hostileCsv = (): string => {
    const header = [`"a${ESC}[2J"`, '"b\u202Eevil"', '"c\nd"', '"\u009b31mC1"', '"e\rf\u0007"', 'label'].join(',');
    const rows = [header];
    for (let i = 0; i < 40; i++) {
      const label = i % 2 === 0 ? `"${link}"` : `"ok\u2066x\u2069${ESC}[31m"`;
      rows.push([i % 5, (i * 7) % 11, i % 3, (i * 3) % 7, i % 2 === 0 ? 1 + (i % 4) : -1 - (i % 3), label].join(','));
    }
    return rows.join('\n') + '\n';
  };

  test('train text report: names and labels escaped, every line stays one line', () => {
    inTempDir((dir) => {
      const file = join(dir, `evil${ESC}[31m\u202Ename.csv`);
      writeFileSync(file, hostileCsv());
      const r = run('train', file, '--target', 'label', '--epochs', '20');
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, UNSAFE);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /evil\\e\[31m\\u\{202E\}name\.csv/, 'the file name');
      assert.match(r.stdout, /a\\e\[2J/);
      assert.match(r.stdout, /b\\u\{202E\}evil/);
      assert.match(r.stdout, /c\\nd/, 'a newline inside a name is escaped, not a line break');
      assert.match(r.stdout, /\\x9B31mC1/);
      assert.match(r.stdout, /e\\rf\\x07/);
      assert.match(r.stdout, /\\e\]8;;https:\/\/evil\.example\\e\\click/, 'the hyperlink label');
      // The report keeps one line per column: title, column header, 6 columns, then the blank line.
      const lines = r.stdout.split('\n');
      const start = lines.findIndex((l) => l.startsWith('Preparation report:'));
      assert.ok(start >= 0);
      assert.match(lines[start + 7], /^ {2}label +categorical/, lines.slice(start, start + 9).join('\n'));
      assert.equal(lines[start + 8], '');
    });
  });

  test('--json: C1, DEL and bidi characters escaped too, and the JSON gives back the exact names', () => {
    inTempDir((dir) => {
      const file = join(dir, 'hostile.csv');
      writeFileSync(file, hostileCsv());
      const r = run('train', file, '--target', 'label', '--epochs', '20', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, UNSAFE_IN_JSON);
      assert.doesNotMatch(r.stdout, UNSAFE);
      const j = JSON.parse(r.stdout) as { features: string[]; classes: string[]; weights: Record<string, Record<string, number>> };
      for (const name of [`a${ESC}[2J`, 'b\u202Eevil', 'c\nd', '\u009b31mC1', 'e\rf\u0007']) assert.ok(j.features.includes(name), JSON.stringify(name));
      assert.deepEqual(j.classes.slice().sort(), [link, `ok\u2066x\u2069${ESC}[31m`].sort());
      assert.ok(Object.keys(Object.values(j.weights)[0]).includes('b\u202Eevil'));
    });
  });

  test('error lines: an unknown target, a cell quoted in an error, a missing file with control characters', () => {
    inTempDir((dir) => {
      const file = join(dir, 'hostile.csv');
      writeFileSync(file, hostileCsv());
      const line1 = assertOneLineError(run('train', file, '--target', `x${ESC}[31m\u202E`), /not found/);
      assert.doesNotMatch(line1, UNSAFE);
      assert.match(line1, /'x\\e\[31m\\u\{202E\}'/);
      assert.match(line1, /'c\\nd'/, 'the available columns are listed escaped');
      // A text cell where the model expects a number: the schema error quotes the cell.
      const model = join(dir, 'model.json');
      assert.equal(run('train', file, '--target', 'label', '--epochs', '5', '--out', model).code, 0);
      const bad = hostileCsv().split('\n');
      bad[3] = bad[3].replace(/^\d+/, `"${ESC}]0;pwned${ESC}\\\u202E"`);
      const badFile = join(dir, 'bad.csv');
      writeFileSync(badFile, bad.join('\n'));
      const line2 = assertOneLineError(run('predict', model, badFile));
      assert.doesNotMatch(line2, UNSAFE);
      assert.match(line2, /\\e\]0;pwned\\e\\\\u\{202E\}/);
      const line3 = assertOneLineError(run('train', join(dir, `gone${ESC}[2J.csv`)));
      assert.doesNotMatch(line3, UNSAFE);
      assert.match(line3, /gone\\e\[2J\.csv/);
    });
  });

  test('predict: the CSV is data (byte-exact when piped), escaped only on a terminal; the metrics lines are escaped', (t) => {
    inTempDir((dir) => {
      const file = join(dir, 'hostile.csv');
      writeFileSync(file, hostileCsv());
      const model = join(dir, 'model.json');
      assert.equal(run('train', file, '--target', 'label', '--epochs', '5', '--out', model).code, 0);
      const piped = run('predict', model, file);
      assert.equal(piped.code, 0, piped.stderr);
      assert.ok(piped.stdout.includes(link), 'piped: the labels as they are in the file');
      assert.doesNotMatch(piped.stderr, UNSAFE, 'the metrics on stderr');
      assert.match(piped.stderr, /accuracy/);
      // On a terminal (a pseudo-terminal made by util-linux `script`): the same CSV, escaped. The terminal's own
      // line discipline turns each \n into \r\n; that pair is the terminal's, not the data's.
      if (spawnSync('script', ['-V']).status !== 0) {
        t.diagnostic('util-linux script is not available: the terminal case is not run');
        return;
      }
      const cmd = [process.execPath, cli, 'predict', model, file].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const shown = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(shown.status, 0, shown.stdout);
      const text = shown.stdout.replace(/\r\n/g, '\n');
      assert.doesNotMatch(text, UNSAFE);
      assert.match(text, /^row,actual,predicted,/m);
      assert.match(text, /\\e\]8;;https:\/\/evil\.example/);
    });
  });
});

// ───────────────────────────── Names that are not plain-object safe ─────────────────────────────

describe("columns and classes named __proto__, constructor, toString keep their keys in --json", () => {
  interface NamesJson {
    classes: string[];
    features: string[];
    weights: Record<string, Record<string, number>>;
    bias: Record<string, number>;
    dropped: Record<string, string>;
  }
  const csv = (labels: string[]): string => {
    const rows = ['__proto__,constructor,toString,hasOwnProperty,label'];
    for (let i = 0; i < 60; i++) {
      const c = i % labels.length;
      rows.push(`${c + ((i * 7) % 5) / 10},${((i * 3) % 4) - c},${(i * 5) % 7},row${i},${labels[c]}`);
    }
    return rows.join('\n') + '\n';
  };
  const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

  test('softmax: classes __proto__, constructor, toString; features __proto__, constructor, toString', () => {
    inTempDir((dir) => {
      const file = join(dir, 'proto.csv');
      writeFileSync(file, csv(['__proto__', 'toString', 'constructor']));
      const r = run('train', file, '--target', 'label', '--epochs', '20', '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as NamesJson;
      assert.deepEqual(j.classes, ['__proto__', 'constructor', 'toString']);
      assert.deepEqual(j.features, ['__proto__', 'constructor', 'toString']);
      assert.deepEqual(Object.keys(j.weights), ['__proto__', 'constructor', 'toString']);
      assert.deepEqual(Object.keys(j.bias), ['__proto__', 'constructor', 'toString']);
      for (const cls of j.classes) {
        assert.ok(own(j.weights, cls) && own(j.bias, cls), cls);
        assert.equal(typeof j.bias[cls], 'number');
        const row = j.weights[cls];
        assert.deepEqual(Object.keys(row), ['__proto__', 'constructor', 'toString']);
        for (const f of j.features) assert.ok(own(row, f) && Number.isFinite(row[f]), `${cls}.${f}`);
      }
      assert.ok(own(j.dropped, 'hasOwnProperty'), 'the dropped identifier column');
      assert.match(String(Object.getOwnPropertyDescriptor(j.dropped, 'hasOwnProperty')?.value), /identifier/);
      // The text report and prediction work with these names too.
      const text = run('train', file, '--target', 'label', '--epochs', '20', '--out', join(dir, 'm.json'));
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /classes __proto__ \/ constructor \/ toString/);
      const p = run('predict', join(dir, 'm.json'), file, '--out', join(dir, 'p.csv'));
      assert.equal(p.code, 0, p.stderr);
      assert.equal(readFileSync(join(dir, 'p.csv'), 'utf8').split('\n')[0], 'row,actual,predicted,p(__proto__),p(constructor),p(toString)');
    });
  });

  test('binary: the positive class __proto__ is a key of weights and bias', () => {
    inTempDir((dir) => {
      const file = join(dir, 'proto2.csv');
      writeFileSync(file, csv(['A', '__proto__']));
      const j = JSON.parse(run('train', file, '--target', 'label', '--epochs', '20', '--json').stdout) as NamesJson;
      assert.deepEqual(j.classes, ['A', '__proto__']);
      assert.deepEqual(Object.keys(j.weights), ['__proto__']);
      assert.ok(own(j.bias, '__proto__') && Number.isFinite(j.bias.__proto__));
      assert.ok(own(j.weights.__proto__, 'constructor') && own(j.weights.__proto__, '__proto__'));
    });
  });
});

// ───────────────────────────── Too many classes ─────────────────────────────

describe('a target with 100 000 classes', () => {
  test('is refused with the class cap, not trained (and no out-of-memory)', () => {
    inTempDir((dir) => {
      const file = join(dir, 'ids.csv');
      const rows = ['x,z,label'];
      for (let i = 0; i < 100_000; i++) rows.push(`${i % 10},${(i * 7) % 13},user${i}`);
      writeFileSync(file, rows.join('\n') + '\n');
      for (const extra of [[], ['--test-size', '0'], ['--json']]) {
        assertOneLineError(
          run('train', file, '--target', 'label', ...extra),
          /target 'label' in .*ids\.csv has 100000 distinct values in 100000 labelled rows, which looks like an identifier/,
          /pick a target with few values/,
        );
      }
    });
  });
});
