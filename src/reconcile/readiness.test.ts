import type { EndpointSlice } from './types.js';
import { implementationReady } from './readiness.js';

type Endpoints = EndpointSlice['endpoints'];

function slice(endpoints: Endpoints): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'impl-abc', namespace: 'components' },
    ...(endpoints === undefined ? {} : { endpoints }),
  };
}
const endpoint = (conditions?: { ready?: boolean | null }) => ({
  addresses: ['10.1.0.1'],
  ...(conditions === undefined ? {} : { conditions }),
});

describe('implementationReady', () => {
  it.each<[string, EndpointSlice[], boolean]>([
    ['no slices', [], false],
    ['a slice without endpoints', [slice(undefined)], false],
    ['a slice with an empty endpoint list', [slice([])], false],
    ['a ready endpoint', [slice([endpoint({ ready: true })])], true],
    ['a not-ready endpoint', [slice([endpoint({ ready: false })])], false],
    ['ready absent counts as ready', [slice([endpoint({})])], true],
    ['conditions absent counts as ready', [slice([endpoint()])], true],
    ['ready null counts as ready', [slice([endpoint({ ready: null })])], true],
    ['one ready among not ready', [slice([endpoint({ ready: false }), endpoint({ ready: true })])], true],
    ['ready endpoint in the second slice', [slice([endpoint({ ready: false })]), slice([endpoint({ ready: true })])], true],
    ['all slices not ready', [slice([endpoint({ ready: false })]), slice([endpoint({ ready: false })])], false],
  ])('%s', (_label, slices, expected) => {
    expect(implementationReady(slices)).toBe(expected);
  });
});
