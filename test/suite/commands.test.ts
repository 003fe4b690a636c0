/**
 * The extension activates in the real VS Code, registers every command of its manifest, and its menus
 * and keys are scoped as the manifest promises (CSV resources only; debugger keys only on the dashboard).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_TRAIN_CONFIG, resolveConfig } from '../../src/engine/config';
import { PREPARE_DEFAULTS, SETTINGS, settingsValue } from '../../src/engine/settings-schema';
import { readPrepareOptions, readTrainConfig } from '../../src/extension/config';
import { extensionPath, labApi } from './helpers';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    keybindings: Array<{ command: string; key: string; when?: string }>;
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

/** package.json with its %key% strings replaced from package.nls.json, as VS Code shows them. */
function manifest(): Manifest {
  const nls = JSON.parse(readFileSync(path.join(extensionPath(), 'package.nls.json'), 'utf8')) as Record<string, string>;
  const text = readFileSync(path.join(extensionPath(), 'package.json'), 'utf8');
  const missing: string[] = [];
  const resolved = text.replace(/"%([^"%]+)%"/g, (_, key: string) => {
    if (!(key in nls)) missing.push(key);
    return JSON.stringify(nls[key] ?? key);
  });
  assert.deepEqual(missing, [], 'every %key% of package.json is in package.nls.json');
  return JSON.parse(resolved) as Manifest;
}

describe('commands', () => {
  before(async () => {
    await labApi();
  });

  it('registers every command the manifest contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest().contributes.commands.map((c) => c.command);
    for (const id of [
      'logisticLab.train',
      'logisticLab.step',
      'logisticLab.stepEpoch',
      'logisticLab.run',
      'logisticLab.pause',
      'logisticLab.reset',
      'logisticLab.showDashboard',
      'logisticLab.compare',
      'logisticLab.fitOptimum',
      'logisticLab.openSample',
      'logisticLab.export',
      'logisticLab.predict',
      'logisticLab.state',
    ]) {
      assert.ok(contributed.includes(id), `${id} is in the manifest`);
    }
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'every contributed command is registered');
  });

  it('offers training on CSV files only, and step/run commands only with a session', () => {
    const { menus, commands } = manifest().contributes;
    const explorer = menus['explorer/context'].find((m) => m.command === 'logisticLab.trainFile');
    assert.ok(explorer?.when?.includes('resourceExtname == .csv'));
    assert.equal(commands.find((c) => c.command === 'logisticLab.trainFile')?.title, 'Train Logistic Regression…');
    for (const menu of ['editor/title', 'editor/context']) {
      assert.ok(menus[menu].some((m) => m.command === 'logisticLab.trainFile' && m.when?.includes('.csv')), menu);
    }
    const palette = new Map(menus.commandPalette.map((m) => [m.command, m.when ?? '']));
    for (const id of ['logisticLab.step', 'logisticLab.stepEpoch', 'logisticLab.run']) {
      assert.match(palette.get(id) ?? '', /logisticLab\.hasSession && !logisticLab\.running/, id);
    }
    assert.equal(palette.get('logisticLab.pause'), 'logisticLab.running');
    assert.equal(palette.get('logisticLab.state'), 'false', 'the internal state command is hidden');
    for (const c of commands) if (c.command !== 'logisticLab.state') assert.equal(c.category, 'Logistic Lab', c.command);
  });

  it('declares workspace trust and virtual workspace support; the walkthrough runs commands that exist', async () => {
    const m = JSON.parse(readFileSync(path.join(extensionPath(), 'package.json'), 'utf8')) as {
      capabilities?: { untrustedWorkspaces?: { supported: unknown }; virtualWorkspaces?: { supported: unknown } };
    };
    assert.equal(m.capabilities?.untrustedWorkspaces?.supported, true, 'reading CSVs runs nothing from the workspace');
    assert.equal(m.capabilities?.virtualWorkspaces?.supported, false, 'the worker reads files from disk');
    const walk = (manifest().contributes as unknown as {
      walkthroughs: Array<{ steps: Array<{ description: string; completionEvents: string[]; media: { markdown?: string } }> }>;
    }).walkthroughs;
    const registered = new Set(await vscode.commands.getCommands(true));
    const steps = walk[0].steps;
    assert.ok(steps.length >= 4);
    for (const step of steps) {
      for (const [, id] of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(registered.has(id), id);
      for (const ev of step.completionEvents) assert.ok(registered.has(ev.replace(/^onCommand:/, '')), ev);
      if (step.media.markdown) assert.ok(readFileSync(path.join(extensionPath(), step.media.markdown), 'utf8').length > 50);
    }
  });

  it('binds the debugger keys only while the dashboard is the active webview', () => {
    const keys = manifest().contributes.keybindings;
    const byKey = new Map(keys.map((k) => [`${k.key}:${k.command}`, k.when ?? '']));
    for (const [key, command] of [
      ['f10', 'logisticLab.step'],
      ['ctrl+f10', 'logisticLab.stepEpoch'],
      ['shift+f10', 'logisticLab.stepEpoch'],
      ['f5', 'logisticLab.run'],
      ['shift+f5', 'logisticLab.pause'],
    ]) {
      const when = byKey.get(`${key}:${command}`);
      assert.ok(when !== undefined, `${key} → ${command}`);
      assert.ok(when.includes("activeWebviewPanelId == 'logisticLab.dashboard'"), `${key} is scoped: ${when}`);
    }
  });

  it('declares the training settings with the engine defaults', () => {
    const props = manifest().contributes.configuration.properties;
    const expected: Record<string, unknown> = {
      'logisticLab.learningRate': 0.1,
      'logisticLab.epochs': 200,
      'logisticLab.batchSize': 0,
      'logisticLab.optimizer': 'gd',
      'logisticLab.l2': 0,
      'logisticLab.testSize': 0.2,
      'logisticLab.seed': 42,
      'logisticLab.standardize': true,
      'logisticLab.loss': 'bce',
      'logisticLab.threshold': 0.5,
    };
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(props[key]?.default, value, key);
      assert.equal(vscode.workspace.getConfiguration().get(key), value, `${key} as VS Code reads it`);
    }
    // Every training setting exists and starts at the engine's default (class weight null is 'none').
    for (const [field, value] of Object.entries(DEFAULT_TRAIN_CONFIG)) {
      const key = `logisticLab.${field}`;
      assert.ok(key in props, `${key} is declared`);
      assert.equal(props[key].default, field === 'classWeight' && value === null ? 'none' : value, key);
    }
    // Every setting of the settings schema, training and preparation, as VS Code reads it; read through the
    // extension's readers, the defaults are the engine's.
    for (const s of SETTINGS) {
      const key = `logisticLab.${s.key}`;
      assert.ok(key in props, `${key} is declared`);
      assert.equal(vscode.workspace.getConfiguration().get(key), settingsValue(s, s.default), `${key} as VS Code reads it`);
    }
    assert.deepEqual(resolveConfig(readTrainConfig()), { ...DEFAULT_TRAIN_CONFIG });
    assert.deepEqual(readPrepareOptions(), { ...PREPARE_DEFAULTS });
  });
});
