/**
 * The one list of the user's settings: every field of {@link TrainConfig} and every preparation option of
 * {@link PrepareOptions}, once, with its type, bounds, choices, default, label, description, validation message
 * parts, CLI flag and whether the dashboard's Settings form shows it. Pure data and pure functions (no `vscode`,
 * no Node-only APIs): the engine, the extension host, the CLI and the dashboard webview all read it.
 *
 * Derived from this list: the defaults and checks of `resolveConfig` (config.ts) and `resolveOptions`
 * (dataset.ts), the host's `readTrainConfig` / `readPrepareOptions`, the CLI's options of `train` and its
 * `--help`, the dashboard's form fields, and the `contributes.configuration` entries of package.json with their
 * strings in package.nls.json (written by `npm run settings:manifest`, scripts/settings-manifest.ts; a unit test
 * fails when the manifest differs from what this list gives).
 */
import type { PrepareOptions, TrainConfig } from './types';

/** Most epochs a run may be given (settings also arrive from the dashboard: every number is bounded). */
export const MAX_EPOCHS = 10_000_000;

/** Prefix of the VS Code settings that hold these fields (`logisticLab.learningRate`, …). */
export const SETTINGS_PREFIX = 'logisticLab';

/** Fields of PrepareOptions that are settings (target, features and include are the user's picks per file). */
export type PrepareSettingKey = Exclude<keyof PrepareOptions, 'target' | 'features' | 'include'>;
export type TrainSettingKey = keyof TrainConfig;
export type SettingKey = TrainSettingKey | PrepareSettingKey;

/** The value of a setting as the engine holds it (classWeight: 'balanced' or null). */
export type SettingValue<K extends SettingKey> = K extends TrainSettingKey
  ? TrainConfig[K]
  : K extends PrepareSettingKey
    ? NonNullable<PrepareOptions[K]>
    : never;

/** Where a value goes: a TrainConfig field, a PrepareOptions field, or both (the seed). */
export type SettingGroup = 'train' | 'prepare' | 'both';
type GroupOf<K extends SettingKey> = K extends TrainSettingKey ? (K extends PrepareSettingKey ? 'both' : 'train') : 'prepare';

interface CommonSpec<K extends SettingKey> {
  key: K;
  group: GroupOf<K>;
  /** The setting's name in messages: "<label> must be <must> (got …); set logisticLab.<key> to e.g. <example>". */
  label: string;
  /** What it means, in Markdown: the Settings editor's description (package.nls.json) and the CLI's --help. */
  description: string;
  must: string;
  example: string;
  default: SettingValue<K>;
  /** CLI flag of `train`, without the dashes. A boolean flag sets the opposite of the default (`no-standardize`). */
  flag?: string;
  /** Shown in the dashboard's Settings form, with this label and tooltip. */
  form?: { label: string; hint: string };
}

export interface NumberSpec<K extends SettingKey> extends CommonSpec<K> {
  type: 'number' | 'integer';
  min?: number;
  /** The bound itself is not allowed: (min, …. */
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
}

/** One choice of an enum setting: its spelling in the settings, its description, its text in the form. */
export type EnumChoice<V> = V extends string
  ? { value: V; description?: string; label?: string }
  : { value: string; /** The engine's value for this spelling ('none' → null). */ means: V; description?: string; label?: string };

export interface EnumSpec<K extends SettingKey> extends CommonSpec<K> {
  type: 'enum';
  choices: readonly EnumChoice<SettingValue<K>>[];
}

export interface BooleanSpec<K extends SettingKey> extends CommonSpec<K> {
  type: 'boolean';
}

export type SettingSpec<K extends SettingKey> = SettingValue<K> extends number
  ? NumberSpec<K>
  : SettingValue<K> extends boolean
    ? BooleanSpec<K>
    : EnumSpec<K>;

/** Any one setting (a union discriminated by `key` and by `type`). */
export type AnySetting = { [K in SettingKey]: SettingSpec<K> }[SettingKey];
export type AnyNumberSetting = Extract<AnySetting, { type: 'number' | 'integer' }>;
export type AnyEnumSetting = Extract<AnySetting, { type: 'enum' }>;

