/**
 * fs-errors.ts and file-output.ts: every file-system error becomes one line naming the path and the fix (checked
 * with synthetic errors, since a full disk or a read-only file cannot be made in a test run as root); outputs are
 * replaced atomically (a failure at any step leaves the old file byte-identical and no temporary file behind);
 * `sameFile` sees through spellings, symbolic links and hard links.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  chmodSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSystemError, isFsError, operationOf } from '../../src/engine/node/fs-errors';
import { checkOutputPath, sameFile, writeFileAtomic } from '../../src/engine/node/file-output';
import { LabError } from '../../src/engine/types';

/** An error shaped as Node raises it (`code`, `syscall`, `path`). */
function sysError(code: string, syscall: string, path: string): Error {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

/** A fresh temporary folder for `fn`, removed afterwards whatever happens. */
function inTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'lab-file-output-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The LabError a call throws (fails the test when it throws something else or nothing). */
function labErrorOf(fn: () => void): LabError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LabError, `expected a LabError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a LabError');
}

const PATH = '/data/out/model.json';

describe('fileSystemError: one line with the path and the fix, for every errno', () => {
  // [code, operation, what the message must say (the fix)]
  const cases: Array<[string, 'read' | 'write', RegExp]> = [
    ['ENOENT', 'read', /Cannot find the model file \/data\/out\/model\.json\. Check the path/],
    ['ENOENT', 'write', /the folder \/data\/out does not exist\. Create it first or choose another path/],
    ['EISDIR', 'read', /is a folder, not a model file\. Pick a file inside it/],
    ['EISDIR', 'write', /it is a folder\. Give a file name inside it \(e\.g\. \/data\/out\/model\.json\/model\.json\)/],
    ['ENOTDIR', 'write', /a part of the path before the file name is a file, not a folder/],
    ['EACCES', 'read', /permission denied\. Allow reading it/],
    ['EACCES', 'write', /permission denied .*read-only.*Choose another path or change the permissions/],
    ['EPERM', 'write', /permission denied/],
    ['EROFS', 'write', /the file system is read-only\. Choose a path on a writable disk/],
    ['ENOSPC', 'write', /the disk is full\. Free some space or choose a path on another disk/],
    ['EDQUOT', 'write', /quota/],
    ['EFBIG', 'write', /larger than allowed.*ulimit -f/],
    ['ERR_FS_FILE_TOO_LARGE', 'read', /too large to read/],
    ['ENAMETOOLONG', 'write', /path is too long/],
    ['ELOOP', 'read', /symbolic links/],
    ['EMFILE', 'write', /too many files are open/],
    ['EBUSY', 'write', /busy/],
    ['EIO', 'write', /input\/output error/],
    ['EWHATEVER', 'write', /Cannot write \/data\/out\/model\.json \(EWHATEVER\)\. Check the path and try again/],
  ];
  for (const [code, op, fix] of cases) {
    test(`${code} while ${op === 'read' ? 'reading' : 'writing'}`, () => {
      const e = fileSystemError(sysError(code, op === 'read' ? 'open' : 'write', PATH), PATH, op, 'model file', 'model.json');
      assert.ok(e instanceof LabError);
      assert.equal(e.code, op === 'read' ? 'file-not-found' : 'write-failed');
      assert.equal(e.location.file, PATH);
      assert.ok(e.message.includes(PATH), `names the path: ${e.message}`);
      assert.match(e.message, fix);
      assert.doesNotMatch(e.message, /\n/, 'one line');
      assert.doesNotMatch(e.message, /internal error|at .*\.js:\d+/);
    });
  }

  test('errors that are not file-system errors are left to the caller', () => {
    for (const e of [new TypeError('x'), new LabError('bad-csv', 'x'), 'ENOENT', null, undefined, { code: 42 }, { code: 'enoent' }]) {
      assert.equal(fileSystemError(e, PATH, 'read'), null, String(e));
      assert.equal(isFsError(e), false);
    }
    // Node's argument-parsing errors carry codes too, but not file-system ones.
    assert.equal(isFsError(Object.assign(new TypeError('x'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' })), false);
    assert.equal(isFsError(sysError('ENOSPC', 'write', PATH)), true);
  });

  test('operationOf: the system call tells a write from a read', () => {
    assert.equal(operationOf({ code: 'ENOSPC', message: '', syscall: 'write' }), 'write');
    assert.equal(operationOf({ code: 'EXDEV', message: '', syscall: 'rename' }), 'write');
    assert.equal(operationOf({ code: 'EISDIR', message: '', syscall: 'read' }), 'read');
    assert.equal(operationOf({ code: 'ENOENT', message: '' }), 'read');
  });
});

describe('writeFileAtomic', () => {
  /** Names in a folder other than the ones expected: temporary files left behind. */
  const leftovers = (dir: string, expected: string[]): string[] => readdirSync(dir).filter((n) => !expected.includes(n));

  test('writes a new file, replaces an old one keeping its permission bits, leaves no temporary file', () => {
    inTempDir((dir) => {
      const p = join(dir, 'model.json');
      writeFileAtomic(p, 'first\n');
      assert.equal(readFileSync(p, 'utf8'), 'first\n');
      chmodSync(p, 0o640);
      writeFileAtomic(p, 'second — ünïcode\n');
      assert.equal(readFileSync(p, 'utf8'), 'second — ünïcode\n');
      assert.equal(statSync(p).mode & 0o777, 0o640);
      assert.deepEqual(leftovers(dir, ['model.json']), []);
    });
  });

  test('a symbolic link is written through: the link stays, its target gets the new text', () => {
    inTempDir((dir) => {
      const real = join(dir, 'real.csv');
      const link = join(dir, 'link.csv');
      writeFileSync(real, 'old\n');
      symlinkSync(real, link);
      writeFileAtomic(link, 'new\n');
      assert.ok(lstatSync(link).isSymbolicLink());
      assert.equal(readFileSync(real, 'utf8'), 'new\n');
      assert.deepEqual(leftovers(dir, ['real.csv', 'link.csv']), []);
    });
  });

  // A failure at each step after the temporary file exists: the old file is byte-identical, nothing is left.
  const failures: Array<[string, Parameters<typeof writeFileAtomic>[3], RegExp]> = [
    ['the disk fills up while writing (ENOSPC)', { write: () => { throw sysError('ENOSPC', 'write', 'x'); } }, /disk is full/],
    ['the flush fails (EIO)', { fsync: () => { throw sysError('EIO', 'fsync', 'x'); } }, /input\/output error/],
    ['the rename fails (EXDEV)', { rename: () => { throw sysError('EXDEV', 'rename', 'x'); } }, /\(EXDEV\)/],
  ];
  for (const [name, steps, message] of failures) {
    test(`${name}: the old file stays byte-identical, the temporary file is removed`, () => {
      inTempDir((dir) => {
        const p = join(dir, 'predictions.csv');
        const old = Buffer.from('row,predicted\n1,a\n\u00e9\r\n');
        writeFileSync(p, old);
        const e = labErrorOf(() => writeFileAtomic(p, 'new text that must not appear\n', 'predictions.csv', steps));
        assert.equal(e.code, 'write-failed');
        assert.match(e.message, message);
        assert.ok(e.message.includes(p));
        assert.deepEqual(readFileSync(p), old);
        assert.deepEqual(leftovers(dir, ['predictions.csv']), []);
      });
    });
  }

  test('an error that is not a file-system error is rethrown as it is, after the clean-up', () => {
    inTempDir((dir) => {
      const p = join(dir, 'out.csv');
      const boom = new RangeError('boom');
      assert.throws(() => writeFileAtomic(p, 'x', undefined, { write: () => { throw boom; } }), (e: unknown) => e === boom);
      assert.deepEqual(readdirSync(dir), []);
    });
  });

  test('a folder as the target: EISDIR with the fix, the folder and its contents untouched', () => {
    inTempDir((dir) => {
      const target = join(dir, 'models');
      mkdirSync(target);
      writeFileSync(join(target, 'keep.txt'), 'keep');
      const e = labErrorOf(() => writeFileAtomic(target, 'x', 'model.json'));
      assert.match(e.message, /it is a folder\. Give a file name inside it \(e\.g\. .*models\/model\.json\)/);
      assert.deepEqual(readdirSync(target), ['keep.txt']);
      assert.deepEqual(readdirSync(dir), ['models']);
    });
  });

  test('a missing folder (ENOENT) and a parent that is a regular file (ENOTDIR): nothing is created', () => {
    inTempDir((dir) => {
      const e1 = labErrorOf(() => writeFileAtomic(join(dir, 'missing', 'model.json'), 'x'));
      assert.match(e1.message, /the folder .*missing does not exist/);
      writeFileSync(join(dir, 'plain.txt'), 'plain');
      const e2 = labErrorOf(() => writeFileAtomic(join(dir, 'plain.txt', 'model.json'), 'x'));
      assert.match(e2.message, /is a file, not a folder/);
      assert.deepEqual(readdirSync(dir), ['plain.txt']);
      assert.equal(readFileSync(join(dir, 'plain.txt'), 'utf8'), 'plain');
    });
  });
});

describe('checkOutputPath: the mistakes known before the work starts', () => {
  test('folder, missing folder, path through a file; a new or existing file in a folder is fine', () => {
    inTempDir((dir) => {
      writeFileSync(join(dir, 'plain.txt'), 'plain');
      assert.match(labErrorOf(() => checkOutputPath(dir, 'model.json')).message, /it is a folder/);
      assert.match(labErrorOf(() => checkOutputPath(join(dir, 'a', 'b', 'm.json'))).message, /the folder .*a\/b does not exist/);
      assert.match(labErrorOf(() => checkOutputPath(join(dir, 'plain.txt', 'sub', 'm.json'))).message, /not a folder/);
      checkOutputPath(join(dir, 'new.json'));
      checkOutputPath(join(dir, 'plain.txt'));
      assert.deepEqual(readdirSync(dir), ['plain.txt']);
    });
  });
});

describe('sameFile', () => {
  test('same file through another spelling, a symbolic link or a hard link; different files are different', () => {
    inTempDir((dir) => {
      const a = join(dir, 'a.csv');
      const b = join(dir, 'b.csv');
      writeFileSync(a, 'x\n');
      writeFileSync(b, 'x\n');
      mkdirSync(join(dir, 'sub'));
      symlinkSync(a, join(dir, 'sub', 'link.csv'));
      linkSync(a, join(dir, 'hard.csv'));
      symlinkSync(dir, join(dir, 'dirlink'));
      assert.ok(sameFile(a, a));
      assert.ok(sameFile(a, join(dir, 'sub', '..', 'a.csv')));
      assert.ok(sameFile(a, join(dir, '.', 'a.csv')));
      assert.ok(sameFile(join(dir, 'sub', 'link.csv'), a));
      assert.ok(sameFile(join(dir, 'dirlink', 'a.csv'), a));
      assert.ok(sameFile(join(dir, 'hard.csv'), a), 'hard link: same device and inode');
      assert.ok(!sameFile(a, b), 'same content, different files');
      assert.ok(!sameFile(join(dir, 'new.json'), a));
      assert.ok(sameFile(join(dir, 'new.json'), join(dir, 'sub', '..', 'new.json')), 'a file to be created: by its path');
    });
  });
});
