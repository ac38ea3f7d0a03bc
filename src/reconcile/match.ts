// Whether a live child already is what we would apply, so nothing is written when it
// matches (server-side apply would be a no-op, but still a request and an Event).
//
// Live objects carry extra fields (server-set metadata, status, other managers' labels
// and owners), so labels and owner references only need ours to be present. Each spec
// field we set is compared whole: those fields (VirtualService hosts/gateways/http,
// ServiceMonitor selector/endpoints) are atomic in their CRDs, so server-side apply owns
// each one entirely and any difference inside is drift to put right (e.g. a corsPolicy
// still there after CORS was disabled).

import type { KubeObject, OwnerReference } from './types.js';
import { deepEqual } from './deep-equal.js';
import { isRecord } from './validate.js';

const labelsPresent = (live: Record<string, string> = {}, desired: Record<string, string> = {}): boolean =>
  Object.entries(desired).every(([k, v]) => live[k] === v);

/** ownerReferences is a list keyed by uid: ours must be there with the same fields, others may be too. */
const ownerReferencesPresent = (live: OwnerReference[] = [], desired: OwnerReference[] = []): boolean =>
  desired.every((ref) => {
    const found = live.find((l) => l.uid === ref.uid);
    return found !== undefined && Object.entries(ref).every(([k, v]) => deepEqual(found[k as keyof OwnerReference], v));
  });

function specFieldsEqual(live: unknown, desired: unknown): boolean {
  if (!isRecord(desired)) return deepEqual(live, desired);
  const liveSpec = isRecord(live) ? live : {};
  return Object.entries(desired).every(([k, v]) => deepEqual(liveSpec[k], v));
}

/** True when every label, owner reference and spec field we set is present and equal in `live`. */
export function childMatches(desired: KubeObject, live: KubeObject): boolean {
  return (
    labelsPresent(live.metadata.labels, desired.metadata.labels) &&
    ownerReferencesPresent(live.metadata.ownerReferences, desired.metadata.ownerReferences) &&
    specFieldsEqual(live.spec, desired.spec)
  );
}
