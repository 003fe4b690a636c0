// Compiles the AssemblyScript kernels (src/engine/kernels/wasm/assembly/*.ts) into src/engine/kernels/wasm/kernels.wasm with
// npm-installed tooling only. The output is a build artefact (git-ignored). Skips work when the .wasm is newer
// than every source. Usage: node scripts/build-wasm.mjs [--force] [--wat]
import { existsSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src/engine/kernels/wasm/assembly');
const entry = join(srcDir, 'kernels.ts');
const outFile = join(root, 'src/engine/kernels/wasm/kernels.wasm');
const args = new Set(process.argv.slice(2));

function newestSource() {
  let t = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const name of readdirSync(srcDir)) t = Math.max(t, statSync(join(srcDir, name)).mtimeMs);
  return t;
}

export async function buildWasm({ force = false, wat = false } = {}) {
  if (!force && existsSync(outFile) && statSync(outFile).mtimeMs >= newestSource()) return false;
  mkdirSync(dirname(outFile), { recursive: true });
  const argv = [
    entry,
    '--outFile', outFile,
    '-O3', '--converge', '--noAssert',
    '--runtime', 'stub',
    '--enable', 'simd,threads',
    '--importMemory', '--sharedMemory', '--noExportMemory',
    '--initialMemory', '1', '--maximumMemory', '65536',
  ];
  if (wat) argv.push('--textFile', outFile.replace(/\.wasm$/, '.wat'));
  const { error, stderr } = await asc.main(argv);
  if (error) {
    process.stderr.write(stderr.toString());
    throw new Error(`AssemblyScript build failed: ${error.message}`);
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildWasm({ force: args.has('--force'), wat: args.has('--wat') });
  if (built) console.log(`built ${outFile.slice(root.length + 1)}`);
}
