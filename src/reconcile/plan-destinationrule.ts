// The DestinationRule part of the policies (plan-policies.ts): written for an MCP API while
// API_CONNECT_TIMEOUT is set, updated, repaired, adopted and pruned like the VirtualService.
// Never someone else's: Istio merges or shadows DestinationRules of one host, so with
// another one for the implementation's host (or one at our name) nothing is written.

import type { Action, ClusterView, ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import type { PolicyFeature } from './policies.js';
import { DESTINATION_RULE_KIND } from './constants.js';
import { desiredDestinationRule, destinationRuleMatches, durationOf, implementationHost, mcpConnectTimeoutMs, targetsHost } from './destinationrule.js';
import { apiNamespace, controlledBy, controlledByAnExposedAPI } from './ownership.js';

export interface DestinationRulePlan {
  actions: Action[];
  features: PolicyFeature[];
  /** Why API_CONNECT_TIMEOUT is not enforced when something stands in the way (the condition's reason). */
  blocker?: { reason: string; message: string; problem: 'error' | 'conflict' };
}

const FEATURE = 'API_CONNECT_TIMEOUT';
const at = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

function blocked(reason: string, message: string, problem: 'error' | 'conflict', actions: Action[] = []): DestinationRulePlan {
  return { actions, features: [{ feature: FEATURE, enforced: false, detail: message }], blocker: { reason, message, problem } };
}

export function planDestinationRule(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings): DestinationRulePlan {
  const namespace = apiNamespace(api);
  const name = api.metadata.name;
  const connectMs = mcpConnectTimeoutMs(spec, settings);
  const features: PolicyFeature[] = [];
  if (spec.apiType === 'mcp' && settings.timeouts?.connectMs === 0) {
    features.push({ feature: FEATURE, enforced: false, detail: "0 cannot be a DestinationRule's connect timeout (1 ms at least), so Istio's default (10s) stays", byDesign: true });
  }
  const apiVersion = view.capabilities.destinationRuleApiVersion;
  if (apiVersion === undefined) {
    if (connectMs === undefined) return { actions: [], features };
    return blocked('DestinationRuleCRDMissing', 'no DestinationRule CRD (networking.istio.io) is served by this cluster; install Istio', 'error');
  }
  if (view.capabilities.destinationRulesUnreadable) {
    // Ours cannot be told from someone else's: existing ones are left alone.
    if (connectMs === undefined) return { actions: [], features };
    const message = "DestinationRules may not be listed, so one could not be written without risking someone else's; grant list and watch on destinationrules (docs/rbac.md)";
    return blocked('DestinationRulesForbidden', message, 'error');
  }

  const live = view.destinationRule(namespace, name);
  const ours = live !== undefined && controlledBy(live, api);
  const prune: Action[] = ours ? [{ type: 'delete', apiVersion, kind: DESTINATION_RULE_KIND, namespace, name }] : [];
  if (connectMs === undefined) return { actions: prune, features };
  if (live !== undefined && !ours) {
    return blocked('DestinationRuleNotOwned', `DestinationRule ${at(live)} exists and is not managed by this ExposedAPI; delete or rename it`, 'conflict');
  }
  // Another API's (ours too) carries the same connect timeout; anyone else's would be merged with ours or shadowed by it.
  const rival = view
    .destinationRules(namespace)
    .find((d) => d.metadata.name !== name && !controlledByAnExposedAPI(d) && targetsHost(d, spec.implementation, namespace));
  const host = implementationHost(spec.implementation, namespace);
  if (rival !== undefined) {
    // Ours goes: left beside theirs, Istio would keep the older rule's trafficPolicy for the host.
    const message = `DestinationRule ${at(rival)}, not managed by an ExposedAPI, already applies to ${host} (Istio would merge or shadow a second one); set the connect timeout there, or remove it`;
    return blocked('DestinationRuleConflict', message, 'conflict', prune);
  }

  const desired = desiredDestinationRule(api, spec, connectMs, apiVersion, namespace);
  const actions: Action[] = [];
  if (live === undefined) actions.push({ type: 'apply', object: desired, change: 'create' });
  else if (!destinationRuleMatches(desired, live)) actions.push({ type: 'apply', object: desired, change: 'update' });
  const detail = `a connect timeout of ${durationOf(connectMs)} to ${host}, by DestinationRule ${namespace}/${name}`;
  return { actions, features: [...features, { feature: FEATURE, enforced: true, detail }] };
}
