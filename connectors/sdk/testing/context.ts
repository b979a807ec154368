// Where a connector call runs in a test: tenant "acme", a named instance, a fixed clock and a logger that says nothing.
import type { ConnectorContext, ConnectorDefinition, Logger } from '../define-connector.js';

/** A logger that says nothing, for contexts built in tests. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The clock connector tests run at unless they need another: golden files are generated at this instant. */
export const TEST_NOW = new Date('2026-03-10T12:00:00Z');

/** The tenant every connector test runs for. */
export const TEST_TENANT = 'acme';

/**
 * The context a connector call gets in a test. `connector` names the instance: a connector definition runs as the
 * instance named after it, a string is the instance name (ids are scoped by it: `customerId:<instance>`).
 */
export function contextFor<Settings, Secrets>(
  connector: Pick<ConnectorDefinition, 'name'> | string,
  settings: Settings,
  secrets: Secrets,
  now: Date = TEST_NOW,
): ConnectorContext<Settings, Secrets> {
  const instance = typeof connector === 'string' ? connector : connector.name;
  return { tenantId: TEST_TENANT, instance, settings, secrets, now: () => now, log: silentLogger };
}
