import { MessageList, type Message } from './message.js';

/**
 * FIFO message groups. A group is locked by position, not as a whole (F128, F129): its
 * messages are returned in order from its head, and the first one that is in flight (or
 * delayed) stops the group there. So a group is available exactly when its head is visible;
 * a group that becomes available queues up behind the others, and a receive fills from the
 * first available group before moving to the next (F125).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
 */

/** A FIFO message group: its messages in send order, in flight and delayed ones included. */
export interface Group {
  readonly id: string;
  readonly messages: MessageList;
}

export class FifoGroups {
  private readonly groups = new Map<string, Group>();
  /** Groups whose head is visible, in the order they became available. */
  private readonly available = new Map<string, Group>();

  get availableCount(): number {
    return this.available.size;
  }

  /** The group a message belongs to (created on first use). */
  groupOf(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = { id, messages: new MessageList(['readyPrev', 'readyNext']) };
      this.groups.set(id, group);
    }
    return group;
  }

  /** The group of a stored message. */
  of(message: Message): Group {
    return this.groups.get(message.data.groupId!)!;
  }

  /** The first available group, if any. */
  first(): Group | undefined {
    return this.available.values().next().value as Group | undefined;
  }

  /** Re-checks a group's availability after its head may have changed. */
  update(group: Group): void {
    if (group.messages.head?.state === 'ready') {
      if (!this.available.has(group.id)) this.available.set(group.id, group);
    } else {
      this.available.delete(group.id);
      if (group.messages.size === 0) this.groups.delete(group.id);
    }
  }

  /**
   * After a restore, available groups queue up in the order their heads became visible, as
   * they did before the restart (a released head goes behind groups that were waiting, F128).
   */
  reorder(): void {
    const visibleSince = (g: Group): number => Math.max(g.messages.head!.enqueuedAt, g.messages.head!.deadline);
    const groups = [...this.available.values()].sort((a, b) => visibleSince(a) - visibleSince(b));
    this.available.clear();
    for (const g of groups) this.available.set(g.id, g);
  }

  clear(): void {
    this.groups.clear();
    this.available.clear();
  }
}
