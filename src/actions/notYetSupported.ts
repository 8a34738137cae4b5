import { errors } from '../api/errors.js';

/** The answer for an action whose semantics are not built yet (listed in the README). */
export function notYetSupported(action: string): never {
  throw errors.unsupportedOperation(`${action} is not supported by sqs-emulator yet.`);
}
