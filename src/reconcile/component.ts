// Roll-up into the parent Component: the Component operator lists each API in
// status.coreAPIs / managementAPIs / securityAPIs, keyed by the ExposedAPI's uid, and
// counts the Component as deployed once every entry has a url and ready: true.

import type { Action, ClusterView, ExposedAPI, KubeObject } from './types.js';
import type { Segment } from './spec.js';
import { COMPONENT_KIND, COMPONENT_RETRY_MS, ODA_GROUP } from './constants.js';
import { apiNamespace } from './ownership.js';
import { isRecord } from './validate.js';

type ListName = 'coreAPIs' | 'managementAPIs' | 'securityAPIs';

const LIST_OF_SEGMENT: Record<Segment, ListName> = {
  coreFunction: 'coreAPIs',
  managementFunction: 'managementAPIs',
  securityFunction: 'securityAPIs',
};
const ALL_LISTS: ListName[] = ['coreAPIs', 'managementAPIs', 'securityAPIs'];

/** The optional keys of an entry that follow the API's own status. */
const MIRRORED_KEYS = ['url', 'developerUI'] as const;

export interface RollupEntry {
  url?: string;
  developerUI?: string;
  ready: boolean;
}

export interface Rollup {
  action?: Action;
  /** Set when the Component, or our entry in it, is not there yet. */
  requeueAfterMs?: number;
}

/** The owning Component's name: the ownerReference of kind Component in group oda.tmforum.org, wherever it is. */
export function parentComponentName(api: ExposedAPI): string | undefined {
  return api.metadata.ownerReferences?.find((ref) => ref.kind === COMPONENT_KIND && ref.apiVersion.split('/')[0] === ODA_GROUP)?.name;
}

/** Where our entry is: the list of the API's segment is searched first (coreAPIs when unset). */
function findEntry(component: KubeObject, uid: string, segment: Segment | undefined) {
  const status = component.status;
  if (!isRecord(status)) return undefined;
  const preferred = LIST_OF_SEGMENT[segment ?? 'coreFunction'];
  for (const list of [preferred, ...ALL_LISTS.filter((l) => l !== preferred)]) {
    const entries = status[list];
    if (!Array.isArray(entries)) continue;
    const index = entries.findIndex((e) => isRecord(e) && e.uid === uid);
    if (index >= 0) return { list, index, entry: entries[index] as Record<string, unknown> };
  }
  return undefined;
}

/** The patch bringing our Component entry to `wanted`, a retry while it is missing, or nothing. */
export function componentRollup(
  api: ExposedAPI,
  segment: Segment | undefined,
  wanted: RollupEntry,
  view: Pick<ClusterView, 'component'>,
): Rollup {
  const name = parentComponentName(api);
  const uid = api.metadata.uid;
  if (name === undefined || uid === undefined) return {};
  const namespace = apiNamespace(api);
  const component = view.component(namespace, name);
  // The Component operator adds our entry soon after it sees the API.
  const found = component && findEntry(component, uid, segment);
  if (!found) return { requeueAfterMs: COMPONENT_RETRY_MS };
  const entry: RollupEntry = { ready: wanted.ready };
  if (wanted.url !== undefined) entry.url = wanted.url;
  if (wanted.developerUI !== undefined) entry.developerUI = wanted.developerUI;
  // The entry mirrors the API: a url the API lost must go, or the Canvas counts a dead URL as deployed.
  const remove = MIRRORED_KEYS.filter((key) => entry[key] === undefined && key in found.entry);
  const upToDate = remove.length === 0 && Object.entries(entry).every(([key, value]) => found.entry[key] === value);
  if (upToDate) return {};
  const action: Extract<Action, { type: 'patchComponent' }> = { type: 'patchComponent', namespace, name, list: found.list, index: found.index, uid, entry };
  if (remove.length > 0) action.remove = remove;
  return { action };
}
