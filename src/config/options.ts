import { defaults } from '../api/limits.js';
import { QUEUE_URL_STRATEGIES } from '../api/queueUrl.js';
import { checkCredential, CredentialError, parseCredentialList } from '../auth/credentials.js';
import type { Credential } from '../auth/sigv4.js';
import { GuardOptionError, parseAllowedHosts, parseCorsOrigins } from '../http/browserGuard.js';
import { LOG_FORMATS, LOG_LEVELS } from '../log.js';
import { checkMapping, EventSourceMappingError, parseMappingText, type MappingSpec } from '../eventSources/config.js';

/**
 * The options table: each option once, with its flag, environment variable, config-file key,
 * `--help` text, default and parser. The command line, the environment, the config file,
 * `--help` and the README's table test are all read from it.
 */

export class ConfigError extends Error {}

/** Reads one option from text: a flag's or variable's value, or a config-file scalar. */
export interface Parser<T> {
  /** `raw` is checked and converted; errors start with `source` (the flag, variable or file key). */
  parse(raw: string, source: string): T;
  /** A boolean: the flag alone means true. */
  readonly boolean?: true;
  /** A config-file value written as a JSON array. */
  fromArray?(values: unknown[], source: string): T;
  /** A flag that may be given more than once: its values add up (they still replace the environment's and the file's). */
  readonly repeatable?: true;
}

export interface OptionSpec<K extends string = string, T = unknown> {
  /** Property of the parsed options. */
  readonly key: K;
  readonly flag: string;
  readonly env: string;
  /** Config-file key; none: the option cannot be set in the file. */
  readonly file?: string;
  /** `--help` text. */
  readonly help: string;
  /** Value before any source sets it; none: left unset (the emulator decides). */
  readonly default?: T;
  /** How `--help` states the default, when not `default <value>` (or on/off). */
  readonly helpDefault?: string;
  readonly parser: Parser<T>;
}

// ---- Parsers, one per kind of value --------------------------------------------------------

const port: Parser<number> = {
  parse(raw, source) {
    if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new ConfigError(`${source}: port must be 0-65535, got "${raw}"`);
    return Number(raw);
  },
};

const boolean: Parser<boolean> = {
  boolean: true,
  parse(raw, source) {
    if (!['true', 'false', '1', '0', ''].includes(raw)) throw new ConfigError(`${source}: expected true or false, got "${raw}"`);
    return raw === 'true' || raw === '1' || raw === '';
  },
};

