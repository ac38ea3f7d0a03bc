// Follows the CustomResourceDefinitions the operator works with, one informer per CRD
// name (RBAC can then grant exactly those names), and tells the cache what the
// cluster serves whenever one appears, disappears or changes its served versions.
import type { KubeClient } from '../kube/client.js';
import { capabilitiesFromCrds, Crd, CrdCapabilities, CRD_NAMES } from '../kube/crds.js';
import { Store } from '../kube/store.js';
import { Informer } from '../runtime/informer.js';
import type { Logger } from '../runtime/log.js';

const CRDS_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
/** CRD changes come in bursts (create, then Established; several files applied at once): act once. */
const SETTLE_MS = 200;

export class CrdFollower {
  readonly informers: Informer<Crd>[];
  private readonly stores: Store<Crd>[] = [];
  private timer?: NodeJS.Timeout;
  private last = '';

  constructor(
    client: KubeClient,
    private readonly log: Logger,
    private readonly onChange: (caps: CrdCapabilities) => void,
  ) {
    this.informers = Object.values(CRD_NAMES).map((name) => {
      const store = new Store<Crd>();
      this.stores.push(store);
      const informer = new Informer<Crd>({
        client,
        path: CRDS_PATH,
        query: { fieldSelector: `metadata.name=${name}` },
        store,
        name: `customresourcedefinitions/${name}`,
        optional: true,
        onForbidden: (message) => log.warn('cannot read CustomResourceDefinitions: CRDs installed or removed later are seen only after a restart', { crd: name, error: message }),
        onRestart: (reason, error) => log.warn('watch restarted', { resource: `customresourcedefinitions/${name}`, reason, error }),
      });
      informer.on(() => this.changed());
      return informer;
    });
  }

  /** Starts following; resolves with what the CRDs say, or undefined when they cannot be read (use discovery). */
  async start(): Promise<CrdCapabilities | undefined> {
    for (const informer of this.informers) informer.start();
    await Promise.all(this.informers.map((i) => i.synced));
    clearTimeout(this.timer); // the first LIST's "added" events are the start, not a change
    if (this.informers.some((i) => i.forbidden())) return undefined;
    const caps = this.capabilities();
    this.last = JSON.stringify(caps);
    return caps;
  }

  capabilities(): CrdCapabilities {
    return capabilitiesFromCrds(this.stores.flatMap((s) => s.list()));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  private changed(): void {
    if (!this.last) return; // still starting
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const caps = this.capabilities();
      const key = JSON.stringify(caps);
      if (key === this.last) return;
      this.last = key;
      this.log.info('served resources changed', { ...caps });
      this.onChange(caps);
    }, SETTLE_MS);
  }
}
