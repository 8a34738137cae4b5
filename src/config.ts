import { readFileSync } from 'node:fs';
import { defaults } from './api/limits.js';
import { SqsError } from './api/errors.js';
import { QUEUE_URL_STRATEGIES, type QueueUrlStrategy } from './api/queueUrl.js';
import { validateQueueAttributes } from './api/queueAttributes.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log.js';
import { FaultRuleError, parseFaultRule, type FaultRuleInput } from './faults/rules.js';
import { GuardOptionError, parseAllowedHosts, parseCorsOrigins } from './http/browserGuard.js';
import { checkCredential, CredentialError, parseCredentialList, type AuthMode, type Credential } from './auth/index.js';

/** Command-line options, each also settable by an environment variable. */
export interface CliOptions {
  port: number;
  host: string;
  region: string;
  accountId: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  strict: boolean;
  /** Serve the web console at /console. */
  console: boolean;
  dataDir?: string;
  persistence: 'durable' | 'snapshot';
  /** Snapshot interval of the `snapshot` persistence mode, ms. */
  snapshotIntervalMs: number;
  config?: string;
  /** LocalStack drop-in mode: port 4566 and LocalStack's SQS_* environment variables. */
  localstack?: boolean;
  /** Shape of the queue URLs handed out. */
  queueUrlStrategy?: QueueUrlStrategy;
  /** Set from LocalStack's SQS_DELAY_RECENTLY_DELETED / SQS_DELAY_PURGE_RETRY / SQS_ENABLE_MESSAGE_RETENTION_PERIOD. */
  strictQueueNameReuse?: boolean;
  strictPurge?: boolean;
  messageRetention?: boolean;
  /** `manual`: time moves only through the `/_emulator/clock` endpoints (testing toolkit). */
  clock?: 'system' | 'manual';
  /** Queues to create (or update) at start-up, from the config file. */
  queues?: QueueConfig[];
  /** Fault-injection rules from the config file's `faults` key (testing toolkit). */
  faults?: FaultRuleInput[];
  /** `verify`: SigV4 signatures are checked against `credentials` (src/auth). */
  auth?: AuthMode;
  credentials?: Credential[];
  /** Long polls allowed to wait at once; past it ReceiveMessage answers OverLimit. */
  maxLongPolls?: number;
  /** Host names besides loopback that requests may address (src/http/browserGuard.ts). */
  allowedHosts?: string[];
  /** Browser origins allowed to call the emulator (CORS). */
  corsOrigins?: string[];
}

