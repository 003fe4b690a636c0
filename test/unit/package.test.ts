/**
 * What the .vsix would contain (`vsce ls`, the file list `npm run package` packs): the bundles, styles, the
 * walkthrough and the samples it opens, the manifest's translations — and no sources, tests or build tooling.
 * Every image the README links is packed, so the extension's details page shows it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = process.cwd();

test('the package holds what the extension needs and nothing of its development', () => {
  const vsce = resolve(root, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = new Set(r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^(INFO|WARNING|Use )/.test(l)));
  for (const f of ['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'dist/extension.js', 'dist/worker.js',
    'dist/webview/dashboard.js', 'dist/webview/sidebar.js', 'media/dashboard.css', 'media/icon.png', 'samples/titanic.csv']) {
    assert.ok(files.has(f), `${f} is packed`);
  }
  for (const f of files) {
    assert.doesNotMatch(f, /^(src|test|scripts|bench|node_modules|out|\.cache|\.ci)\//, `${f} stays out`);
    assert.doesNotMatch(f, /\.(ts|map)$/, `${f} stays out`);
  }
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  for (const [, src] of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) assert.ok(files.has(src), `README image ${src} is packed`);
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    contributes: { walkthroughs: Array<{ steps: Array<{ media: { markdown?: string } }> }> };
  };
  for (const step of manifest.contributes.walkthroughs[0].steps) {
    if (step.media.markdown) assert.ok(files.has(step.media.markdown), `walkthrough page ${step.media.markdown}`);
  }
});

test('the translation bundle l10n/bundle.l10n.json lists every vscode.l10n.t string of the extension (npm run l10n)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-l10n-'));
  try {
    const tool = resolve(root, 'node_modules', '.bin', 'vscode-l10n-dev');
    const r = spawnSync(tool, ['export', '-o', dir, resolve(root, 'src', 'extension')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const fresh = JSON.parse(readFileSync(join(dir, 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
    const committed = JSON.parse(readFileSync(resolve(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(committed).sort(), Object.keys(fresh).sort(), 'run npm run l10n and commit l10n/');
    assert.ok(Object.keys(fresh).length >= 30);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
