// The `kopf` executable: translates kopf's command line and runs `watch` in this process
// (no kubectl, no child process), so a signal to this process reaches the operator.
import { hostname } from 'node:os';
import chalk from 'chalk';
import { KubeClient } from '../kube/client.js';
import { settingsFromEnv } from '../reconcile/index.js';
import { parseLogLevel } from '../runtime/log.js';
import { createLogger, type Logger } from '../runtime/log.js';
import { EXIT_USAGE } from './errors.js';
import { translateKopf } from './kopf.js';
import { onPodDeletion, ownPod, type PodRef } from './kopf-pod.js';

/** `runCli` runs `kubectl oda-api <args>` in this process (the entry passes its own, so the bundle needs no files). */
export async function kopfMain(argv: readonly string[], runCli: (args: string[]) => Promise<void>): Promise<void> {
  const plan = translateKopf(argv);
  if (plan.kind === 'help') {
    process.stdout.write(plan.text);
    return;
  }
  if (plan.kind === 'error') {
    process.stderr.write(`${chalk.red('error:')} ${plan.message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  // The notes go out at the level watch will use; a bad LOGGING is left for watch to report.
  const level = plan.logLevel ?? parseLogLevel(settingsFromEnv(process.env).logLevel);
  const log = level ? createLogger({ level, format: 'plain', color: process.stderr.isTTY === true && !process.env.NO_COLOR }) : undefined;
  for (const note of plan.notes) log?.info(note.message, note.fields);
  const pod = ownPod(process.env, hostname());
  const stopWatchingPod = pod && log ? stopOnPodDeletion(pod, log) : undefined;
  try {
    await runCli(['watch', ...plan.watchArgs]);
  } finally {
    stopWatchingPod?.();
  }
}

/** In a Pod, SIGTERM ourselves when our Pod is being deleted (see kopf-pod.ts for why). */
function stopOnPodDeletion(pod: PodRef, log: Logger): (() => void) | undefined {
  let client: KubeClient;
  try {
    client = KubeClient.load();
  } catch {
    return undefined; // watch reports the connection problem itself
  }
  return onPodDeletion(client, pod, () => {
    log.info('pod is being deleted: stopping', { pod: `${pod.namespace}/${pod.name}` });
    process.kill(process.pid, 'SIGTERM');
  });
}
