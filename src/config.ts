import { defaults } from './api/limits.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

/** Command-line options, each also settable by an environment variable. */
export interface CliOptions {
  port: number;
  host: string;
  region: string;
  accountId: string;
  logLevel: LogLevel;
  strict: boolean;
  dataDir?: string;
  persistence: 'durable' | 'snapshot';
}

interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly key: keyof CliOptions;
  readonly description: string;
  readonly boolean?: boolean;
}

export const OPTIONS: readonly OptionSpec[] = [
  { flag: '--port', env: 'SQS_EMULATOR_PORT', key: 'port', description: `port to listen on, 0 for any free port (default ${defaults.port})` },
  { flag: '--host', env: 'SQS_EMULATOR_HOST', key: 'host', description: `interface to listen on (default ${defaults.host})` },
  { flag: '--region', env: 'SQS_EMULATOR_REGION', key: 'region', description: `region for unsigned requests (default ${defaults.region})` },
  { flag: '--account-id', env: 'SQS_EMULATOR_ACCOUNT_ID', key: 'accountId', description: `12-digit account id (default ${defaults.accountId})` },
  { flag: '--log-level', env: 'SQS_EMULATOR_LOG_LEVEL', key: 'logLevel', description: `${LOG_LEVELS.join('|')} (default info)` },
  {
    flag: '--strict',
    env: 'SQS_EMULATOR_STRICT',
    key: 'strict',
    boolean: true,
    description: "AWS's 60 s rules: deleted queue names and PurgeQueue (default off)",
  },
  { flag: '--data-dir', env: 'SQS_EMULATOR_DATA_DIR', key: 'dataDir', description: 'persist queues and messages in this directory (default: memory only)' },
  {
    flag: '--persistence',
    env: 'SQS_EMULATOR_PERSISTENCE',
    key: 'persistence',
    description: 'durable (fsync before every answer) | snapshot (every 5 s and on shutdown) (default durable)',
  },
];

export class ConfigError extends Error {}

function setValue(options: CliOptions, spec: OptionSpec, raw: string, source: string): void {
  switch (spec.key) {
    case 'port': {
      if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new ConfigError(`${source}: port must be 0-65535, got "${raw}"`);
      options.port = Number(raw);
      break;
    }
    case 'accountId':
      if (!/^\d{12}$/.test(raw)) throw new ConfigError(`${source}: account id must be 12 digits, got "${raw}"`);
      options.accountId = raw;
      break;
    case 'region':
      if (!/^[a-z0-9-]{1,40}$/.test(raw)) throw new ConfigError(`${source}: invalid region "${raw}"`);
      options.region = raw;
      break;
    case 'logLevel':
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError(`${source}: log level must be one of ${LOG_LEVELS.join(', ')}`);
      options.logLevel = raw as LogLevel;
      break;
    case 'strict':
      if (!['true', 'false', '1', '0', ''].includes(raw)) throw new ConfigError(`${source}: expected true or false, got "${raw}"`);
      options.strict = raw === 'true' || raw === '1' || raw === '';
      break;
    case 'dataDir':
      if (raw === '') throw new ConfigError(`${source}: data directory must not be empty`);
      options.dataDir = raw;
      break;
    case 'persistence':
      if (raw !== 'durable' && raw !== 'snapshot') throw new ConfigError(`${source}: persistence must be durable or snapshot, got "${raw}"`);
      options.persistence = raw;
      break;
    case 'host':
      if (raw === '') throw new ConfigError(`${source}: host must not be empty`);
      options.host = raw;
      break;
  }
}

export type Command = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' };

/** Environment first, then flags (`--port 9324` or `--port=9324`); flags win. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const options: CliOptions = {
    port: defaults.port,
    host: defaults.host,
    region: defaults.region,
    accountId: defaults.accountId,
    logLevel: 'info',
    strict: false,
    persistence: 'durable',
  };
  for (const spec of OPTIONS) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') setValue(options, spec, value, spec.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = OPTIONS.find((o) => o.flag === flag);
    if (!spec) throw new ConfigError(`unknown option ${arg} (see --help)`);
    if (spec.boolean) {
      setValue(options, spec, inline ?? 'true', flag);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    setValue(options, spec, value, flag);
  }
  return { kind: 'run', options };
}

export function helpText(): string {
  const lines = OPTIONS.map((o) => `  ${(o.flag + (o.boolean ? '' : ' <value>')).padEnd(22)} ${o.description}\n  ${''.padEnd(22)} env ${o.env}`);
  return [
    'Usage: sqs-emulator [options]',
    '',
    'A local emulator of Amazon SQS (AWS JSON 1.0 and query/XML protocols on one port).',
    '',
    'Options:',
    ...lines,
    '  --help                 show this help',
    '  --version              print the version',
  ].join('\n');
}
