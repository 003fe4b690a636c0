/**
 * Writes the settings of the settings schema (src/engine/settings-schema.ts) into the extension manifest: one
 * `contributes.configuration.properties` entry per setting in package.json (type, default, bounds, choices,
 * `%config.<key>.…%` strings, order) and its strings in package.nls.json. Settings that are not in the schema
 * (VS Code-only ones such as `logisticLab.chooseFeatures`) stay as they are, with their order; the schema's take
 * the other order numbers, in the schema's order.
 *
 *   npm run settings:manifest      (node esbuild.config.mjs --tests && node out/scripts/settings-manifest.js)
 *
 * test/unit/settings-manifest.test.ts fails when the committed files differ from what this gives.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTINGS, SETTINGS_PREFIX, settingsValue, type AnySetting, type EnumChoice, type NumberSpec, type SettingKey } from '../src/engine/settings-schema';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `%key%` of a setting's description and of one of its choices in package.nls.json. */
export const descriptionKey = (key: string): string => `config.${key}.markdownDescription`;
export const choiceKey = (key: string, value: string): string => `config.${key}.enum.${value}`;

function choicesOf(s: AnySetting): readonly EnumChoice<unknown>[] {
  return s.type === 'enum' ? (s.choices as readonly EnumChoice<unknown>[]) : [];
}

/** The manifest entry of one setting (keys in the order VS Code's manifests usually have them). */
export function manifestProperty(s: AnySetting, order: number): JsonObject {
  const type = s.type === 'enum' ? 'string' : s.type;
  const p: JsonObject = { type, default: settingsValue(s, s.default) as Json };
  if (s.type === 'number' || s.type === 'integer') {
    const b = s as NumberSpec<SettingKey>;
    if (b.min !== undefined) p[b.minExclusive ? 'exclusiveMinimum' : 'minimum'] = b.min;
    if (b.max !== undefined) p[b.maxExclusive ? 'exclusiveMaximum' : 'maximum'] = b.max;
  }
  const choices = choicesOf(s);
  if (choices.length > 0) {
    p.enum = choices.map((c) => c.value);
    if (choices.some((c) => c.description !== undefined)) p.enumDescriptions = choices.map((c) => `%${choiceKey(s.key, c.value)}%`);
  }
  p.markdownDescription = `%${descriptionKey(s.key)}%`;
  p.order = order;
  return p;
}

/** The package.nls.json strings of one setting: its description and its choices' descriptions. */
export function manifestStrings(s: AnySetting): Array<[string, string]> {
  const out: Array<[string, string]> = [[descriptionKey(s.key), s.description]];
  for (const c of choicesOf(s)) if (c.description !== undefined) out.push([choiceKey(s.key, c.value), c.description]);
  return out;
}

/** package.json and package.nls.json as the schema makes them, from their current texts. */
export function settingsManifest(packageText: string, nlsText: string): { packageJson: string; packageNls: string } {
  const pkg = JSON.parse(packageText) as JsonObject;
  const contributes = pkg.contributes;
  if (!isObject(contributes)) throw new Error('package.json has no contributes object');
  const configuration = isObject(contributes.configuration) ? contributes.configuration : { title: '%configuration.title%' };
  const current = isObject(configuration.properties) ? configuration.properties : {};
  const owned = new Set(SETTINGS.map((s) => `${SETTINGS_PREFIX}.${s.key}`));

  // The VS Code-only settings keep their entries and order numbers; the schema's settings take the others in turn.
  const foreign = Object.entries(current).filter(([name]) => !owned.has(name));
  const taken = new Set(foreign.map(([, p]) => (isObject(p) && typeof p.order === 'number' ? p.order : null)).filter((o) => o !== null));
  const entries: Array<[string, Json, number]> = [];
  let order = 0;
  for (const s of SETTINGS) {
    while (taken.has(order)) order++;
    entries.push([`${SETTINGS_PREFIX}.${s.key}`, manifestProperty(s, order), order]);
    order++;
  }
  for (const [name, p] of foreign) entries.push([name, p, isObject(p) && typeof p.order === 'number' ? p.order : Infinity]);
  entries.sort((a, b) => a[2] - b[2]);
  const properties: JsonObject = {};
  for (const [name, p] of entries) properties[name] = p;
  contributes.configuration = { ...configuration, properties };

  // package.nls.json: the schema's strings replace theirs in place; new ones follow the last setting string; the
  // strings of settings no longer in the schema's lists (a removed choice) go.
  const nls = JSON.parse(nlsText) as Record<string, string>;
  const wanted = new Map(SETTINGS.flatMap(manifestStrings));
  const ownedPrefixes = SETTINGS.map((s) => `config.${s.key}.`);
  const isOwned = (k: string): boolean => ownedPrefixes.some((p) => k.startsWith(p));
  const out: Array<[string, string]> = [];
  let lastSetting = -1;
  for (const [k, v] of Object.entries(nls)) {
    if (isOwned(k)) {
      const w = wanted.get(k);
      if (w === undefined) continue;
      out.push([k, w]);
      wanted.delete(k);
    } else {
      out.push([k, v]);
    }
    if (k.startsWith('config.')) lastSetting = out.length - 1;
  }
  out.splice(lastSetting + 1, 0, ...wanted);
  return {
    packageJson: JSON.stringify(pkg, null, 2) + '\n',
    packageNls: JSON.stringify(Object.fromEntries(out), null, 2) + '\n',
  };
}

if (require.main === module) {
  const root = process.cwd();
  const pkgPath = resolve(root, 'package.json');
  const nlsPath = resolve(root, 'package.nls.json');
  const before = { packageJson: readFileSync(pkgPath, 'utf8'), packageNls: readFileSync(nlsPath, 'utf8') };
  const after = settingsManifest(before.packageJson, before.packageNls);
  for (const [path, was, now] of [[pkgPath, before.packageJson, after.packageJson], [nlsPath, before.packageNls, after.packageNls]]) {
    if (was === now) {
      process.stdout.write(`${path}: up to date\n`);
    } else {
      writeFileSync(path, now);
      process.stdout.write(`${path}: written\n`);
    }
  }
}