/** A queue in the config file. `deadLetterQueue` links to another queue of the file by name. */
export interface QueueConfig {
  name: string;
  attributes?: Record<string, string>;
  tags?: Record<string, string>;
  deadLetterQueue?: { name: string; maxReceiveCount: number };
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
  { flag: '--log-format', env: 'SQS_EMULATOR_LOG_FORMAT', key: 'logFormat', description: `${LOG_FORMATS.join('|')}: one line per event, json for machines (default text)` },
  {
    flag: '--console',
    env: 'SQS_EMULATOR_CONSOLE',
    key: 'console',
    boolean: true,
    description: 'web console at /console; --no-console or --console=false switches it off (default on)',
  },
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
    description: 'durable (fsync before every answer) | snapshot (periodic snapshots and one on shutdown) (default durable)',
  },
  {
    flag: '--snapshot-interval',
    env: 'SQS_EMULATOR_SNAPSHOT_INTERVAL',
    key: 'snapshotIntervalMs',
    description: 'ms between snapshots in snapshot mode (default 5000)',
  },
  {
    flag: '--clock',
    env: 'SQS_EMULATOR_CLOCK',
    key: 'clock',
    description: 'system | manual: a manual clock moves only through POST /_emulator/clock/advance (default system)',
  },
  {
    flag: '--queue-url-strategy',
    env: 'SQS_EMULATOR_QUEUE_URL_STRATEGY',
    key: 'queueUrlStrategy',
    description: `queue URL shape handed out: ${QUEUE_URL_STRATEGIES.join(' | ')} (default emulator: <base>/<account>/<name>)`,
  },
  {
    flag: '--localstack',
    env: 'SQS_EMULATOR_LOCALSTACK',
    key: 'localstack',
    boolean: true,
    description:
      "LocalStack drop-in: port 4566 unless set; honours SQS_ENDPOINT_STRATEGY, SQS_DELAY_RECENTLY_DELETED, SQS_DELAY_PURGE_RETRY, SQS_ENABLE_MESSAGE_RETENTION_PERIOD (default off)",
  },
  {
    flag: '--auth',
    env: 'SQS_EMULATOR_AUTH',
    key: 'auth',
    description: 'off | verify: check SigV4 signatures against --credentials, confine callers to their account (default off)',
  },
  {
    flag: '--credentials',
    env: 'SQS_EMULATOR_CREDENTIALS',
    key: 'credentials',
    description: 'AKID:SECRET:ACCOUNT,... access keys accepted by --auth verify (default none)',
  },
  {
    flag: '--max-long-polls',
    env: 'SQS_EMULATOR_MAX_LONG_POLLS',
    key: 'maxLongPolls',
    description: 'long polls waiting at once; past it ReceiveMessage with a wait answers OverLimit (default 10000)',
  },
  {
    flag: '--allowed-hosts',
    env: 'SQS_EMULATOR_ALLOWED_HOSTS',
    key: 'allowedHosts',
    description: 'Host names besides loopback that requests may address, comma-separated, .example.com for subdomains, * for any (default: any when listening on 0.0.0.0 or ::, else the listen address)',
  },
  {
    flag: '--cors-origins',
    env: 'SQS_EMULATOR_CORS_ORIGINS',
    key: 'corsOrigins',
    description: 'origins of browser apps allowed to call the emulator, e.g. http://localhost:3000, comma-separated, * for any (default none)',
  },
  { flag: '--config', env: 'SQS_EMULATOR_CONFIG', key: 'config', description: 'JSON config file: these options and queues to create at start-up (default none)' },
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
    case 'console':
      if (!['true', 'false', '1', '0', ''].includes(raw)) throw new ConfigError(`${source}: expected true or false, got "${raw}"`);
      options[spec.key] = raw === 'true' || raw === '1' || raw === '';
      break;
    case 'logFormat':
      if (!(LOG_FORMATS as readonly string[]).includes(raw)) throw new ConfigError(`${source}: log format must be one of ${LOG_FORMATS.join(', ')}, got "${raw}"`);
      options.logFormat = raw as LogFormat;
      break;
    case 'dataDir':
      if (raw === '') throw new ConfigError(`${source}: data directory must not be empty`);
      options.dataDir = raw;
      break;
    case 'persistence':
      if (raw !== 'durable' && raw !== 'snapshot') throw new ConfigError(`${source}: persistence must be durable or snapshot, got "${raw}"`);
      options.persistence = raw;
      break;
    case 'snapshotIntervalMs':
      if (!/^\d{1,9}$/.test(raw) || Number(raw) < 100) throw new ConfigError(`${source}: snapshot interval must be a number of ms >= 100, got "${raw}"`);
      options.snapshotIntervalMs = Number(raw);
      break;
    case 'localstack':
      if (!['true', 'false', '1', '0', ''].includes(raw)) throw new ConfigError(`${source}: expected true or false, got "${raw}"`);
      options.localstack = raw === 'true' || raw === '1' || raw === '';
      break;
    case 'queueUrlStrategy':
      if (!(QUEUE_URL_STRATEGIES as readonly string[]).includes(raw)) {
        throw new ConfigError(`${source}: queue URL strategy must be one of ${QUEUE_URL_STRATEGIES.join(', ')}, got "${raw}"`);
      }
      options.queueUrlStrategy = raw as QueueUrlStrategy;
      break;
    case 'clock':
      if (raw !== 'system' && raw !== 'manual') throw new ConfigError(`${source}: clock must be system or manual, got "${raw}"`);
      options.clock = raw;
      break;
    case 'auth':
      if (raw !== 'off' && raw !== 'verify') throw new ConfigError(`${source}: auth must be off or verify, got "${raw}"`);
      options.auth = raw;
      break;
    case 'credentials':
      try {
        options.credentials = parseCredentialList(raw, source);
      } catch (e) {
        if (e instanceof CredentialError) throw new ConfigError(e.message);
        throw e;
      }
      break;
    case 'maxLongPolls':
      if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1) throw new ConfigError(`${source}: max long polls must be a number >= 1, got "${raw}"`);
      options.maxLongPolls = Number(raw);
      break;
    case 'allowedHosts':
    case 'corsOrigins':
      try {
        options[spec.key] = spec.key === 'allowedHosts' ? parseAllowedHosts(raw, source) : parseCorsOrigins(raw, source);
      } catch (e) {
        if (e instanceof GuardOptionError) throw new ConfigError(e.message);
        throw e;
      }
      break;
    case 'config':
      options.config = raw;
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
    logFormat: 'text',
    strict: false,
    console: true,
    persistence: 'durable',
    snapshotIntervalMs: 5_000,
  };
  // Precedence: flag > environment > config file > default.
  const configPath = configFlag(argv) ?? (env.SQS_EMULATOR_CONFIG || undefined);
  if (configPath) loadConfigFile(configPath, options);
  for (const spec of OPTIONS) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') setValue(options, spec, value, spec.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    if (arg === '--no-console') {
      options.console = false;
      continue;
    }
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
  if (options.localstack) applyLocalStackEnvironment(options, argv, env);
  return { kind: 'run', options };
}

