// The contract test kit: the same suite judges every connector (run it from the connector's own test file).
//
// Golden pairs. For every connector the kit reads connectors/<name>/fixtures/ and, for each `<name>.expected.json`,
// checks that the payload beside it produces exactly those events:
//   <name>.json | .form | .txt   the payload, stored byte for byte as the vendor sends it (or as its documentation
//                                 prints it: the suite's `webhooks.body` turns e.g. decoded form variables into the body)
//   <name>.expected.json          a JSON array of the event drafts the connector returns for it, in order
//   <name>.request.json           optional: { "headers": {…}, "url": "…", "mapping": "…" }
// A delivery is posted to `webhooks.url` (or the request's "url") with `webhooks.headers`, then the request's
// "headers" (names lower-cased: topic, event id, content type), then the signature `webhooks.sign` makes over the body
// and that URL; it must pass verifyWebhook and the kit's signature checks, and parseWebhook must return the expected
// events, valid canonical events with an id each. With "mapping": "<key>" the payload is an API
// answer instead, mapped by the suite's `golden.mappings[key](payload, context)`. Every call runs at TEST_NOW
// (2026-03-10T12:00:00Z) for tenant "acme" and the suite's instance (default: the connector's name).
// To add a pair, put `[]` in `<name>.expected.json`, run `GOLDEN=write npx vitest run connectors/<connector>` (ignored
// in CI), then read the file against the payload: a golden file written from a bug freezes the bug.
import { describe, expect, it } from 'vitest';
import { CanonicalEvent, type EventDraft, type EventType } from '../../core/events.js';
import type { ProfileChange, PushOutcome } from '../../core/destination.js';
import type { ConnectorContext, ConnectorDefinition, WebhookRequest } from './define-connector.js';
import { SignatureInvalid } from './errors.js';
import { contextFor, silentLogger, TEST_NOW, TEST_TENANT } from './testing/context.js';
import { fixturesOf, type FixtureFolder } from './testing/fixtures.js';
import { goldenCases, writingGoldenFiles, type GoldenCase } from './testing/golden.js';

import type { SimulatedVendor, SimulatorFaults } from './simulator-kit.js';
export type { SimulatedVendor, SimulatorFaults };

export interface WebhookFixture {
  /** What the payload is, and where in the vendor's documentation it was copied from. */
  name: string;
  body: string;
  /** Headers the vendor sends besides the signature (topic, delivery id, …), names lower-cased. */
  headers?: Record<string, string>;
  expect: { events: number; types?: EventType[] };
}

export interface ContractSuite<Settings, Secrets> {
  connector: ConnectorDefinition<Settings, Secrets>;
  settings: Settings;
  secrets: Secrets;
  /** The instance the kit's calls run as (ids are scoped by it: `customerId:<instance>`); default: the connector's name. */
  instance?: string;
  webhooks?: {
    url: string;
    /** Signs a raw body as the vendor does and returns the signature headers (names lower-cased). Without it (Mailchimp: a token in the URL) the kit checks only that verifyWebhook accepts the delivery. */
    sign?(rawBody: Buffer, secrets: Secrets, url: string, now: Date): Record<string, string>;
    /** A second secret that must not verify. */
    wrongSecrets?: Secrets;
    /** Headers every delivery carries besides the signature (names lower-cased); a golden fixture's request adds its own. */
    headers?: Record<string, string>;
    /** The body the vendor posts for a golden fixture's text, when the fixture is not stored as posted (documented decoded form variables). */
    body?(fixtureText: string, headers: Record<string, string>): string;
    /** Deliveries written in code, besides the golden pairs found in fixtures/. */
    fixtures?: WebhookFixture[];
  };
  golden?: {
    /** Where the pairs are; default connectors/<connector name>/fixtures/. */
    folder?: FixtureFolder;
    /** Mappings of API answers for pairs whose request says `"mapping": "<key>"`. */
    mappings?: Record<string, (payload: unknown, context: ConnectorContext<Settings, Secrets>) => EventDraft[]>;
  };
  poll?: {
    /** Starts a simulator holding data for `expectedEvents` events over several pages. */
    startVendor(faults?: SimulatorFaults): Promise<SimulatedVendor<Settings, Secrets>>;
    expectedEvents: number;
  };
  push?: {
    startVendor(faults?: SimulatorFaults): Promise<SimulatedVendor<Settings, Secrets>>;
    /** Changes the destination sends (default sampleChanges): an audience destination needs advertising consent and a segment. */
    changes?(count: number): ProfileChange[];
    /** The key the simulator's received() reports for a change (default its e-mail; a hashed one for audience destinations). */
    keyOf?(change: ProfileChange): string | undefined;
  };
}

