// The kubeconfig: where it is, which context, and the credentials it names, with one
// clear line when any of that is missing or fails.
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface ClientOptions {
  kubeconfig?: string;
  context?: string;
}

/** The API server could not be reached at all, or we could not say who we are (kubeconfig, credentials). */
export class ConnectionError extends Error {}

/** Where client-node finds a ServiceAccount in a pod. */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function loadKubeConfig(options: ClientOptions): KubeConfig {
  const config = new KubeConfig();
  // Without any, client-node would quietly try http://localhost:8080 and fail with "connection refused".
  if (!options.kubeconfig && !process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config')) && !existsSync(SERVICE_ACCOUNT_TOKEN)) {
    throw new ConnectionError('no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist (pass --kubeconfig, or run in a pod with a ServiceAccount)');
  }
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (err) {
    const file = options.kubeconfig ? ` ${options.kubeconfig}` : ''; // from KUBECONFIG, the error names the file
    throw new ConnectionError(`cannot read the kubeconfig${file}: ${(err as Error).message}`);
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) throw new ConnectionError(`context "${options.context}" not found in kubeconfig`);
    config.setCurrentContext(options.context);
  }
  if (!config.getCurrentCluster()) throw new ConnectionError('no cluster configured: set KUBECONFIG or pass --kubeconfig');
  checkInCluster(config);
  return config;
}

/** In a Pod, says which part of the ServiceAccount mount or environment is missing, before any request fails obscurely. */
function checkInCluster(config: KubeConfig): void {
  const cluster = config.getCurrentCluster()!;
  if (cluster.name !== 'inCluster') return;
  if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
    throw new ConnectionError('in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (set by Kubernetes in every Pod)');
  }
  const tokenFile = config.getCurrentUser()?.authProvider?.config?.tokenFile as string | undefined;
  for (const [what, file] of [['ServiceAccount token', tokenFile], ['cluster CA certificate', cluster.caFile]] as const) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      throw new ConnectionError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}

/** Why the kubeconfig's user has no credentials (an exec plugin failed, most often). */
export function credentialProblem(config: KubeConfig, err: unknown): string {
  const user = config.getCurrentUser();
  const exec = user?.exec as { command?: string } | undefined;
  const detail = ((err as Error)?.message ?? String(err)).trim().split('\n')[0];
  if (!exec?.command) return `cannot get credentials for user "${user?.name}": ${detail}`;
  const failure = (err as { code?: string }).code === 'ENOENT' ? 'the command is not found' : detail || 'it failed without saying why';
  return `cannot get credentials for user "${user?.name}" from the exec plugin "${exec.command}": ${failure}`;
}
