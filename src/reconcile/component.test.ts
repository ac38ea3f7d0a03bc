import type { ExposedAPI, KubeObject, OwnerReference } from './types.js';
import { componentRollup, parentComponentName } from './component.js';

const componentRef: OwnerReference = { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'prd', uid: 'c-1', controller: true };
const api = (refs: OwnerReference[] = [componentRef]): ExposedAPI => ({
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name: 'prd-api', namespace: 'components', uid: 'a-1', ownerReferences: refs },
  spec: {},
});
const component = (status: Record<string, unknown> | undefined): KubeObject => ({
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'Component',
  metadata: { name: 'prd', namespace: 'components' },
  ...(status ? { status } : {}),
});
const view = (c: KubeObject | undefined) => ({
  component: (ns: string, name: string) => (ns === 'components' && name === 'prd' ? c : undefined),
});
const url = 'https://x/prd';

describe('parentComponentName', () => {
  it.each<[string, OwnerReference[], string | undefined]>([
    ['first reference', [componentRef], 'prd'],
    ['anywhere in the list', [{ ...componentRef, kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' }, componentRef], 'prd'],
    ['Component of another group', [{ ...componentRef, apiVersion: 'example.com/v1' }], undefined],
    ['none', [], undefined],
  ])('%s', (_label, refs, expected) => expect(parentComponentName(api(refs))).toBe(expected));
});

describe('componentRollup', () => {
  it('patches our entry, found by uid, with url, developerUI and ready', () => {
    const c = component({ coreAPIs: [{ uid: 'other' }, { uid: 'a-1', name: 'prd-api' }] });
    expect(componentRollup(api(), undefined, { url, developerUI: `${url}/docs`, ready: true }, view(c))).toEqual({
      action: {
        type: 'patchComponent',
        namespace: 'components',
        name: 'prd',
        list: 'coreAPIs',
        index: 1,
        uid: 'a-1',
        entry: { url, developerUI: `${url}/docs`, ready: true },
      },
    });
  });

  it('writes ready: false too', () => {
    const c = component({ coreAPIs: [{ uid: 'a-1', url, ready: true }] });
    expect(componentRollup(api(), undefined, { url, ready: false }, view(c)).action).toMatchObject({ entry: { url, ready: false } });
  });

  it('does nothing when the entry is up to date', () => {
    const c = component({ coreAPIs: [{ uid: 'a-1', url, ready: true, name: 'x' }] });
    expect(componentRollup(api(), undefined, { url, ready: true }, view(c))).toEqual({});
  });

  it('removes a url and developerUI the API no longer has, so the entry mirrors it', () => {
    const c = component({ coreAPIs: [{ uid: 'a-1', url, developerUI: `${url}/docs`, ready: true }] });
    expect(componentRollup(api(), undefined, { ready: false }, view(c)).action).toMatchObject({
      entry: { ready: false },
      remove: ['url', 'developerUI'],
    });
  });

  it('removes a stale url even when ready has not changed', () => {
    const c = component({ coreAPIs: [{ uid: 'a-1', url, ready: false }] });
    expect(componentRollup(api(), undefined, { ready: false }, view(c)).action).toMatchObject({ remove: ['url'] });
  });

  it('finds the entry in the list of the segment first', () => {
    const c = component({ coreAPIs: [{ uid: 'a-1' }], managementAPIs: [{ uid: 'x' }, { uid: 'a-1' }] });
    expect(componentRollup(api(), 'managementFunction', { ready: true }, view(c)).action).toMatchObject({ list: 'managementAPIs', index: 1 });
  });

  it('finds the entry in any list', () => {
    const c = component({ securityAPIs: [{ uid: 'a-1' }] });
    expect(componentRollup(api(), undefined, { ready: false }, view(c)).action).toMatchObject({ list: 'securityAPIs', index: 0 });
  });

  it.each([
    ['no Component yet', undefined],
    ['no status yet', component(undefined)],
    ['no entry yet', component({ coreAPIs: [{ uid: 'other' }] })],
  ])('tries again later: %s', (_label, c) => {
    expect(componentRollup(api(), undefined, { url, ready: true }, view(c))).toEqual({ requeueAfterMs: 5000 });
  });

  it('does nothing for an API without a parent Component', () => {
    expect(componentRollup(api([]), undefined, { url, ready: true }, view(undefined))).toEqual({});
  });
});
