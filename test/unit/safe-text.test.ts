/**
 * safeText.ts makes CSV text inert before VS Code shows it. The reference for "inert" is VS Code's own parsing,
 * copied here independently of the implementation:
 * - notifications: LINK_REGEX of src/vs/base/common/linkedText.ts (microsoft/vscode) — what `parseLinkedText`
 *   turns into `<a>` elements in notification messages;
 * - labels: labelWithIconsRegex of src/vs/base/browser/ui/iconLabel/iconLabels.ts with ThemeIcon's
 *   iconNameExpression / iconModifierExpression of src/vs/base/common/themables.ts — what `renderLabelWithIcons`
 *   turns into icons (an escaped `\$(x)` is shown as text).
 * A hostile corpus and seeded random mixes of dangerous fragments must never match them, lose their control
 * characters, stay within the length cap, and ordinary messages must come back unchanged.
 * The last part checks that src/extension/ shows text only through notify.ts and log.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ELLIPSIS,
  MAX_MESSAGE_LENGTH,
  MAX_QUOTED_LENGTH,
  escapeIcons,
  plainText,
  quote,
  safeLabel,
  safeMessage,
  truncate,
} from '../../src/extension/safeText';

/** microsoft/vscode src/vs/base/common/linkedText.ts, LINK_REGEX (verbatim). */
const VSCODE_LINK_REGEX = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

/** microsoft/vscode src/vs/base/common/themables.ts, ThemeIcon.iconNameExpression / iconModifierExpression. */
const ICON_NAME = '[A-Za-z0-9-]+';
const ICON_MODIFIER = '~[A-Za-z]+';
/** microsoft/vscode src/vs/base/browser/ui/iconLabel/iconLabels.ts, labelWithIconsRegex. */
const VSCODE_LABEL_ICONS_REGEX = new RegExp(`(\\\\)?\\$\\((${ICON_NAME}(?:${ICON_MODIFIER})?)\\)`, 'g');

/** The links VS Code would render in a notification with this message. */
function vscodeLinks(message: string): string[] {
  return [...message.matchAll(VSCODE_LINK_REGEX)].map((m) => m[0]);
}

/** The icons VS Code would render in a label with this text (escaped ones are shown as text). */
function vscodeIcons(label: string): string[] {
  return [...label.matchAll(VSCODE_LABEL_ICONS_REGEX)].filter((m) => m[1] === undefined).map((m) => m[0]);
}

/** Characters that must never reach the UI. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const SEND =
  'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D';

/** Strings a CSV could hold in a header, a label or a cell, or a file name. */
const HOSTILE: string[] = [
  `[Show the bad line](${SEND})`,
  `x,[Show the bad line](${SEND}),label`,
  '[open](https://evil.example/x)',
  '[open](http://evil.example/x)',
  '[passwd](file:///etc/passwd)',
  '[a](FILE:///etc/passwd)',
  '[a](Command:workbench.action.quit)',
  '[a](COMMAND:workbench.action.quit)',
  '[a](command:workbench.action.quit "Quit")',
  "[a](command:workbench.action.quit 'Quit')",
  '[[a]](command:x)',
  '[a[b]c](command:x)',
  '[a]](command:x)',
  '[]](command:x)',
  '[a](command:x)](command:y)',
  ']](((command:x)))',
  '[a](command:x)[b](https://y.z)[c](file:///w)',
  '![img](https://evil.example/i.png)',
  '[a]\n(command:x)',
  '[a]\r\n(command:x)',
  '[a]\r(command:x)',
  '[a]\u2028(command:x)',
  '[a]\u2029(command:x)',
  '[a]\u0085(command:x)',
  '[a]\u202E(command:x)',
  '[a]\u2066(command:x)\u2069',
  '[a]\u200B(command:x)',
  '[a]\uFEFF(command:x)',
  '[a]\u0000(command:x)',
  '[a]\u001B(command:x)',
  '[a]\u007F(command:x)',
  '[a]\u009B(command:x)',
  '[a]\u{E0041}(command:x)',
  '[a](command:\u202Ex)',
  '[a](command\n:x)',
  '[a](comm\u200Band:x)',
  '<command:workbench.action.quit>',
  '<https://evil.example>',
  '<a href="command:workbench.action.quit">quit</a>',
  '<img src=x onerror=alert(1)>',
  'command:workbench.action.quit',
  'see command:workbench.action.quit?%5B%5D now',
  '[a](command: x)',
  '[a]( command:x)',
  '[a](command:x y)',
  '[a] (command:x)',
  '\uFF3Ba\uFF3D\uFF08command:x\uFF09',
  '\u2045a\u2046(command:x)',
  '[a]\uFF08command:x)',
  '[a](command\uA789x)',
  '[a](\u0441ommand:x)',
  '$(zap)',
  '$(zap~spin) $(x-y) $(A1)',
  '\\$(zap)',
  '\\\\$(zap)',
  '$(',
  '$()',
  '$(zap',
  '[$(zap)](command:x)',
  '\u001B[31mred\u001B[0m',
  '\u001B]8;;command:workbench.action.quit\u0007click\u001B]8;;\u0007',
  '\u001B]0;title\u0007',
  'line1\nline2\r\nline3\tcol\u000Bvt\u000Cff',
  'a\uD800b',
  'a\uDC00b',
  '\uD83D\uDE00 emoji \uD83D',
  '[a](command:x)'.repeat(7_000),
  'a'.repeat(100_000),
  '['.repeat(50_000) + `](${SEND})`,
  `[${'a'.repeat(100_000)}](command:x)`,
  `[a](command:${'x'.repeat(100_000)})`,
  '\n'.repeat(100_000) + `[a](${SEND})`,
  '\u202E'.repeat(100_000) + '[a](command:x)',
];

