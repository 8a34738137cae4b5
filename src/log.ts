/**
 * A small levelled logger; the level comes from --log-level / SQS_EMULATOR_LOG_LEVEL, the
 * format from --log-format / SQS_EMULATOR_LOG_FORMAT: `text` (one readable line per event) or
 * `json` (one JSON object per line: time, level, msg and the event's fields).
 */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Structured fields of an event (JSON format: merged into the line; text: `key=value`). */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** Whether events of this level are written (lets callers skip building them). */
  enabled?(level: LogLevel): boolean;
}

const textValue = (v: string | number | boolean): string => {
  const s = String(v);
  return s === '' || /[\s"=]/.test(s) ? JSON.stringify(s) : s;
};

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  format: LogFormat = 'text',
): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const enabled = (l: LogLevel): boolean => LOG_LEVELS.indexOf(l) <= rank;
  const at = (l: LogLevel, message: string, fields?: LogFields, stack?: string): void => {
    if (!enabled(l)) return;
    const time = new Date().toISOString();
    if (format === 'json') {
      const line: Record<string, unknown> = { time, level: l, msg: message };
      if (fields) for (const [k, v] of Object.entries(fields)) if (v !== undefined && !(k in line)) line[k] = v;
      if (stack) line.stack = stack;
      write(JSON.stringify(line));
      return;
    }
    let text = `${time} ${l.toUpperCase()} ${message}`;
    if (fields) for (const [k, v] of Object.entries(fields)) if (v !== undefined) text += ` ${k}=${textValue(v)}`;
    write(stack ? `${text}\n${stack}` : text);
  };
  return {
    error: (message, error) => at('error', message, undefined, error instanceof Error ? (error.stack ?? error.message) : undefined),
    warn: (message, fields) => at('warn', message, fields),
    info: (message, fields) => at('info', message, fields),
    debug: (message, fields) => at('debug', message, fields),
    enabled,
  };
}
