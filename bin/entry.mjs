// The one entry of `kubectl oda-api`: the npm package's bin, the single executable and the
// image all run this code, bundled with esbuild into dist/kubectl-oda-api.mjs
// (scripts/sea/bundle.mjs). So the bundle needs no file on disk, oclif gets package.json and
// the command manifest from here instead of reading them, and each command's code (the
// Kubernetes client, Ink, React) loads only when that command runs. `--version` alone is
// answered before loading oclif (startup: docs/benchmarks.md), with oclif's own line.
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pjson from '../package.json' with { type: 'json' };
import manifest from '../oclif.manifest.json' with { type: 'json' };

const COMMANDS = {
  dashboard: () => import('../src/commands/dashboard.js'),
  diff: () => import('../src/commands/diff.js'),
  manifests: () => import('../src/commands/manifests.js'),
  reconcile: () => import('../src/commands/reconcile.js'),
  status: () => import('../src/commands/status.js'),
  watch: () => import('../src/commands/watch.js'),
};

// Where the plugin lives: the package (its bin/..) or the single executable's folder. oclif
// only reports it (in `--help`'s debug output); nothing is read from there.
const root = process.getBuiltinModule('node:sea').isSea() ? dirname(process.execPath) : join(dirname(fileURLToPath(import.meta.url)), '..');

/** The root plugin, loaded from the embedded manifest: no command discovery on disk. */
async function rootPlugin(Plugin) {
  const { name, version, oclif } = pjson;
  // Without `commands` oclif discovers nothing; ignoreManifest: it reads no manifest file.
  const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, pjson: { name, version, oclif: { ...oclif, commands: undefined } } });
  await plugin.load();
  plugin.manifest = manifest;
  plugin.commandIDs = Object.keys(manifest.commands);
  plugin.commands = Object.entries(manifest.commands).map(([id, cached]) => ({
    ...cached,
    pluginAlias: plugin.alias,
    pluginType: plugin.type,
    load: async () => {
      const command = (await COMMANDS[id]()).default;
      command.id = id;
      command.plugin = plugin;
      return command;
    },
  }));
  return plugin;
}

/** Runs `kubectl oda-api <argv>`: oclif's parsing, help, version and error handling. */
export async function cli(argv) {
  if (argv.length === 1 && argv[0] === '--version' && !pjson.oclif.additionalVersionFlags) return printVersion();
  const { Plugin, execute } = await import('@oclif/core');
  const plugin = await rootPlugin(Plugin);
  await execute({ args: argv, loadOptions: { root, pjson: plugin.pjson, plugins: new Map([[plugin.name, plugin]]) } });
}

/**
 * What oclif prints for --version (Config's userAgent), built the same way and with the same
 * WSL check (oclif's wsl-utils) but without loading oclif. A test compares the two.
 */
async function printVersion() {
  const { isWsl } = await import('wsl-utils');
  const platform = isWsl ? 'wsl' : os.platform();
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch();
  console.log(`${pjson.name}/${pjson.version} ${platform}-${arch} node-${process.version}`);
}

/** Runs `kopf <argv>` (the Canvas chart's command line): `watch` in this process. */
export async function kopf(argv) {
  const { kopfMain } = await import('../src/cli/kopf-main.js');
  await kopfMain(argv, (args) => cli(args));
}
