import { Registry, operatorMetrics, reconcileResult } from './metrics.js';

describe('exposition format', () => {
  it('renders a counter without labels at zero before first use, then its value', () => {
    const registry = new Registry();
    const c = registry.counter({ name: 'jobs_total', help: 'Jobs done.' });
    expect(registry.render()).toBe('# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 0\n');
    c.inc();
    c.inc(2.5);
    expect(registry.render()).toBe('# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 3.5\n');
  });

  it('renders labelled series in first-use order, labels in declared order, and no series before use', () => {
    const registry = new Registry();
    const c = registry.counter<{ code: string; method: string }>({ name: 'req_total', help: 'Requests.', labelNames: ['method', 'code'] });
    expect(registry.render()).toBe('# HELP req_total Requests.\n# TYPE req_total counter\n');
    c.inc({ code: '200', method: 'GET' });
    c.inc({ code: '409', method: 'PUT' }, 2);
    c.inc({ method: 'GET', code: '200' });
    expect(registry.render()).toBe(
      ['# HELP req_total Requests.', '# TYPE req_total counter', 'req_total{method="GET",code="200"} 2', 'req_total{method="PUT",code="409"} 2', ''].join('\n'),
    );
    expect(c.get({ code: '200', method: 'GET' })).toBe(2);
  });

  it('escapes label values (backslash, quote, newline) and help text (backslash, newline)', () => {
    const registry = new Registry();
    const g = registry.gauge<{ path: string }>({ name: 'g', help: 'a\\b\nc "q"', labelNames: ['path'] });
    g.set({ path: 'C:\\x\n"y"' }, 1);
    expect(registry.render()).toBe('# HELP g a\\\\b\\nc "q"\n# TYPE g gauge\ng{path="C:\\\\x\\n\\"y\\""} 1\n');
  });

  it('renders gauges set, increased, decreased and special values', () => {
    const registry = new Registry();
    const g = registry.gauge<{ k: string }>({ name: 'g', help: 'h', labelNames: ['k'] });
    g.set({ k: 'a' }, 5);
    g.inc({ k: 'a' });
    g.dec({ k: 'a' }, 3);
    g.inc({ k: 'b' }, Infinity);
    g.set({ k: 'c' }, -Infinity);
    g.set({ k: 'd' }, NaN);
    expect(registry.render().split('\n').slice(2)).toEqual(['g{k="a"} 3', 'g{k="b"} +Inf', 'g{k="c"} -Inf', 'g{k="d"} NaN', '']);
  });

  it('calls a gauge collect callback at each render', () => {
    const registry = new Registry();
    const g = registry.gauge({ name: 'depth', help: 'Depth.' });
    let depth = 4;
    g.onCollect((gauge) => gauge.set(depth));
    expect(registry.render()).toContain('\ndepth 4\n');
    depth = 7;
    expect(registry.render()).toContain('\ndepth 7\n');
  });

  it('renders cumulative histogram buckets, +Inf, _sum and _count', () => {
    const registry = new Registry();
    const h = registry.histogram<{ kind: string }>({ name: 'd_seconds', help: 'Durations.', labelNames: ['kind'], buckets: [0.1, 1] });
    h.observe({ kind: 'a' }, 0.05);
    h.observe({ kind: 'a' }, 0.1);
    h.observe({ kind: 'a' }, 0.5);
    h.observe({ kind: 'a' }, 3);
    expect(registry.render()).toBe(
      [
        '# HELP d_seconds Durations.',
        '# TYPE d_seconds histogram',
        'd_seconds_bucket{kind="a",le="0.1"} 2',
        'd_seconds_bucket{kind="a",le="1"} 3',
        'd_seconds_bucket{kind="a",le="+Inf"} 4',
        'd_seconds_sum{kind="a"} 3.65',
        'd_seconds_count{kind="a"} 4',
        '',
      ].join('\n'),
    );
  });

  it('renders an unlabelled histogram at zero before first use', () => {
    const registry = new Registry();
    registry.histogram({ name: 'h', help: 'h', buckets: [1] });
    expect(registry.render()).toBe('# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 0\nh_sum 0\nh_count 0\n');
  });

  it('observes the seconds elapsed with startTimer', () => {
    const registry = new Registry();
    const h = registry.histogram<{ k: string }>({ name: 't', help: 't', labelNames: ['k'], buckets: [60] });
    const seconds = h.startTimer({ k: 'x' })();
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(seconds).toBeLessThan(60);
    expect(registry.render()).toContain(`t_bucket{k="x",le="60"} 1\nt_bucket{k="x",le="+Inf"} 1\nt_sum{k="x"} ${seconds}\nt_count{k="x"} 1\n`);
  });

  it('renders an empty registry as nothing', () => {
    expect(new Registry().render()).toBe('');
  });

  it('renders metrics in registration order', () => {
    const registry = new Registry();
    registry.gauge({ name: 'b', help: 'B' });
    registry.counter({ name: 'a', help: 'A' });
    expect(registry.render()).toBe('# HELP b B\n# TYPE b gauge\nb 0\n# HELP a A\n# TYPE a counter\na 0\n');
  });
});

