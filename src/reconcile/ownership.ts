// The ExposedAPI owns its VirtualService and ServiceMonitor: same name and namespace,
// a controller ownerReference (so deletion cascades) and the API's labels (as kopf's
// `adopt` did, so objects made by the Python operator already look like ours).

import type { ExposedAPI, KubeObject, ObjectMeta, OwnerReference } from './types.js';
import { EXPOSED_API_KIND, ODA_GROUP } from './constants.js';

/** Namespace of an API; an object read from a cluster always has one. */
export function apiNamespace(api: KubeObject): string {
  return api.metadata.namespace ?? 'default';
}

export function ownerReference(api: ExposedAPI): OwnerReference {
  return {
    apiVersion: api.apiVersion,
    kind: api.kind,
    name: api.metadata.name,
    uid: api.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata for a child; no ownerReference for an API not yet stored (no uid), e.g. a preview. */
export function childMetadata(api: ExposedAPI): ObjectMeta {
  const meta: ObjectMeta = { name: api.metadata.name, namespace: apiNamespace(api) };
  if (api.metadata.labels && Object.keys(api.metadata.labels).length > 0) meta.labels = { ...api.metadata.labels };
  if (api.metadata.uid) meta.ownerReferences = [ownerReference(api)];
  return meta;
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** The controller ownerReference of an object, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** Whether `obj` is controlled by some ExposedAPI (of any version). */
export function controlledByAnExposedAPI(obj: KubeObject): boolean {
  const ref = controllerOf(obj);
  return ref !== undefined && ref.kind === EXPOSED_API_KIND && groupOf(ref.apiVersion) === ODA_GROUP;
}

/** Whether `obj` is controlled by this very ExposedAPI (matched by uid, so a recreated API is a different owner). */
export function controlledBy(obj: KubeObject, api: ExposedAPI): boolean {
  const ref = controllerOf(obj);
  return controlledByAnExposedAPI(obj) && ref?.uid === api.metadata.uid;
}
