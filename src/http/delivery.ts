import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';

/**
 * Answers that may not reach their client: a ReceiveMessage answer written to a connection
 * the client had already closed is lost in transit (the client's end answers the data with a
 * reset). Its messages would stay in flight until their visibility timeout; instead the
 * action registers a callback that gives them back, run when the connection dies with an
 * error soon after the answer was written, before the client sent another request on it.
 */

/** How long after writing an answer a reset still counts as "not delivered". */
const WINDOW_MS = 2_000;

const pending = new WeakMap<Socket, () => void>();

/** Call when a new request starts on `socket`: the client read the previous answer. */
export function delivered(socket: Socket | null): void {
  if (!socket) return;
  const cleanup = pending.get(socket);
  if (cleanup) cleanup();
}

/** After `res.end()`: runs `undelivered` if the connection is already gone or resets within the window. */
export function watchDelivery(res: ServerResponse, undelivered: () => void): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) {
    undelivered();
    return;
  }
  const writtenAt = Date.now();
  const onClose = (hadError: boolean): void => {
    cleanup();
    if (hadError && Date.now() - writtenAt <= WINDOW_MS) undelivered();
  };
  const onError = (): void => {};
  const cleanup = (): void => {
    pending.delete(socket);
    socket.off('close', onClose);
    socket.off('error', onError);
  };
  pending.get(socket)?.();
  pending.set(socket, cleanup);
  socket.on('error', onError);
  socket.once('close', onClose);
}
