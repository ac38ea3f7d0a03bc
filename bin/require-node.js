// The Node.js version check every entry point runs first, before loading anything that
// needs a newer Node, so users get a sentence instead of a crash. No dependencies.
import { pathToFileURL } from 'node:url';

export const MIN_NODE_MAJOR = 22;

export function requireNode(what = 'kubectl oda-api') {
  const version = process.versions.node;
  if (Number(version.split('.')[0]) >= MIN_NODE_MAJOR) return;
  console.error(`${what} needs Node.js ${MIN_NODE_MAJOR} or newer; this is Node.js ${version}.`);
  process.exit(2);
}

// Run as a script (npm's prebuild), it checks the Node that runs the build.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) requireNode('building kubectl oda-api');
