/**
 * Writes Fashion-MNIST as CSV files (header `label,p0,…,p783`, one image per row, pixels 0–255) from the IDX
 * files of Debian's `dataset-fashion-mnist` package (or another folder holding the four *-ubyte.gz files).
 * Usage: node out/bench/make-fashion.js [outDir] [idxDir]   (default outDir bench/data)
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const DEBIAN_FASHION_DIR = '/usr/share/datasets/fashion-mnist';

export interface FashionCsvs {
  train: string;
  test: string;
}

function readIdx(path: string, magic: number): { dims: number[]; data: Uint8Array } {
  const raw = gunzipSync(readFileSync(path));
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${path}: not an IDX file with magic ${magic.toString(16)}`);
  const nd = magic & 0xff;
  const dims: number[] = [];
  for (let q = 0; q < nd; q++) dims.push(view.getUint32(4 + 4 * q));
  return { dims, data: raw.subarray(4 + 4 * nd) };
}

function writeCsv(out: string, images: { dims: number[]; data: Uint8Array }, labels: { data: Uint8Array }): void {
  const [count, rows, cols] = images.dims;
  const px = rows * cols;
  const fd = openSync(out, 'w');
  try {
    const header = ['label', ...Array.from({ length: px }, (_, j) => `p${j}`)].join(',') + '\n';
    writeSync(fd, header);
    let block = '';
    for (let i = 0; i < count; i++) {
      let line = String(labels.data[i]);
      const o = i * px;
      for (let j = 0; j < px; j++) line += ',' + images.data[o + j];
      block += line + '\n';
      if (block.length > 1 << 20) {
        writeSync(fd, block);
        block = '';
      }
    }
    if (block) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}

/** Writes fashion_train.csv and fashion_test.csv into outDir unless they exist; null when the IDX files are missing. */
export function makeFashionCsvs(outDir: string, idxDir = DEBIAN_FASHION_DIR): FashionCsvs | null {
  const files = {
    trainImages: join(idxDir, 'train-images-idx3-ubyte.gz'),
    trainLabels: join(idxDir, 'train-labels-idx1-ubyte.gz'),
    testImages: join(idxDir, 't10k-images-idx3-ubyte.gz'),
    testLabels: join(idxDir, 't10k-labels-idx1-ubyte.gz'),
  };
  if (!Object.values(files).every((f) => existsSync(f))) return null;
  mkdirSync(outDir, { recursive: true });
  const train = join(outDir, 'fashion_train.csv');
  const test = join(outDir, 'fashion_test.csv');
  if (!existsSync(train)) writeCsv(train, readIdx(files.trainImages, 0x803), readIdx(files.trainLabels, 0x801));
  if (!existsSync(test)) writeCsv(test, readIdx(files.testImages, 0x803), readIdx(files.testLabels, 0x801));
  return { train, test };
}

if (require.main === module && /make-fashion\.[jt]s$/.test(process.argv[1] ?? '')) {
  const outDir = resolve(process.argv[2] ?? 'bench/data');
  const made = makeFashionCsvs(outDir, process.argv[3] ?? DEBIAN_FASHION_DIR);
  if (!made) {
    console.error('Fashion-MNIST IDX files not found (install Debian package dataset-fashion-mnist or pass their folder).');
    process.exit(1);
  }
  console.log(`${made.train}\n${made.test}`);
}