/** One of `values`: "must be a or b" (`or`) or "must be one of a, b, c"; `echo: false` leaves out the value given. */
function oneOf<const V extends string>(what: string, values: readonly V[], style: { or?: boolean; echo?: boolean } = {}): Parser<V> {
  const choices = style.or ? values.join(' or ') : `one of ${values.join(', ')}`;
  return {
    parse(raw, source) {
      if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${source}: ${what} must be ${choices}${style.echo === false ? '' : `, got "${raw}"`}`);
      return raw as V;
    },
  };
}

/** A whole number of at most `digits` digits, at least `min`. */
function int(what: string, digits: number, min: number, unit = 'a number'): Parser<number> {
  const pattern = new RegExp(`^\\d{1,${digits}}$`);
  return {
    parse(raw, source) {
      if (!pattern.test(raw) || Number(raw) < min) throw new ConfigError(`${source}: ${what} must be ${unit} >= ${min}, got "${raw}"`);
      return Number(raw);
    },
  };
}

/** Any text; with `what`, not empty. */
function text(what?: string): Parser<string> {
  return {
    parse(raw, source) {
      if (what !== undefined && raw === '') throw new ConfigError(`${source}: ${what} must not be empty`);
      return raw;
    },
  };
}

function matching(pattern: RegExp, message: (raw: string) => string): Parser<string> {
  return {
    parse(raw, source) {
      if (!pattern.test(raw)) throw new ConfigError(`${source}: ${message(raw)}`);
      return raw;
    },
  };
}

/** Runs `read`, turning the error class of another module into a ConfigError. */
function rethrow<T>(read: () => T, errorClass: new (...args: never[]) => Error): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof errorClass) throw new ConfigError(e.message);
    throw e;
  }
}

/** A comma-separated list; in the config file also a JSON array of strings. */
function list(split: (raw: string, source: string) => string[]): Parser<string[]> {
  const parse = (raw: string, source: string): string[] => rethrow(() => split(raw, source), GuardOptionError);
  return {
    parse,
    fromArray(values, source) {
      if (!values.every((v) => typeof v === 'string' && !v.includes(','))) throw new ConfigError(`${source} must be a list of strings`);
      return parse(values.join(','), source);
    },
  };
}

/** `AKID:SECRET:ACCOUNT,...`; in the config file also a list of credential objects. */
const credentials: Parser<Credential[]> = {
  parse: (raw, source) => rethrow(() => parseCredentialList(raw, source), CredentialError),
  fromArray: (values, source) => rethrow(() => values.map((c, i) => checkCredential(c, `${source}[${i}]`)), CredentialError),
};

/**
 * Event-source mappings: `queue=orders,url=http://127.0.0.1:3000/,batchSize=5` or a JSON object
 * (flag, repeatable); the variable also takes a JSON array or several key=value forms separated
 * by `;`; the config file a list of objects.
 */
const eventSourceMappings: Parser<MappingSpec[]> = {
  repeatable: true,
  parse: (raw, source) =>
    rethrow(() => {
      const text = raw.trim();
      if (text.startsWith('[')) {
        let list: unknown;
        try {
          list = JSON.parse(text);
        } catch (e) {
          throw new EventSourceMappingError(`${source}: not valid JSON (${(e as Error).message})`);
        }
        if (!Array.isArray(list)) throw new EventSourceMappingError(`${source}: must be a list`);
        return list.map((m, i) => checkMapping(m, `${source}[${i}]`));
      }
      const parts = text.startsWith('{') ? [text] : text.split(';').filter((p) => p.trim() !== '');
      return parts.map((p, i) => parseMappingText(p, parts.length > 1 ? `${source}[${i}]` : source));
    }, EventSourceMappingError),
  fromArray: (values, source) => rethrow(() => values.map((m, i) => checkMapping(m, `${source}[${i}]`)), EventSourceMappingError),
};

// ---- The table ------------------------------------------------------------------------------

/** Keeps each entry's key, value type and whether it has a default, for `TableOptions`. */
function option<const K extends string, T, const D extends T | undefined = undefined>(
  spec: OptionSpec<K, T> & { readonly default?: D },
): OptionSpec<K, T> & (undefined extends D ? unknown : { readonly default: T }) {
  return spec as OptionSpec<K, T> & (undefined extends D ? unknown : { readonly default: T });
}

export const OPTIONS = [
  option({ key: 'port', flag: '--port', env: 'SQS_EMULATOR_PORT', file: 'port', default: defaults.port, parser: port, help: 'port to listen on, 0 for any free port' }),
  option({ key: 'host', flag: '--host', env: 'SQS_EMULATOR_HOST', file: 'host', default: defaults.host, parser: text('host'), help: 'interface to listen on' }),
  option({
    key: 'region',
    flag: '--region',
    env: 'SQS_EMULATOR_REGION',
    file: 'region',
    default: defaults.region,
    parser: matching(/^[a-z0-9-]{1,40}$/, (raw) => `invalid region "${raw}"`),
    help: 'region for unsigned requests',
  }),
  option({
    key: 'accountId',
    flag: '--account-id',
    env: 'SQS_EMULATOR_ACCOUNT_ID',
    file: 'accountId',
    default: defaults.accountId,
    parser: matching(/^\d{12}$/, (raw) => `account id must be 12 digits, got "${raw}"`),
    help: '12-digit account id',
  }),
  option({
    key: 'logLevel',
    flag: '--log-level',
    env: 'SQS_EMULATOR_LOG_LEVEL',
    file: 'logLevel',
    default: 'info',
    parser: oneOf('log level', LOG_LEVELS, { echo: false }),
    help: LOG_LEVELS.join('|'),
  }),
  option({
    key: 'logFormat',
    flag: '--log-format',
    env: 'SQS_EMULATOR_LOG_FORMAT',
    file: 'logFormat',
    default: 'text',
    parser: oneOf('log format', LOG_FORMATS),
    help: `${LOG_FORMATS.join('|')}: one line per event, json for machines`,
  }),
  option({
    key: 'console',
    flag: '--console',
    env: 'SQS_EMULATOR_CONSOLE',
    file: 'console',
    default: true,
    parser: boolean,
    help: 'web console at /console; --no-console or --console=false switches it off',
  }),
  option({ key: 'strict', flag: '--strict', env: 'SQS_EMULATOR_STRICT', file: 'strict', default: false, parser: boolean, help: "AWS's 60 s rules: deleted queue names and PurgeQueue" }),
  option({
    key: 'dataDir',
    flag: '--data-dir',
    env: 'SQS_EMULATOR_DATA_DIR',
    file: 'dataDir',
    parser: text('data directory'),
    help: 'persist queues and messages in this directory',
    helpDefault: 'default: memory only',
  }),
  option({
    key: 'persistence',
    flag: '--persistence',
    env: 'SQS_EMULATOR_PERSISTENCE',
    file: 'persistence',
    default: 'durable',
    parser: oneOf('persistence', ['durable', 'snapshot'], { or: true }),
    help: 'durable (fsync before every answer) | snapshot (periodic snapshots and one on shutdown)',
  }),
  option({
    key: 'snapshotIntervalMs',
    flag: '--snapshot-interval',
    env: 'SQS_EMULATOR_SNAPSHOT_INTERVAL',
    file: 'snapshotIntervalMs',
    default: 5_000,
    parser: int('snapshot interval', 9, 100, 'a number of ms'),
    help: 'ms between snapshots in snapshot mode',
  }),
  option({
    key: 'clock',
    flag: '--clock',
    env: 'SQS_EMULATOR_CLOCK',
    file: 'clock',
    parser: oneOf('clock', ['system', 'manual'], { or: true }),
    help: 'system | manual: a manual clock moves only through POST /_emulator/clock/advance',
    helpDefault: 'default system',
  }),
  option({
    key: 'queueUrlStrategy',
    flag: '--queue-url-strategy',
    env: 'SQS_EMULATOR_QUEUE_URL_STRATEGY',
    file: 'queueUrlStrategy',
    parser: oneOf('queue URL strategy', QUEUE_URL_STRATEGIES),
    help: `queue URL shape handed out: ${QUEUE_URL_STRATEGIES.join(' | ')}`,
    helpDefault: 'default emulator: <base>/<account>/<name>',
  }),
  option({
    key: 'localstack',
    flag: '--localstack',
    env: 'SQS_EMULATOR_LOCALSTACK',
    file: 'localstack',
    parser: boolean,
    help: 'LocalStack drop-in: port 4566 unless set; honours SQS_ENDPOINT_STRATEGY, SQS_DELAY_RECENTLY_DELETED, SQS_DELAY_PURGE_RETRY, SQS_ENABLE_MESSAGE_RETENTION_PERIOD',
    helpDefault: 'default off',
  }),
  option({
    key: 'auth',
    flag: '--auth',
    env: 'SQS_EMULATOR_AUTH',
    file: 'auth',
    parser: oneOf('auth', ['off', 'verify'], { or: true }),
    help: 'off | verify: check SigV4 signatures against --credentials, confine callers to their account',
    helpDefault: 'default off',
  }),
  option({
    key: 'credentials',
    flag: '--credentials',
    env: 'SQS_EMULATOR_CREDENTIALS',
    file: 'credentials',
    parser: credentials,
    help: 'AKID:SECRET:ACCOUNT,... access keys accepted by --auth verify',
    helpDefault: 'default none',
  }),
  option({
    key: 'maxLongPolls',
    flag: '--max-long-polls',
    env: 'SQS_EMULATOR_MAX_LONG_POLLS',
    file: 'maxLongPolls',
    parser: int('max long polls', 7, 1),
    help: 'long polls waiting at once; past it ReceiveMessage with a wait answers OverLimit',
    helpDefault: 'default 10000',
  }),
  option({
    key: 'allowedHosts',
    flag: '--allowed-hosts',
    env: 'SQS_EMULATOR_ALLOWED_HOSTS',
    file: 'allowedHosts',
    parser: list(parseAllowedHosts),
    help: 'Host names besides loopback that requests may address, comma-separated, .example.com for subdomains, * for any',
    helpDefault: 'default: any when listening on 0.0.0.0 or ::, else the listen address',
  }),
  option({
    key: 'corsOrigins',
    flag: '--cors-origins',
    env: 'SQS_EMULATOR_CORS_ORIGINS',
    file: 'corsOrigins',
    parser: list(parseCorsOrigins),
    help: 'origins of browser apps allowed to call the emulator, e.g. http://localhost:3000, comma-separated, * for any',
    helpDefault: 'default none',
  }),
  option({
    key: 'eventSourceMappings',
    flag: '--event-source-mapping',
    env: 'SQS_EMULATOR_EVENT_SOURCE_MAPPINGS',
    file: 'eventSourceMappings',
    parser: eventSourceMappings,
    help: 'a Lambda-style consumer of a queue, repeatable: queue=NAME,url=URL|command=PATH[,arg=A...][,batchSize=N,...] or a JSON object (README "Running a Lambda consumer locally")',
    helpDefault: 'default none',
  }),
  option({
    key: 'config',
    flag: '--config',
    env: 'SQS_EMULATOR_CONFIG',
    parser: text(),
    help: 'JSON config file: these options and queues to create at start-up',
    helpDefault: 'default none',
  }),
] as const;

type Spec = (typeof OPTIONS)[number];
type ValueOf<S> = S extends OptionSpec<string, infer T> ? T : never;

/** The options of the table: those with a default always set, the others optional. */
export type TableOptions = { -readonly [S in Spec as S extends { default: unknown } ? S['key'] : never]: ValueOf<S> } & {
  -readonly [S in Spec as S extends { default: unknown } ? never : S['key']]?: ValueOf<S>;
};

export function optionByKey(key: Spec['key']): OptionSpec {
  return OPTIONS.find((o) => o.key === key)!;
}

/** Sets the option of `spec` to a value its parser returned. */
export function assign(options: TableOptions, spec: OptionSpec, value: unknown): void {
  (options as Record<string, unknown>)[spec.key] = value;
}

/** The options set to their defaults. */
export function defaultOptions(): TableOptions {
  const options: Record<string, unknown> = {};
  for (const o of OPTIONS as readonly OptionSpec[]) if (o.default !== undefined) options[o.key] = o.default;
  return options as TableOptions;
}

/** `(default ...)` of `--help`. */
export function helpDefault(o: OptionSpec): string {
  if (o.helpDefault !== undefined) return o.helpDefault;
  return `default ${typeof o.default === 'boolean' ? (o.default ? 'on' : 'off') : String(o.default)}`;
}
