import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { UserError } from '../cli/errors.js';
import { scopeFlags, servedNamespaces, settingsFlags } from '../cli/flags.js';
import {
  DEFAULT_NAMESPACE,
  DEFAULT_REPLICAS,
  buildManifests,
  defaultImage,
  manifestOptionErrors,
  renderJson,
  renderYaml,
} from '../deploy/manifests.js';

export default class Manifests extends BaseCommand {
  static summary = 'Print the objects that run the operator in a cluster, for kubectl apply';
  static description =
    'A ServiceAccount, least-privilege RBAC for the namespaces served (-n, -A) and the gateway, a Role for the ' +
    'leader-election Lease, and a Deployment running "watch" with leader election. Plain namespace names get a Role ' +
    'in each (they must exist); globs and -A a ClusterRole. The other settings are the Canvas environment variables ' +
    'set on the Deployment (OPENMETRICS_IMPLEMENTATION, ...): edit them there; change the namespaces or the gateway ' +
    'with the flags, so the RBAC follows.';
  static examples = [
    '<%= config.bin %> manifests -n components --gateway canvas/component-gateway | kubectl apply -f -',
    '<%= config.bin %> manifests -n "components,odacompns-*" --operator-namespace oda-operators --replicas 3 -o json',
  ];
  static flags = {
    ...scopeFlags,
    gateway: settingsFlags.gateway,
    router: settingsFlags.router,
    // Not -n: here as elsewhere -n is the namespaces the operator serves, not where it runs.
    'operator-namespace': Flags.string({
      description: 'Namespace the operator runs in (its ServiceAccount, Deployment and Lease)',
      default: DEFAULT_NAMESPACE,
    }),
    image: Flags.string({ description: 'Operator image [default: ghcr.io/tmforum-oda/kubectl-oda-api:<this version>]' }),
    'gateway-workload-namespace': Flags.string({
      description: "Namespace of the gateway's ingress pods, where rate limits and MCP timeouts are written as EnvoyFilters [default: the Gateway's namespace, else istio-system]",
    }),
    replicas: Flags.integer({ description: 'Operator replicas; one leads, the others stand by', default: DEFAULT_REPLICAS }),
    output: Flags.option({ char: 'o', options: ['yaml', 'json'] as const, default: 'yaml' })(),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Manifests);
    const options = {
      namespace: flags['operator-namespace'],
      image: flags.image ?? defaultImage(this.config.version),
      replicas: flags.replicas,
      served: servedNamespaces(flags),
      gateway: flags.gateway,
      router: flags.router,
      ...(flags['gateway-workload-namespace'] ? { gatewayWorkloadNamespace: flags['gateway-workload-namespace'] } : {}),
    };
    const errors = manifestOptionErrors(options);
    if (errors.length > 0) throw new UserError(errors.join('; '));
    const objects = buildManifests(options);
    process.stdout.write(flags.output === 'json' ? renderJson(objects) : renderYaml(objects));
  }
}
