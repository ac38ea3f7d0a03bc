#!/usr/bin/env node
// Keeps the layers honest (docs/architecture.md has the picture): every folder of src/ has
// an allow-list of the folders and packages it may import, type imports included, so a
// dependency against the direction fails `npm run lint`. A folder without an entry fails
// too: a new folder takes its place in the picture before it takes code. Tests are exempt
// (a test may reach up to build what it checks).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Top to bottom. `uses`: the folders below it that a folder may import.
// `packages`: the npm packages it may import (node: built-ins are allowed except where `pure`).
// `never`: modules of an allowed folder it still may not import.
const LAYERS = {
  commands: { uses: ['cli', 'ui', 'status', 'oneshot', 'operator', 'deploy', 'cache', 'output', 'kube', 'reconcile', 'runtime'], packages: ['@oclif/core'], why: 'thin oclif commands' },
  cli: { uses: ['ui', 'status', 'oneshot', 'operator', 'deploy', 'output', 'kube', 'reconcile', 'runtime'], packages: ['@oclif/core', 'chalk', 'yaml'], why: 'what commands share' },
  ui: { uses: ['operator', 'oneshot', 'status', 'cache', 'output', 'kube', 'reconcile', 'runtime'], packages: ['ink', 'react', 'react/jsx-runtime', 'chalk'], why: 'the dashboard: a front end, below the CLI' },
  status: { uses: ['cache', 'output', 'kube', 'reconcile', 'runtime'], packages: ['chalk', 'yaml'], why: '`status`: a front end, below the CLI' },
  oneshot: { uses: ['output', 'kube', 'reconcile', 'runtime'], packages: [], why: 'reconcile once: knows no command line' },
  operator: { uses: ['cache', 'kube', 'reconcile', 'runtime'], packages: ['prom-client'], why: 'the watch mode: knows no front end' },
  deploy: { uses: ['kube', 'reconcile'], packages: ['@kubernetes/client-node', 'yaml'], why: 'the in-cluster manifests: pure data' },
  cache: { uses: ['kube', 'reconcile', 'runtime'], packages: [], never: [/\/kube\/(executor|converge)\.js$/], why: 'informers, stores and the view: it watches and never writes' },
  output: { uses: ['kube', 'reconcile', 'runtime'], packages: ['chalk', 'yaml'], why: 'text shared by the front ends (tables, diffs)' },
  kube: { uses: ['reconcile', 'runtime'], packages: ['@kubernetes/client-node', 'undici', 'yaml'], why: 'I/O adapters: know no entry point' },
  runtime: { uses: [], packages: ['prom-client', 'chalk'], why: 'the runtime is generic: it reconciles keys, not ExposedAPIs' },
  reconcile: { uses: [], packages: [], pure: true, why: 'the engine is pure: no I/O' },
  // Beside the layers: fixtures for the unit tests, never built into dist/ (tsconfig.build.json).
  'test-support': { uses: ['ui', 'status', 'oneshot', 'operator', 'cache', 'output', 'kube', 'reconcile', 'runtime'], packages: ['@kubernetes/client-node'], why: 'unit-test fixtures: no command line' },
};

const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });

const problems = [];
for (const folder of readdirSync('src').filter((f) => statSync(join('src', f)).isDirectory())) {
  const layer = LAYERS[folder];
  if (!layer) {
    problems.push(`src/${folder}: no layer rule (add it to scripts/check-layers.mjs and docs/architecture.md)`);
    continue;
  }
  for (const file of files(join('src', folder))) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const why = verdict(folder, layer, spec);
      if (why) problems.push(`${relative('.', file)}: imports ${spec} (${why})`);
    }
  }
}
for (const p of problems) console.error(p);
process.exit(problems.length ? 1 : 0);

/** Why importing spec from folder breaks the rules; undefined when it may. */
function verdict(folder, layer, spec) {
  if (layer.never?.some((re) => re.test(spec))) return `${folder} may not use ${spec}: ${layer.why}`;
  const relativeTo = spec.match(/^\.\.\/([^/]+)\//);
  if (relativeTo) return layer.uses.includes(relativeTo[1]) ? undefined : `${folder} may not use ${relativeTo[1]}: ${layer.why}`;
  if (spec.startsWith('.')) return undefined; // the same folder
  if (spec.startsWith('node:')) return layer.pure ? layer.why : undefined;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return layer.packages.includes(spec) || layer.packages.includes(name) ? undefined : `${folder} may not use the package ${name}: ${layer.why}`;
}
