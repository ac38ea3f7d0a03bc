// Stopping cleanly under the Canvas chart's `/bin/sh -c "kopf run ..."`. There the shell is
// the container's PID 1 and (Debian's dash) does not exec the command: the kubelet's SIGTERM
// goes to the shell only, and the kernel drops it (an init process without a handler never
// receives it), so the operator would be SIGKILLed after the grace period. The Pod's
// deletionTimestamp is set before the kubelet sends SIGTERM: watching our own Pod gives us the
// same signal through the API, and we raise SIGTERM ourselves.
import { readFileSync } from 'node:fs';
import type { KubeClient } from '../kube/client.js';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface PodRef {
  namespace: string;
  name: string;
}

/** Our Pod: the hostname is the Pod's name; the namespace from POD_NAMESPACE or the mounted ServiceAccount. */
export function ownPod(env: Record<string, string | undefined>, hostname: string, readNamespaceFile = readServiceAccountNamespace): PodRef | undefined {
  const name = env.HOSTNAME?.trim() || hostname;
  const namespace = env.POD_NAMESPACE?.trim() || readNamespaceFile();
  return name && namespace ? { namespace, name } : undefined;
}

function readServiceAccountNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined; // not in a Pod
  }
}

const MAX_RETRY_MS = 60_000;

/**
 * Calls onDeleting once when the Pod is being deleted. Re-watches when the server ends
 * the watch; after an error (no such Pod, forbidden) retries with growing pauses, so a
 * role without pod watch rights costs a request a minute, not a stream of them.
 * Returns a function that stops watching.
 */
export function onPodDeletion(client: KubeClient, pod: PodRef, onDeleting: () => void): () => void {
  let stopped = false;
  let fired = false;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retryMs = 1000;

  const onEvent = (type: string, object: Record<string, unknown>) => {
    retryMs = 1000; // the watch works
    const metadata = object.metadata as { deletionTimestamp?: string } | undefined;
    if (type !== 'DELETED' && !metadata?.deletionTimestamp) return;
    if (!fired) {
      fired = true;
      onDeleting();
    }
  };
  const again = (delayMs: number) => {
    if (stopped || fired) return;
    timer = setTimeout(start, delayMs);
  };
  const start = () => {
    const query = { fieldSelector: `metadata.name=${pod.name}`, timeoutSeconds: 300, allowWatchBookmarks: true };
    client.watch(`/api/v1/namespaces/${pod.namespace}/pods`, query, onEvent, (err) => {
      // A new watch lists the Pod again, so nothing is missed between two watches.
      if (!err) return again(1000);
      again(retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }).then(
      (c) => {
        controller = c;
        if (stopped) c.abort();
      },
      () => again((retryMs = Math.min(retryMs * 2, MAX_RETRY_MS))),
    );
  };
  start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  };
}
