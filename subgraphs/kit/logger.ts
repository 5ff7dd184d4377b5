import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { ConfigError, envOptional, secretValues } from './env.js';
import { hideIdentityNumbersIn } from './identity-masking.js';

/**
 * Structured logs for every process of the stack: one JSON object a line (pino) naming the
 * `service`, and the `requestId` wherever a request is concerned, so one request can be followed
 * from the gateway through every subgraph it reached. On a terminal the lines are printed for
 * people instead. Settings: LOG_LEVEL (`debug`, `info`, `warn`, `error` or `silent`; default
 * `info`) and LOG_FORMAT (`json` or `pretty`; default `pretty` on a terminal, `json` otherwise).
 *
 * Never log request bodies, GraphQL variables, keys or secrets: as a safety net, not as
 * permission, fields with such names are replaced by `[redacted]` (up to two levels down, so
 * `req.headers.authorization` too), and every line is cleared of the secrets read through
 * `envSecret`, of passwords in URLs (`mysql://user:***@host`) and of resident identity numbers,
 * which are masked as analysts see them (operators are not among the roles that see them whole).
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` (a request id, say) to every line. */
  child(bindings: LogFields): Logger;
}

export type LogFields = Record<string, unknown>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

/** Where log lines go: anything with `write(line)`. */
export type LogDestination = DestinationStream;

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Field names whose values never reach a log line, at the top level or up to two levels down. */
const REDACTED = [
  'authorization', 'cookie', 'variables', 'body', 'secret', 'key', 'password', 'token',
  'apiKey', 'signingSecret', 'clientSecret', 'privateKey', 'passphrase', 'serverUrl', 'databaseUrl',
];
const REDACTED_PATHS = REDACTED.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

const URL_PASSWORD = /\/\/([^\s:@/"]+):[^\s@/"]+@/g;

/** A log line without the secrets read through envSecret, passwords in URLs nor resident identity numbers. */
function scrubSecrets(line: string): string {
  let out = hideIdentityNumbersIn(line.includes('@') ? line.replace(URL_PASSWORD, '//$1:***@') : line);
  for (const secret of secretValues()) {
    for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) if (out.includes(form)) out = out.split(form).join('[redacted]');
  }
  return out;
}

function readLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = envOptional('LOG_LEVEL', env);
  if (raw === undefined) return 'info';
  if (!LEVELS.includes(raw as LogLevel)) throw new ConfigError(`LOG_LEVEL=${JSON.stringify(raw)} is not valid: expected one of ${LEVELS.join(', ')}`);
  return raw as LogLevel;
}

function readFormat(env: NodeJS.ProcessEnv): LogFormat {
  const raw = envOptional('LOG_FORMAT', env);
  if (raw === undefined) return process.stdout.isTTY ? 'pretty' : 'json';
  if (raw !== 'json' && raw !== 'pretty') throw new ConfigError(`LOG_FORMAT=${JSON.stringify(raw)} is not valid: expected json or pretty`);
  return raw;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Record<number, string> = { 20: '\x1b[90m', 30: '\x1b[36m', 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };

/** One JSON log line as a line for people: `12:04:05.123 INFO  gateway  message  key=value`. */
export function formatPretty(line: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  const { level, time, service, msg, err, pid: _pid, hostname: _hostname, ...rest } = entry;
  const clock = new Date(Number(time)).toISOString().slice(11, 23);
  const name = (LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5);
  const paint = (code: string | undefined, text: string) => (colour && code ? `${code}${text}\x1b[0m` : text);
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  let out = `${paint('\x1b[90m', clock)} ${paint(LEVEL_COLOURS[Number(level)], name)} ${service ?? '-'}  ${msg ?? ''}${fields ? `  ${paint('\x1b[90m', fields)}` : ''}`;
  const stack = (err as { stack?: string } | undefined)?.stack;
  if (stack) out += `\n    ${stack.split('\n').join('\n    ')}`;
  return `${out}\n`;
}

function prettyStdout(): LogDestination {
  const colour = process.stdout.isTTY === true;
  return { write: (line: string) => void process.stdout.write(formatPretty(line, colour)) };
}

function build(level: LogLevel, destination: LogDestination): PinoLogger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.epochTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (_label, number) => ({ level: number }) },
    },
    { write: (line: string) => void destination.write(scrubSecrets(line)) },
  );
}

/** Stdout in the configured format (LOG_FORMAT). */
function stdoutDestination(): LogDestination {
  return readFormat(process.env) === 'pretty' ? prettyStdout() : pino.destination({ fd: 1, sync: true });
}

const state = (() => {
  const level = readLevel(process.env);
  return { level, root: build(level, stdoutDestination()) };
})();

/**
 * Sends every logger's lines to `destination` (tests read them), or back to stdout in the
 * configured format when called without one.
 */
export function setLogDestination(destination?: LogDestination): void {
  state.root = build(state.level, destination ?? stdoutDestination());
}

/** Changes the level of every logger, those already made included. */
export function setLogLevel(level: LogLevel): void {
  state.level = level;
  state.root.level = level;
}

class BoundLogger implements Logger {
  constructor(private readonly bindings: LogFields) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
  child(bindings: LogFields): Logger {
    return new BoundLogger({ ...this.bindings, ...bindings });
  }

  /** Builds the fields only when the level is on: a debug line costs nothing when it is off. */
  private write(level: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields | undefined): void {
    if (state.root.isLevelEnabled(level)) state.root[level]({ ...this.bindings, ...fields }, message);
  }
}

/** The logger of one service (`gateway`, `tax`, `relay`, …). */
export function createLogger(service: string): Logger {
  return new BoundLogger({ service });
}
