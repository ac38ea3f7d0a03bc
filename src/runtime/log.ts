// Logging for the long-running operator: a line a person can read on a terminal, or
// one JSON object per line for a cluster's log pipeline. Logging must never throw, so
// field values are made safe (errors become their message, cycles are cut) first.
// Not pino: readable lines would need pino-pretty beside it, and its JSON (numeric levels,
// epoch times) is not the ts/level/msg lines the docs and tests rely on.
import { Chalk, type ChalkInstance } from 'chalk';

/** The operator's log levels; LOGGING and --log-level name them as Python's logging does. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export type LogFormat = 'plain' | 'json';
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A logger that adds these fields to every entry (the entry's own fields win). */
  child(fields: Fields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  stream?: { write(chunk: string): unknown };
  /** Colour the level in plain format; the caller decides (TTY, NO_COLOR). */
  color?: boolean;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40 };

const LABEL: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO ', warning: 'WARN ', error: 'ERROR' };

export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  const format = options.format === 'json' ? formatJson : plainFormatter(new Chalk({ level: options.color ? 1 : 0 }));
  const threshold = SEVERITY[options.level];

  const make = (bound: Fields): Logger => {
    const log = (level: LogLevel) => (message: string, fields?: Fields) => {
      if (SEVERITY[level] < threshold) return;
      const time = new Date();
      let line: string;
      try {
        line = format(time, level, message, { ...bound, ...fields });
      } catch (err) {
        // A field whose getter or toJSON throws: keep the message, say why fields are missing.
        line = format(time, level, message, { logError: `fields not serialisable: ${String((err as Error)?.message ?? err)}` });
      }
      stream.write(line + '\n');
    };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warning'),
      error: log('error'),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

type Formatter = (time: Date, level: LogLevel, message: string, fields: Fields) => string;

function formatJson(time: Date, level: LogLevel, message: string, fields: Fields): string {
  const head = { ts: time.toISOString(), level, msg: message };
  // The head keys come first and cannot be overridden by a field of the same name.
  return JSON.stringify(Object.assign({ ...head }, toSafeJson(fields), head));
}

function plainFormatter(chalk: ChalkInstance): Formatter {
  const paint: Record<LogLevel, (s: string) => string> = {
    debug: chalk.gray,
    info: chalk.green,
    warning: chalk.yellow,
    error: chalk.red,
  };
  return (time, level, message, fields) => {
    const clock = [time.getHours(), time.getMinutes(), time.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    const pairs = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${plainValue(v)}`);
    return [clock, paint[level](LABEL[level]), message, ...pairs].join(' ');
  };
}

/** Bare when unambiguous (`outcome=created`), JSON-quoted otherwise, so an entry stays one line. */
function plainValue(value: unknown): string {
  const safe = toSafeJson(value);
  if (typeof safe === 'string') return /^[^\s"=\\]+$/.test(safe) ? safe : JSON.stringify(safe);
  return JSON.stringify(safe) ?? String(safe);
}

/** Plain JSON data for any value: errors as their message, cycles cut, bigints as strings. */
function toSafeJson(value: unknown, ancestors: object[] = []): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === 'bigint' || typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.includes(value)) return '[Circular]';
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return toSafeJson(json.call(value), ancestors);
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((v) => toSafeJson(v, inner) ?? null);
  if (value instanceof Map) return toSafeJson(Object.fromEntries(value), inner);
  if (value instanceof Set) return toSafeJson([...value], inner);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toSafeJson(v, inner);
  return out;
}

const LOG_LEVELS: Record<string, LogLevel> = {
  '10': 'debug',
  '20': 'info',
  '30': 'warning',
  '40': 'error',
  debug: 'debug',
  info: 'info',
  warning: 'warning',
  warn: 'warning',
  error: 'error',
};

/** Python logging levels (10/20/30/40, as LOGGING holds them) or their names. */
export function parseLogLevel(value: string): LogLevel | undefined {
  return LOG_LEVELS[value.trim().toLowerCase()];
}

export function logLevelError(value: string): string | undefined {
  return parseLogLevel(value) ? undefined : `log level "${value}": must be 10, 20, 30, 40 or debug, info, warning, error`;
}
