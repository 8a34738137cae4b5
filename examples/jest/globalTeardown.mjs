export default async function globalTeardown() {
  await globalThis.__SQS_EMULATOR__?.stop();
}
