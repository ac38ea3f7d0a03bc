import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { UserError } from '../cli/errors.js';
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
    'A ServiceAccount, a least-privilege ClusterRole and binding, a Role and binding for the leader-election Lease, ' +
    'and a Deployment running "watch" with leader election. The operator\'s settings are the Canvas environment ' +
    'variables set on the Deployment (COMPONENT_NAMESPACE, OPENMETRICS_IMPLEMENTATION, ...): edit them there.';
  static examples = [
    '<%= config.bin %> manifests | kubectl apply -f -',
    '<%= config.bin %> manifests --operator-namespace oda-operators --replicas 3 -o json',
  ];
  static flags = {
    // Not -n: elsewhere -n is the namespaces the operator serves, not where it runs.
    'operator-namespace': Flags.string({
      description: 'Namespace the operator runs in (its ServiceAccount, Deployment and Lease)',
      default: DEFAULT_NAMESPACE,
    }),
    image: Flags.string({ description: 'Operator image [default: ghcr.io/tmforum-oda/kubectl-oda-api:<this version>]' }),
    replicas: Flags.integer({ description: 'Operator replicas; one leads, the others stand by', default: DEFAULT_REPLICAS }),
    output: Flags.option({ char: 'o', options: ['yaml', 'json'] as const, default: 'yaml' })(),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Manifests);
    const options = {
      namespace: flags['operator-namespace'],
      image: flags.image ?? defaultImage(this.config.version),
      replicas: flags.replicas,
    };
    const errors = manifestOptionErrors(options);
    if (errors.length > 0) throw new UserError(errors.join('; '));
    const objects = buildManifests(options);
    process.stdout.write(flags.output === 'json' ? renderJson(objects) : renderYaml(objects));
  }
}
