// One build for the three worlds: extension host, engine worker, CLI, webviews, and the test bundles.
// Usage: node esbuild.config.mjs [--tests] [--watch]
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildWasm } from './scripts/build-wasm.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');

/** All files under dir whose names match re (recursive). */
function findFiles(dir, re) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findFiles(p, re));
    else if (re.test(name)) out.push(p);
  }
  return out;
}

// The WebAssembly kernels are compiled first (from AssemblyScript sources; skipped when up to date):
// the engine bundles embed the .wasm bytes.
await buildWasm();

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  loader: { '.wasm': 'binary' },
};

/** Node-side bundles: extension host (vscode external), engine worker, CLI. */
const nodeEntries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/engine/node/worker.ts', out: 'worker' },
  { in: 'src/cli/main.ts', out: 'cli' },
].filter((e) => existsSync(e.in));

const builds = [
  esbuild.build({
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
  }),
];

/** Browser bundles: one per webview entry point in src/webview/*.ts (not sub-folders). */
const webEntries = readdirSync('src/webview')
  .filter((n) => n.endsWith('.ts'))
  .map((n) => ({ in: join('src/webview', n), out: n.replace(/\.ts$/, '') }));
if (webEntries.length > 0) {
  builds.push(
    esbuild.build({
      ...common,
      entryPoints: webEntries,
      outdir: 'dist/webview',
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
    }),
  );
}

if (args.has('--tests')) {
  const unit = findFiles('test/unit', /\.test\.ts$/);
  const suite = findFiles('test/suite', /\.ts$/);
  const e2e = findFiles('test/e2e', /\.ts$/);
  const benches = findFiles('bench', /\.ts$/);
  const scripts = findFiles('scripts', /\.ts$/);
  const toEntries = (files) => files.map((f) => ({ in: f, out: relative('.', f).replace(/\.ts$/, '') }));
  const all = [...toEntries(unit), ...toEntries(suite), ...toEntries(e2e), ...toEntries(benches), ...toEntries(scripts)];
  if (all.length > 0) {
    builds.push(
      esbuild.build({
        ...common,
        entryPoints: all,
        outdir: 'out',
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron', 'papaparse'],
      }),
    );
  }
}

await Promise.all(builds);
