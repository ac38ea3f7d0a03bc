#!/usr/bin/env node
// Keeps the layers honest (see docs/architecture.md): the engine is pure, the runtime
// knows nothing of ExposedAPIs, and only commands and entry points reach the CLI layer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const RULES = [
  { layer: 'src/reconcile', forbid: [/^node:/, /^@kubernetes\//, /^undici$/, /^@oclif\//, /^ink$/, /^react/, /\.\.\/(kube|runtime|cache|operator|oneshot|cli|ui|status|commands)\//], why: 'the engine is pure: no I/O' },
  { layer: 'src/runtime', forbid: [/\.\.\/(reconcile|cache|operator|oneshot|cli|ui|status|commands)\//], why: 'the runtime is generic: it reconciles keys, not ExposedAPIs', typesAllowed: true },
  { layer: 'src/kube', forbid: [/\.\.\/(cache|operator|oneshot|cli|ui|status|commands)\//], why: 'I/O adapters do not depend on entry points' },
  { layer: 'src/cache', forbid: [/\.\.\/(operator|oneshot|cli|ui|status|commands)\//, /\/kube\/(executor|converge)\.js$/], why: 'the cache watches and never writes' },
];

const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });

let bad = 0;
for (const rule of RULES) {
  for (const file of files(rule.layer)) {
    for (const [statement, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      if (rule.typesAllowed && /^(import|export) type /.test(statement)) continue;
      if (rule.forbid.some((re) => re.test(spec))) {
        console.error(`${relative('.', file)}: imports ${spec} (${rule.why})`);
        bad++;
      }
    }
  }
}
process.exit(bad ? 1 : 0);
