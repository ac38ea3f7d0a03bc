// The routing part of a reconcile: the API's route object, a VirtualService or (with the
// httproute router) an HTTPRoute, unless the cluster does not serve that kind, another
// route on the same listener holds the path (conflicts.ts), or the name is taken by an
// object we do not manage (never overwrite what is not ours). Switching routers leaves no
// gap: the old router's object is deleted only once the new one is ready.

import type { Action, ClusterView, ExposedAPI, KubeObject, Route, Router, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import type { ConditionInput } from './conditions.js';
import { HTTP_ROUTE_API_VERSION, HTTP_ROUTE_KIND, VIRTUAL_SERVICE_KIND } from './constants.js';
import { describeRouteOwner, findConflict, routeOfExposedAPI, withServing } from './conflicts.js';
import { acceptanceOf, describeParent, parentRefFor } from './gateway-api.js';
import { desiredHTTPRoute } from './httproute.js';
import { childMatches } from './match.js';
import { apiNamespace, controlledBy } from './ownership.js';
import { desiredVirtualService, routeHosts } from './virtualservice.js';

export interface RoutingPlan {
  actions: Action[];
  /** The Routed condition. */
  condition: ConditionInput;
  problem?: 'conflict' | 'error';
  /** uid of our route object as it exists now (unknown until it is created). */
  routeUid?: string;
  /** Set while the other router's object still serves the API (a switch under way): the URL is that router's. */
  servedBy?: Router;
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
  const through = route.gateways.some((g) => winner.gateways.includes(g)) ? '' : ` through gateway ${winner.gateways.join(', ')}, on the same ${route.router === 'httproute' ? 'listener' : 'ingress workload, port'} and host`;
  if (route.router === 'httproute' || winner.pathPrefix === route.pathPrefix) return `the route ${where} is held by ${holder}${through}, created earlier`;
  if (route.pathPrefix.startsWith(winner.pathPrefix)) {
    return `the path ${route.pathPrefix} is shadowed by ${holder}${through}, created earlier, whose prefix ${winner.pathPrefix} takes its requests`;
  }
  return `the prefix ${route.pathPrefix} would take the requests of ${holder}${through}, created earlier, at ${winner.pathPrefix}`;
}

/** One router's route object kind: how it is written, read and judged ready. */
interface RouteKind {
  router: Router;
  kind: string;
  apiVersion: string | undefined;
  missing: { reason: string; message: string };
  live: (view: ClusterView, namespace: string, name: string) => KubeObject | undefined;
  desired: (api: ExposedAPI, spec: ApiSpec, settings: Settings, apiVersion: string) => KubeObject;
}

const VIRTUAL_SERVICE = (view: ClusterView): RouteKind => ({
  router: 'virtualservice',
  kind: VIRTUAL_SERVICE_KIND,
  apiVersion: view.capabilities.virtualServiceApiVersion,
  missing: { reason: 'VirtualServiceCRDMissing', message: 'no VirtualService CRD (networking.istio.io) is served by this cluster; install Istio' },
  live: (v, ns, n) => v.virtualService(ns, n),
  desired: desiredVirtualService,
});

const HTTP_ROUTE = (view: ClusterView): RouteKind => ({
  router: 'httproute',
  kind: HTTP_ROUTE_KIND,
  apiVersion: view.capabilities.httpRouteServed ? HTTP_ROUTE_API_VERSION : undefined,
  missing: { reason: 'HTTPRouteCRDMissing', message: 'no HTTPRoute CRD (gateway.networking.k8s.io/v1) is served by this cluster; install the Gateway API CRDs (standard channel)' },
  live: (v, ns, n) => v.httpRoute(ns, n),
  desired: (api, spec, settings) => desiredHTTPRoute(api, spec, settings),
});

/** The router's kind first, the other one second (to migrate from). */
function routeKinds(view: ClusterView, settings: Settings): [RouteKind, RouteKind] {
  return settings.router === 'httproute' ? [HTTP_ROUTE(view), VIRTUAL_SERVICE(view)] : [VIRTUAL_SERVICE(view), HTTP_ROUTE(view)];
}

export function planRouting(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings): RoutingPlan {
  const namespace = apiNamespace(api);
  const name = api.metadata.name;
  const [current, other] = routeKinds(view, settings);
  const previous = other.apiVersion === undefined ? undefined : other.live(view, namespace, name);
  const leftover = previous !== undefined && controlledBy(previous, api) ? previous : undefined;
  const plan = planCurrent(api, spec, view, settings, current);
  // The old router's object goes once the new one serves; until then it keeps the traffic,
  // and the API stays routed (its URL and readiness do not blink during a switch).
  if (leftover && other.apiVersion) {
    const ready = plan.routeUid !== undefined && plan.condition.status === 'True';
    if (ready) plan.actions.push({ type: 'delete', apiVersion: other.apiVersion, kind: other.kind, namespace, name });
    else if (plan.problem === undefined) {
      const message = `${other.kind} ${namespace}/${name} serves until the ${current.kind} is ready: ${plan.condition.message}`;
      return { ...plan, condition: routed('True', 'Migrating', message), routeUid: leftover.metadata.uid, servedBy: other.router };
    }
  }
  return plan;
}

function planCurrent(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings, current: RouteKind): RoutingPlan {
  const namespace = apiNamespace(api);
  const name = api.metadata.name;
  const { apiVersion, kind } = current;
  if (apiVersion === undefined) return { actions: [], condition: routed('False', current.missing.reason, current.missing.message), problem: 'error' };
  if (kind === HTTP_ROUTE_KIND && view.capabilities.httpRoutesUnreadable) {
    const message = "HTTPRoutes may not be listed, so one could not be written without risking someone else's; grant list and watch on httproutes.gateway.networking.k8s.io (docs/rbac.md)";
    return { actions: [], condition: routed('False', 'HTTPRoutesForbidden', message), problem: 'error' };
  }
  const live = current.live(view, namespace, name);
  const ours = live !== undefined && controlledBy(live, api);
  const httpRoute = settings.router === 'httproute';
  const parent = parentRefFor(settings.gateway, namespace);
  const where = `${routeHosts(spec, settings).join(', ')} ${spec.path} on gateway ${httpRoute ? describeParent(parent) : settings.gateway}`;

  const asked = routeOfExposedAPI(api, settings);
  const route = asked && withServing(asked, api, live);
  const lookup = (ns: string, n: string, router?: Route['router']) => (router === 'httproute' ? view.gatewayApiGateway(ns, n) : view.gateway(ns, n));
  const winner = route && findConflict(route, view.routes(), lookup);
  if (route && winner) {
    // The loser must not keep a route shadowing (or shadowed by) the winner.
    const actions: Action[] = ours ? [{ type: 'delete', apiVersion, kind, namespace, name }] : [];
    const message = `${conflictText(route, winner, where)}; this API is routed once that route is gone`;
    return { actions, condition: routed('False', 'Conflict', message), problem: 'conflict' };
  }
  if (live !== undefined && !ours) {
    const message = `${kind} ${namespace}/${name} exists and is not managed by this ExposedAPI; delete or rename it`;
    return { actions: [], condition: routed('False', `${kind}NotOwned`, message), problem: 'conflict' };
  }

  const desired = current.desired(api, spec, settings, apiVersion);
  const actions: Action[] = [];
  if (live === undefined) actions.push({ type: 'apply', object: desired, change: 'create' });
  else if (!childMatches(desired, live)) actions.push({ type: 'apply', object: desired, change: 'update' });
  const unverified = !httpRoute && view.capabilities.gatewayUnverified ? ' (the Gateway could not be verified: no permission to read Istio Gateways)' : '';
  const message = `${kind} ${namespace}/${name} routes ${where}${unverified} to ${spec.implementation}:${spec.port}`;
  const plan: RoutingPlan = { actions, condition: routed('True', 'Routed', message) };
  if (live?.metadata.uid !== undefined) plan.routeUid = live.metadata.uid;
  if (httpRoute) {
    // Gateway API says whether the Gateway's controller took the route: Routed follows it.
    const acceptance = live === undefined ? { state: 'pending' as const } : acceptanceOf(live, parent);
    if (acceptance.state === 'rejected') {
      plan.condition = routed('False', 'NotAccepted', `the Gateway ${describeParent(parent)} does not accept ${kind} ${namespace}/${name}: ${acceptance.reason}${acceptance.message ? `: ${acceptance.message}` : ''}`);
      plan.problem = 'error';
    } else if (acceptance.state === 'pending') {
      plan.condition = routed('False', 'Pending', `${message}, once the controller of Gateway ${describeParent(parent)} accepts it (waiting for it to say so in the HTTPRoute's status)`);
    }
  }
  return plan;
}
