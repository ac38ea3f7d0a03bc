// The conditions that summarise an API's state from what the engine found: its
// implementation, and the overall Ready (routed, url known and implementation ready),
// which names the first thing standing in the way. PoliciesEnforced: policies.ts.

import type { Service } from './types.js';
import type { ConditionInput } from './conditions.js';
import type { IngressLookup } from './ingress.js';
import type { ApiAddress } from './url.js';

export function implementationCondition(
  service: Service | undefined,
  implementation: string,
  namespace: string,
  ready: boolean,
): ConditionInput {
  const type = 'ImplementationReady';
  if (service === undefined) {
    return { type, status: 'False', reason: 'ServiceNotFound', message: `Service ${implementation} not found in namespace ${namespace}` };
  }
  return ready
    ? { type, status: 'True', reason: 'EndpointsReady', message: `Service ${implementation} has ready endpoints` }
    : { type, status: 'False', reason: 'NoReadyEndpoints', message: `Service ${implementation} has no ready endpoints` };
}

export function readyCondition(
  routed: ConditionInput,
  address: ApiAddress,
  ingress: IngressLookup,
  implementation: ConditionInput,
): ConditionInput {
  const notReady = (reason: string, message: string): ConditionInput => ({ type: 'Ready', status: 'False', reason, message });
  if (routed.status !== 'True') return notReady(routed.reason, routed.message);
  if (address.url === undefined) {
    if ('missing' in ingress) {
      return notReady('GatewayNotFound', `${ingress.missing}, so the API has no external address; check the gateway setting or set a public hostname`);
    }
    return notReady('GatewayAddressPending', `the ${ingress.what} has no external address yet`);
  }
  if (implementation.status !== 'True') return notReady(implementation.reason, implementation.message);
  return { type: 'Ready', status: 'True', reason: 'Ready', message: `the API is available at ${address.url}` };
}
