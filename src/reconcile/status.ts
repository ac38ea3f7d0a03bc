// The ExposedAPI status, kept exactly as the Canvas reads it (apiStatus, implementation)
// plus standard conditions. Keys we do not manage are carried over untouched.

import type { ApiStatus, Condition, ExposedAPI, ExposedAPIStatus } from './types.js';
import type { ApiSpec } from './spec.js';
import type { ApiAddress } from './url.js';
import { deepEqual } from './deep-equal.js';

/**
 * `apiStatus` for a valid spec. `name` is the ExposedAPI's object name (what the Canvas
 * operator has always written there), `uid` its route's (VirtualService or HTTPRoute) once it exists.
 */
export function desiredApiStatus(
  api: ExposedAPI,
  spec: ApiSpec,
  address: ApiAddress,
  routeUid: string | undefined,
): ApiStatus {
  const status: ApiStatus = { name: api.metadata.name };
  if (routeUid !== undefined) status.uid = routeUid;
  Object.assign(status, { path: spec.path, port: spec.port, implementation: spec.implementation });
  if (address.url !== undefined) status.url = address.url;
  if (address.developerUI !== undefined) status.developerUI = address.developerUI;
  if (address.ip !== undefined) status.ip = address.ip;
  return status;
}

/** The next status; `undefined` parts keep what the previous status had. */
export function desiredStatus(
  previous: ExposedAPIStatus | undefined,
  apiStatus: ApiStatus | undefined,
  implementationReady: boolean | undefined,
  conditions: Condition[],
): ExposedAPIStatus {
  const status: ExposedAPIStatus = { ...previous };
  if (apiStatus !== undefined) status.apiStatus = apiStatus;
  if (implementationReady !== undefined) status.implementation = { ready: implementationReady };
  status.conditions = conditions;
  return status;
}

export function statusChanged(previous: ExposedAPIStatus | undefined, desired: ExposedAPIStatus): boolean {
  return !deepEqual(previous ?? {}, desired);
}
