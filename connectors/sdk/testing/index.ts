// Shared support for connector tests: contexts, fixtures, golden pairs and a seeded random source.
export { contextFor, silentLogger, TEST_NOW, TEST_TENANT } from './context.js';
export { fixtureFolder, fixturesOf, type FixtureFolder } from './fixtures.js';
export { goldenCases, writingGoldenFiles, type GoldenCase, type GoldenRequest } from './golden.js';
export { seededRandom, type SeededRandom } from '../seeded-random.js';
export { drainPoll, withVendor } from './vendor.js';
export { profileChange } from './profile-change.js';
