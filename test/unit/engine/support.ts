import type { QueueAddress, QueueInfo } from '../../../src/engine/address.js';
import { ManualClock } from '../../../src/engine/clock.js';
import { Engine, type EngineOptions } from '../../../src/engine/engine.js';

/** An engine on a manual clock, without HTTP, and a queue maker. */
export function engineOnManualClock(options: EngineOptions = {}): { engine: Engine; clock: ManualClock; queue: (name: string, attributes?: Record<string, string>) => QueueInfo } {
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new Engine({ clock, ...options });
  let n = 0;
  const queue = (name: string, attributes: Record<string, string> = {}): QueueInfo => {
    const address: QueueAddress = { region: 'us-east-1', accountId: '000000000000', name: `${name.replace('.fifo', '')}-${n++}${name.endsWith('.fifo') ? '.fifo' : ''}` };
    const fifo = address.name.endsWith('.fifo');
    return engine.createQueue(address, { fifo, attributes: fifo ? { FifoQueue: 'true', ...attributes } : attributes, tags: new Map() });
  };
  return { engine, clock, queue };
}

export const sender = { batch: false, senderId: '000000000000' } as const;
