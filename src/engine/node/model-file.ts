/**
 * Reading a model file exported by Logistic Regression Lab (Node-only: the file system). Used by the training worker,
 * so that a large model is read and parsed off the extension host's thread.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { fileSystemError } from './fs-errors';
import { LabError } from '../types';

/** Largest model file read (bytes): a model of 10 000 features × 1000 classes is about 200 MB of JSON. */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;

/** The text of a model file; LabError (naming the path and the fix) when it cannot be read or is too large. */
export function readModelFile(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_MODEL_BYTES) {
      throw new LabError(
        'bad-model',
        `${basename(path)} is ${Math.round(size / 2 ** 20)} MB, more than a model file can be ` +
          `(${MAX_MODEL_BYTES / 2 ** 20} MB); choose the .json file exported by Logistic Regression Lab`,
        { file: path },
      );
    }
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof LabError) throw e;
    throw fileSystemError(e, path, 'read', 'model file', 'model.json') ?? e;
  }
}