/** The budget of one scheduled run that may read a single page. */
export const onePageBudget = () => ({ maxPages: 1, deadline: Date.now() + 30_000 });

/** The one event of `type` among `events`; the test fails when there is none or more than one. */
export function onlyEvent<T extends EventType>(events: EventDraft[], type: T): Extract<EventDraft, { type: T }> {
  const found = events.filter((e): e is Extract<EventDraft, { type: T }> => e.type === type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}

/** Fills in the envelope as the pipeline does and validates the result as a canonical event. */
export function completeEvent(draft: EventDraft, connector: string, instance = connector): CanonicalEvent {
  return CanonicalEvent.parse({
    ...draft,
    tenantId: TEST_TENANT,
    source: { connector, instance },
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

interface Delivery {
  name: string;
  body: string;
  headers: Record<string, string>;
  url: string;
  expect?: WebhookFixture['expect'];
  golden?: GoldenCase;
}

/** The drafts, as JSON would carry them, against the golden file (or into it, with GOLDEN=write). */
function matchGolden(golden: GoldenCase, drafts: EventDraft[]): void {
  const actual = JSON.parse(JSON.stringify(drafts)) as unknown[];
  if (writingGoldenFiles()) return golden.write(actual);
  expect(actual, `fixtures/${golden.input} against fixtures/${golden.name}.expected.json (GOLDEN=write rewrites it)`).toEqual(
    golden.expected,
  );
}

export function runContractTests<Settings, Secrets>(suite: ContractSuite<Settings, Secrets>): void {
  const { connector } = suite;

  describe(`connector contract: ${connector.name}`, () => {
    it('accepts its own test settings and secrets', () => {
      expect(connector.settingsSchema.safeParse(suite.settings).success, 'settings fail the schema').toBe(true);
      expect(connector.secretsSchema.safeParse(suite.secrets).success, 'secrets fail the schema').toBe(true);
    });

    const instance = suite.instance ?? connector.name;
    const context = (settings: Settings, secrets: Secrets, now = TEST_NOW) => contextFor(instance, settings, secrets, now);
    const golden = goldenCases(suite.golden?.folder ?? fixturesOf(connector.name));
    const webhooks = suite.webhooks;
    const deliveries: Delivery[] = [
      ...(webhooks?.fixtures ?? []).map((f) => ({
        name: f.name,
        body: f.body,
        headers: f.headers ?? {},
        url: webhooks!.url,
        expect: f.expect,
      })),
      ...golden
        .filter((g) => g.request.mapping === undefined)
        .map((g) => {
          const headers = { ...webhooks?.headers, ...g.request.headers };
          const text = (suite.golden?.folder ?? fixturesOf(connector.name)).text(g.input);
          return {
            name: `fixtures/${g.input}`,
            body: webhooks?.body ? webhooks.body(text, headers) : text,
            headers,
            url: g.request.url ?? webhooks?.url ?? '',
            golden: g,
          };
        }),
    ];

    if (deliveries.some((d) => d.golden) && !(webhooks && connector.verifyWebhook && connector.parseWebhook)) {
      it('has webhooks to check its golden deliveries with', () => {
        expect.fail(`${connector.name} has golden deliveries in fixtures/ but no webhooks in its suite or no verifyWebhook/parseWebhook`);
      });
    }

    if (webhooks && connector.verifyWebhook && connector.parseWebhook) {
      const verify = connector.verifyWebhook.bind(connector);
      const parse = connector.parseWebhook.bind(connector);
      const now = TEST_NOW;
      const request = (delivery: Delivery, secrets: Secrets, body = Buffer.from(delivery.body)): WebhookRequest => ({
        method: 'POST',
        url: delivery.url,
        headers: { ...delivery.headers, ...webhooks.sign?.(Buffer.from(delivery.body), secrets, delivery.url, now) },
        rawBody: body,
      });

      it('has fixtures to test against', () => expect(deliveries.length).toBeGreaterThan(0));

      for (const delivery of deliveries) {
        describe(delivery.name, () => {
          it('verifies the signature the vendor would send', () => {
            expect(() => verify(request(delivery, suite.secrets), suite.secrets, suite.settings, now)).not.toThrow();
          });

          const { sign, wrongSecrets } = webhooks;
          if (sign && wrongSecrets) {
            it('rejects a tampered body, a wrong secret and a missing signature', () => {
              const tampered = Buffer.from(delivery.body);
              const middle = Math.floor(tampered.length / 2);
              tampered[middle] = (tampered[middle] ?? 0) ^ 1;
              expect(() => verify(request(delivery, suite.secrets, tampered), suite.secrets, suite.settings, now)).toThrow(
                SignatureInvalid,
              );
              expect(() => verify(request(delivery, wrongSecrets), suite.secrets, suite.settings, now)).toThrow(SignatureInvalid);
              const unsigned: WebhookRequest = {
                method: 'POST',
                url: delivery.url,
                headers: { ...delivery.headers },
                rawBody: Buffer.from(delivery.body),
              };
              expect(() => verify(unsigned, suite.secrets, suite.settings, now)).toThrow(SignatureInvalid);
            });
          }

          it('maps the payload to valid canonical events that survive a JSON round trip', () => {
            const drafts = parse(request(delivery, suite.secrets), context(suite.settings, suite.secrets));
            if (delivery.expect) expect(drafts, 'number of events').toHaveLength(delivery.expect.events);
            const events = drafts.map((draft) => completeEvent(draft, connector.name, instance));
            if (delivery.expect?.types) expect(events.map((e) => e.type)).toEqual(delivery.expect.types);
            expect(events.map((e) => CanonicalEvent.parse(JSON.parse(JSON.stringify(e))))).toEqual(events);
            expect(new Set(events.map((e) => e.sourceEventId)).size, 'each event of a delivery has its own id').toBe(events.length);
          });

          const goldenCase = delivery.golden;
          if (goldenCase) {
            it(`produces exactly the events in fixtures/${goldenCase.name}.expected.json`, () => {
              const drafts = parse(request(delivery, suite.secrets), context(suite.settings, suite.secrets));
              matchGolden(goldenCase, drafts);
            });
          }

          it('maps the same delivery to the same event ids (dedup depends on it)', () => {
            const first = parse(request(delivery, suite.secrets), context(suite.settings, suite.secrets));
            const again = parse(request(delivery, suite.secrets), context(suite.settings, suite.secrets, new Date(now.getTime() + 60_000)));
            expect(again.map((e) => e.sourceEventId)).toEqual(first.map((e) => e.sourceEventId));
          });
        });
      }
    }

    for (const goldenCase of golden.filter((g) => g.request.mapping !== undefined)) {
      const key = goldenCase.request.mapping!;
      it(`maps fixtures/${goldenCase.input} (through the ${key} mapping) to exactly the events in fixtures/${goldenCase.name}.expected.json`, () => {
        const map = suite.golden?.mappings?.[key];
        if (!map)
          return expect.fail(
            `fixtures/${goldenCase.name}.request.json names the mapping "${key}", which the suite's golden.mappings lacks`,
          );
        const payload: unknown = JSON.parse((suite.golden?.folder ?? fixturesOf(connector.name)).text(goldenCase.input));
        const drafts = map(payload, context(suite.settings, suite.secrets));
        for (const draft of drafts) expect(() => completeEvent(draft, connector.name, instance)).not.toThrow();
        matchGolden(goldenCase, drafts);
      });
    }

    const poll = suite.poll;
    if (poll && connector.poll) {
      const pollPage = connector.poll.bind(connector);
      async function drain(vendor: SimulatedVendor<Settings, Secrets>, from: string | undefined, limit = 1000) {
        const pages: { events: EventDraft[]; cursor: string }[] = [];
        let cursor = from;
        for (let i = 0; i < limit; i++) {
          const page = await pollPage(context(vendor.settings, vendor.secrets ?? suite.secrets, new Date()), cursor, onePageBudget());
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
          const events = pages.flatMap((p) => p.events).map((e) => completeEvent(e, connector.name, instance));
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
          const changes = (push.changes ?? sampleChanges)(destination.maxBatchSize * 2 + 1);
          const outcomes: PushOutcome[] = [];
          for (let i = 0; i < changes.length; i += destination.maxBatchSize) {
            outcomes.push(
              ...(await destination.push(
                context(vendor.settings, vendor.secrets ?? suite.secrets, new Date()),
                changes.slice(i, i + destination.maxBatchSize),
              )),
            );
          }
          expect(outcomes.map((o) => o.status)).toEqual(changes.map(() => 'pushed'));
          expect(new Set(vendor.received())).toEqual(new Set(changes.map((c) => (push.keyOf ? push.keyOf(c) : c.email))));
        } finally {
          await vendor.stop();
        }
      });
    }
  });
}
