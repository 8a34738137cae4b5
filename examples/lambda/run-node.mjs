#!/usr/bin/env node
/**
 * Runs a Node.js Lambda handler once for the emulator's command target: the SQSEvent arrives
 * on stdin, the handler's response goes to stdout as JSON, logs go to stderr; a throw or a
 * rejection exits 1 (the batch failed).
 *
 *   node examples/lambda/run-node.mjs examples/lambda/handler.mjs [exportName]
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [file = 'handler.mjs', name = 'handler'] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
// stdout carries the response only: the handler's console.log goes to stderr.
console.log = console.info = console.error;
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
  awsRequestId: process.env.AWS_LAMBDA_REQUEST_ID ?? '',
  getRemainingTimeInMillis: () => Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? 3) * 1000,
};
try {
  const mod = await import(pathToFileURL(resolve(file)).href);
  const response = await mod[name](event, context);
  process.stdout.write(JSON.stringify(response ?? null));
} catch (e) {
  console.error(e);
  process.exit(1);
}
