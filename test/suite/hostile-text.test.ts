/**
 * CSV text that looks like markdown links (header names, class labels, cells, file names, model files) goes through
 * every error path the extension reports, and no error notification may contain a link VS Code would render:
 * VS Code turns `[label](command:…)` in a notification into a link that runs the command when clicked. The check is
 * VS Code's own pattern (LINK_REGEX of src/vs/base/common/linkedText.ts in microsoft/vscode, copied below). Each
 * case also checks that the data is still there to read, that undoing the defusing would give the link back (so
 * the case really carried one), and that the buttons ("Go to Line", "Show Log") are unchanged.
 * The hostile files live in a temporary folder that is removed afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionState } from '../../src/protocol';
import { exec, extensionPath, labApi } from './helpers';

/** microsoft/vscode src/vs/base/common/linkedText.ts, LINK_REGEX (verbatim). */
const VSCODE_LINK_REGEX = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

const SEND = 'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D';
const LINK_HEADER = `[Show the bad line](${SEND})`;
const LINK_LABEL = `[Click to fix](${SEND})`;
const LINK_CELL = '[open](https://evil.example/x)';

interface ShownError {
  message: string;
  items: string[];
}

type ShowError = (message: string, ...items: string[]) => Thenable<string | undefined>;

/** Records every error notification (message and buttons) while `body` runs; the notifications are not shown. */
async function captureErrorCalls(body: () => Promise<unknown>): Promise<ShownError[]> {
  const win = vscode.window as unknown as { showErrorMessage: ShowError };
  const original = win.showErrorMessage;
  const shown: ShownError[] = [];
  win.showErrorMessage = (message: string, ...items: string[]) => {
    shown.push({ message, items });
    return Promise.resolve(undefined);
  };
  try {
    await body();
  } finally {
    win.showErrorMessage = original;
  }
  return shown;
}

