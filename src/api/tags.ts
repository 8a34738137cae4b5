import { errors } from './errors.js';
import { limits } from './limits.js';

/**
 * Queue tags: keys 1-128 and values 0-256 characters, case-sensitive, at most 50 per queue.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html
 */
export function validateTags(tags: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(tags)) {
    const value = tags[key]!;
    if (key.length === 0 || key.length > limits.maxTagKeyLength) {
      throw errors.invalidParameterValue(`Tag key must be between 1 and ${limits.maxTagKeyLength} characters long.`);
    }
    if (value.length > limits.maxTagValueLength) {
      throw errors.invalidParameterValue(`Tag value must be at most ${limits.maxTagValueLength} characters long.`);
    }
    out.set(key, value);
  }
  if (out.size > limits.maxTagsPerQueue) throw tooManyTags();
  return out;
}

export function tooManyTags(): Error {
  return errors.invalidParameterValue(`Too many tags: a queue can have at most ${limits.maxTagsPerQueue} tags.`);
}
