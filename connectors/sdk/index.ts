// The connector SDK: everything a connector may import.
export { defineConnector, capabilitiesOf, CONNECTOR_NAME } from './define-connector.js';
export type {
  AnyConnector,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectorDefinition,
  ConnectorKind,
  CollectSite,
  CollectSource,
  Logger,
  PollBudget,
  PollPage,
  WebhookRequest,
  WebhookSubscriptions,
} from './define-connector.js';
export type { SubscriptionResult, SubscriptionTarget, WebhookSubscription } from './subscriptions.js';

export { SignatureInvalid, PayloadInvalid, RateLimited, VendorRejected, ConfigInvalid, DestinationRefused } from './errors.js';
export { isPrivateAddress, privateNetworkAllowed } from './outbound.js';
export { createVendorClient, parseRetryAfter, answeredAt } from './http.js';
export type { VendorClient, VendorClientOptions } from './http.js';
export { hmacSha256, signatureMatches } from './signatures.js';
export { hmacWebhook, headerValue } from './hmac-webhook.js';
export type { HmacWebhook, HmacWebhookScheme } from './hmac-webhook.js';
export { parsePayload, parseJsonBody, parseJsonBodyExactIntegers } from './parse-payload.js';
export { topic, topicTable } from './topic-table.js';
export type { TopicHandler, TopicTable, TopicTableSpec } from './topic-table.js';
export { mapLimited } from './map-limited.js';
export { normaliseEmail, blankEmails } from './email.js';
export { pathOf, redactPersonalData } from './redact.js';
export { failureReason } from './failure-reason.js';
export { isConsentOnly } from './consent-only.js';
export { AudienceMapping, audienceRemoteId, planMembership, readAudienceState } from './audience-membership.js';
export type { AudienceState, MembershipPlan } from './audience-membership.js';
export { jsonCursor } from './json-cursor.js';
export { CustomAttributeSettings, customAttributesOf, pickCustomAttributes } from './custom-attributes.js';
export type { CustomAttributes, CustomAttributeValue } from './custom-attributes.js';
export { incrementalStreams } from './incremental-streams.js';
export type { IncrementalStreams, IncrementalStreamsSpec, Paging, SavedCursor, StreamPage, StreamRead } from './incremental-streams.js';
export type { JsonCursor } from './json-cursor.js';
export { instantAtWallClock, isTimeZone, wallClockAt } from './time-zone.js';
export type { FailureReason } from './failure-reason.js';
export type { CanonicalEvent, ConsentPurpose, EventDraft, EventType, OrderLine, Address } from '../../core/events.js';
export type { Identifier, IdentifierType } from '../../core/identifiers.js';
export { phoneInCountry } from '../../core/identifiers.js';
export type { ErasureOutcome, ErasureSubject, FieldValue, ProfileChange, PushOutcome } from '../../core/destination.js';
