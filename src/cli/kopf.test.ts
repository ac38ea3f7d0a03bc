import { healthAddressFromLiveness, translateKopf } from './kopf.js';

const run = (argv: string[]) => {
  const plan = translateKopf(argv);
  if (plan.kind !== 'run') throw new Error(`expected a run plan, got ${JSON.stringify(plan)}`);
  return plan;
};

describe('the Canvas command line', () => {
  it('kopf run -n components -n odacompns-* --verbose /apiOperatorIstio.py serves those globs, LOGGING decides the level', () => {
    const plan = run(['run', '-n', 'components', '-n', 'odacompns-*', '--verbose', '/apiOperatorIstio.py']);
    expect(plan.watchArgs).toEqual(['--namespace=components', '--namespace=odacompns-*', '--health-address', 'none']);
    expect(plan.logLevel).toBeUndefined();
    expect(plan.notes.map((n) => n.message)).toEqual(['--verbose ignored: LOGGING sets the log level', 'kopf script ignored: the operator is built in']);
    expect(plan.notes[1].fields).toEqual({ scripts: ['/apiOperatorIstio.py'] });
  });

  it('without -n or -A leaves the scope to watch (COMPONENT_NAMESPACE), and says nothing without a script', () => {
    const plan = run(['run']);
    expect(plan.watchArgs).toEqual(['--health-address', 'none']);
    expect(plan.notes).toEqual([]);
  });
});

describe('kopf options', () => {
  it('accepts every spelling of --namespace, keeping comma lists and negations as they are', () => {
    expect(run(['run', '--namespace', 'a', '--namespace=b,!c', '-nd', '-n=e']).watchArgs.slice(0, 4)).toEqual([
      '--namespace=a',
      '--namespace=b,!c',
      '--namespace=d',
      '--namespace=e',
    ]);
  });

  it('maps -A, --all-namespaces and --standalone through', () => {
    expect(run(['run', '-A', '--standalone']).watchArgs).toEqual(['--all-namespaces', '--standalone', '--health-address', 'none']);
    expect(run(['run', '--all-namespaces']).watchArgs).toContain('--all-namespaces');
  });

  it('--debug and --quiet set the level, --debug winning as in kopf; --verbose then says nothing', () => {
    expect(run(['run', '--debug']).logLevel).toBe('debug');
    expect(run(['run', '--quiet']).watchArgs).toEqual(['--health-address', 'none', '--log-level', 'warning']);
    const both = run(['run', '--quiet', '--debug', '--verbose']);
    expect(both.logLevel).toBe('debug');
    expect(both.watchArgs).toContain('debug');
    expect(both.notes).toEqual([]);
  });

  it('--liveness becomes the health address', () => {
    expect(run(['run', '--liveness', 'http://0.0.0.0:8080/healthz']).watchArgs).toEqual(['--health-address', '0.0.0.0:8080']);
    expect(run(['run', '--liveness=http://[::]:9000/']).watchArgs).toEqual(['--health-address', '[::]:9000']);
  });

  it('--peering and --dev are accepted and reported once as not meaningful', () => {
    const plan = run(['run', '--peering', 'canvas', '--dev']);
    expect(plan.watchArgs).toEqual(['--health-address', 'none']);
    expect(plan.notes).toEqual([{ message: '--peering/--dev ignored: replicas elect a leader through a Lease', fields: { peering: 'canvas' } }]);
  });

  it('every script path is listed in one note; after -- everything is a path', () => {
    const plan = run(['run', 'a.py', '--standalone', '--', '-b.py']);
    expect(plan.notes).toEqual([{ message: 'kopf script ignored: the operator is built in', fields: { scripts: ['a.py', '-b.py'] } }]);
  });
});

describe('healthAddressFromLiveness', () => {
  it('defaults the port to 80 and notes a path other than /healthz', () => {
    expect(healthAddressFromLiveness('http://localhost/healthz')).toEqual({ address: 'localhost:80' });
    expect(healthAddressFromLiveness('http://0.0.0.0:8080/live')).toEqual({
      address: '0.0.0.0:8080',
      note: { message: 'liveness is served at /healthz, not /live', fields: { liveness: 'http://0.0.0.0:8080/live' } },
    });
  });
});

describe('help and usage errors', () => {
  it('kopf --help and kopf run --help print the short text', () => {
    for (const argv of [['--help'], ['-h'], ['run', '--help'], ['run', '-n', 'x', '-h']]) {
      const plan = translateKopf(argv);
      expect(plan.kind).toBe('help');
      expect((plan as { text: string }).text).toMatch(/^Usage: kopf run /);
    }
  });

  it.each([
    [[], 'missing command: use "kopf run" (see kopf --help)'],
    [['freeze'], 'unknown command "freeze": only "kopf run" is supported (see kopf --help)'],
    [['--version'], 'unknown option --version: only "kopf run" is supported (see kopf --help)'],
    [['run', '-m', 'operator'], 'unknown option -m for "kopf run" (see kopf run --help)'],
    [['run', '--log-format=json'], 'unknown option --log-format for "kopf run" (see kopf run --help)'],
    [['run', '-n'], 'option -n needs a value'],
    [['run', '--namespace='], 'option --namespace needs a value'],
    [['run', '--standalone=yes'], 'option --standalone takes no value'],
    [['run', '-n', 'a', '-A'], 'use either -n/--namespace or -A/--all-namespaces, not both'],
    [['run', '--liveness', 'not a url'], '--liveness "not a url": must be a URL such as http://0.0.0.0:8080/healthz'],
    [['run', '--liveness', 'https://0.0.0.0:8080/healthz'], '--liveness "https://0.0.0.0:8080/healthz": only http:// is served'],
  ])('%j: %s', (argv, message) => {
    expect(translateKopf(argv)).toEqual({ kind: 'error', message });
  });
});