/** The message with the defusing undone (`⁆(` back to `](`, `command∶` to `command:`, `‹` to `<`). */
function undoDefusing(message: string): string {
  return message.replace(/\u2046\(/g, '](').replace(/(command)\u2236/gi, '$1:').replace(/\u2039/g, '<');
}

/** One notification, no link VS Code would render, no control characters; the data still readable. */
function assertOneSafeError(shown: ShownError[], mustContain: RegExp[], buttons: string[], carriedLink = true): string {
  assert.equal(shown.length, 1, `one notification: ${JSON.stringify(shown)}`);
  const { message, items } = shown[0];
  assert.deepEqual([...message.matchAll(VSCODE_LINK_REGEX)].map((m) => m[0]), [], `no link in: ${message}`);
  assert.ok(!CONTROL.test(message), `no control characters in: ${JSON.stringify(message)}`);
  assert.ok(message.length <= 1000, `at most 1000 characters (${message.length})`);
  for (const re of mustContain) assert.match(message, re);
  if (carriedLink) {
    assert.ok(
      [...undoDefusing(message).matchAll(VSCODE_LINK_REGEX)].length > 0,
      `the case carried a link that was defused: ${message}`,
    );
  }
  assert.deepEqual(items, buttons, 'the buttons are unchanged');
  return message;
}

describe('hostile CSV text in error notifications', function () {
  this.timeout(60_000);
  let dir = '';
  const file = (name: string, text: string): vscode.Uri => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return vscode.Uri.file(p);
  };

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lab-hostile-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await labApi();
    await exec('logisticLab.closeSession');
  });

  it('a ragged row under a link-shaped header: plain text, Go to Line kept', async () => {
    const api = await labApi();
    const csv = file('ragged-header.csv', `x1,${LINK_HEADER}\n1,0\n2,1\n3,0,7\n`);
    let result: SessionState | undefined;
    const shown = await captureErrorCalls(async () => {
      result = await exec<SessionState | undefined>('logisticLab.train', csv, { target: LINK_HEADER, showDashboard: false });
    });
    assert.equal(result, undefined);
    const message = assertOneSafeError(shown, [/ragged-header\.csv/, /line 4/, /Show the bad line/], ['Go to Line', 'Show Log']);
    assert.equal(api.errors[api.errors.length - 1], message, 'the API records what was shown');
    assert.equal(api.hasSession, false);
  });

  it('a ragged row in a file whose name is link-shaped', async () => {
    const csv = file('[report](command:workbench.action.quit).csv', 'a,b\n1,0\n2\n');
    const shown = await captureErrorCalls(() => exec('logisticLab.train', csv, { target: 'b', showDashboard: false }));
    assertOneSafeError(shown, [/report/, /line 3/], ['Go to Line', 'Show Log']);
  });

  it('describing a ragged file with a link-shaped header (the target picker path)', async () => {
    const csv = file('ragged-describe.csv', `y,${LINK_HEADER}\n0,1\n1\n`);
    // No target: the command describes the file for the picker first, and that read fails.
    const shown = await captureErrorCalls(() => exec('logisticLab.train', csv));
    assertOneSafeError(shown, [/Show the bad line/, /line 3/], ['Go to Line', 'Show Log']);
  });

  it('an unknown, link-shaped target among link-shaped columns', async () => {
    const csv = file('unknown-target.csv', `${LINK_HEADER},${LINK_CELL},y\n1,2,0\n2,3,1\n3,1,0\n4,5,1\n`);
    const shown = await captureErrorCalls(() =>
      exec('logisticLab.train', csv, { target: '[Target](command:workbench.action.quit)', showDashboard: false }),
    );
    assertOneSafeError(shown, [/Target/, /Show the bad line/, /evil\.example/], ['Show Log']);
  });

  it('a single-class target whose only label is link-shaped', async () => {
    const csv = file('single-class.csv', `x,label\n1,${LINK_LABEL}\n2,${LINK_LABEL}\n3,${LINK_LABEL}\n`);
    const shown = await captureErrorCalls(() => exec('logisticLab.train', csv, { target: 'label', showDashboard: false }));
    assertOneSafeError(shown, [/only one value/, /Click to fix/], ['Show Log']);
  });

  it('a single-class, link-shaped target column', async () => {
    const csv = file('single-class-name.csv', `x,${LINK_HEADER}\n1,a\n2,a\n`);
    const shown = await captureErrorCalls(() => exec('logisticLab.train', csv, { target: LINK_HEADER, showDashboard: false }));
    assertOneSafeError(shown, [/Show the bad line/], ['Show Log']);
  });

  describe('predicting with a model', () => {
    let model: vscode.Uri;

    before(async () => {
      await labApi();
      // A numeric feature with a link-shaped name and link-shaped class labels.
      // (Values repeat so that the column does not look like an identifier.)
      const rows = Array.from({ length: 12 }, (_, i) => `${i % 3},${i % 2 === 0 ? LINK_LABEL : LINK_CELL}`);
      const train = file('train.csv', [`${LINK_HEADER},label`, ...rows].join('\n') + '\n');
      let state: SessionState | undefined;
      const shown = await captureErrorCalls(async () => {
        state = await exec<SessionState | undefined>('logisticLab.train', train, {
          target: 'label',
          prepare: { testSize: 0 },
          config: { epochs: 5 },
          wait: true,
          showDashboard: false,
        });
      });
      assert.deepEqual(shown, [], 'training shows no error');
      assert.ok(state?.done, 'the model trains on link-shaped names and labels');
      model = vscode.Uri.file(path.join(dir, 'hostile.model.json'));
      assert.equal((await exec<vscode.Uri | undefined>('logisticLab.export', model))?.fsPath, model.fsPath);
    });

    const out = (): vscode.Uri => vscode.Uri.file(path.join(dir, 'predictions.csv'));

    it('a text cell in the numeric column', async () => {
      const csv = file('text-cell.csv', `${LINK_HEADER},label\n1,${LINK_CELL}\n${LINK_LABEL},${LINK_LABEL}\n`);
      const shown = await captureErrorCalls(() => exec('logisticLab.predict', model, csv, out()));
      assertOneSafeError(shown, [/Show the bad line/, /Click to fix/, /line 3/], ['Go to Line', 'Show Log']);
    });

    it('a CSV without the model\'s link-shaped column', async () => {
      const csv = file('missing-column.csv', `${LINK_CELL},label\n1,${LINK_LABEL}\n`);
      const shown = await captureErrorCalls(() => exec('logisticLab.predict', model, csv, out()));
      assertOneSafeError(shown, [/Show the bad line/, /evil\.example/], ['Show Log']);
    });

    it('a model file that is not JSON (the parser quotes it)', async () => {
      // V8 quotes short inputs whole in its JSON.parse error (longer ones are cut after 10 characters).
      const bad = file('not-json.model.json', '[R](command:q)');
      const csv = file('ok.csv', 'x,label\n1,a\n');
      const shown = await captureErrorCalls(() => exec('logisticLab.predict', bad, csv, out()));
      assertOneSafeError(shown, [/not valid JSON/], ['Show Log']);
    });

    it('a model file with a link-shaped format and a link-shaped name', async () => {
      const bad = file('[model](command:workbench.action.quit).json', JSON.stringify({ format: `[Run](${SEND})` }));
      const csv = file('ok2.csv', 'x,label\n1,a\n');
      const shown = await captureErrorCalls(() => exec('logisticLab.predict', bad, csv, out()));
      assertOneSafeError(shown, [/not a Logistic Regression Lab model/, /Run/], ['Show Log']);
    });
  });

  it('a gzip archive renamed .csv: one plain error without binary text, and no Go to Line into the archive', async () => {
    const archive = vscode.Uri.file(path.join(extensionPath(), 'test', 'fixtures', 'hostile', 'titanic-gzip.csv'));
    const shown = await captureErrorCalls(() => exec('logisticLab.train', archive, { target: 'Survived', showDashboard: false }));
    const message = assertOneSafeError(shown, [/titanic-gzip\.csv is not a text CSV/, /gzip/], ['Show Log'], false);
    assert.match(message, /^[\x20-\x7E\u2026]*$/, `plain text only: ${JSON.stringify(message)}`);
  });

  it('line breaks and bidi controls in a header do not reach the notification', async () => {
    const csv = file('controls.csv', `x1,"[a]\u202E(${SEND})\r\n\u2028\u001B[31m"\n1,0\n2,1,9\n`);
    const shown = await captureErrorCalls(() => exec('logisticLab.train', csv, { target: 'x1', showDashboard: false }));
    // The engine already shows the controls as visible escapes (\u{202E}), so no link can form even before
    // the notification's own defusing: the message must simply be safe and say where the bad row is.
    const message = assertOneSafeError(shown, [/line 4/], ['Go to Line', 'Show Log'], false);
    assert.ok(!message.includes('\u202E') && !message.includes('\u001B'), 'no raw bidi or escape character');
  });
});
