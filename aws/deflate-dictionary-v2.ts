// Preset deflate dictionary 2 (aws/deflate-dictionary-codec.ts): the structure syncline's stored JSON repeats in every
// item and never within one, written out in the order the code serialises it, so that deflate finds long matches
// (a whole run of key names and punctuation) instead of the short, out-of-order fragments of dictionary 1.
// Built from the schemas and the code that writes the items, not from a data set: canonical events (core/events.ts,
// in the order the connectors build them), profiles (core/profile.ts, in the order core/merge/ fills them), the history
// tail's wrapper (aws/profile-codec.ts), push snapshots (the projection's field names, core/campaign/campaign-fields.ts),
// ledger records (aws/dynamo-event-ledger.ts); and values every tenant's items share: event types, identifier kinds,
// connector names, Shopify's webhook topics (the event ids' prefixes), order and e-mail enums, ISO time punctuation.
// No person's value and no bench value (names, products, e-mail addresses) is in it.
// Deflate codes a nearer match in fewer bits: the items' most frequent parts (the profile and a tail event) come last.
// FROZEN: items written with it can only be read with exactly these bytes (aws/deflate-dictionary.test.ts pins its
// digest). A changed vocabulary is dictionary 3, beside this one.
const VOCABULARY = [
  // Ledger records (aws/dynamo-event-ledger.ts short names) and the rarer event types.
  '{"":{"s":"applied","o":"unchanged"},"":{"s":"applied","o":"duplicate"},"":{"s":"dead-lettered","r":""},"":{"s":"accepted"},',
  '"type":"erasure.requested","data":{"scope":"person","requestId":""}},"type":"access.requested",',
  '"type":"product.deleted","type":"product.upserted","data":{"productId":"","name":"","category":"","categories":[""],',
  '"price":0,"currency":"EUR","url":"https://","imageUrl":"https://","inStock":true,"variants":[{"variantId":"","sku":"",',
  '"price":0,"inStock":false,"stock":0}]}},"type":"survey.answered","data":{"question":"","answer":""}},',
  '"type":"search.performed","data":{"query":"","category":"","resultCount":0}},"clamped":{"occurredAt":""},',
  // Push snapshots: the projection's fields in the order it writes them, then the snapshot's own attributes.
  '{"@pending":false,"email":"","firstName":null,"lastName":null,"phone":null,"birthdate":null,"locale":null,"city":null,',
  '"postalCode":null,"country":null,"orderCount":0,"totalSpent":0,"firstOrderAt":null,"lastOrderAt":null,',
  '"openCartValue":null,"openCartUrl":null,"openCartUpdatedAt":null,"consentEmailMarketing":true,',
  '"consentSmsMarketing":null,"consentPersonalisation":null,"consentProfiling":null,"consentAdvertising":null,',
  '"averageOrderValue":null,"averageIntervalDays":null,"channels":"web","categoriesBought":null,"secondaryInterests":null,',
  '"giftSeasons":null,"lastViewedCategory":null,"lastSearchedCategory":null,"rfmRecency":null,"rfmFrequency":null,',
  '"rfmMonetary":null,"rfm":null,"segmentNew":false,"segmentRepeat":false,"segmentLoyal":null,"segmentLapsed":false,',
  '"segmentEngaged":false,"segmentUnengaged":false,"segments":"new","abandonedCartId":null,"abandonedCartValue":null,',
  '"abandonedCartCurrency":null,"abandonedCartLines":null,"abandonedCartUrl":null,"abandonedCartAt":null,',
  '"abandonedCartReason":null,"abandonedCartFollowUp":null,"nextJob":null,"nextJobReason":null,"nextJobConfidence":null,',
  '"crossSell1Sku":null,"crossSell1Name":null,"crossSell1Reason":null,"crossSell2Sku":null,"crossSell2Name":null,',
  '"crossSell2Reason":null,"crossSell3Sku":null,"crossSell3Name":null,"crossSell3Reason":null,"contactsLast30Days":0,',
  '"@remoteId":"","@deliveries":"[{\\"a\\":\\"2026-01-01T00:00:00Z\\",\\"o\\":\\"d\\",\\"f\\":[\\"consentAdvertising\\",',
  '\\"consentEmailMarketing\\",\\"consentPersonalisation\\",\\"consentProfiling\\",\\"consentSmsMarketing\\",\\"email\\",',
  '\\"firstName\\",\\"lastName\\",\\"phone\\",\\"+49 more\\"]}]"}',
  // Values every tenant's items share: connectors, identifier kinds, enums, common mail domains and countries.
  '"connector":"woocommerce","connector":"lightspeed-ecom","connector":"lightspeed-retail","connector":"square",',
  '"connector":"klaviyo","connector":"mailchimp","connector":"selligent","connector":"squeezely","connector":"website",',
  '{"type":"phone","value":"+31"},{"type":"loyaltyId","value":""},{"type":"anonymousId","value":""},',
  '@gmail.com","@hotmail.com","@outlook.com","@icloud.com","@yahoo.com","@live.nl","@ziggo.nl","@kpnmail.nl",',
  '"country":"NL","country":"BE","country":"DE","country":"GB","country":"US","locale":"nl","locale":"en",',
  '"status":"placed","status":"fulfilled","status":"cancelled","status":"refunded","compact":true,"gift":true,',
  '"shippedToOtherAddress":false,"checkoutToken":"","stage":"checkout","kind":"bounce","kind":"unsubscribe",',
  '"kind":"complaint","purpose":"sms_marketing","purpose":"personalisation","purpose":"profiling","purpose":"advertising",',
  '"method":"shopify checkout: buyer_accepts_marketing","implied":true,"method":"shopify: confirmed_opt_in",',
  '"sourceEventId":"poll/orders/","sourceEventId":"products/update/","sourceEventId":"customers/email_marketing_consent_update/',
  // Rarer parts of a profile: refused identifiers, the order archive, the identity journal, tombstones, consent history.
  '"refusedIdentifiers":[{"type":"email","value":"","reason":"","at":""}],"orderArchive":{"count":0,"revenue":0,',
  '"firstOrderAt":"","lastOrderAt":"","horizonAt":"","horizonKey":"","channels":["web","pos"],"categories":[""]},',
  '"identityJournal":[{"kind":"merged","at":"","eventKey":"","survivor":"","absorbed":"","identifier":{"type":"email",',
  '"value":""},"rule":""},{"kind":"unmerged","at":"","identifier":{"type":"phone","value":""},"profiles":[""],"reason":""}],',
  '"unlinkable":[""],"mergedInto":"","explicit":{"impliedGrant":{"granted":false,',
  // A profile (core/profile.ts), every part in the order the merge writes it.
  '{"profile":{"tenantId":"","profileId":"","version":1,"firstSeenAt":"2026-","lastSeenAt":"2027-","identifiers":[',
  '{"type":"customerId:","value":"","source":"","at":""},{"type":"email","value":"","source":"","at":""}],',
  '"refusedIdentifiers":[],"fields":{"firstName":{"source":"","at":"","eventId":"customers/create/","priority":2,',
  '"value":""},"lastName":{"source":"","at":"","eventId":"","priority":2,"value":""},"email":{"source":"","at":"",',
  '"eventId":"","priority":2,"value":""},"phone":{"source":"","at":"","eventId":"","priority":2,"value":null},',
  '"birthDate":{"source":"","at":"","eventId":"","priority":2,"value":null},"addressLine1":{"source":"","at":"",',
  '"eventId":"","priority":2,"value":""},"addressLine2":{"source":"","at":"","eventId":"","priority":2,"value":null},',
  '"city":{"source":"","at":"","eventId":"","priority":2,"value":""},"postalCode":{"source":"","at":"","eventId":"",',
  '"priority":2,"value":""},"region":{"source":"","at":"","eventId":"","priority":2,"value":""},"country":{"source":"",',
  '"at":"","eventId":"","priority":2,"value":""}},"consent":{"email_marketing":{"source":"","at":"","eventId":"",',
  '"priority":2,"granted":true,"method":"shopify: single_opt_in"}},"orders":{"":{"source":"","at":"","eventId":"orders/create/',
  '","priority":2,"orderId":"","orderNumber":"#1","channel":"web","currency":"EUR","total":0,"placedAt":"","status":"paid",',
  '"lines":[{"productId":"","variantId":"","sku":"","name":"","category":"","quantity":1,"price":0}]}},"carts":{"":{',
  '"source":"","at":"","eventId":"checkouts/update/","priority":2,"cartId":"","currency":"EUR","total":0,"lines":[{',
  '"productId":"","variantId":"","sku":"","name":"","quantity":1,"price":0}],"recoveryUrl":"https://","completedAt":null}},',
  '"activity":[{"key":"","at":"","kind":"search.performed","detail":{"query":""}},{"key":"","at":"","kind":"email.engaged",',
  '"detail":{"kind":"click","campaign":"","url":"https://"}},{"key":"","at":"","kind":"product.viewed","detail":{',
  '"productId":"","name":"","category":""}}],"recentEvents":["orders/create/","customers/update/","checkouts/create/"],',
  '"mergedFrom":[]},"tail":[',
  // Canonical events (core/events.ts) as the history tail and history items hold them.
  '{"event":{"tenantId":"","source":{"connector":"copernica","instance":""},"sourceEventId":"update:","occurredAt":"",',
  '"receivedAt":"","identifiers":[{"type":"email","value":""}],"type":"email.engaged","data":{"kind":"open",',
  '"campaign":""}},"expires":1},{"event":{"tenantId":"","source":{"connector":"shopify","instance":""},"sourceEventId":"',
  'customers/update/","occurredAt":"","receivedAt":"","identifiers":[{"type":"email","value":""},{"type":"customerId:',
  '","value":""}],"type":"customer.upserted","data":{"firstName":"","lastName":"","email":"","phone":null,"birthdate":null,',
  '"locale":null,"address":{"line1":"","line2":null,"city":"","postalCode":"","region":"","country":""},"createdAt":""}},',
  '"expires":1},{"event":{"tenantId":"","source":{"connector":"shopify","instance":""},"sourceEventId":"checkouts/update/',
  '","occurredAt":"","receivedAt":"","identifiers":[{"type":"email","value":""}],"type":"cart.updated","data":{"cartId":"",',
  '"currency":"EUR","total":0,"lines":[{"productId":"","variantId":"","sku":"","name":"","category":"","quantity":1,',
  '"price":0}],"recoveryUrl":"https://","stage":"cart"}},"expires":1},{"event":{"tenantId":"","source":{"connector":',
  '"shopify","instance":""},"sourceEventId":"","occurredAt":"","receivedAt":"","identifiers":[{"type":"email","value":""}],',
  '"type":"consent.changed","data":{"purpose":"email_marketing","granted":true,"method":""}},"expires":1},{"event":{',
  '"tenantId":"","source":{"connector":"shopify","instance":""},"sourceEventId":"orders/create/","occurredAt":"",',
  '"receivedAt":"","identifiers":[{"type":"email","value":""},{"type":"customerId:","value":""}],"type":"order.placed",',
  '"data":{"orderId":"","orderNumber":"#1","channel":"web","currency":"EUR","total":0,"placedAt":"","status":"paid",',
  '"lines":[{"productId":"","variantId":"","sku":"","name":"","category":"","quantity":1,"price":0}]}},"expires":1},',
  '{"event":{"tenantId":"","source":{"connector":"shopify","instance":""},"sourceEventId":"","occurredAt":"2026-',
  '","receivedAt":"2026-","identifiers":[{"type":"email","value":""}],"type":"product.viewed","data":{"productId":"",',
  '"name":"","category":"","sku":"","price":0,"currency":"EUR"}},"expires":1',
].join('');

export const DEFLATE_DICTIONARY_V2 = Buffer.from(VOCABULARY, 'utf8');
