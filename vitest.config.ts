import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/log-scan/global-setup.ts'],
    // Every test file's printed output is scanned for personal data and secrets: a finding fails the file (test/log-scan).
    setupFiles: ['test/log-scan/capture-output.ts'],
    exclude: ['node_modules/**', 'cdk.out/**'],
    // Integration tests share one DynamoDB Local (Java) and one SQS emulator per file; 2-core CI.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // The AWS SDK's Node-version warning is noise in test output (Lambda runs Node 22). Connector tests and local stacks talk to vendor simulators on 127.0.0.1, which connectors/sdk/outbound.ts refuses otherwise.
    env: { SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
