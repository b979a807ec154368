// The Google Ads API's JSON (REST) for Customer Match, in Google's own field names: OfflineUserDataJobService
// (create, addOperations, run), GoogleAdsService.Search for a job's status, the error model, and the OAuth token.
import * as z from 'zod';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash in lower-case hex');

/** Exactly one identifier per UserIdentifier (a oneof): setting two keeps only the last. */
export const UserIdentifier = z.union([z.strictObject({ hashedEmail: Sha256Hex }), z.strictObject({ hashedPhoneNumber: Sha256Hex })]);
export type UserIdentifier = z.infer<typeof UserIdentifier>;

/** One person: up to 20 identifiers. */
export const UserData = z.object({ userIdentifiers: z.array(UserIdentifier).min(1) });
export type UserData = z.infer<typeof UserData>;

export const OfflineUserDataJobOperation = z.union([
  z.strictObject({ create: UserData }),
  z.strictObject({ remove: UserData }),
  z.strictObject({ removeAll: z.literal(true) }),
]);
export type OfflineUserDataJobOperation = z.infer<typeof OfflineUserDataJobOperation>;

export const ConsentStatus = z.enum(['GRANTED', 'DENIED', 'UNSPECIFIED', 'UNKNOWN']);
export const Consent = z.object({ adUserData: ConsentStatus.optional(), adPersonalization: ConsentStatus.optional() });

/** POST /{version}/customers/{customerId}/offlineUserDataJobs:create */
export const CreateOfflineUserDataJobRequest = z.object({
  job: z.object({
    type: z.literal('CUSTOMER_MATCH_USER_LIST'),
    customerMatchUserListMetadata: z.object({
      userList: z.string().regex(/^customers\/\d+\/userLists\/\d+$/),
      consent: Consent.optional(),
    }),
    externalId: z.string().optional(),
  }),
  validateOnly: z.boolean().optional(),
  enableMatchRateRangePreview: z.boolean().optional(),
});
export type CreateOfflineUserDataJobRequest = z.infer<typeof CreateOfflineUserDataJobRequest>;

export const CreateOfflineUserDataJobResponse = z.object({ resourceName: z.string().regex(/^customers\/\d+\/offlineUserDataJobs\/\d+$/) });

/** POST /{version}/{resourceName}:addOperations */
export const AddOfflineUserDataJobOperationsRequest = z.object({
  operations: z.array(OfflineUserDataJobOperation).min(1),
  enablePartialFailure: z.boolean().optional(),
  enableWarnings: z.boolean().optional(),
  validateOnly: z.boolean().optional(),
});
export type AddOfflineUserDataJobOperationsRequest = z.infer<typeof AddOfflineUserDataJobOperationsRequest>;

/** Where in the request an error points: operations[index] and the field below it. */
const FieldPathElement = z.object({ fieldName: z.string(), index: z.number().int().optional() }).loose();

export const GoogleAdsError = z
  .object({
    /** One key naming the error's kind (offlineUserDataJobError, databaseError, quotaError, …) and its code. */
    errorCode: z.record(z.string(), z.string()),
    message: z.string().optional(),
    location: z
      .object({ fieldPathElements: z.array(FieldPathElement).optional() })
      .loose()
      .optional(),
  })
  .loose();
export type GoogleAdsError = z.infer<typeof GoogleAdsError>;

/** A google.rpc.Status whose details carry a GoogleAdsFailure (the REST error body's `error`, or a partialFailureError). */
export const Status = z
  .object({
    code: z.number().int().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z
      .array(
        z.object({ '@type': z.string().optional(), errors: z.array(GoogleAdsError).optional(), requestId: z.string().optional() }).loose(),
      )
      .optional(),
  })
  .loose();
export type Status = z.infer<typeof Status>;

export const ErrorBody = z.object({ error: Status });

export const AddOfflineUserDataJobOperationsResponse = z
  .object({ partialFailureError: Status.optional(), warning: Status.optional() })
  .loose();
export type AddOfflineUserDataJobOperationsResponse = z.infer<typeof AddOfflineUserDataJobOperationsResponse>;

/** POST /{version}/{resourceName}:run answers a long-running operation. */
export const RunOfflineUserDataJobResponse = z.object({ name: z.string().min(1) }).loose();

export const OfflineUserDataJobStatus = z.enum(['UNSPECIFIED', 'UNKNOWN', 'PENDING', 'RUNNING', 'SUCCESS', 'FAILED']);
export type OfflineUserDataJobStatus = z.infer<typeof OfflineUserDataJobStatus>;

/** POST /{version}/customers/{customerId}/googleAds:search, one row per job. */
export const SearchGoogleAdsRequest = z.object({ query: z.string().min(1), pageToken: z.string().optional() });

export const SearchGoogleAdsResponse = z
  .object({
    results: z
      .array(
        z
          .object({
            offlineUserDataJob: z
              .object({
                resourceName: z.string(),
                status: OfflineUserDataJobStatus,
                failureReason: z.string().optional(),
              })
              .loose(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

/** Google's OAuth 2.0 token endpoint, refresh_token grant. */
export const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});
