// Readiness of the implementation behind an API, from the EndpointSlices of its Service.

import type { EndpointSlice } from './types.js';

/**
 * True when any endpoint of any slice is ready. Per the EndpointSlice API an unset
 * (absent or null) `ready` means ready; no slices or no endpoints means not ready,
 * so the status goes back to false when the endpoints go away.
 */
export function implementationReady(slices: readonly EndpointSlice[]): boolean {
  return slices.some((slice) =>
    (slice.endpoints ?? []).some((endpoint) => {
      const ready = endpoint.conditions?.ready;
      return ready === undefined || ready === null || ready === true;
    }),
  );
}
