// The contract test kit: the same suite judges every connector (run it from the connector's own test file).
import { describe, expect, it } from 'vitest';
import { CanonicalEvent, type EventDraft, type EventType } from '../../core/events.js';
import type { ProfileChange, PushOutcome } from '../../core/destination.js';
import type { ConnectorContext, ConnectorDefinition, Logger, WebhookRequest } from './define-connector.js';
import { SignatureInvalid } from './errors.js';

export interface WebhookFixture {
  /** What the payload is, and where in the vendor's documentation it was copied from. */
  name: string;
  body: string;
  /** Headers the vendor sends besides the signature (topic, delivery id, …), names lower-cased. */
  headers?: Record<string, string>;
  expect: { events: number; types?: EventType[] };
}

export interface SimulatedVendor<Settings, Secrets = unknown> {
  /** Settings that point the connector at this simulator. */
  settings: Settings;
  /** Secrets the simulator accepts, when they differ from the suite's. */
  secrets?: Secrets;
  /** Every profile key (e-mail or id) the simulator accepted through its push endpoint, in order. */
  received(): string[];
  /** Requests the simulator answered, including the faults it injected. */
  requests(): number;
  stop(): Promise<void>;
}

export interface SimulatorFaults {
  /** Answer the first N requests with 429 and Retry-After: 0. */
  rateLimitFirst?: number;
  /** Then answer the next N requests with 500. */
  failNext?: number;
  /**
   * After the counted faults, decides each further request: 'rate-limit' (429), 'fail' (500), 'timeout' (no answer
   * until the client gives up), 'lost-reply' (the request is carried out, but its answer never arrives) or
   * undefined (answer normally). Fault tests and the soak pass a seeded plan.
   */
  plan?: (request: number) => 'rate-limit' | 'fail' | 'timeout' | 'lost-reply' | undefined;
}

export interface ContractSuite<Settings, Secrets> {
  connector: ConnectorDefinition<Settings, Secrets>;
  settings: Settings;
  secrets: Secrets;
  webhooks?: {
    url: string;
    /** Signs a raw body as the vendor does and returns the signature headers (names lower-cased). */
    sign(rawBody: Buffer, secrets: Secrets, url: string, now: Date): Record<string, string>;
    /** A second secret that must not verify. */
    wrongSecrets: Secrets;
    fixtures: WebhookFixture[];
  };
  poll?: {
    /** Starts a simulator holding data for `expectedEvents` events over several pages. */
    startVendor(faults?: SimulatorFaults): Promise<SimulatedVendor<Settings, Secrets>>;
    expectedEvents: number;
  };
  push?: {
    startVendor(faults?: SimulatorFaults): Promise<SimulatedVendor<Settings, Secrets>>;
  };
}

/** A logger that says nothing, for contexts built in tests. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The budget of one scheduled run that may read a single page. */
export const onePageBudget = () => ({ maxPages: 1, deadline: Date.now() + 30_000 });

