// The unit tests' cluster: real stores behind a real StoreView, written by the Executor's
// client dry run, the same in-memory cluster `--dry-run=client` uses (kube/memory-cluster.ts).
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../kube/client.js';
import type { Discovered } from '../kube/discovery.js';
import { Executor } from '../kube/executor.js';
import { storeOf } from '../kube/view.js';
import { newStores, StoreView } from '../kube/view.js';
import { reconcile } from '../reconcile/index.js';
import type { Action, EndpointSlice, ExposedAPI, KubeObject, Plan, Service, Settings } from '../reconcile/types.js';
import { CAPABILITIES, gateway, NS, SETTINGS } from './objects.js';

/** A client of no cluster: a client dry run never calls it, and would fail if it did. */
const NO_SERVER = new KubeClient(new KubeConfig());

/** Engine passes before a test's cluster must have settled. */
const MAX_PASSES = 5;

export interface ClusterOptions {
  settings?: Settings;
  /** The clock of converge. */
  now?: Date;
}

export class TestCluster {
  readonly stores = newStores();
  /** What discovery found; a test may change it, and the next view and write follow. */
  capabilities: Discovered = CAPABILITIES;
  readonly settings: Settings;
  readonly now: Date;
  private readonly executor: Executor;

  constructor(objects: readonly KubeObject[] = [], options: ClusterOptions = {}) {
    this.settings = options.settings ?? SETTINGS;
    this.now = options.now ?? new Date('2026-01-02T00:00:00Z');
    const capabilities = () => this.capabilities;
    this.executor = new Executor(NO_SERVER, this.stores, { get component() { return capabilities().componentStatusSubresource; } }, 'client');
    this.put(...objects);
  }

  /** Adds or replaces objects, as someone else's writes would. */
  put(...objects: readonly KubeObject[]): void {
    for (const o of objects) storeOf(this.stores, o.kind, o.apiVersion).upsert(o);
  }

  view(settings: Settings = this.settings): StoreView {
    return new StoreView(this.stores, this.capabilities, settings);
  }

  api(name: string, namespace = NS): ExposedAPI {
    const api = this.stores.exposedApis.get(namespace, name);
    if (!api) throw new Error(`no ExposedAPI ${namespace}/${name}`);
    return api;
  }

  /** Carries out actions of a plan for `api`, in order. */
  async execute(api: ExposedAPI, actions: readonly Action[]): Promise<void> {
    for (const action of actions) await this.executor.execute(api, action);
  }

  /** Plans and carries out each plan (up to where it asks to plan again) until nothing is left to do; returns every pass. */
  async converge(name: string, settings: Settings = this.settings, now: Date = this.now): Promise<Plan[]> {
    const passes: Plan[] = [];
    for (let i = 0; i < MAX_PASSES; i++) {
      const api = this.api(name);
      const result = reconcile(api, this.view(settings), settings, now);
      passes.push(result);
      if (result.actions.length === 0) return passes;
      await this.execute(api, result.actions.slice(0, result.replanAfter));
    }
    throw new Error(`no convergence: ${JSON.stringify(passes.at(-1)?.actions)}`);
  }
}

export interface ClusterObjects {
  apis?: ExposedAPI[];
  services?: Service[];
  slices?: EndpointSlice[];
  virtualServices?: KubeObject[];
  components?: KubeObject[];
  /** The gateway's address; null for a gateway without one, undefined for no gateway at all. */
  gatewayIp?: string | null;
}

/** A cluster holding the few objects a test names. */
export function clusterOf(c: ClusterObjects, options: ClusterOptions = {}): TestCluster {
  const g = c.gatewayIp === undefined ? [] : Object.values(gateway(c.gatewayIp ?? undefined));
  return new TestCluster([...(c.apis ?? []), ...(c.services ?? []), ...(c.slices ?? []), ...(c.virtualServices ?? []), ...(c.components ?? []), ...g], options);
}
