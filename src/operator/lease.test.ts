import { defaultLeaseNamespace, IN_CLUSTER_NAMESPACE_FILE } from './lease.js';

const noFile = () => {
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

describe('defaultLeaseNamespace', () => {
  test('POD_NAMESPACE first', () => {
    expect(defaultLeaseNamespace({ POD_NAMESPACE: 'canvas' }, () => 'other')).toBe('canvas');
  });

  test('then the namespace Kubernetes mounts with the ServiceAccount token', () => {
    const read = (path: string) => (path === IN_CLUSTER_NAMESPACE_FILE ? 'canvas-system\n' : noFile());
    expect(defaultLeaseNamespace({}, read)).toBe('canvas-system');
  });

  test('else default, never anything from the scope', () => {
    expect(defaultLeaseNamespace({ POD_NAMESPACE: ' ' }, noFile)).toBe('default');
    expect(defaultLeaseNamespace({ COMPONENT_NAMESPACE: 'components' }, () => '')).toBe('default');
  });
});
