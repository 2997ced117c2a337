// Structured logs: one JSON object per line on stdout. The constant fields of a logger are
// serialized once, when it is made, not on every line.
import type { LogLevel } from '../config/settings.js';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export type Logger = {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
  isDebug: boolean;
};

export type LogSink = (line: string) => void;

const stdoutSink: LogSink = (line) => {
  process.stdout.write(line);
};

export function createLogger(level: LogLevel, bindings: LogFields = {}, sink: LogSink = stdoutSink): Logger {
  return build(rank[level], serializeBindings(bindings), sink);
}

function serializeBindings(bindings: LogFields): string {
  const json = JSON.stringify(bindings, replaceErrors);
  return json === '{}' ? '' : `,${json.slice(1, -1)}`;
}

function build(minRank: number, boundJson: string, sink: LogSink): Logger {
  const write = (levelName: LogLevel, event: string, fields?: LogFields) => {
    if (rank[levelName] < minRank) return;
    const data = fields === undefined ? '' : serializeBindings(fields);
    sink(
      `{"time":"${new Date().toISOString()}","level":"${levelName}","event":"${event}"${boundJson}${data}}\n`,
    );
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    child: (more) => build(minRank, boundJson + serializeBindings(more), sink),
    isDebug: minRank <= rank.debug,
  };
}

function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}
