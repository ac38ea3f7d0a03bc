// Where the leader-election Lease lives. Never derived from the scope: two operators
// that may write the same APIs must contend for one Lease, whatever -n they were given.
import { readFileSync } from 'node:fs';

/** Where Kubernetes mounts the Pod's namespace with its ServiceAccount token. */
export const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
export const FALLBACK_LEASE_NAMESPACE = 'default';

/** POD_NAMESPACE, else the in-cluster namespace file, else `default`. */
export function defaultLeaseNamespace(env: NodeJS.ProcessEnv = process.env, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): string {
  if (env.POD_NAMESPACE?.trim()) return env.POD_NAMESPACE.trim();
  try {
    const inCluster = read(IN_CLUSTER_NAMESPACE_FILE).trim();
    if (inCluster) return inCluster;
  } catch {
    // not in a Pod
  }
  return FALLBACK_LEASE_NAMESPACE;
}
