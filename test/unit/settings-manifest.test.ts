/**
 * The manifest cannot drift from the settings schema: package.json's `contributes.configuration` and the setting
 * strings of package.nls.json must be exactly what scripts/settings-manifest.ts generates from
 * src/engine/settings-schema.ts (run `npm run settings:manifest` and commit both files when this fails).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { settingsManifest } from '../../scripts/settings-manifest';
import { SETTINGS, SETTINGS_PREFIX, settingsValue } from '../../src/engine/settings-schema';

const root = process.cwd();
const packageText = readFileSync(resolve(root, 'package.json'), 'utf8');
const nlsText = readFileSync(resolve(root, 'package.nls.json'), 'utf8');

interface Property {
  type: string;
  default: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  enum?: string[];
  enumDescriptions?: string[];
  markdownDescription: string;
  order: number;
}
type Manifest = { contributes: { configuration: { title: string; properties: Record<string, Property> } } };

const propertiesOf = (text: string): Record<string, Property> => (JSON.parse(text) as Manifest).contributes.configuration.properties;

describe('the manifest is generated from the settings schema', () => {
  test('package.json and package.nls.json are what npm run settings:manifest writes', () => {
    const generated = settingsManifest(packageText, nlsText);
    const committed = JSON.parse(packageText) as Manifest;
    const fresh = JSON.parse(generated.packageJson) as Manifest;
    const hint = 'run npm run settings:manifest and commit package.json and package.nls.json';
    assert.deepEqual(committed, fresh, hint);
    // The Settings editor's order is the order of the entries too.
    assert.deepEqual(Object.keys(committed.contributes.configuration.properties), Object.keys(fresh.contributes.configuration.properties), hint);
    assert.deepEqual(JSON.parse(nlsText), JSON.parse(generated.packageNls), hint);
    assert.deepEqual(Object.keys(JSON.parse(nlsText) as object), Object.keys(JSON.parse(generated.packageNls) as object), hint);
    // Generating again changes nothing.
    const again = settingsManifest(generated.packageJson, generated.packageNls);
    assert.equal(again.packageJson, generated.packageJson);
    assert.equal(again.packageNls, generated.packageNls);
  });

  test('a hand edit of a schema setting is caught and undone by the generator', () => {
    const pkg = JSON.parse(packageText) as Manifest;
    const props = pkg.contributes.configuration.properties;
    props['logisticLab.epochs'].default = 100;
    props['logisticLab.testSize'].maximum = 0.9;
    delete props['logisticLab.maxLevels'];
    const nls = JSON.parse(nlsText) as Record<string, string>;
    nls['config.l2.markdownDescription'] = 'edited by hand';
    delete nls['config.loss.enum.mse'];
    const edited = JSON.stringify(pkg, null, 2) + '\n';
    const editedNls = JSON.stringify(nls, null, 2) + '\n';
    assert.notDeepEqual(JSON.parse(edited), JSON.parse(packageText));
    const generated = settingsManifest(edited, editedNls);
    assert.deepEqual(JSON.parse(generated.packageJson), JSON.parse(packageText));
    assert.deepEqual(JSON.parse(generated.packageNls), JSON.parse(nlsText));
  });

  test('every schema setting is declared with its type, default, bounds and choices; strings resolve', () => {
    const props = propertiesOf(packageText);
    const nls = JSON.parse(nlsText) as Record<string, string>;
    const resolveString = (s: string): string => {
      const m = /^%(.+)%$/.exec(s);
      assert.ok(m, `${s} is a %key%`);
      assert.ok(m[1] in nls, `${m[1]} is in package.nls.json`);
      return nls[m[1]];
    };
    for (const s of SETTINGS) {
      const p = props[`${SETTINGS_PREFIX}.${s.key}`];
      assert.ok(p, `${s.key} is declared`);
      assert.equal(p.type, s.type === 'enum' ? 'string' : s.type, s.key);
      assert.equal(p.default, settingsValue(s, s.default), s.key);
      assert.equal(resolveString(p.markdownDescription), s.description, s.key);
      if (s.type === 'enum') {
        assert.deepEqual(p.enum, s.choices.map((c) => c.value), s.key);
        for (const [i, c] of s.choices.entries()) {
          if (c.description !== undefined) assert.equal(resolveString(p.enumDescriptions![i]), c.description, `${s.key} ${c.value}`);
        }
      }
      if (s.type === 'number' || s.type === 'integer') {
        const min = 'min' in s ? s.min : undefined;
        const max = 'max' in s ? s.max : undefined;
        assert.equal(p.minimum ?? p.exclusiveMinimum, min, `${s.key} lower bound`);
        assert.equal(p.maximum ?? p.exclusiveMaximum, max, `${s.key} upper bound`);
      }
    }
    // The current bounds, as the engine checks them.
    assert.equal(props['logisticLab.learningRate'].exclusiveMinimum, 0);
    assert.equal(props['logisticLab.learningRate'].maximum, 1e12);
    assert.equal(props['logisticLab.epochs'].maximum, 10_000_000);
    assert.equal(props['logisticLab.l2'].maximum, 1e6);
    assert.equal(props['logisticLab.tolerance'].maximum, 1);
    assert.equal(props['logisticLab.testSize'].exclusiveMaximum, 1);
    assert.equal(props['logisticLab.classWeight'].default, 'none');
  });

  test('the VS Code-only setting chooseFeatures keeps its entry and its place; the order numbers are distinct', () => {
    const props = propertiesOf(packageText);
    assert.deepEqual(props['logisticLab.chooseFeatures'], {
      type: 'boolean',
      default: false,
      markdownDescription: '%config.chooseFeatures.markdownDescription%',
      order: 10,
    });
    const orders = Object.values(props).map((p) => p.order);
    assert.equal(new Set(orders).size, orders.length, 'no two settings share an order');
    assert.deepEqual(orders, [...orders].sort((a, b) => a - b), 'entries in the order of the Settings editor');
    const vscodeOnly = new Set(['logisticLab.chooseFeatures', 'logisticLab.startPaused', 'logisticLab.updatesPerSecond']);
    const schemaOrder = Object.keys(props).filter((k) => !vscodeOnly.has(k));
    assert.deepEqual(schemaOrder, SETTINGS.map((s) => `${SETTINGS_PREFIX}.${s.key}`));
  });
});
