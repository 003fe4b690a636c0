/**
 * How many classes a target may have. Logistic regression keeps one weight row per class (K×n weights, K×m
 * scores per pass), so a target with a distinct value per row — a name, an id, a timestamp — would train for
 * hours or run out of memory instead of failing with a clear message. The rule:
 *
 *   refuse when K > MAX_CLASSES (1000), or when K > FEW_CLASSES (20) and the labelled rows are fewer than
 *   MIN_ROWS_PER_CLASS (5) per class on average (m < 5·K).
 *
 * Up to 20 classes are never refused for their number (iris: 3 classes in 150 rows, digits: 10 in 1797,
 * titanic: 2 in 891; too few rows per class for a split is `stratifiedSplit`'s error); above that, classes
 * with fewer than 5 rows each are what an identifier looks like (Titanic's Name: 891 values in 891 rows).
 * The check needs only the count of distinct values, so callers run it before allocating anything per class.
 */
import { LabError } from '../types';

/** Most classes a target may have. */
export const MAX_CLASSES = 1000;
/** Up to this many classes, the number of rows per class is not checked. */
export const FEW_CLASSES = 20;
/** Least mean number of labelled rows per class above FEW_CLASSES classes. */
export const MIN_ROWS_PER_CLASS = 5;

/**
 * Throws LabError 'too-many-classes' when a target column with `classes` distinct values in `rows` labelled
 * rows breaks the rule above; the message names the column, the file, the counts and what to do.
 */
export function checkClassCount(classes: number, rows: number, column: string, file: string | undefined): void {
  const tooMany = classes > MAX_CLASSES;
  const tooSparse = classes > FEW_CLASSES && rows < MIN_ROWS_PER_CLASS * classes;
  if (!tooMany && !tooSparse) return;
  const where = file ? ` in ${file}` : '';
  const counts = `target '${column}'${where} has ${classes} distinct values in ${rows} labelled row${rows === 1 ? '' : 's'}`;
  const why = classes >= rows * 0.9
    ? 'which looks like an identifier, not a class label'
    : tooMany
      ? `more than the ${MAX_CLASSES} classes logistic regression is trained for here`
      : `fewer than ${MIN_ROWS_PER_CLASS} rows per class on average, too few to learn ${classes} classes`;
  throw new LabError(
    'too-many-classes',
    `${counts}, ${why}; pick a target with few values (a category or a 0/1 outcome), or group its values into fewer classes`,
    { file, columnName: column },
  );
}
