// Each installed connector's kind, known without loading the connector: the merge, which loads none, checks by it what
// an instance may claim on the changes queue (pipeline/scope/). connectors/kinds.test.ts holds it to the definitions.
import type { ConnectorKind } from './sdk/define-connector.js';

const KINDS: Readonly<Record<string, ConnectorKind>> = {
  shopify: 'shop',
  woocommerce: 'shop',
  'lightspeed-ecom': 'shop',
  'lightspeed-retail': 'pos',
  square: 'pos',
  copernica: 'email',
  mailchimp: 'email',
  klaviyo: 'email',
  selligent: 'email',
  squeezely: 'dmp',
  website: 'website',
  'meta-audiences': 'ads',
  'google-customer-match': 'ads',
};

/** The kind of the installed connector of this name; undefined for a name that is not installed. */
export function connectorKind(name: string): ConnectorKind | undefined {
  return Object.hasOwn(KINDS, name) ? KINDS[name] : undefined;
}

/** Every name with a kind, for the test that compares them with the installed connectors. */
export function connectorsWithKind(): string[] {
  return Object.keys(KINDS);
}