/** Seeded random strings built from dangerous fragments (mulberry32). */
function randomHostile(count: number, seed = 20240611): string[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pieces = [
    '[', ']', '(', ')', '](', ')[', 'command:', 'COMMAND:', 'https://', 'http://', 'file:', 'x', 'zap', ' ', '"', "'",
    '<', '>', '$(', '\\', '\n', '\r', '\r\n', '\t', '\u0000', '\u001B', '\u007F', '\u0085', '\u009B', '\u200B',
    '\u200E', '\u202A', '\u202E', '\u2028', '\u2066', '\u2069', '\uFEFF', '\u{E0041}', '\uD800', '\uDC00', '~spin',
    '-', ':', '/', '?', '%7B', '\uFF3D', '\uFF08', '\u2046', '\u2236',
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rand() * 40);
    let text = '';
    for (let j = 0; j < n; j++) text += pieces[Math.floor(rand() * pieces.length)];
    out.push(text);
  }
  return out;
}

const CORPUS = [...HOSTILE, ...randomHostile(5_000)];

function show(s: string): string {
  const t = s.length > 120 ? `${s.slice(0, 120)}… (${s.length} chars)` : s;
  return JSON.stringify(t);
}

describe('safeMessage against VS Code notification links', () => {
  test('the reference regex does find links in the corpus as it is (the check is not vacuous)', () => {
    const linked = HOSTILE.filter((h) => vscodeLinks(h).length > 0);
    assert.ok(linked.length >= 20, `${linked.length} hostile strings are links before sanitising`);
    assert.deepEqual(vscodeLinks(`[Show the bad line](${SEND})`), [`[Show the bad line](${SEND})`]);
  });

  test('no output, alone or inside a message, renders a link', () => {
    for (const h of CORPUS) {
      for (const message of [h, `column '${h}' in data.csv has the text '${h}' at line 12`]) {
        const out = safeMessage(message);
        assert.deepEqual(vscodeLinks(out), [], `${show(message)} → ${show(out)}`);
        assert.ok(!/\]\(/.test(out), `no "](" in ${show(out)}`);
        assert.ok(!/<[A-Za-z/!?]/.test(out), `no autolink or tag in ${show(out)}`);
        assert.ok(!/command:/i.test(out), `no command URI in ${show(out)}`);
      }
    }
  });

  test('control, bidi and invisible characters are gone; no unpaired surrogate is left', () => {
    for (const h of CORPUS) {
      const out = safeMessage(h);
      assert.ok(!CONTROL.test(out), `control character left in ${show(out)}`);
      assert.ok(!LONE_SURROGATE.test(out), `unpaired surrogate left in ${show(out)}`);
      assert.ok(!/[\u{E0000}-\u{E007F}]/u.test(out), `tag character left in ${show(out)}`);
    }
    assert.equal(plainText('a\r\nb\nc\rd\te\u2028f'), 'a b c d e f', 'line breaks and tabs become one space each');
    assert.equal(plainText('\u202Egnp.exe\u202C'), 'gnp.exe');
    assert.equal(plainText('\u001B[31mred\u001B[0m'), '[31mred[0m');
    assert.equal(plainText('\uFEFFName'), 'Name', 'a byte-order mark at the start of a header goes');
    assert.equal(plainText('a\uD800b'), 'a\uFFFDb');
    assert.equal(plainText('\uD83D\uDE00'), '\uD83D\uDE00', 'a surrogate pair is kept');
  });

  test('length is capped with an ellipsis, never splitting a surrogate pair', () => {
    for (const h of CORPUS) {
      assert.ok(safeMessage(h).length <= MAX_MESSAGE_LENGTH, `${show(h)} is capped`);
      assert.ok(safeMessage(h, 50).length <= 50);
      assert.ok(quote(h).length <= MAX_QUOTED_LENGTH + 2);
      assert.ok(safeLabel(h).length <= 2 * MAX_QUOTED_LENGTH, 'a label grows by at most one backslash per icon');
    }
    const long = safeMessage('a'.repeat(100_000));
    assert.equal(long.length, MAX_MESSAGE_LENGTH);
    assert.ok(long.endsWith(ELLIPSIS));
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('abcd', 3), 'ab…');
    assert.equal(truncate('a\uD83D\uDE00b', 3), 'a…', 'the pair is dropped whole');
    assert.equal(quote('x'.repeat(500)), `'${'x'.repeat(MAX_QUOTED_LENGTH - 1)}…'`);
  });

  test('safeMessage is idempotent (a message made safe twice reads the same)', () => {
    for (const h of CORPUS) {
      const once = safeMessage(h);
      assert.equal(safeMessage(once), once, show(h));
      const label = safeLabel(h, MAX_MESSAGE_LENGTH);
      assert.deepEqual(vscodeIcons(label), [], show(h));
    }
  });

  test('the hostile header stays readable: same words, the link only defused', () => {
    assert.equal(
      safeMessage(`data.csv line 5 has 4 fields but the header has 3 (the last column is '[Show the bad line](${SEND})').`),
      `data.csv line 5 has 4 fields but the header has 3 (the last column is '[Show the bad line\u2046(command\u2236${SEND.slice(8)})').`,
    );
    assert.equal(safeMessage('<command:x>'), '\u2039command\u2236x>');
  });

  test('ordinary messages are unchanged', () => {
    const ordinary = [
      "column 'Age' in titanic.csv has the text 'abc' at line 12",
      "column 'Age' in titanic.csv has the text 'abc' at line 12, but the model expects numbers in it; fix or remove that value",
      'titanic.csv line 5 has 13 fields but the header has 12 (the last column is \'Embarked\'). Fix the row, or quote fields that contain ",".',
      "target column 'Survival' not found in titanic.csv; available columns: 'PassengerId', 'Survived', 'Pclass'",
      "logisticLab.learningRate must be a positive number (got -1); e.g. 0.1",
      'momentum β must be a number in [0, 1) (got 2)',
      'decision threshold must be in [0, 1] (got 1.5)',
      'Train failed [ragged-row] (/data/ragged.csv:5, column \'label\'): ragged.csv line 5 has 4 fields',
      'No training session yet: run "Logistic Lab: Train on CSV…" first.',
      'Logistic Lab: iteration 12 · batch loss 0.6931 → 0.6523',
      'epoch 1,234 of 10,000 · iteration 56,789 · train loss 0.4512',
      'Model saved to titanic.model.json.',
      'loss < 1e-8 after 3 epochs; x > 0; a<=b',
      'Sex=male, Embarked=S, Age (numeric, 88 distinct, 177 missing): kept → Age; median 28; z-score',
      'Digits 0–9: μ = 4.5, σ² = 8.25 — 日本語のラベル, emoji \uD83D\uDE00, Ελληνικά',
      'C:\\Users\\me\\data.csv and /home/me/data.csv',
      'https://example.com/docs is a plain address, not a link',
    ];
    for (const m of ordinary) assert.equal(safeMessage(m), m);
    assert.equal(safeLabel('Age'), 'Age');
    assert.equal(quote('Age'), "'Age'");
  });
});

