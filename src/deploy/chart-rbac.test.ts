import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CHART_RBAC_FILE, chartRbacYaml } from './chart-rbac.js';
import { OPERATOR_NAME } from './manifests.js';
import { CLUSTER_READ_RULES, CLUSTER_RULES, CRD_RULES, GATEWAY_RULE, NAMESPACE_RULES, POLICY_READ_RULES, POLICY_WRITE_RULES, SCOPE_RULES, leaseRules } from './rbac.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the chart RBAC rules', () => {
  it('are the rules of `kubectl oda-api manifests`', () => {
    expect(parse(chartRbacYaml())).toEqual({
      clusterRules: CLUSTER_RULES,
      namespaceRules: NAMESPACE_RULES,
      clusterReadRules: CLUSTER_READ_RULES,
      crdRules: CRD_RULES,
      policyReadRules: POLICY_READ_RULES,
      policyWriteRules: POLICY_WRITE_RULES,
      scopeRules: SCOPE_RULES,
      gatewayRule: GATEWAY_RULE,
      leaseRules: leaseRules(OPERATOR_NAME),
    });
  });

  it('are what the chart holds (run `npm run chart:rbac` after changing src/deploy/rbac.ts)', () => {
    const inChart = readFileSync(join(root, CHART_RBAC_FILE), 'utf8');
    expect(inChart).toBe(chartRbacYaml());
  });
});