/** In the order of the Settings editor (the manifest's `order`). */
const LIST = [
  {
    key: 'learningRate',
    group: 'train',
    type: 'number',
    min: 0,
    minExclusive: true,
    max: 1e12,
    default: 0.1,
    label: 'learning rate',
    description: 'Learning rate α of every update `W := W − α·dW`.',
    must: 'a positive number up to 1e12',
    example: '0.1',
    flag: 'lr',
    form: { label: 'learning rate α', hint: 'Step size of every update (> 0)' },
  },
  {
    key: 'epochs',
    group: 'train',
    type: 'integer',
    min: 1,
    max: MAX_EPOCHS,
    default: 200,
    label: 'epochs',
    description: 'Passes over the training rows in one run.',
    must: `a whole number from 1 to ${MAX_EPOCHS}`,
    example: '200',
    flag: 'epochs',
    form: { label: 'epochs', hint: 'Passes over the training rows (for newton / lbfgs: the most iterations)' },
  },
  {
    key: 'batchSize',
    group: 'train',
    type: 'integer',
    min: 0,
    max: 2 ** 31 - 1,
    default: 0,
    label: 'batch size',
    description: 'Rows per update. `0` (or at least the number of training rows) = full batch gradient descent.',
    must: 'a whole number ≥ 0 (0 = full batch)',
    example: '32',
    flag: 'batch-size',
    form: { label: 'batch size', hint: 'Rows per update; 0 = full batch: all training rows, one update per epoch' },
  },
  {
    key: 'optimizer',
    group: 'train',
    type: 'enum',
    choices: [
      { value: 'gd', label: 'gradient descent', description: 'Plain gradient descent (full batch unless a batch size is set).' },
      { value: 'sgd', label: 'mini-batch SGD', description: 'Stochastic / mini-batch gradient descent (rows shuffled every epoch).' },
      { value: 'momentum', label: 'momentum', description: 'Gradient descent with momentum β (`logisticLab.momentum`).' },
      { value: 'adam', label: 'Adam', description: 'Adam (`logisticLab.beta1`, `beta2`, `epsilon`).' },
      {
        value: 'newton',
        label: 'Newton (exact fit)',
        description:
          'Newton / IRLS: the exact optimum in about 10 updates, each W := W − t·H⁻¹∇J (cross-entropy only; the learning rate is not used).',
      },
      {
        value: 'lbfgs',
        label: 'L-BFGS (exact fit)',
        description: 'L-BFGS: a quasi-Newton fit of the exact optimum (cross-entropy only; the learning rate is not used).',
      },
    ],
    default: 'gd',
    label: 'optimizer',
    description: 'How the gradient turns into an update.',
    must: "one of 'gd', 'sgd', 'momentum', 'adam', 'newton', 'lbfgs'",
    example: "'newton'",
    flag: 'optimizer',
    form: { label: 'optimizer', hint: 'How the gradient turns into an update' },
  },
  {
    key: 'loss',
    group: 'train',
    type: 'enum',
    choices: [
      {
        value: 'bce',
        label: 'cross-entropy',
        description: 'Binary cross-entropy (softmax cross-entropy for more than two classes): convex, the right choice.',
      },
      {
        value: 'mse',
        label: 'squared error',
        description: 'Mean squared error on the probabilities: for comparison only (non-convex with a sigmoid).',
      },
    ],
    default: 'bce',
    label: 'loss',
    description: 'Loss minimised by training.',
    must: "'bce' or 'mse'",
    example: "'bce'",
    flag: 'loss',
    form: { label: 'loss', hint: 'Loss minimised by training' },
  },
  {
    key: 'l2',
    group: 'train',
    type: 'number',
    min: 0,
    max: 1e6,
    default: 0,
    label: 'L2 penalty λ',
    description: 'L2 penalty λ in `J = mean loss + (λ/2)‖W‖²` (the bias is never penalised).',
    must: 'a number from 0 to 1e6',
    example: '0.01',
    flag: 'l2',
    form: { label: 'L2 λ', hint: 'Penalty (λ/2)‖W‖²; 0 = none' },
  },
  {
    key: 'testSize',
    group: 'prepare',
    type: 'number',
    min: 0,
    max: 1,
    maxExclusive: true,
    default: 0.2,
    label: 'test size',
    description: 'Fraction of rows held out as the test set (stratified by class). `0` = no test set.',
    must: 'at least 0 and below 1',
    example: '0.2',
    flag: 'test-size',
    form: { label: 'test size', hint: 'Share of the rows held out for testing, 0 to <1 (0.2 = 20 %); changing it re-reads the file and restarts' },
  },
  {
    key: 'seed',
    group: 'both',
    type: 'integer',
    min: 0,
    max: 0xffffffff,
    default: 42,
    label: 'seed',
    description: 'Seed of the train/test split, the shuffles and random initialisation (same seed, same result).',
    must: 'a whole number in [0, 4294967295]',
    example: '42',
    flag: 'seed',
    form: { label: 'seed', hint: 'Whole number: the split, the shuffles and the random start (same seed, same result); changing it re-splits and restarts' },
  },
  {
    key: 'standardize',
    group: 'prepare',
    type: 'boolean',
    default: true,
    label: 'standardisation',
    description: "Scale numeric features to z-scores with the training rows' mean and standard deviation.",
    must: 'true or false',
    example: 'false',
    flag: 'no-standardize',
    form: { label: 'standardise', hint: 'z-scores (x − mean) / sd from the training rows; changing it re-prepares and restarts' },
  },
  {
    key: 'threshold',
    group: 'train',
    type: 'number',
    min: 0,
    max: 1,
    default: 0.5,
    label: 'decision threshold',
    description: 'Decision threshold of binary models: predict the positive class when `σ(z) ≥ threshold`.',
    must: 'a number in [0, 1]',
    example: '0.5',
    flag: 'threshold',
    form: { label: 'threshold', hint: 'Binary: predict the positive class when σ(z) ≥ threshold, 0 to 1 (metrics only, not training)' },
  },
  {
    key: 'momentum',
    group: 'train',
    type: 'number',
    min: 0,
    max: 1,
    maxExclusive: true,
    default: 0.9,
    label: 'momentum β',
    description: 'Momentum β of the `momentum` optimizer.',
    must: 'a number in [0, 1)',
    example: '0.9',
    flag: 'momentum',
    form: { label: 'momentum β', hint: 'momentum optimizer: share of the last step kept, 0 to <1' },
  },
  {
    key: 'beta1',
    group: 'train',
    type: 'number',
    min: 0,
    max: 1,
    maxExclusive: true,
    default: 0.9,
    label: 'Adam β₁',
    description: 'Adam β₁ (first-moment decay).',
    must: 'a number in [0, 1)',
    example: '0.9',
    flag: 'beta1',
    form: { label: 'Adam β₁', hint: 'Adam: decay of the gradient average, 0 to <1' },
  },
  {
    key: 'beta2',
    group: 'train',
    type: 'number',
    min: 0,
    max: 1,
    maxExclusive: true,
    default: 0.999,
    label: 'Adam β₂',
    description: 'Adam β₂ (second-moment decay).',
    must: 'a number in [0, 1)',
    example: '0.999',
    flag: 'beta2',
    form: { label: 'Adam β₂', hint: 'Adam: decay of the squared-gradient average, 0 to <1' },
  },
  {
    key: 'epsilon',
    group: 'train',
    type: 'number',
    min: 0,
    minExclusive: true,
    default: 1e-8,
    label: 'Adam ε',
    description: 'Adam ε.',
    must: 'a positive number',
    example: '1e-8',
    flag: 'epsilon',
    form: { label: 'Adam ε', hint: 'Adam: added to √v so the step never divides by 0 (> 0)' },
  },
  {
    key: 'classWeight',
    group: 'train',
    type: 'enum',
    choices: [
      { value: 'none', means: null, description: 'Every row counts the same.' },
      { value: 'balanced', description: 'Weight rows by `m / (K · m_c)` so every class counts the same in total.' },
    ],
    default: null,
    label: 'class weight',
    description: 'Class weights of the loss.',
    must: "'balanced' or 'none'",
    example: "'balanced'",
    flag: 'class-weight',
    form: { label: 'class weight', hint: 'balanced: rows weighted m / (K·m_c) so every class counts the same' },
  },
  {
    key: 'tolerance',
    group: 'train',
    type: 'number',
    min: 0,
    max: 1,
    default: 0,
    label: 'tolerance',
    description:
      'Stop early when the training objective changes less than this between epochs. `0` = always train every epoch.',
    must: 'a number from 0 to 1 (0 = train all epochs)',
    example: '1e-6',
    flag: 'tolerance',
    form: { label: 'tolerance', hint: 'Stop when J changes less than this between epochs (absolute, 0 = never stop early)' },
  },
  {
    key: 'init',
    group: 'train',
    type: 'enum',
    choices: [
      { value: 'zeros', description: 'W = 0, b = 0.' },
      { value: 'random', description: 'Seeded random weights W ~ N(0, 1/n): z starts spread around 0, so the first update is not the trivial one from zeros.' },
    ],
    default: 'zeros',
    label: 'initialisation',
    description: 'Initial weights.',
    must: "'zeros' or 'random'",
    example: "'zeros'",
    flag: 'init',
    form: { label: 'start', hint: 'zeros: W = 0, b = 0; random: seeded W ~ N(0, 1/n)' },
  },
  {
    key: 'logEvery',
    group: 'train',
    type: 'integer',
    min: 0,
    max: MAX_EPOCHS,
    default: 0,
    label: 'history interval',
    description: 'Record a history point every this many updates. `0` = automatic.',
    must: `a whole number from 0 to ${MAX_EPOCHS} (0 = automatic)`,
    example: '10',
    flag: 'log-every',
  },
  {
    key: 'missingIndicators',
    group: 'prepare',
    type: 'boolean',
    default: false,
    label: 'missing indicators',
    description: 'Add a `<column> missing` 0/1 feature for every column with missing values.',
    must: 'true or false',
    example: 'true',
    flag: 'missing-indicators',
  },
  {
    key: 'numericImpute',
    group: 'prepare',
    type: 'enum',
    choices: [{ value: 'median' }, { value: 'mean' }],
    default: 'median',
    label: 'numericImpute',
    description: 'Value that fills missing numeric fields (computed on the training rows).',
    must: "'median' or 'mean'",
    example: "'mean'",
    flag: 'numeric-impute',
  },
  {
    key: 'encoding',
    group: 'prepare',
    type: 'enum',
    choices: [
      {
        value: 'reference',
        description:
          "One 0/1 indicator per level except the reference level (the first in sorted order), as R, statsmodels and scikit-learn's `drop='first'`: the weights are unique and read as differences from the reference.",
      },
      {
        value: 'full',
        description:
          'One indicator per level. Without L2 its optimum is not unique (the indicators of a column sum to the bias), so weights and odds ratios cannot be read on their own.',
      },
    ],
    default: 'reference',
    label: 'encoding',
    description: 'How text columns become features.',
    must: "'reference' or 'full'",
    example: "'full'",
    flag: 'encoding',
  },
  {
    key: 'categoricalImpute',
    group: 'prepare',
    type: 'enum',
    choices: [
      { value: 'most-frequent', description: 'The most frequent level of the training rows.' },
      { value: 'missing-level', description: 'An own level `(missing)`.' },
    ],
    default: 'most-frequent',
    label: 'categoricalImpute',
    description: 'How missing text fields are filled.',
    must: "'most-frequent' or 'missing-level'",
    example: "'missing-level'",
    flag: 'categorical-impute',
  },
  {
    key: 'maxLevels',
    group: 'prepare',
    type: 'integer',
    min: 1,
    default: 50,
    label: 'maxLevels',
    description:
      'Text columns with more distinct values than this are dropped as high-cardinality (unless chosen as features).',
    must: 'a whole number, at least 1',
    example: '50',
    flag: 'max-levels',
  },
] as const satisfies readonly AnySetting[];