/** LocalStack's truthy values for its boolean settings. */
const localStackTrue = (v: string | undefined): boolean => v !== undefined && ['1', 'true'].includes(v.trim().toLowerCase());

/**
 * LocalStack drop-in mode: LocalStack's port and the SQS settings its users already have in
 * their compose files, mapped to ours. Our own flags and SQS_EMULATOR_* variables still win.
 * https://docs.localstack.cloud/aws/services/sqs/ (configuration)
 */
function applyLocalStackEnvironment(options: CliOptions, argv: readonly string[], env: NodeJS.ProcessEnv): void {
  const portGiven = argv.some((a) => a === '--port' || a.startsWith('--port=')) || (env.SQS_EMULATOR_PORT ?? '') !== '';
  if (!portGiven && options.port === defaults.port) options.port = 4566;
  const strategyGiven =
    argv.some((a) => a === '--queue-url-strategy' || a.startsWith('--queue-url-strategy=')) || (env.SQS_EMULATOR_QUEUE_URL_STRATEGY ?? '') !== '';
  const strategy = env.SQS_ENDPOINT_STRATEGY?.trim().toLowerCase();
  if (!strategyGiven && strategy) {
    // `dynamic` follows the host the caller used, as ours does.
    const mapped = strategy === 'dynamic' ? 'emulator' : strategy;
    if (!['standard', 'domain', 'path', 'off', 'emulator'].includes(mapped)) {
      throw new ConfigError(`SQS_ENDPOINT_STRATEGY: must be standard, domain, path, dynamic or off, got "${env.SQS_ENDPOINT_STRATEGY}"`);
    }
    options.queueUrlStrategy = mapped as QueueUrlStrategy;
  }
  // LocalStack leaves the 60 s rules off unless asked; --strict still turns both on.
  if (!options.strict) {
    options.strictQueueNameReuse = localStackTrue(env.SQS_DELAY_RECENTLY_DELETED);
    options.strictPurge = localStackTrue(env.SQS_DELAY_PURGE_RETRY);
  }
  // LocalStack keeps messages forever unless SQS_ENABLE_MESSAGE_RETENTION_PERIOD is set.
  options.messageRetention = localStackTrue(env.SQS_ENABLE_MESSAGE_RETENTION_PERIOD);
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
    '  --no-console           same as --console=false',
    '  --help                 show this help',
    '  --version              print the version',
  ].join('\n');
}

function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') return argv[i + 1];
    if (argv[i]!.startsWith('--config=')) return argv[i]!.slice('--config='.length);
  }
  return undefined;
}

