/** Plugin resolution and the factory check, on packages laid out in a temp dir (no server). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { factoryProblems, loadPlugin, PluginError, resolvePluginModule } from './plugins.js';

function layout(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'agentstats-plugins-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const url = (root: string, rel: string) => pathToFileURL(path.join(root, rel)).href;
const receiver = `export default { kind: 'receiver', type: 'x', description: 'x', needsHttp: false,
  configSchema: { type: 'object' }, defaultConfig: () => ({}), create: () => ({}) };`;

describe('resolvePluginModule', () => {
  const root = layout({
    'node_modules/esm-only/package.json': JSON.stringify({ type: 'module', exports: { '.': { import: './esm.js', require: './cjs.cjs' } } }),
    'node_modules/esm-only/esm.js': receiver,
    'node_modules/ordered/package.json': JSON.stringify({ exports: { node: './node.js', import: './import.js' } }),
    'node_modules/@scope/with-main/package.json': JSON.stringify({ main: 'lib/main' }),
    'node_modules/@scope/with-main/lib/main.js': receiver,
    'node_modules/subpaths/package.json': JSON.stringify({ exports: { '.': './a.js', './receiver': { default: './r.js' } } }),
    'config/nested/agentstats.jsonc': '{}',
    'plugins/p.js': receiver,
  });
  const configDir = path.join(root, 'config', 'nested');

  it('takes a path from the config file\'s folder, and says where it looked when there is no file', () => {
    expect(resolvePluginModule('../../plugins/p.js', configDir)).toBe(url(root, 'plugins/p.js'));
    expect(() => resolvePluginModule('./p.js', configDir)).toThrow(
      new PluginError(`plugin ./p.js: no file at ${path.join(configDir, 'p.js')} (a module path is relative to the config file's folder)`),
    );
  });

  it('finds a package in node_modules above the config file, reading exports as import() does', () => {
    expect(resolvePluginModule('esm-only', configDir)).toBe(url(root, 'node_modules/esm-only/esm.js'));
    expect(resolvePluginModule('ordered', configDir)).toBe(url(root, 'node_modules/ordered/node.js')); // first applicable key
    expect(resolvePluginModule('subpaths/receiver', configDir)).toBe(url(root, 'node_modules/subpaths/r.js'));
    expect(resolvePluginModule('@scope/with-main', configDir)).toBe(url(root, 'node_modules/@scope/with-main/lib/main.js'));
  });

  it('leaves a package it cannot find to import() from AgentStats\' own folder', () => {
    expect(resolvePluginModule('not-installed-anywhere', configDir)).toBe('not-installed-anywhere');
  });

  it('loads an ESM-only package that require() could not resolve', async () => {
    const loaded = await loadPlugin('esm-only', 'receiver', configDir);
    expect(loaded.module).toBe(url(root, 'node_modules/esm-only/esm.js'));
    expect(loaded.factory.type).toBe('x');
  });

  it('names a package exporting nothing for the asked subpath', () => {
    expect(() => resolvePluginModule('subpaths/missing', configDir)).toThrow(/the package at .*subpaths has no entry for "\.\/missing"/);
  });
});

describe('factoryProblems', () => {
  const good = { kind: 'processor', type: 'p', description: 'd', configSchema: { type: 'object' }, defaultConfig: () => ({}), create: () => ({}) };

  it('accepts a processor without needsHttp and with or without setup()', () => {
    expect(factoryProblems(good, 'processor')).toEqual([]);
    expect(factoryProblems({ ...good, setup: () => undefined }, 'processor')).toEqual([]);
  });

  it('lists every problem, including a schema that does not compile and a defaultConfig() that throws', () => {
    const problems = factoryProblems(
      { ...good, type: 'P', configSchema: { type: 'nonsense' }, setup: 1, defaultConfig: () => { throw new Error('no'); } },
      'processor',
    );
    expect(problems[0]).toBe('type must be a lower-case name');
    expect(problems[1]).toMatch(/^configSchema does not compile: /);
    expect(problems.slice(2)).toEqual(['defaultConfig() threw: no', 'setup must be a function']);
    expect(factoryProblems({ ...good, defaultConfig: () => [] }, 'processor')).toEqual(['defaultConfig() must return an object']);
    expect(factoryProblems(good, 'receiver')).toEqual(['kind is "processor", expected "receiver"', 'needsHttp must be true or false']);
    expect(factoryProblems(() => good, 'receiver')).toEqual(['its default export is not a component factory object']);
  });
});
