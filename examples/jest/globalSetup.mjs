import { startEmulator } from 'sqs-emulator';

export default async function globalSetup() {
  // port 0: any free port, so parallel CI jobs never collide. Under jest the emulator logs
  // only warnings and errors unless you pass logLevel: 'info'.
  const emulator = await startEmulator({ port: 0 });
  globalThis.__SQS_EMULATOR__ = emulator;
  process.env.SQS_ENDPOINT = emulator.url; // inherited by the test workers
}