describe('safeLabel against VS Code label icons', () => {
  test('the reference regex finds icons in the corpus as it is (the check is not vacuous)', () => {
    assert.deepEqual(vscodeIcons('$(zap) and $(zap~spin)'), ['$(zap)', '$(zap~spin)']);
    assert.deepEqual(vscodeIcons('\\$(zap)'), []);
  });

  test('no label renders an icon from data, and no label renders a link', () => {
    for (const h of CORPUS) {
      const out = safeLabel(h);
      assert.deepEqual(vscodeIcons(out), [], `${show(h)} → ${show(out)}`);
      assert.deepEqual(vscodeLinks(out), [], `${show(h)} → ${show(out)}`);
      assert.ok(!CONTROL.test(out), `control character left in ${show(out)}`);
    }
  });

  test('an escaped icon shows the original text', () => {
    // What renderLabelWithIcons displays: an escaped match becomes `$(name)`, the rest is text.
    const displayed = (label: string): string =>
      label.replace(VSCODE_LABEL_ICONS_REGEX, (_match: string, escaped: string | undefined, name: string) =>
        escaped ? `$(${name})` : `<icon ${name}>`,
      );
    for (const text of ['$(zap)', 'a $(zap~spin) b', '\\$(zap)', '\\\\$(zap)', '$(', '$(zap', 'price $(5)']) {
      assert.equal(displayed(escapeIcons(text)), text, JSON.stringify(text));
    }
    assert.equal(escapeIcons('no icons here'), 'no icons here');
  });
});

