// What every entry point works on, built once from the command line (cli/flags.ts) and
// handed down whole: the connection, the operator settings and the namespaces in scope.
// One object, so no layer copies the three by hand.
import type { Settings } from '../reconcile/types.js';
import type { KubeClient } from './client.js';

export interface Scope {
  /** Whether a namespace is in scope. */
  matches: (namespace: string) => boolean;
  /** Every namespace (-A): the cache then watches each kind cluster-wide. */
  all?: boolean;
  /** The namespaces, when every pattern is a plain name. */
  literal?: string[];
  /** The scope as the user gave it, for logs and titles (e.g. "components,team-*" or "all namespaces"). */
  description: string;
}

export interface ClusterContext {
  client: KubeClient;
  settings: Settings;
  scope: Scope;
}
