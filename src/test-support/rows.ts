// Dashboard rows for the unit tests: a pending, routed API unless a test says otherwise.
import type { ApiRow } from '../ui/row.js';

export const apiRow = (namespace: string, name: string, over: Partial<ApiRow> = {}): ApiRow => ({
  key: `${namespace}/${name}`,
  namespace,
  name,
  component: '-',
  type: 'openapi',
  path: `/${namespace}/${name}`,
  ready: false,
  routing: 'routed',
  metrics: '-',
  state: 'pending',
  inSync: true,
  changedAt: 0,
  ...over,
});
