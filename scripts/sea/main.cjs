// The single executable's main script (CommonJS: Node 24 runs no ESM main in a single
// executable). It runs the same bundle as the npm package's bin, embedded as an asset. The
// bundle is ESM with top-level await (Ink's yoga-layout), so it runs as a vm module (the
// executable starts Node with --experimental-vm-modules), with the V8 code cache made at
// build time when there is one: no file on disk, and no parse of the whole bundle per start.
const { getAsset } = require('node:sea');
const { SourceTextModule } = require('node:vm');
const { pathToFileURL } = require('node:url');

const url = pathToFileURL(process.execPath).href;
let cachedData;
try {
  cachedData = new Uint8Array(getAsset('kubectl-oda-api.cache'));
} catch {
  // built for another platform: no code cache
}
const bundle = new SourceTextModule(getAsset('kubectl-oda-api.mjs', 'utf8'), {
  identifier: url,
  cachedData,
  initializeImportMeta: (meta) => {
    meta.url = url;
  },
  // For the import() calls esbuild left in (node: built-ins only).
  importModuleDynamically: (specifier) => import(specifier),
});

(async () => {
  await bundle.link(() => {
    throw new Error('the bundle imports nothing');
  });
  await bundle.evaluate();
  await bundle.namespace.cli(process.argv.slice(2));
})();
