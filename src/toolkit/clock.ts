import { ManualClock, SystemClock, type Clock } from '../engine/clock.js';

/**
 * The emulator's clock as the programmatic handle and `/_emulator/clock` expose it. With a
 * manual clock (`clock: 'manual'`), time moves only through `advance` and `set`; every
 * deadline that falls due on the way fires in order (delays, visibility timeouts, retention,
 * long-poll waits, move-task pacing).
 */
export interface EmulatorClock {
  /** `manual` when time moves only through advance/set. */
  readonly mode: 'manual' | 'system';
  /** Epoch milliseconds as the emulator sees them. */
  now(): number;
  /** Moves a manual clock forward by `ms`; throws on the system clock. */
  advance(ms: number): void;
  /** Moves a manual clock to `epochMs` (never backwards); throws on the system clock. */
  set(epochMs: number): void;
}

export class ClockError extends Error {}

/** The latest time a JavaScript Date can show. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;

/** A clock that can be driven: ManualClock or anything with the same advance/set. */
function isManual(clock: Clock): clock is Clock & { advance(ms: number): void; set(epochMs: number): void } {
  const c = clock as Partial<ManualClock>;
  return clock instanceof ManualClock || (typeof c.advance === 'function' && typeof c.set === 'function');
}

/** Builds the engine clock from the `clock` option: a Clock object, 'manual' or 'system' (default). */
export function makeClock(option: Clock | 'manual' | 'system' | undefined, start?: number): Clock {
  if (option === 'manual') return new ManualClock(start ?? Date.now());
  if (option === undefined || option === 'system') return new SystemClock();
  return option;
}

export function clockControl(clock: Clock): EmulatorClock {
  const manual = isManual(clock) ? clock : undefined;
  const need = (): NonNullable<typeof manual> => {
    if (!manual) throw new ClockError("the emulator runs on the system clock; start it with clock 'manual' (--clock manual) to move time");
    return manual;
  };
  return {
    mode: manual ? 'manual' : 'system',
    now: () => clock.now(),
    advance(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new ClockError(`advance needs a number of milliseconds >= 0, got ${String(ms)}`);
      if (clock.now() + ms > MAX_EPOCH_MS) throw new ClockError(`advance would pass the latest representable time (${MAX_EPOCH_MS})`);
      need().advance(ms);
    },
    set(epochMs) {
      if (typeof epochMs !== 'number' || !Number.isFinite(epochMs) || epochMs > MAX_EPOCH_MS) {
        throw new ClockError(`set needs epoch milliseconds up to ${MAX_EPOCH_MS}, got ${String(epochMs)}`);
      }
      const m = need();
      if (epochMs < clock.now()) throw new ClockError(`the clock cannot go backwards (now ${clock.now()}, asked ${epochMs})`);
      m.set(epochMs);
    },
  };
}
