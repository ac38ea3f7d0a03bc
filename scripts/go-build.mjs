// Runs a `go build -v` or `go install -v` with progress for people: a cold build of Kubernetes
// or Helm compiles thousands of packages (minutes on two cores), so every 15 s it says how many
// modules were downloaded and packages compiled (`-v` names each package it compiles).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Resolves with the seconds taken; rejects with the last Go errors on failure. */
export async function goBuild(args, { cwd, env, say }) {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const child = spawn('go', args, { cwd, env: { ...process.env, CGO_ENABLED: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let compiled = 0;
  let downloaded = 0;
  const errors = [];
  let rest = '';
  child.stderr.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (line.startsWith('go: downloading')) downloaded++; // one per module: hundreds of lines
      else if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line)) compiled++; // a package path: one compiled
      else if (line.trim()) errors.push(line);
    }
  });
  const ticker = setInterval(() => say(`  ${downloaded} modules downloaded, ${compiled} packages compiled, ${seconds()}s`), 15_000);
  const code = await new Promise((done) => child.on('close', done));
  clearInterval(ticker);
  if (rest.trim()) errors.push(rest);
  if (code !== 0) {
    console.error(errors.slice(-30).join('\n'));
    throw new Error('go build failed');
  }
  return { seconds: seconds(), compiled };
}

/** A tool could not be built, or is not built yet: one line for people, no stack. */
export class GoToolError extends Error {}

/**
 * A Go command-line tool the tests need (helm, krew), built from its Go modules with
 * `go install` into .tools/<name>/<version>/ (no release binary downloaded), where the
 * tests find it again. Its script runs `main()`: `build` builds it, `path` prints where it is.
 */
export function goTool({ root, name, version, pkg, ldflags, npmScript, slow }) {
  const binDir = join(root, '.tools', name, version);
  const binary = join(binDir, name);

  async function build({ quiet = false } = {}) {
    if (existsSync(binary)) return binary;
    if (spawnSync('go', ['version']).error) throw new GoToolError(`Go is not installed: ${name} is built from its Go modules (install Go 1.26 or newer)`);
    const say = (line) => quiet || console.error(line);
    say(`building ${name} ${version} from Go modules (${slow})...`);
    mkdirSync(binDir, { recursive: true });
    let built;
    try {
      built = await goBuild(['install', '-v', `-ldflags=${ldflags}`, `${pkg}@${version}`], {
        cwd: root,
        env: { GOBIN: binDir, GOFLAGS: '-mod=mod -buildvcs=false' },
        say,
      });
    } catch {
      throw new GoToolError(`building ${name} failed (see the Go errors above)`);
    }
    say(`built ${name} ${version} in ${built.seconds}s${built.compiled ? ` (${built.compiled} packages compiled)` : ''}: ${binary}`);
    return binary;
  }

  /** The built binary, or an error that says how to build it. */
  function path() {
    if (!existsSync(binary)) throw new GoToolError(`${name} is not built: run \`npm run ${npmScript}\` first (expected ${binary})`);
    return binary;
  }

  async function main([command] = process.argv.slice(2)) {
    try {
      if (command === 'build') await build();
      else if (command === 'path') console.log(path());
      else {
        console.error(`usage: node scripts/${name}.mjs build|path`);
        process.exit(2);
      }
    } catch (e) {
      if (!(e instanceof GoToolError)) throw e;
      console.error(e.message);
      process.exit(1);
    }
  }

  return { binary, build, path, main };
}