// Every TrainConfig field and every preparation setting is in the list: a missing one is a compile error here.
type Listed = (typeof LIST)[number]['key'];
const everySettingListed: Record<Exclude<SettingKey, Listed>, never> = {};
void everySettingListed;

/** Every setting, in the Settings editor's order. */
export const SETTINGS: readonly AnySetting[] = LIST;

const BY_KEY: ReadonlyMap<string, AnySetting> = new Map(SETTINGS.map((s) => [s.key, s]));

/** The setting of this key, or undefined (a plain Map: `__proto__` or `constructor` are not settings). */
export function settingOf(key: string): AnySetting | undefined {
  return BY_KEY.get(key);
}

/** The settings whose values go into a TrainConfig ('train') or PrepareOptions ('prepare'); the seed is in both. */
export function settingsOf(group: 'train' | 'prepare'): AnySetting[] {
  return SETTINGS.filter((s) => s.group === group || s.group === 'both');
}

/** The engine value of a setting's spelling ('none' → null for classWeight); other values as they are. */
export function engineValue(s: AnySetting, v: unknown): unknown {
  if (s.type !== 'enum') return v;
  for (const c of s.choices as readonly EnumChoice<unknown>[]) if (c.value === v && 'means' in c) return c.means;
  return v;
}

/** A setting's engine value in its settings spelling (null → 'none'): the manifest's default. */
export function settingsValue(s: AnySetting, v: unknown): unknown {
  if (s.type !== 'enum') return v;
  for (const c of s.choices as readonly EnumChoice<unknown>[]) if ('means' in c && c.means === v) return c.value;
  return v;
}

