#!/usr/bin/env node
import { ConfigError, helpText, parseCommandLine } from './config.js';
import { startEmulator } from './index.js';
import { createLogger } from './log.js';
import { VERSION } from './version.js';

async function main(): Promise<void> {
  let command;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`sqs-emulator: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (command.kind === 'help') {
    process.stdout.write(helpText() + '\n');
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(VERSION + '\n');
    return;
  }
  const { options } = command;
  const log = createLogger(options.logLevel, undefined, options.logFormat);
  let emulator;
  try {
    // No programmatic reader in this process: no event history to keep.
    emulator = await startEmulator({ ...options, logger: log, eventHistory: 0 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'EADDRINUSE' || code === 'EACCES' ? `cannot listen on ${options.host}:${options.port}` : 'cannot start';
    process.stderr.write(`sqs-emulator: ${what}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${reason}, shutting down`);
    void emulator.stop().then(() => process.exit(0));
  };
  // Handlers first: whoever reads the startup line may signal at once. SIGHUP (the terminal
  // closed) would otherwise end the process without the final snapshot.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => shutdown(`${signal} received`));
  // Under npm (`npm start`, `npm run ...`) killing npm must stop the server too, or it keeps the
  // port and the data-directory lock. The watcher loads only then.
  if (process.env.npm_lifecycle_event) (await import('./parentWatch.js')).watchParent(shutdown);
  if (options.clock === 'manual') log.info('Manual clock: time moves only through POST /_emulator/clock/advance and /_emulator/clock/set');
  if (options.auth === 'verify') log.info(`Auth verify: SigV4 signatures checked for ${options.credentials?.length ?? 0} access key(s)`);
  if (options.localstack) log.info(`LocalStack drop-in mode: queue URLs ${options.queueUrlStrategy ?? 'emulator'}, retention ${options.messageRetention ? 'on' : 'off'}`);
  process.stdout.write(
    `sqs-emulator ${VERSION} listening on ${emulator.url} (region ${options.region}, account ${options.accountId})\n`,
  );
}

void main();
