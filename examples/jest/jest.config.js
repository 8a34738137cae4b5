// A jest set-up that starts one emulator for the whole run (globalSetup) and stops it at the
// end (globalTeardown). Tests find it through process.env.SQS_ENDPOINT.
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.test.mjs'],
  transform: {},
  globalSetup: '<rootDir>/globalSetup.mjs',
  globalTeardown: '<rootDir>/globalTeardown.mjs',
};
