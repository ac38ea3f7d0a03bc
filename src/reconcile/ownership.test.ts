import type { ExposedAPI, KubeObject, OwnerReference } from './types.js';
import { childMetadata, controlledBy, controlledByAnExposedAPI } from './ownership.js';

const api: ExposedAPI = {
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name: 'prd-api', namespace: 'components', uid: 'u-1', labels: { 'oda.tmforum.org/componentName': 'prd' } },
  spec: {},
};
const child = (refs?: OwnerReference[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'prd-api', namespace: 'components', ...(refs ? { ownerReferences: refs } : {}) },
});
const ref = (over: Partial<OwnerReference>): OwnerReference => ({
  apiVersion: 'oda.tmforum.org/v1beta4',
  kind: 'ExposedAPI',
  name: 'prd-api',
  uid: 'u-1',
  controller: true,
  ...over,
});

describe('childMetadata', () => {
  it('copies name, namespace and labels and adds a controller reference', () => {
    expect(childMetadata(api)).toEqual({
      name: 'prd-api',
      namespace: 'components',
      labels: { 'oda.tmforum.org/componentName': 'prd' },
      ownerReferences: [
        { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'prd-api', uid: 'u-1', controller: true, blockOwnerDeletion: true },
      ],
    });
  });

  it('has no ownerReference without a uid and no labels without labels', () => {
    expect(childMetadata({ ...api, metadata: { name: 'a', namespace: 'n' } })).toEqual({ name: 'a', namespace: 'n' });
  });

  it('does not share the labels object with the API', () => {
    const meta = childMetadata(api);
    meta.labels!.x = 'y';
    expect(api.metadata.labels).not.toHaveProperty('x');
  });
});

describe('controlledBy', () => {
  it.each<[string, OwnerReference[] | undefined, boolean, boolean]>([
    ['no owner', undefined, false, false],
    ['our controller, another served version', [ref({})], true, true],
    ['an ExposedAPI recreated with a new uid', [ref({ uid: 'u-2' })], true, false],
    ['owner but not controller', [ref({ controller: false })], false, false],
    ['controller of another kind', [ref({ kind: 'Component' })], false, false],
    ['ExposedAPI kind of another group', [ref({ apiVersion: 'example.com/v1' })], false, false],
    ['controller among other owners', [ref({ kind: 'Component', controller: false, uid: 'c' }), ref({})], true, true],
  ])('%s', (_label, refs, anyApi, ours) => {
    expect(controlledByAnExposedAPI(child(refs))).toBe(anyApi);
    expect(controlledBy(child(refs), api)).toBe(ours);
  });
});
