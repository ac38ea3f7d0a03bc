#!/usr/bin/env node
// `node scripts/sea/bundle.mjs`: bundles bin/entry.mjs (the one entry of the CLI) with its
// dependencies into dist/kubectl-oda-api.mjs, one ESM file that needs no node_modules. The
// npm package's bin runs it, and the single executable embeds it (scripts/sea/build.mjs).
// Run by `npm run build`, after `oclif manifest` (the entry embeds the manifest).
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE = join(root, 'dist', 'kubectl-oda-api.mjs');
export const NOTICES = join(root, 'dist', 'THIRD-PARTY-NOTICES.txt');

// Optional modules our dependencies load only in development, stubbed out of the bundle:
// Ink imports React's devtools when DEV=true (not installed: not a dependency of ours), and
// oclif requires TypeScript (10 MB) only to run a plugin's .ts sources through ts-node
// (it catches the error and uses compiled code). The bundle's commands are compiled code.
const STUBS = {
  'react-devtools-core': 'React devtools are not part of kubectl oda-api (unset DEV)',
  typescript: 'TypeScript is not part of the kubectl oda-api bundle',
};
const stubs = {
  name: 'stubs',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(STUBS).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: `throw new Error(${JSON.stringify(STUBS[args.path])});`, loader: 'js' }));
  },
};

// An ESM bundle hoists every `import ... from 'node:http'` of every module to its top, and
// Node builds each built-in's ESM facade (loading http pulls in its fetch, undici) before
// the first line runs: 70 ms of a `--version`. Taken through require() instead, a built-in
// loads when the module that uses it first runs (commands load lazily, so do theirs).
const BUILTIN = new RegExp(`^(node:.+|${builtinModules.filter((m) => !m.startsWith('_')).join('|').replaceAll('/', '\\/')})$`);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: BUILTIN }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * The bundle carries other packages' code, so it ships with their licences: for each package
 * that went into it, its name, version, licence and licence file.
 */
function notices(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (m) dirs.add(m[1]);
  }
  return [...dirs]
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      const file = readdirSync(join(root, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
      const text = file ? readFileSync(join(root, dir, file), 'utf8').trim() : `(no licence file; package.json says ${pkg.license})`;
      return `${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})\n\n${text}\n`;
    })
    .sort()
    .join(`\n${'-'.repeat(78)}\n\n`);
}

export async function bundle({ outfile = BUNDLE, noticesFile = NOTICES } = {}) {
  const result = await build({
    entryPoints: [join(root, 'bin', 'entry.mjs')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // CommonJS packages (oclif) call require() for Node's built-ins; an ESM bundle has none.
    // Made without an import, so the bundle imports nothing and the single executable can run
    // it as a vm module (scripts/sea/main.cjs, which sets import.meta.url). Not from
    // process.execPath: without /proc (a chroot) that is just "node".
    banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
    define: { 'process.env.NODE_ENV': '"production"' },
    // Smaller is faster to read and compile; names kept (errors and classes are named by them).
    minify: true,
    keepNames: true,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
    plugins: [stubs, lazyBuiltins],
  });
  writeFileSync(noticesFile, `Packages bundled into kubectl-oda-api.mjs, and their licences.\n\n${notices(result.metafile)}`);
  return { outfile, bytes: statSync(outfile).size, metafile: result.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await bundle();
  console.error(`bundled ${outfile} (${(bytes / 1e6).toFixed(1)} MB)`);
}
