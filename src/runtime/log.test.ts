import { createLogger, logLevelError, parseLogLevel, type LoggerOptions } from './log.js';

function capture(options: Omit<LoggerOptions, 'stream'>) {
  const lines: string[] = [];
  const stream = { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) };
  return { log: createLogger({ ...options, stream }), lines };
}

describe('plain format', () => {
  it('writes time, padded level, message and key=value fields on one line', () => {
    const { log, lines } = capture({ level: 'info', format: 'plain' });
    log.info('reconciled components/prodcat-api', { outcome: 'created', duration: '12ms' });
    expect(lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d INFO  reconciled components\/prodcat-api outcome=created duration=12ms$/)]);
  });

  it('quotes values with spaces or quotes, shows errors as their message and objects as JSON', () => {
    const { log, lines } = capture({ level: 'debug', format: 'plain' });
    log.warn('retrying', { reason: 'conflict on update', quote: 'a"b', err: new Error('boom: 409'), n: 3, ok: false, obj: { a: [1] }, skipped: undefined });
    expect(lines[0].slice(9)).toBe('WARN  retrying reason="conflict on update" quote="a\\"b" err="boom: 409" n=3 ok=false obj={"a":[1]}');
  });

  it('colours the level only when asked', () => {
    const plain = capture({ level: 'info', format: 'plain', color: false });
    const coloured = capture({ level: 'info', format: 'plain', color: true });
    plain.log.error('x');
    coloured.log.error('x');
    expect(plain.lines[0]).not.toContain('\u001b[');
    expect(coloured.lines[0]).toContain('\u001b[31mERROR\u001b[39m x');
  });
});

describe('json format', () => {
  it('writes one object per line with ts, level, msg and the fields', () => {
    const { log, lines } = capture({ level: 'info', format: 'json' });
    log.info('reconciled', { api: 'components/prodcat-api', outcome: 'created' });
    log.warn('slow', { ms: 1200 });
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]);
    expect(Object.keys(first)).toEqual(['ts', 'level', 'msg', 'api', 'outcome']);
    expect(first).toEqual({ ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: 'info', msg: 'reconciled', api: 'components/prodcat-api', outcome: 'created' });
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'warning', msg: 'slow', ms: 1200 });
  });

  it('serialises errors as messages, cuts cycles and keeps shared (non-cyclic) references', () => {
    const { log, lines } = capture({ level: 'info', format: 'json' });
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const shared = { x: 1 };
    log.error('failed', { err: new Error('forbidden'), loop, pair: [shared, shared], big: 10n, when: new Date(0) });
    expect(JSON.parse(lines[0])).toMatchObject({
      err: 'forbidden',
      loop: { name: 'loop', self: '[Circular]' },
      pair: [{ x: 1 }, { x: 1 }],
      big: '10',
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  it('never lets a field override ts, level or msg, and survives a throwing getter', () => {
    const { log, lines } = capture({ level: 'info', format: 'json' });
    log.info('real', { msg: 'fake', level: 'error' });
    log.info('still logged', {
      get bad(): string {
        throw new Error('getter exploded');
      },
    });
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'real', level: 'info' });
    expect(JSON.parse(lines[1])).toMatchObject({ msg: 'still logged', logError: 'fields not serialisable: getter exploded' });
  });
});

describe('levels and children', () => {
  it('drops entries below the level', () => {
    const { log, lines } = capture({ level: 'warning', format: 'json' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['w', 'e']);
  });

  it('logs everything at debug', () => {
    const { log, lines } = capture({ level: 'debug', format: 'json' });
    log.debug('d');
    log.info('i');
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['debug', 'info']);
  });

  it('child loggers add their fields; the entry’s own fields win; the parent is unchanged', () => {
    const { log, lines } = capture({ level: 'info', format: 'json' });
    const child = log.child({ api: 'ns/a', worker: 1 }).child({ worker: 2 });
    child.info('one', { extra: true });
    child.info('two', { api: 'ns/b' });
    log.info('three');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'one', api: 'ns/a', worker: 2, extra: true }),
      expect.objectContaining({ msg: 'two', api: 'ns/b', worker: 2 }),
      expect.not.objectContaining({ api: expect.anything() }),
    ]);
  });
});

describe('log levels', () => {
  it.each([
    ['20', true],
    ['WARNING', true],
    ['verbose', false],
  ])('%j valid: %s', (value, ok) => {
    const error = logLevelError(value);
    expect(error === undefined).toBe(ok);
    if (error !== undefined) {
      expect(error).toContain(JSON.stringify(value));
      expect(error).not.toContain('\n');
    }
  });

  it.each([
    ['10', 'debug'],
    ['20', 'info'],
    ['30', 'warning'],
    ['40', 'error'],
    ['Debug', 'debug'],
    ['warn', 'warning'],
  ])('log level %s is %s', (value, level) => expect(parseLogLevel(value)).toBe(level));
});
