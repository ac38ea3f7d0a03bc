// The Node.js version check every entry point runs first, before loading anything that
// needs a newer Node, so users get a sentence instead of a crash. No dependencies.
// 22.3: the bundle takes require() from process.getBuiltinModule (scripts/sea/bundle.mjs).
import { pathToFileURL } from 'node:url';

export const MIN_NODE = [22, 3];

export function requireNode(what = 'kubectl oda-api') {
  const version = process.versions.node;
  const [major, minor] = version.split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return;
  console.error(`${what} needs Node.js ${MIN_NODE.join('.')} or newer; this is Node.js ${version}.`);
  process.exit(2);
}

// Run as a script (npm's prebuild), it checks the Node that runs the build.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) requireNode('building kubectl oda-api');
