// The layer rules of syncline (README, "Folders"): checked by `npm run lint:deps` in CI.
/** @type {import('dependency-cruiser').IConfiguration} */
// The contract kit is test code an agency runs against its connector, like connectors/sdk/testing/.
const TESTS = '(\\.test\\.ts$|/test-support\\.ts$|/testing/|^connectors/sdk/contract-kit\\.ts$|^test/)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: break it by moving the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment: 'The core knows nothing of AWS, queues, connectors or the runtime: it imports only core/ and libraries.',
      from: { path: '^core/', pathNot: TESTS },
      to: { path: '^(connectors|pipeline|lambdas|aws|local|cli|cdk|operator|bench|scripts|test)/' },
    },
    {
      name: 'core-without-aws-sdk',
      severity: 'error',
      from: { path: '^(core|connectors|pipeline)/' },
      to: { path: '@aws-sdk/|aws-cdk-lib|constructs' },
    },
    {
      name: 'connector-imports-only-the-sdk',
      severity: 'error',
      comment: 'A connector is one folder that imports the SDK and nothing else of syncline (tests may use test support).',
      from: { path: '^connectors/(?!sdk/)([^/]+)/', pathNot: TESTS },
      to: { path: '^(core|pipeline|lambdas|aws|local|cli|cdk|operator|bench|scripts|test)/|^connectors/(?!sdk/|$1/)' },
    },
    {
      name: 'sdk-imports-only-core-types',
      severity: 'error',
      comment: 'The SDK is what connectors build on: it may use the core kernel (events, destinations), nothing above it.',
      from: { path: '^connectors/sdk/', pathNot: TESTS },
      to: { path: '^(pipeline|lambdas|aws|local|cli|cdk|operator|bench|scripts|test)/|^connectors/(?!sdk/)' },
    },
    {
      name: 'pipeline-below-the-runtimes',
      severity: 'error',
      comment: 'Use cases are AWS-free: handlers, adapters and runtimes call them, never the other way round.',
      from: { path: '^pipeline/', pathNot: TESTS },
      to: { path: '^(lambdas|aws|local|cli|cdk|operator|bench|scripts)/' },
    },
    {
      name: 'adapters-below-the-runtimes',
      severity: 'error',
      from: { path: '^(aws|lambdas)/', pathNot: TESTS },
      to: { path: '^(local|cli|cdk|bench|scripts)/' },
    },
    {
      name: 'production-code-without-test-support',
      severity: 'error',
      from: { pathNot: `${TESTS}|^(bench|scripts)/|\\.config\\.ts$` },
      to: { path: TESTS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out)/|/fixtures/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
