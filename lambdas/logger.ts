// Log lines: JSON for CloudWatch in Lambda, one readable line each in a terminal. Callers pass ids, counts and
// reasons only: never payloads or personal data.
import type { Logger } from '../connectors/sdk/index.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFormat = 'json' | 'text';

/** JSON in Lambda (CloudWatch Logs Insights reads its fields), readable text elsewhere; LOG_FORMAT=json|text decides instead. */
export function logFormat(env: NodeJS.ProcessEnv = process.env): LogFormat {
  const asked = env.LOG_FORMAT?.toLowerCase();
  if (asked === 'json' || asked === 'text') return asked;
  return env.AWS_LAMBDA_FUNCTION_NAME ? 'json' : 'text';
}

/** A value as `key=value` shows it: bare when that reads unambiguously, quoted (JSON) otherwise. */
function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

/** `07:52:01 INFO  merge  merged batch  events=10 profiles=7` (local time). */
function textLine(level: Level, service: string, message: string, time: Date, details?: Record<string, unknown>): string {
  const fields = Object.entries(details ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${textValue(value)}`)
    .join(' ');
  return `${time.toTimeString().slice(0, 8)} ${level.toUpperCase().padEnd(5)} ${service}  ${message}${fields ? `  ${fields}` : ''}`;
}

/** `timestamp` (RFC 3339) and `level` are the keys Lambda's JSON log format reads from a line to file and filter it. */
function jsonLine(level: Level, service: string, message: string, time: Date, details?: Record<string, unknown>): string {
  return JSON.stringify({ level, service, message, timestamp: time.toISOString(), ...details });
}

export function createLogger(
  service: string,
  level: Level = (process.env.LOG_LEVEL?.toLowerCase() as Level) || 'info',
  format: LogFormat = logFormat(),
): Logger {
  const min = ORDER[level] ?? ORDER.info;
  const line = format === 'json' ? jsonLine : textLine;
  const write = (lvl: Level, message: string, details?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const text = line(lvl, service, message, new Date(), details);
    if (lvl === 'error' || lvl === 'warn') process.stderr.write(`${text}\n`);
    else process.stdout.write(`${text}\n`);
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

/** One count for CloudWatch: dimensions name what it counts, `metrics` the values (Unit Count). */
export interface MetricRecord {
  dimensions: Record<string, string>;
  metrics: Record<string, number>;
  time?: Date;
}

/**
 * A CloudWatch embedded-metric-format line: CloudWatch Logs turns it into metrics with no API call and no table
 * write, so counting costs a log line instead of an UpdateItem per batch.
 */
export function emfLine(namespace: string, record: MetricRecord): string {
  return JSON.stringify({
    _aws: {
      Timestamp: (record.time ?? new Date()).getTime(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(record.dimensions)],
          Metrics: Object.keys(record.metrics).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    ...record.dimensions,
    ...record.metrics,
  });
}

/** Writes EMF lines to stdout where CloudWatch reads them (JSON logs, i.e. in Lambda); a terminal gets none. */
export function emfMetrics(namespace = 'syncline', format: LogFormat = logFormat()): (record: MetricRecord) => void {
  if (format !== 'json') return () => {};
  return (record) => process.stdout.write(`${emfLine(namespace, record)}\n`);
}