/** Whether `v` (either spelling) is a valid value of the setting: its type, bounds and choices. */
export function isValidSetting(s: AnySetting, v: unknown): boolean {
  switch (s.type) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'enum':
      return (s.choices as readonly EnumChoice<unknown>[]).some((c) => c.value === v || ('means' in c && c.means === v));
    case 'number':
    case 'integer': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (s.type === 'integer' && !Number.isInteger(v)) return false;
      const b = s as NumberSpec<SettingKey>;
      if (b.min !== undefined && (b.minExclusive ? !(v > b.min) : !(v >= b.min))) return false;
      if (b.max !== undefined && (b.maxExclusive ? !(v < b.max) : !(v <= b.max))) return false;
      return true;
    }
  }
}

/** The value as a user would type it, for messages. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * null when `v` is a valid value of the setting, else the one-line message, e.g.
 * "learning rate must be a positive number up to 1e12 (got -1); set logisticLab.learningRate to e.g. 0.1".
 */
export function settingProblem(s: AnySetting, v: unknown): string | null {
  if (isValidSetting(s, v)) return null;
  return `${s.label} must be ${s.must} (got ${showValue(v)}); set ${SETTINGS_PREFIX}.${s.key} to e.g. ${s.example}`;
}

/** A bound as it reads best: whole numbers in full, other large or small ones as 1e12, 1e-8. */
function showBound(x: number, integer: boolean): string {
  const plain = String(x);
  if (integer) return plain;
  const exp = x.toExponential().replace('e+', 'e');
  return exp.length < plain.length ? exp : plain;
}

