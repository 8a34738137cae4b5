import { defaults } from './api/limits.js';
import type { QueueUrlStrategy } from './api/queueUrl.js';
import { loadConfigFile, type FileOptions } from './config/file.js';
import { assign, ConfigError, defaultOptions, helpDefault, OPTIONS, optionByKey, type OptionSpec } from './config/options.js';

export { ConfigError, OPTIONS } from './config/options.js';
export { loadConfigFile, type QueueConfig } from './config/file.js';

/** Command-line options: the options table (src/config/options.ts) and the config file's queues and faults. */
export interface CliOptions extends FileOptions {
  /** Set from LocalStack's SQS_DELAY_RECENTLY_DELETED / SQS_DELAY_PURGE_RETRY / SQS_ENABLE_MESSAGE_RETENTION_PERIOD. */
  strictQueueNameReuse?: boolean;
  strictPurge?: boolean;
  messageRetention?: boolean;
}

export type Command = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' };

const specs = OPTIONS as readonly OptionSpec[];

/** Environment first, then flags (`--port 9324` or `--port=9324`); flags win. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const options: CliOptions = defaultOptions();
  // Precedence: flag > environment > config file > default.
  const configPath = configFlag(argv) ?? (env.SQS_EMULATOR_CONFIG || undefined);
  if (configPath) loadConfigFile(configPath, options);
  for (const spec of specs) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') assign(options, spec, spec.parser.parse(value, spec.env));
  }
  const repeated = new Set<OptionSpec>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    if (arg === '--no-console') {
      options.console = false;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = specs.find((o) => o.flag === flag);
    if (!spec) throw new ConfigError(`unknown option ${arg} (see --help)`);
    const value = spec.parser.boolean ? (inline ?? 'true') : (inline ?? argv[++i]);
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    const parsed = spec.parser.parse(value, flag);
    // A repeatable flag's values add up; its first one replaces the environment's and the file's.
    const earlier = repeated.has(spec) ? ((options as unknown as Record<string, unknown>)[spec.key] as unknown[]) : [];
    assign(options, spec, spec.parser.repeatable ? [...earlier, ...(parsed as unknown[])] : parsed);
    if (spec.parser.repeatable) repeated.add(spec);
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
  const given = (key: 'port' | 'queueUrlStrategy'): boolean => {
    const { flag, env: name } = optionByKey(key);
    return argv.some((a) => a === flag || a.startsWith(`${flag}=`)) || (env[name] ?? '') !== '';
  };
  if (!given('port') && options.port === defaults.port) options.port = 4566;
  const strategyGiven = given('queueUrlStrategy');
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
  const lines = specs.map(
    (o) => `  ${(o.flag + (o.parser.boolean ? '' : ' <value>')).padEnd(22)} ${o.help} (${helpDefault(o)})\n  ${''.padEnd(22)} env ${o.env}`,
  );
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
