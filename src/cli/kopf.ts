// `kopf run ...` as the Canvas chart starts its Python operator, translated into the
// arguments of `kubectl oda-api watch`, so the image can replace the Python one without
// touching the chart. Pure: argv in, a plan out; the entry point (kopf-main.ts) runs it.
import type { LogLevel } from '../runtime/log.js';

/** Something to say once, at INFO, before the operator starts. */
export interface KopfNote {
  message: string;
  fields?: Record<string, unknown>;
}

export type KopfPlan =
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string }
  /** logLevel is set only when a flag decides it; otherwise LOGGING (or info) does, as in watch. */
  | { kind: 'run'; watchArgs: string[]; logLevel?: LogLevel; notes: KopfNote[] };

export const KOPF_HELP = `Usage: kopf run [-n GLOB]... [-A] [--standalone] [--liveness URL] [--verbose|--debug|--quiet] [SCRIPT]...

kopf-compatible entry point of kubectl oda-api: runs "kubectl oda-api watch", so an image swap
keeps the Canvas chart's command line (kopf run $COMPONENT_NAMESPACES_CLI --verbose /apiOperatorIstio.py).
Settings come from the chart's ConfigMap environment (LOGGING, COMPONENT_NAMESPACE,
OPENMETRICS_IMPLEMENTATION, APIOPERATORISTIO_PUBLICHOSTNAME, APIOPERATORISTIO_COMPONENTGATEWAY).

  -n, --namespace GLOB   namespaces to serve (repeatable, comma-separated globs, ! excludes)
  -A, --all-namespaces   serve every namespace
  --standalone           no leader election (default: a Lease, where the role allows it)
  --liveness URL         serve /healthz, /readyz and /metrics, e.g. http://0.0.0.0:8080/healthz
  --debug / --quiet      log level debug / warning (else LOGGING, else info)
  --verbose              accepted; LOGGING decides the level
  --peering NAME, --dev  accepted; not meaningful here (leader election uses a Lease)
  SCRIPT                 the Python script this replaces: ignored

See "kubectl oda-api watch --help" for the operator itself.
`;

type Option = 'namespace' | 'all-namespaces' | 'standalone' | 'verbose' | 'debug' | 'quiet' | 'liveness' | 'peering' | 'dev' | 'help';

const OPTIONS: Record<string, Option> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '-A': 'all-namespaces',
  '--all-namespaces': 'all-namespaces',
  '--standalone': 'standalone',
  '--verbose': 'verbose',
  '--debug': 'debug',
  '--quiet': 'quiet',
  '--liveness': 'liveness',
  '--peering': 'peering',
  '--dev': 'dev',
  '--help': 'help',
  '-h': 'help',
};

const TAKES_VALUE = new Set<Option>(['namespace', 'liveness', 'peering']);

class KopfUsageError extends Error {}

interface Parsed {
  namespaces: string[];
  flags: Set<Option>;
  liveness?: string;
  peering?: string;
  scripts: string[];
}

/** Splits `--opt=value` and `-nvalue`, names every unknown option, collects script paths. */
function parse(args: readonly string[]): Parsed {
  const parsed: Parsed = { namespaces: [], flags: new Set(), scripts: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      parsed.scripts.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.scripts.push(arg);
      continue;
    }
    const [spelled, attached] = splitAttached(arg);
    const option = OPTIONS[spelled];
    if (!option) throw new KopfUsageError(`unknown option ${spelled} for "kopf run" (see kopf run --help)`);
    parsed.flags.add(option);
    if (!TAKES_VALUE.has(option)) {
      if (attached !== undefined) throw new KopfUsageError(`option ${spelled} takes no value`);
      continue;
    }
    const value = attached ?? args[++i];
    if (value === undefined || value === '') throw new KopfUsageError(`option ${spelled} needs a value`);
    if (option === 'namespace') parsed.namespaces.push(value);
    else if (option === 'liveness') parsed.liveness = value;
    else parsed.peering = value;
  }
  return parsed;
}

function splitAttached(arg: string): [string, string | undefined] {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
  }
  // Short options as click reads them: -nNAME and -n=NAME are -n with a value.
  return arg.length > 2 ? [arg.slice(0, 2), arg.slice(arg[2] === '=' ? 3 : 2)] : [arg, undefined];
}

/** kopf's liveness URL (http://host:port/path) as watch's health address (host:port). */
export function healthAddressFromLiveness(url: string): { address: string; note?: KopfNote } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KopfUsageError(`--liveness "${url}": must be a URL such as http://0.0.0.0:8080/healthz`);
  }
  if (parsed.protocol !== 'http:') throw new KopfUsageError(`--liveness "${url}": only http:// is served`);
  const address = `${parsed.hostname}:${parsed.port || '80'}`;
  const path = parsed.pathname;
  if (path === '/' || path === '/healthz') return { address };
  return { address, note: { message: `liveness is served at /healthz, not ${path}`, fields: { liveness: url } } };
}

export function translateKopf(argv: readonly string[]): KopfPlan {
  const [command, ...rest] = argv;
  if (command === undefined) return { kind: 'error', message: 'missing command: use "kopf run" (see kopf --help)' };
  if (command === '--help' || command === '-h') return { kind: 'help', text: KOPF_HELP };
  if (command !== 'run') {
    const what = command.startsWith('-') ? `unknown option ${command.split('=')[0]}` : `unknown command "${command}"`;
    return { kind: 'error', message: `${what}: only "kopf run" is supported (see kopf --help)` };
  }
  try {
    return plan(parse(rest));
  } catch (err) {
    if (err instanceof KopfUsageError) return { kind: 'error', message: err.message };
    throw err;
  }
}

function plan(p: Parsed): KopfPlan {
  if (p.flags.has('help')) return { kind: 'help', text: KOPF_HELP };
  if (p.flags.has('all-namespaces') && p.namespaces.length) throw new KopfUsageError('use either -n/--namespace or -A/--all-namespaces, not both');
  const watchArgs: string[] = [];
  const notes: KopfNote[] = [];
  for (const ns of p.namespaces) watchArgs.push(`--namespace=${ns}`);
  if (p.flags.has('all-namespaces')) watchArgs.push('--all-namespaces');
  if (p.flags.has('standalone')) watchArgs.push('--standalone');
  if (p.liveness !== undefined) {
    const health = healthAddressFromLiveness(p.liveness);
    watchArgs.push('--health-address', health.address);
    if (health.note) notes.push(health.note);
  } else {
    // kopf serves no endpoint without --liveness; neither do we (no port to collide with).
    watchArgs.push('--health-address', 'none');
  }
  // kopf's own precedence: --debug over --quiet. --verbose is the chart's fixed flag and
  // must not override LOGGING, which is what the Canvas's values set.
  const logLevel: LogLevel | undefined = p.flags.has('debug') ? 'debug' : p.flags.has('quiet') ? 'warning' : undefined;
  if (logLevel) watchArgs.push('--log-level', logLevel);
  if (p.flags.has('verbose') && !logLevel) notes.push({ message: '--verbose ignored: LOGGING sets the log level' });
  if (p.scripts.length) notes.push({ message: 'kopf script ignored: the operator is built in', fields: { scripts: p.scripts } });
  if (p.flags.has('peering') || p.flags.has('dev')) {
    notes.push({ message: '--peering/--dev ignored: replicas elect a leader through a Lease', fields: p.peering ? { peering: p.peering } : undefined });
  }
  return { kind: 'run', watchArgs, logLevel, notes };
}
