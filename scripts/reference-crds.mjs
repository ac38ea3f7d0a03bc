#!/usr/bin/env node
// Where the real upstream CRDs are (reference data, not part of the project): the CRD
// conformance unit test and CI's second integration run use them. In order:
// ODA_API_REFERENCE_CRDS_DIR, shared/reference/crds next to the project, then next to
// the repository this clone was made from (a clone in a temporary folder).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function origin() {
  try {
    return execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function findReferenceCrds() {
  if (process.env.ODA_API_REFERENCE_CRDS_DIR) return resolve(process.env.ODA_API_REFERENCE_CRDS_DIR);
  const candidates = [join(root, '..'), origin() && join(resolve(root, origin()), '..')].filter(Boolean);
  return candidates.map((base) => join(base, 'shared', 'reference', 'crds')).find((dir) => existsSync(dir));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = findReferenceCrds();
  if (!dir) {
    console.error('the upstream CRDs are not in ../shared/reference/crds, nor next to the origin repository: set ODA_API_REFERENCE_CRDS_DIR');
    process.exit(1);
  }
  console.log(dir);
}
