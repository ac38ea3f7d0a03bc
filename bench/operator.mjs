// The operator under test, as a child process: ours by default, or any command given
// with --operator-cmd, started the same way (a shell command with KUBECONFIG, the
// namespace and the gateway in its environment), so the same workload measures any
// implementation. It is a "driver" like the floor: scenarios call the same hooks on
// both, and the operator ignores them (it finds out by watching, as in production).
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_OPTIONS } from '../scripts/image/node-options.mjs';
import { GATEWAY, sleep } from './canvas.mjs';
import { ProcessStats } from './measure/proc.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quote = (s) => `'${s.replaceAll("'", `'\\''`)}'`;

// With the heap settings of the operator's image: measured as deployed.
export const DEFAULT_OPERATOR_CMD =
  `NODE_OPTIONS=${quote(NODE_OPTIONS)} ` + [process.execPath, join(root, 'bin', 'kubectl-oda_api')].map(quote).join(' ') + ' watch --standalone -q --health-address none';

export function operatorDriver({ command = DEFAULT_OPERATOR_CMD, kubeconfig }) {
  let child;
  let stats;
  let exited;
  const stderr = [];
  return {
    async start(ns) {
      child = spawn(command, {
        shell: true,
        detached: true, // its own process group, so stop() reaches whatever it started
        env: { ...process.env, KUBECONFIG: kubeconfig, COMPONENT_NAMESPACE: ns, APIOPERATORISTIO_COMPONENTGATEWAY: GATEWAY },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr.on('data', (d) => {
        stderr.push(...String(d).split('\n').filter(Boolean));
        stderr.splice(0, Math.max(0, stderr.length - 20)); // the last lines say why it failed
      });
      exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
      stats = new ProcessStats(child.pid);
    },
    /** Rejects if the operator exits before stop(): a crashed operator must fail the run. */
    async failed() {
      const code = await exited;
      if (child) throw new Error(`the operator exited (${code}): ${stderr.join('\n') || 'no output'}`);
    },
    created() {},
    listed() {},
    updated() {},
    readiness() {},
    /** Until its CPU has been still for a second: start-up done, or trailing writes sent. */
    async settle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = stats.sample().cpuSeconds;
      let quietSince = Date.now();
      while (Date.now() - quietSince < 1000 && Date.now() < deadline) {
        await sleep(250);
        const now = stats.sample().cpuSeconds;
        if (now - last > 0.02) quietSince = Date.now();
        last = now;
      }
    },
    figures: () => stats.figures(),
    get cpuSeconds() {
      return stats.sample().cpuSeconds;
    },
    async stop() {
      if (!child) return;
      const running = child;
      child = undefined;
      stats.stop();
      /** Signals the whole process group; false when none of it is left. */
      const signal = (s) => {
        try {
          process.kill(-running.pid, s);
          return true;
        } catch {
          return false;
        }
      };
      // The shell may exit before what it started: wait for the whole group, killing it after 15 s.
      signal('SIGTERM');
      for (const started = Date.now(); signal(0) && Date.now() - started < 20_000; ) {
        if (Date.now() - started > 15_000) signal('SIGKILL');
        await sleep(100);
      }
      await exited;
    },
  };
}
