import { ownPod } from './kopf-pod.js';

const noFile = () => undefined;

describe('ownPod', () => {
  it('names the Pod by HOSTNAME (else the hostname) in POD_NAMESPACE (else the ServiceAccount namespace file)', () => {
    expect(ownPod({ HOSTNAME: 'api-operator-istio-7d9f-x2x', POD_NAMESPACE: 'canvas' }, 'ignored', noFile)).toEqual({ namespace: 'canvas', name: 'api-operator-istio-7d9f-x2x' });
    expect(ownPod({}, 'api-operator-istio-7d9f-x2x', () => 'canvas')).toEqual({ namespace: 'canvas', name: 'api-operator-istio-7d9f-x2x' });
  });

  it('is undefined outside a Pod (no namespace known)', () => {
    expect(ownPod({ HOSTNAME: 'laptop' }, 'laptop', noFile)).toBeUndefined();
    expect(ownPod({ POD_NAMESPACE: ' ' }, 'laptop', noFile)).toBeUndefined();
  });
});