/** The one event of `type` among `events`; the test fails when there is none or more than one. */
export function onlyEvent<T extends EventType>(events: EventDraft[], type: T): Extract<EventDraft, { type: T }> {
  const found = events.filter((e): e is Extract<EventDraft, { type: T }> => e.type === type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}
const TENANT = 'contract-tenant';
const INSTANCE = 'contract-instance';

function contextFor<S, K>(settings: S, secrets: K, now = new Date()): ConnectorContext<S, K> {
  return { tenantId: TENANT, instance: INSTANCE, settings, secrets, now: () => now, log: silentLogger };
}

/** Fills in the envelope as the pipeline does and validates the result as a canonical event. */
export function completeEvent(draft: EventDraft, connector: string): CanonicalEvent {
  return CanonicalEvent.parse({
    ...draft,
    tenantId: TENANT,
    source: { connector, instance: INSTANCE },
    receivedAt: new Date(0).toISOString(),
  });
}

export function sampleChanges(count: number): ProfileChange[] {
  return Array.from({ length: count }, (_, i) => ({
    profileId: `p-${i}`,
    email: `contract-${i}@example.com`,
    identifiers: [{ type: 'email', value: `contract-${i}@example.com` }],
    fields: { firstName: `First${i}`, lastName: 'Contract', orderCount: i },
    changed: ['firstName', 'lastName', 'orderCount'],
    consent: { email_marketing: true, personalisation: true, profiling: true },
  }));
}

export function runContractTests<Settings, Secrets>(suite: ContractSuite<Settings, Secrets>): void {
  const { connector } = suite;

  describe(`connector contract: ${connector.name}`, () => {
    it('accepts its own test settings and secrets', () => {
      expect(connector.settingsSchema.safeParse(suite.settings).success, 'settings fail the schema').toBe(true);
      expect(connector.secretsSchema.safeParse(suite.secrets).success, 'secrets fail the schema').toBe(true);
    });

    const webhooks = suite.webhooks;
    if (webhooks && connector.verifyWebhook && connector.parseWebhook) {
      const verify = connector.verifyWebhook.bind(connector);
      const parse = connector.parseWebhook.bind(connector);
      const now = new Date();
      const request = (fixture: WebhookFixture, secrets: Secrets, body = Buffer.from(fixture.body)): WebhookRequest => ({
        method: 'POST',
        url: webhooks.url,
        headers: { ...fixture.headers, ...webhooks.sign(Buffer.from(fixture.body), secrets, webhooks.url, now) },
        rawBody: body,
      });

      it('has fixtures to test against', () => expect(webhooks.fixtures.length).toBeGreaterThan(0));

      for (const fixture of webhooks.fixtures) {
        describe(fixture.name, () => {
          it('verifies the signature the vendor would send', () => {
            expect(() => verify(request(fixture, suite.secrets), suite.secrets, suite.settings, now)).not.toThrow();
          });

          it('rejects a tampered body, a wrong secret and a missing signature', () => {
            const tampered = Buffer.from(fixture.body);
            const middle = Math.floor(tampered.length / 2);
            tampered[middle] = (tampered[middle] ?? 0) ^ 1;
            expect(() => verify(request(fixture, suite.secrets, tampered), suite.secrets, suite.settings, now)).toThrow(SignatureInvalid);
            expect(() => verify(request(fixture, webhooks.wrongSecrets), suite.secrets, suite.settings, now)).toThrow(SignatureInvalid);
            const unsigned: WebhookRequest = { method: 'POST', url: webhooks.url, headers: { ...fixture.headers }, rawBody: Buffer.from(fixture.body) };
            expect(() => verify(unsigned, suite.secrets, suite.settings, now)).toThrow(SignatureInvalid);
          });

          it('maps the payload to valid canonical events that survive a JSON round trip', () => {
            const drafts = parse(request(fixture, suite.secrets), contextFor(suite.settings, suite.secrets, now));
            expect(drafts, 'number of events').toHaveLength(fixture.expect.events);
            const events = drafts.map((draft) => completeEvent(draft, connector.name));
            if (fixture.expect.types) expect(events.map((e) => e.type)).toEqual(fixture.expect.types);
            expect(events.map((e) => CanonicalEvent.parse(JSON.parse(JSON.stringify(e))))).toEqual(events);
          });

          it('maps the same delivery to the same event ids (dedup depends on it)', () => {
            const first = parse(request(fixture, suite.secrets), contextFor(suite.settings, suite.secrets, now));
            const again = parse(request(fixture, suite.secrets), contextFor(suite.settings, suite.secrets, new Date(now.getTime() + 60_000)));
            expect(again.map((e) => e.sourceEventId)).toEqual(first.map((e) => e.sourceEventId));
          });
        });
      }
    }

    const poll = suite.poll;
    if (poll && connector.poll) {
      const pollPage = connector.poll.bind(connector);
      async function drain(vendor: SimulatedVendor<Settings, Secrets>, from: string | undefined, limit = 1000) {
        const pages: { events: EventDraft[]; cursor: string }[] = [];
        let cursor = from;
        for (let i = 0; i < limit; i++) {
          const page = await pollPage(contextFor(vendor.settings, vendor.secrets ?? suite.secrets), cursor, onePageBudget());
          pages.push({ events: page.events, cursor: page.nextCursor });
          cursor = page.nextCursor;
          if (!page.hasMore) break;
        }
        return pages;
      }

      it('pages through everything the vendor holds, each event once', async () => {
        const vendor = await poll.startVendor();
        try {
          const pages = await drain(vendor, undefined);
          expect(pages.length, 'at least three pages, so resuming is tested mid-way').toBeGreaterThanOrEqual(3);
          const events = pages.flatMap((p) => p.events).map((e) => completeEvent(e, connector.name));
          expect(events).toHaveLength(poll.expectedEvents);
          expect(new Set(events.map((e) => e.sourceEventId)).size).toBe(events.length);
        } finally {
          await vendor.stop();
        }
      });

      it('resumes from a saved cursor without losing or repeating a page', async () => {
        const vendor = await poll.startVendor();
        try {
          const full = await drain(vendor, undefined);
          const middle = Math.floor(full.length / 2);
          const resumed = await drain(vendor, full[middle - 1]?.cursor);
          const ids = (pages: typeof full) => pages.flatMap((p) => p.events.map((e) => e.sourceEventId));
          expect(ids(resumed)).toEqual(ids(full.slice(middle)));
        } finally {
          await vendor.stop();
        }
      });

      it('rides out rate limiting and server errors while polling', async () => {
        const vendor = await poll.startVendor({ rateLimitFirst: 1, failNext: 1 });
        try {
          const events = (await drain(vendor, undefined)).flatMap((p) => p.events);
          expect(events).toHaveLength(poll.expectedEvents);
          expect(vendor.requests()).toBeGreaterThan(2);
        } finally {
          await vendor.stop();
        }
      });
    }

    const push = suite.push;
    if (push && connector.push) {
      const destination = connector.push;
      it('pushes in batches within the vendor limit and retries 429 and 5xx', async () => {
        const vendor = await push.startVendor({ rateLimitFirst: 1, failNext: 1 });
        try {
          const changes = sampleChanges(destination.maxBatchSize * 2 + 1);
          const outcomes: PushOutcome[] = [];
          for (let i = 0; i < changes.length; i += destination.maxBatchSize) {
            outcomes.push(...(await destination.push(contextFor(vendor.settings, vendor.secrets ?? suite.secrets), changes.slice(i, i + destination.maxBatchSize))));
          }
          expect(outcomes.map((o) => o.status)).toEqual(changes.map(() => 'pushed'));
          expect(new Set(vendor.received())).toEqual(new Set(changes.map((c) => c.email)));
        } finally {
          await vendor.stop();
        }
      });
    }
  });
}