/** The type and bounds of a number setting in words: "a number greater than 0 and at most 1e12". */
export function rangeText(s: AnyNumberSetting): string {
  const integer = s.type === 'integer';
  const kind = integer ? 'a whole number' : 'a number';
  const b = s as NumberSpec<SettingKey>;
  const lo = b.min === undefined ? null : showBound(b.min, integer);
  const hi = b.max === undefined ? null : showBound(b.max, integer);
  if (lo !== null && hi !== null && !b.minExclusive && !b.maxExclusive) return `${kind} from ${lo} to ${hi}`;
  const parts: string[] = [];
  if (lo !== null) parts.push(b.minExclusive ? `greater than ${lo}` : `≥ ${lo}`);
  if (hi !== null) parts.push(b.maxExclusive ? `below ${hi}` : `at most ${hi}`);
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
}

/** The CLI's flag value of a boolean setting: a flag sets the opposite of the default. */
export function booleanFlagValue(s: Extract<AnySetting, { type: 'boolean' }>): boolean {
  return !s.default;
}

function defaultsOf(group: 'train' | 'prepare'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of settingsOf(group)) out[s.key] = s.default;
  return out;
}

/** The defaults of every TrainConfig field (DEFAULT_TRAIN_CONFIG of config.ts). */
export const TRAIN_DEFAULTS: Readonly<TrainConfig> = Object.freeze(defaultsOf('train') as unknown as TrainConfig);

/** The defaults of the preparation settings (what `resolveOptions` fills in). */
export const PREPARE_DEFAULTS: Readonly<Required<Pick<PrepareOptions, PrepareSettingKey>>> = Object.freeze(
  defaultsOf('prepare') as unknown as Required<Pick<PrepareOptions, PrepareSettingKey>>,
);
