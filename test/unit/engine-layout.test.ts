/**
 * The engine's layout keeps Node-only code apart: no engine file imports vscode; files outside src/engine/node
 * import no Node module (`node:*`, fs, worker_threads, …) and nothing from src/engine/node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
const engine = join(root, 'src', 'engine');
const NODE_BUILTINS = /^(node:|fs$|path$|os$|crypto$|worker_threads$|child_process$)/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'assembly' ? [] : tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

test('no engine file imports vscode; only src/engine/node uses Node modules or node/ files', () => {
  const files = tsFiles(engine);
  assert.ok(files.length > 20, `found the engine's files (${files.length})`);
  const problems: string[] = [];
  for (const file of files) {
    const rel = relative(engine, file);
    const nodeOnly = rel.startsWith('node/');
    for (const spec of importsOf(file)) {
      if (spec === 'vscode') problems.push(`${rel} imports vscode`);
      if (nodeOnly) continue;
      if (NODE_BUILTINS.test(spec)) problems.push(`${rel} imports the Node module ${spec}`);
      if (spec.startsWith('.') && relative(engine, resolve(file, '..', spec)).startsWith('node/')) {
        problems.push(`${rel} imports Node-only ${spec}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
