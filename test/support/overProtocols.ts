import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EmulatorClock, EmulatorOptions, RunningEmulator } from '../../src/index.js';
import { emulator, protocols } from './clients.js';
import type { ProtocolName, Target } from './wire.js';

/** Time on the emulator's clock; usable from describe time, it acts on the running server. */
export type TestClock = Pick<EmulatorClock, 'now' | 'advance' | 'set'>;

/** An emulator that the enclosing block starts in beforeAll and stops in afterAll. */
export class TestEmulator {
  private running: RunningEmulator | undefined;
  readonly clock: TestClock = {
    now: () => this.server.clock.now(),
    advance: (ms) => this.server.clock.advance(ms),
    set: (epochMs) => this.server.clock.set(epochMs),
  };

  constructor(options: EmulatorOptions) {
    beforeAll(async () => {
      this.running = await emulator(options);
    });
    afterAll(() => this.running?.stop());
  }

  /** The running emulator: readable in tests and hooks, not while jest collects them. */
  get server(): RunningEmulator {
    if (!this.running) throw new Error('the emulator starts in beforeAll: read it inside a test or hook');
    return this.running;
  }

  get url(): string {
    return this.server.url;
  }
}

/** Starts an emulator for the enclosing file or describe block. */
export function useEmulator(options: EmulatorOptions = {}): TestEmulator {
  return new TestEmulator(options);
}

export interface ProtocolContext {
  readonly protocol: ProtocolName;
  /** This protocol's client factory, for other regions or keys. */
  readonly makeClient: (typeof protocols)[number][1];
  /** A client of this protocol on the emulator; it reads the URL at each request. */
  readonly sqs: SQSClient;
  /** protocol, sqs and url, for the wire helpers. */
  readonly target: Target;
  readonly emu: TestEmulator;
  readonly clock: TestClock;
}

/**
 * `describe.each(protocols)(title, …)`: the body runs once for JSON and once for query, on
 * `on` (an emulator shared by both) or on a new emulator per protocol started with `on` as
 * its options. `title` keeps its `%s` for the protocol name.
 */
export function overBothProtocols(title: string, on: TestEmulator | EmulatorOptions, body: (ctx: ProtocolContext) => void): void {
  describe.each(protocols)(title, (protocol, makeClient) => {
    const emu = on instanceof TestEmulator ? on : useEmulator(on);
    const sqs = makeClient(() => emu.url);
    const target: Target = {
      protocol,
      sqs,
      get url() {
        return emu.url;
      },
    };
    body({ protocol, makeClient, sqs, target, emu, clock: emu.clock });
  });
}
