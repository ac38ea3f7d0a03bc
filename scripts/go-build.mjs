// Runs a `go build -v` or `go install -v` with progress for people: a cold build of Kubernetes
// or Helm compiles thousands of packages (minutes on two cores), so every 15 s it says how many
// modules were downloaded and packages compiled (`-v` names each package it compiles).
import { spawn } from 'node:child_process';

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
