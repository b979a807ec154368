// The preset dictionary syncline's stored JSON is deflated with (profiles, history events): the names and values every
// profile and canonical event repeats. A small item deflates badly on its own (deflate learns the repeats from the
// item itself); seeded with these it shrinks ~30 % further, what takes a typical profile under one write unit
// (3.6–5.2 kB JSON: 900–1,080 bytes deflated alone, ~670 with the dictionary; bench/ end-to-end mix).
// Frozen: items written with it can only be read with exactly these bytes (aws/deflate-dictionary.test.ts pins its
// digest). Dictionary 1: its streams carry no version byte; since dictionary 2 (aws/deflate-dictionary-v2.ts) new
// items are written with that one, and this one stays for reading (aws/deflate-dictionary-codec.ts).
const VOCABULARY = [
  // Canonical events (core/events.ts), rarer first: deflate finds the nearest match, the end of the dictionary is nearest.
  '{"tenantId":"","source":{"connector":"shopify","instance":""},"sourceEventId":"","occurredAt":"","receivedAt":"",',
  '"identifiers":[{"type":"email","value":""},{"type":"customerId:","value":""}],"type":"customer.upserted","data":{',
  '"type":"order.placed","type":"cart.updated","type":"checkout.abandoned","type":"consent.changed",',
  '"type":"product.viewed","type":"search.performed","type":"email.engaged","address":{"line1":"","city":"",',
  '"postalCode":"","region":"","country":""},"createdAt":"","phone":null,"birthdate":null,"locale":null,',
  // Profiles (core/profile.ts).
  '{"tenantId":"","profileId":"","version":1,"firstSeenAt":"","lastSeenAt":"","identifiers":[{"type":"email",',
  '"value":"","source":"","at":""},{"type":"customerId:"}],"refusedIdentifiers":[],"fields":{"firstName":{',
  '"lastName":"email":"phone":"addressLine1":"addressLine2":"city":"postalCode":"region":"country":"birthDate":',
  '"consent":{"email":{"granted":true,"method":"","reason":"","orderArchive":{"count":,"revenue":,"firstOrderAt":',
  '"lastOrderAt":"","horizonAt":"","horizonKey":"","channels":[],"categories":[]},"compact":true,',
  '"carts":{"cartId":"","currency":"EUR","total":,"lines":[],"recoveryUrl":"https://","completedAt":null}},',
  '"activity":[{"key":"","kind":"product.viewed","detail":{}}],"mergedFrom":[],"identityJournal":[],',
  '"orders":{"orderId":"","orderNumber":"#","channel":"web","status":"placed","checkoutToken":"","placedAt":"",',
  '"lines":[{"productId":"","variantId":"","sku":"","name":"","quantity":1,"price":}]}},"recentEvents":["',
  'orders/create/","customers/update/","customers/create/","checkouts/update/","checkouts/create/",',
  '"source":"shop","at":"2026-01-01T00:00:00.000Z","eventId":"","priority":1,"value":""},',
].join('');

export const DEFLATE_DICTIONARY = Buffer.from(VOCABULARY, 'utf8');
