import { parseQueueUrl } from '../api/queueUrl.js';
import { DropConnection, type RequestHooks, type RequestInfo } from '../http/dispatch.js';
import type { Logger } from '../log.js';
import { FAULT_ERRORS, parseFaultRule, seededRandom, type FaultRule, type FaultRuleInput } from './rules.js';

/** A rule as listed: its settings plus how often it fired. */
export interface FaultRuleView {
  readonly id: string;
  readonly action?: string[];
  readonly queue?: string;
  readonly protocol?: 'json' | 'query';
  readonly error?: string;
  readonly message?: string;
  readonly latencyMs?: number;
  readonly dropConnection?: boolean;
  readonly times?: number;
  /** Left of `times`; 0 = spent (the rule no longer fires). */
  readonly remaining?: number;
  readonly probability?: number;
  readonly seed?: number;
  /** Requests this rule injected into. */
  readonly injected: number;
}

/** The programmatic face (`handle.faults`). */
export interface FaultControl {
  /** Adds rules (validated; throws FaultRuleError naming the bad field); returns them as listed. */
  add(...rules: FaultRuleInput[]): FaultRuleView[];
  list(): FaultRuleView[];
  /** Removes one rule by id (true if it existed), or all rules. */
  remove(id: string): boolean;
  clear(): void;
}

/** One injection, for the metrics. */
export interface Injection {
  readonly ruleId: string;
  readonly action: string;
  readonly protocol: 'json' | 'query';
  /** The AWS error code, `latency` or `drop`. */
  readonly fault: string;
}

interface Active {
  readonly rule: FaultRule;
  remaining: number;
  injected: number;
  readonly random?: () => number;
}

const queueNameOf = (info: RequestInfo): string | undefined => {
  if (info.queueName !== undefined) return info.queueName;
  if (!info.queueUrl) return undefined;
  try {
    return parseQueueUrl(info.queueUrl).name;
  } catch {
    return undefined;
  }
};

/**
 * Holds the fault rules and, while there is at least one, sits in the request hooks: with no
 * rules it is not in the request path at all. Rules are tried in the order they were added;
 * every matching rule that fires adds its latency, and the first error or drop ends the request.
 */
export class FaultInjector implements FaultControl {
  private rules: Active[] = [];
  private counter = 0;
  private readonly listeners: ((i: Injection) => void)[] = [];
  private readonly hook: RequestHooks = { before: (info) => this.before(info) };

  constructor(
    /** The dispatch hooks array; the injector adds and removes itself. */
    private readonly hooks: RequestHooks[],
    private readonly log: Logger,
  ) {}

  /** Metrics hear every injection. */
  onInjection(listener: (i: Injection) => void): void {
    this.listeners.push(listener);
  }

  /** Validates rules given as data (config file, endpoint) without adding them. */
  parse(raw: unknown, at: string): FaultRule {
    return parseFaultRule(raw, at, () => `fault-${++this.counter}`);
  }

  add(...inputs: FaultRuleInput[]): FaultRuleView[] {
    const parsed = inputs.map((r, i) => this.parse(r, inputs.length === 1 ? 'fault' : `faults[${i}]`));
    return this.addParsed(parsed);
  }

  addParsed(parsed: FaultRule[]): FaultRuleView[] {
    for (const rule of parsed) {
      this.rules = this.rules.filter((r) => r.rule.id !== rule.id); // same id replaces
      this.rules.push({
        rule,
        remaining: rule.times ?? Infinity,
        injected: 0,
        random: rule.probability !== undefined && rule.probability < 1 ? seededRandom(rule.seed ?? 1) : undefined,
      });
      this.log.info(`fault rule ${rule.id} added: ${describeRule(rule)}`);
    }
    this.sync();
    const ids = new Set(parsed.map((r) => r.id));
    return this.list().filter((v) => ids.has(v.id));
  }

  list(): FaultRuleView[] {
    return this.rules.map(view);
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    this.sync();
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.sync();
  }

  /** In the hooks only while rules exist. */
  private sync(): void {
    const i = this.hooks.indexOf(this.hook);
    if (this.rules.length > 0 && i < 0) this.hooks.push(this.hook);
    if (this.rules.length === 0 && i >= 0) this.hooks.splice(i, 1);
  }

  private async before(info: RequestInfo): Promise<void> {
    let queueName: string | undefined | null = null; // null = not looked up yet
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.actions && !rule.actions.has(info.action)) continue;
      if (rule.protocol && rule.protocol !== info.protocol) continue;
      if (rule.queuePattern) {
        if (queueName === null) queueName = queueNameOf(info);
        if (queueName === undefined || !rule.queuePattern.test(queueName)) continue;
      }
      if (active.random && active.random() >= rule.probability!) continue;
      active.remaining--;
      active.injected++;
      const fault = rule.dropConnection ? 'drop' : rule.error ?? 'latency';
      this.log.info(
        `fault injected (rule ${rule.id}): ${fault === 'latency' ? '' : `${fault} `}${rule.latencyMs ? `after ${rule.latencyMs} ms ` : ''}on ${info.action} ${info.protocol}${queueName ? ` queue ${queueName}` : ''} request ${info.requestId}`,
      );
      const injection: Injection = { ruleId: rule.id, action: info.action, protocol: info.protocol, fault };
      for (const l of this.listeners) l(injection);
      // unref: a pending delay never keeps a stopped emulator's process alive.
      if (rule.latencyMs) await new Promise((r) => setTimeout(r, rule.latencyMs).unref());
      if (rule.dropConnection) throw new DropConnection();
      if (rule.error) throw FAULT_ERRORS[rule.error]!(rule.message);
    }
  }
}

function view(active: Active): FaultRuleView {
  const r = active.rule;
  const out: { -readonly [K in keyof FaultRuleView]: FaultRuleView[K] } = { id: r.id, injected: active.injected };
  if (r.actions) out.action = [...r.actions];
  if (r.queue !== undefined) out.queue = r.queue;
  if (r.protocol) out.protocol = r.protocol;
  if (r.error) out.error = r.error;
  if (r.message !== undefined) out.message = r.message;
  if (r.latencyMs !== undefined) out.latencyMs = r.latencyMs;
  if (r.dropConnection) out.dropConnection = true;
  if (r.times !== undefined) {
    out.times = r.times;
    out.remaining = active.remaining;
  }
  if (r.probability !== undefined) {
    out.probability = r.probability;
    out.seed = r.seed ?? 1;
  }
  return out;
}

function describeRule(r: FaultRule): string {
  const what = [r.error, r.latencyMs !== undefined ? `${r.latencyMs} ms latency` : undefined, r.dropConnection ? 'dropped connection' : undefined]
    .filter(Boolean)
    .join(' + ');
  const where = [r.actions ? [...r.actions].join('|') : 'any action', r.queue ? `queue ${r.queue}` : undefined, r.protocol].filter(Boolean).join(', ');
  const how = r.times !== undefined ? `next ${r.times} times` : r.probability !== undefined ? `p=${r.probability} seed ${r.seed ?? 1}` : 'always';
  return `${what} on ${where} (${how})`;
}
