import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CHART_RBAC_FILE, chartRbacYaml } from './chart-rbac.js';
import { CLUSTER_RULES, LEASE_RULES } from './manifests.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the chart RBAC rules', () => {
  it('are the rules of `kubectl oda-api manifests`', () => {
    expect(parse(chartRbacYaml())).toEqual({ clusterRules: CLUSTER_RULES, leaseRules: LEASE_RULES });
  });

  it('are what the chart holds (run `npm run chart:rbac` after changing src/deploy/manifests.ts)', () => {
    const inChart = readFileSync(join(root, CHART_RBAC_FILE), 'utf8');
    expect(inChart).toBe(chartRbacYaml());
  });
});
