// A minimal connector for pipeline tests: HMAC-signed JSON webhooks in, pushes recorded in memory.
import * as z from 'zod';
import {
  defineConnector,
  hmacSha256,
  parseJsonBody,
  parsePayload,
  signatureMatches,
  SignatureInvalid,
  type ProfileChange,
  type ErasureSubject,
} from '../../connectors/sdk/index.js';

const FakePayload = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string().optional(),
  at: z.string(),
  consent: z.boolean().optional(),
});

export function fakeConnector(
  options: {
    failPushes?: number;
    remoteId?: (change: ProfileChange) => string;
    /** Runs while the destination holds the write, before it answers (a callback that beats the push's answer). */
    duringPush?: (changes: readonly ProfileChange[]) => Promise<void>;
    /** The destination refuses these changes for good, with this reason (as a vendor's 4xx for one record). */
    refuse?: (change: ProfileChange) => string | undefined;
  } = {},
) {
  const pushed: ProfileChange[][] = [];
  const erased: ErasureSubject[] = [];
  let failures = options.failPushes ?? 0;
  const connector = defineConnector({
    name: 'fake',
    kind: 'email',
    description: 'test double',
    settingsSchema: z.object({}),
    secretsSchema: z.object({ secret: z.string() }),
    verifyWebhook(request, secrets) {
      if (!signatureMatches(request.headers['x-signature'], hmacSha256(secrets.secret, request.rawBody), 'hex'))
        throw new SignatureInvalid('x-signature does not match');
    },
    parseWebhook(request) {
      const body = parsePayload(FakePayload, parseJsonBody(request.rawBody, 'fake webhook'), 'fake webhook');
      const ids = [{ type: 'email' as const, value: body.email }];
      return [
        {
          type: 'customer.upserted',
          sourceEventId: `c-${body.id}-${body.at}`,
          occurredAt: body.at,
          identifiers: ids,
          data: { email: body.email, firstName: body.firstName },
        },
        ...(body.consent === undefined
          ? []
          : [
              {
                type: 'consent.changed' as const,
                sourceEventId: `k-${body.id}-${body.at}`,
                occurredAt: body.at,
                identifiers: ids,
                data: { purpose: 'email_marketing' as const, granted: body.consent },
              },
            ]),
      ];
    },
    push: {
      purpose: 'email_marketing',
      maxBatchSize: 2,
      async push(_ctx, changes) {
        if (failures > 0) {
          failures--;
          throw new Error('vendor down');
        }
        pushed.push(structuredClone(changes));
        await options.duringPush?.(changes);
        return changes.map((c) => {
          const refused = options.refuse?.(c);
          if (refused !== undefined) return { profileId: c.profileId, status: 'failed' as const, reason: refused, retryable: false };
          return { profileId: c.profileId, status: 'pushed' as const, ...(options.remoteId ? { remoteId: options.remoteId(c) } : {}) };
        });
      },
    },
    async erase(_ctx, subjects) {
      erased.push(...subjects);
      return subjects.map((s) => ({ profileId: s.profileId, status: 'confirmed' as const }));
    },
  });
  /** The next `n` push calls fail as a vendor outage would (thrown: the whole call). */
  const failNext = (n: number) => {
    failures = n;
  };
  return { connector, pushed, erased, failNext };
}

export function signFake(body: string, secret = 'shh'): Record<string, string> {
  return { 'x-signature': hmacSha256(secret, body).toString('hex') };
}
