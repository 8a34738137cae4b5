/** A small levelled logger; the level comes from --log-level / SQS_EMULATOR_LOG_LEVEL. */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const at = (l: LogLevel, message: string): void => {
    if (LOG_LEVELS.indexOf(l) <= rank) write(`${new Date().toISOString()} ${l.toUpperCase()} ${message}`);
  };
  return {
    error: (message, error) =>
      at('error', error instanceof Error ? `${message}\n${error.stack ?? error.message}` : message),
    warn: (message) => at('warn', message),
    info: (message) => at('info', message),
    debug: (message) => at('debug', message),
  };
}