describe('validation', () => {
  it('rejects bad names, duplicate registration, wrong labels, negative counter increments and bad buckets', () => {
    const registry = new Registry();
    expect(() => registry.counter({ name: 'bad-name', help: '' })).toThrow('metric name "bad-name" is not valid');
    expect(() => registry.counter({ name: 'x', help: '', labelNames: ['__x'] })).toThrow('label name "__x" is not valid');
    expect(() => registry.histogram({ name: 'x', help: '', labelNames: ['le'] })).toThrow('label name "le" is not valid');
    expect(() => registry.histogram({ name: 'x', help: '', buckets: [1, 1] })).toThrow('strictly increasing');
    const c = registry.counter<{ a: string }>({ name: 'x', help: '', labelNames: ['a'] });
    expect(() => registry.gauge({ name: 'x', help: '' })).toThrow('metric x is already registered');
    expect(() => c.inc({ b: '1' } as unknown as { a: string })).toThrow('labels {b} do not match {a}');
    expect(() => c.inc({ a: '1', b: '2' } as unknown as { a: string })).toThrow('do not match');
    expect(() => c.inc({ a: '1' }, -1)).toThrow('a counter cannot decrease');
  });
});

describe('operator metrics', () => {
  it('registers the operator metrics with their names, types and labels', () => {
    const registry = new Registry();
    const m = operatorMetrics(registry);
    m.reconciles.inc({ result: reconcileResult('created') });
    m.reconciles.inc({ result: reconcileResult('conflict') });
    m.reconcileErrors.inc();
    m.reconcileDuration.observe(0.02);
    m.queueDepth.set(3);
    m.watchRestarts.inc({ resource: 'exposedapis' });
    m.managedApis.set(12);
    m.leader.set(1);
    const text = registry.render();
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => `${x[1]} ${x[2]}`);
    expect(types).toEqual([
      'oda_api_reconciles_total counter',
      'oda_api_reconcile_errors_total counter',
      'oda_api_reconcile_duration_seconds histogram',
      'oda_api_queue_depth gauge',
      'oda_api_watch_restarts_total counter',
      'oda_api_managed_apis gauge',
      'oda_api_leader gauge',
    ]);
    for (const line of [
      'oda_api_reconciles_total{result="success"} 1',
      'oda_api_reconciles_total{result="conflict"} 1',
      'oda_api_reconcile_errors_total 1',
      'oda_api_reconcile_duration_seconds_bucket{le="0.005"} 0',
      'oda_api_reconcile_duration_seconds_bucket{le="0.025"} 1',
      'oda_api_reconcile_duration_seconds_bucket{le="10"} 1',
      'oda_api_reconcile_duration_seconds_bucket{le="+Inf"} 1',
      'oda_api_reconcile_duration_seconds_count 1',
      'oda_api_queue_depth 3',
      'oda_api_watch_restarts_total{resource="exposedapis"} 1',
      'oda_api_managed_apis 12',
      'oda_api_leader 1',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });

  it.each([
    ['created', 'success'],
    ['updated', 'success'],
    ['unchanged', 'success'],
    ['deleted', 'success'],
    ['invalid', 'invalid'],
    ['conflict', 'conflict'],
    ['error', 'error'],
  ] as const)('outcome %s counts as result %s', (outcome, result) => expect(reconcileResult(outcome)).toBe(result));
});