const FILE_KEYS: Readonly<Record<string, OptionSpec['key']>> = {
  port: 'port',
  host: 'host',
  region: 'region',
  accountId: 'accountId',
  logLevel: 'logLevel',
  logFormat: 'logFormat',
  strict: 'strict',
  console: 'console',
  dataDir: 'dataDir',
  persistence: 'persistence',
  snapshotIntervalMs: 'snapshotIntervalMs',
  clock: 'clock',
  localstack: 'localstack',
  queueUrlStrategy: 'queueUrlStrategy',
  auth: 'auth',
  maxLongPolls: 'maxLongPolls',
  credentials: 'credentials',
  allowedHosts: 'allowedHosts',
  corsOrigins: 'corsOrigins',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads a JSON config file into `options`. Unknown keys and bad values are refused with
 * their path, e.g. `queues[2].attributes.VisibilityTimeout: Invalid value for the parameter VisibilityTimeout.`
 */
export function loadConfigFile(path: string, options: CliOptions): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path}: ${(e as Error).message}`);
  }
  if (!isObject(parsed)) throw new ConfigError(`config file ${path}: must be a JSON object`);
  options.config = path;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'queues') {
      options.queues = parseQueues(path, value);
      continue;
    }
    if (key === 'credentials' && Array.isArray(value)) {
      try {
        options.credentials = value.map((c: unknown, i) => checkCredential(c, `config file ${path}: credentials[${i}]`));
      } catch (e) {
        if (e instanceof CredentialError) throw new ConfigError(e.message);
        throw e;
      }
      continue;
    }
    // Lists may also be written as JSON arrays of strings.
    if ((key === 'allowedHosts' || key === 'corsOrigins') && Array.isArray(value)) {
      if (!value.every((v) => typeof v === 'string' && !v.includes(','))) throw new ConfigError(`config file ${path}: ${key} must be a list of strings`);
      setValue(options, OPTIONS.find((o) => o.key === key)!, value.join(','), `config file ${path}: ${key}`);
      continue;
    }
    if (key === 'faults') {
      options.faults = parseFaults(path, value);
      continue;
    }
    const option = Object.hasOwn(FILE_KEYS, key) ? FILE_KEYS[key] : undefined;
    if (!option) throw new ConfigError(`config file ${path}: unknown key "${key}"`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ConfigError(`config file ${path}: ${key} must be a string, number or boolean`);
    }
    setValue(options, OPTIONS.find((o) => o.key === option)!, String(value), `config file ${path}: ${key}`);
  }
}

/** Fault rules, validated here so that a bad rule names its path: `faults[0].error: must be one of ...`. */
function parseFaults(path: string, value: unknown): FaultRuleInput[] {
  if (!Array.isArray(value)) throw new ConfigError(`config file ${path}: faults: must be a list`);
  const ids = new Set<string>();
  return value.map((raw: unknown, i) => {
    try {
      const rule = parseFaultRule(raw, `faults[${i}]`, () => `fault-${i + 1}`);
      if (ids.has(rule.id)) throw new FaultRuleError(`faults[${i}].id: duplicate id ${rule.id}`);
      ids.add(rule.id);
    } catch (e) {
      if (e instanceof FaultRuleError) throw new ConfigError(`config file ${path}: ${e.message}`);
      throw e;
    }
    return raw as FaultRuleInput;
  });
}

function parseQueues(path: string, value: unknown): QueueConfig[] {
  const fail = (where: string, message: string): never => {
    throw new ConfigError(`config file ${path}: ${where}: ${message}`);
  };
  if (!Array.isArray(value)) fail('queues', 'must be a list');
  const names = new Set<string>();
  const queues = (value as unknown[]).map((raw, i): QueueConfig => {
    const at = `queues[${i}]`;
    if (!isObject(raw)) return fail(at, 'must be an object');
    for (const key of Object.keys(raw)) {
      if (!['name', 'attributes', 'tags', 'deadLetterQueue'].includes(key)) fail(`${at}.${key}`, 'unknown key');
    }
    if (typeof raw.name !== 'string' || raw.name === '') fail(`${at}.name`, 'must be a non-empty string');
    const name = raw.name as string;
    if (names.has(name)) fail(`${at}.name`, `duplicate queue name ${name}`);
    names.add(name);
    const attributes: Record<string, string> = Object.create(null);
    if (raw.attributes !== undefined) {
      if (!isObject(raw.attributes)) fail(`${at}.attributes`, 'must be an object');
      for (const [k, v] of Object.entries(raw.attributes as Record<string, unknown>)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`${at}.attributes.${k}`, 'must be a string, number or boolean');
        attributes[k] = String(v);
        try {
          validateQueueAttributes({ [k]: String(v) }, { fifo: name.endsWith('.fifo'), creating: true });
        } catch (e) {
          if (e instanceof SqsError) fail(`${at}.attributes.${k}`, e.message);
          throw e;
        }
      }
    }
    const tags: Record<string, string> = Object.create(null);
    if (raw.tags !== undefined) {
      if (!isObject(raw.tags)) fail(`${at}.tags`, 'must be an object');
      for (const [k, v] of Object.entries(raw.tags as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`${at}.tags.${k}`, 'must be a string');
        tags[k] = v as string;
      }
    }
    let deadLetterQueue: QueueConfig['deadLetterQueue'];
    if (raw.deadLetterQueue !== undefined) {
      const d = raw.deadLetterQueue;
      if (!isObject(d) || typeof d.name !== 'string') return fail(`${at}.deadLetterQueue`, 'must be { "name": string, "maxReceiveCount": 1..1000 }');
      const count = d.maxReceiveCount;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
        fail(`${at}.deadLetterQueue.maxReceiveCount`, 'must be 1..1000');
      }
      deadLetterQueue = { name: d.name, maxReceiveCount: count as number };
    }
    return { name, attributes, tags, deadLetterQueue };
  });
  queues.forEach((q, i) => {
    if (q.deadLetterQueue && !names.has(q.deadLetterQueue.name)) {
      fail(`queues[${i}].deadLetterQueue.name`, `no queue named ${q.deadLetterQueue.name} in this file`);
    }
  });
  return queues;
}
