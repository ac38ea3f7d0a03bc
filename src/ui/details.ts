// The details of one API for the dashboard's pane: its conditions as the engine sees them,
// each child and whether it matches the desired state (the engine's plan would write it
// if not), and its URLs. Pure; Events are fetched separately when the pane opens.
import { componentEntryState, controlledBy, parentComponentName, plannedChild, podsToAnnotate, reconcile, statusDiffers, type ChildState } from '../reconcile/index.js';
import type { Action, ClusterView, Condition, ExposedAPI, Plan, Settings } from '../reconcile/types.js';

export interface ChildLine {
  what: string;
  state: ChildState;
}

export interface Details {
  key: string;
  url?: string;
  developerUI?: string;
  conditions: Condition[];
  children: ChildLine[];
}

type Kind = 'VirtualService' | 'HTTPRoute' | 'ServiceMonitor' | 'DestinationRule';

function childOf(kind: Kind, ns: string, name: string, actions: readonly Action[], live: unknown): ChildLine | undefined {
  const what = `${kind} ${ns}/${name}`;
  const planned = plannedChild(actions, kind);
  if (planned) return { what, state: planned };
  return live === undefined ? undefined : { what, state: 'matches' };
}

const KIND_SERVED = {
  EnvoyFilter: (view: ClusterView) => !!view.capabilities.envoyFilterServed,
  RequestAuthentication: (view: ClusterView) => !!view.capabilities.securityPoliciesServed,
  AuthorizationPolicy: (view: ClusterView) => !!view.capabilities.securityPoliciesServed,
};

function gatewayChildLines(kind: keyof typeof KIND_SERVED, ns: string, name: string, actions: readonly Action[], view: ClusterView): ChildLine[] {
  if (!KIND_SERVED[kind](view)) return [];
  const at = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;
  const planned = actions.flatMap((a) => (a.type === 'apply' && a.object.kind === kind ? [a.object] : []));
  const live = view.gatewayChildrenOf(kind, ns, name);
  const lines: ChildLine[] = planned.map((o) => ({ what: `${kind} ${at(o)}`, state: live.some((l) => at(l) === at(o)) ? 'differs' : 'missing' }));
  for (const o of live) {
    if (planned.some((p) => at(p) === at(o))) continue;
    const unwanted = actions.some((a) => a.type === 'delete' && a.kind === kind && a.namespace === o.metadata.namespace && a.name === o.metadata.name);
    lines.push({ what: `${kind} ${at(o)}`, state: unwanted ? 'unwanted' : 'matches' });
  }
  return lines;
}

function ownDestinationRule(api: ExposedAPI, view: ClusterView): unknown {
  const live = view.destinationRule(api.metadata.namespace ?? '', api.metadata.name);
  return live !== undefined && controlledBy(live, api) ? live : undefined;
}

function componentLine(api: ExposedAPI, result: Plan): ChildLine | undefined {
  const parent = parentComponentName(api);
  if (parent === undefined) return undefined;
  return { what: `Component ${api.metadata.namespace}/${parent} entry`, state: componentEntryState(result) };
}

export function detailsFor(api: ExposedAPI, view: ClusterView, settings: Settings, now: Date): Details {
  const result = reconcile(api, view, settings, now);
  const { namespace: ns, name, actions } = result;
  const children = [
    view.capabilities.virtualServiceApiVersion ? childOf('VirtualService', ns, name, actions, view.virtualService(ns, name)) : undefined,
    view.capabilities.httpRouteServed ? childOf('HTTPRoute', ns, name, actions, view.httpRoute(ns, name)) : undefined,
    view.capabilities.serviceMonitorServed ? childOf('ServiceMonitor', ns, name, actions, view.serviceMonitor(ns, name)) : undefined,
    // Only the API's own: one of someone else's at that name is reported by PoliciesEnforced.
    view.capabilities.destinationRuleApiVersion ? childOf('DestinationRule', ns, name, actions, ownDestinationRule(api, view)) : undefined,
  ].filter((c): c is ChildLine => c !== undefined);
  // Gateway children live in the gateway's namespace: each one of the API's, as it stands, and any the plan would create.
  for (const kind of ['EnvoyFilter', 'RequestAuthentication', 'AuthorizationPolicy'] as const) children.push(...gatewayChildLines(kind, ns, name, actions, view));
  const pods = podsToAnnotate(actions);
  if (pods > 0) children.push({ what: `metrics annotations on ${pods} pod${pods === 1 ? '' : 's'}`, state: 'differs' });
  const component = componentLine(api, result);
  if (component) children.push(component);
  children.push({ what: 'ExposedAPI status', state: statusDiffers(result) ? 'differs' : 'matches' });

  const details: Details = { key: `${ns}/${name}`, conditions: result.status.conditions ?? [], children };
  const apiStatus = result.status.apiStatus;
  if (apiStatus?.url) details.url = apiStatus.url;
  if (apiStatus?.developerUI) details.developerUI = apiStatus.developerUI;
  return details;
}