describe('src/extension shows text only through notify.ts and log.ts', () => {
  const dir = join(process.cwd(), 'src', 'extension');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  const source = (f: string): string => readFileSync(join(dir, f), 'utf8');

  test('no other file calls the notification, quick-pick, status-bar, progress or output-channel APIs', () => {
    const api =
      /\b(showErrorMessage|showWarningMessage|showInformationMessage|showQuickPick|createQuickPick|setStatusBarMessage|createStatusBarItem|withProgress|createOutputChannel|createInputBox|showInputBox)\s*[<(]/g;
    const allowed: Record<string, string[]> = {
      'notify.ts': [
        'showErrorMessage',
        'showWarningMessage',
        'showInformationMessage',
        'showQuickPick',
        'createQuickPick',
        'setStatusBarMessage',
        'withProgress',
        'showInputBox',
      ],
      'log.ts': ['createOutputChannel'],
    };
    assert.ok(files.includes('notify.ts') && files.includes('log.ts'));
    for (const f of files) {
      for (const m of source(f).matchAll(api)) {
        assert.ok((allowed[f] ?? []).includes(m[1]), `${f} calls ${m[1]} directly; use notify.ts (or log.ts)`);
      }
    }
  });

  test('every line written to the output channel is made safe first', () => {
    const log = source('log.ts');
    const writes = [...log.matchAll(/this\.channel\.(\w+)\(([^)]*)/g)].filter((m) => !['show', 'dispose'].includes(m[1]));
    assert.ok(writes.length >= 3);
    for (const w of writes) assert.match(w[2], /^safeMessage\(/, `channel.${w[1]}(${w[2]}…) in log.ts`);
  });

  test('notify.ts makes every text safe before it reaches VS Code', () => {
    const notify = source('notify.ts');
    for (const call of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage']) {
      assert.match(notify, new RegExp(`${call}\\(safeMessage\\(message\\)`), call);
    }
    assert.match(notify, /setStatusBarMessage\(safeLabel\(/);
  });
});
