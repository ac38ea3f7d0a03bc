// The routing part of a reconcile: the VirtualService, unless the cluster has no Istio,
// another route on the same ingress listener holds an overlapping path (conflicts.ts),
// or the name is taken by an object we do not manage (never overwrite what is not ours).

import type { Action, ClusterView, ExposedAPI, Route, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import type { ConditionInput } from './conditions.js';
import { VIRTUAL_SERVICE_KIND } from './constants.js';
import { describeRouteOwner, findConflict, routeOfExposedAPI, withServing } from './conflicts.js';
import { childMatches } from './match.js';
import { apiNamespace, controlledBy } from './ownership.js';
import { desiredVirtualService, routeHosts } from './virtualservice.js';

export interface RoutingPlan {
  actions: Action[];
  /** The Routed condition. */
  condition: ConditionInput;
  problem?: 'conflict' | 'error';
  /** uid of our VirtualService as it exists now (unknown until it is created). */
  virtualServiceUid?: string;
}

const routed = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
  type: 'Routed',
  status,
  reason,
  message,
});

/** Who holds what this route wants, and how: the same prefix, or one prefix taking the other's requests. */
function conflictText(route: Route, winner: Route, where: string): string {
  const holder = describeRouteOwner(winner);
  const through = route.gateways.some((g) => winner.gateways.includes(g)) ? '' : ` through gateway ${winner.gateways.join(', ')}, on the same ingress workload, port and host`;
  if (winner.pathPrefix === route.pathPrefix) return `the route ${where} is held by ${holder}${through}, created earlier`;
  if (route.pathPrefix.startsWith(winner.pathPrefix)) {
    return `the path ${route.pathPrefix} is shadowed by ${holder}${through}, created earlier, whose prefix ${winner.pathPrefix} takes its requests`;
  }
  return `the prefix ${route.pathPrefix} would take the requests of ${holder}${through}, created earlier, at ${winner.pathPrefix}`;
}

export function planRouting(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings): RoutingPlan {
  const namespace = apiNamespace(api);
  const name = api.metadata.name;
  const apiVersion = view.capabilities.virtualServiceApiVersion;
  if (apiVersion === undefined) {
    const message = 'no VirtualService CRD (networking.istio.io) is served by this cluster; install Istio';
    return { actions: [], condition: routed('False', 'VirtualServiceCRDMissing', message), problem: 'error' };
  }
  const live = view.virtualService(namespace, name);
  const ours = live !== undefined && controlledBy(live, api);
  const where = `${routeHosts(spec, settings).join(', ')} ${spec.path} on gateway ${settings.gateway}`;

  const asked = routeOfExposedAPI(api, settings);
  const route = asked && withServing(asked, api, live);
  const winner = route && findConflict(route, view.routes(), (ns, n) => view.gateway(ns, n));
  if (route && winner) {
    // The loser must not keep a VirtualService shadowing (or shadowed by) the winner.
    const actions: Action[] = ours ? [{ type: 'delete', apiVersion, kind: VIRTUAL_SERVICE_KIND, namespace, name }] : [];
    const message = `${conflictText(route, winner, where)}; this API is routed once that route is gone`;
    return { actions, condition: routed('False', 'Conflict', message), problem: 'conflict' };
  }
  if (live !== undefined && !ours) {
    const message = `VirtualService ${namespace}/${name} exists and is not managed by this ExposedAPI; delete or rename it`;
    return { actions: [], condition: routed('False', 'VirtualServiceNotOwned', message), problem: 'conflict' };
  }

  const desired = desiredVirtualService(api, spec, settings, apiVersion);
  const actions: Action[] = [];
  if (live === undefined) actions.push({ type: 'apply', object: desired, change: 'create' });
  else if (!childMatches(desired, live)) actions.push({ type: 'apply', object: desired, change: 'update' });
  const unverified = view.capabilities.gatewayUnverified ? ' (the Gateway could not be verified: no permission to read Istio Gateways)' : '';
  const message = `VirtualService ${namespace}/${name} routes ${where}${unverified} to ${spec.implementation}:${spec.port}`;
  const plan: RoutingPlan = { actions, condition: routed('True', 'Routed', message) };
  if (live?.metadata.uid !== undefined) plan.virtualServiceUid = live.metadata.uid;
  return plan;
}
