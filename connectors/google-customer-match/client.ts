// The Google Ads API calls Customer Match needs: create an offline user data job, add operations, run it, read its
// status; with the OAuth access token, the developer token and the manager account in every request's headers.
import { createVendorClient, parsePayload, VendorRejected, type VendorClient } from '../sdk/index.js';
import type { GoogleCustomerMatchSecrets, GoogleCustomerMatchSettings } from './config.js';
import { errorCodeOf, readGoogleError } from './failures.js';
import { AccessTokens, type ClientOptions } from './oauth.js';
import {
  AddOfflineUserDataJobOperationsResponse,
  CreateOfflineUserDataJobResponse,
  RunOfflineUserDataJobResponse,
  SearchGoogleAdsResponse,
  type CreateOfflineUserDataJobRequest,
  type OfflineUserDataJobOperation,
  type OfflineUserDataJobStatus,
} from './schemas.js';

export type { ClientOptions };

/** One operation Google refused inside an accepted request (partial failure): its index in that request and why. */
export interface OperationFailure {
  index: number;
  reason: string;
}

export interface JobState {
  status: OfflineUserDataJobStatus;
  failureReason?: string;
}

export class CustomerMatchClient {
  private readonly http: VendorClient;
  private readonly tokens: AccessTokens;

  constructor(
    scope: string,
    private readonly settings: GoogleCustomerMatchSettings,
    private readonly secrets: GoogleCustomerMatchSecrets,
    options: ClientOptions = {},
  ) {
    this.http = createVendorClient({ vendor: 'Google Ads', baseURL: settings.apiBaseUrl.replace(/\/+$/, ''), ...options });
    this.http.axios.interceptors.response.use(readGoogleError);
    this.tokens = new AccessTokens(scope, settings, secrets, options);
  }

  userList(audienceId: string): string {
    return `customers/${this.settings.customerId}/userLists/${audienceId}`;
  }

  /** A new job for one user list. Adds carry the consent Google requires; removes need none. */
  async createJob(audienceId: string, purpose: 'add' | 'remove'): Promise<string> {
    const body: CreateOfflineUserDataJobRequest = {
      job: {
        type: 'CUSTOMER_MATCH_USER_LIST',
        customerMatchUserListMetadata: {
          userList: this.userList(audienceId),
          // Only people who granted the advertising purpose are ever added: that consent covers sending their data to
          // Google for ads (ad_user_data) and the personalised ads themselves (ad_personalization).
          ...(purpose === 'add' ? { consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' } } : {}),
        },
      },
    };
    const data = await this.post(`/customers/${this.settings.customerId}/offlineUserDataJobs:create`, body);
    return parsePayload(CreateOfflineUserDataJobResponse, data, 'Google Ads offlineUserDataJobs:create response').resourceName;
  }

  /** Adds operations to a pending job with partial failure on: the operations Google refused, by index. */
  async addOperations(job: string, operations: OfflineUserDataJobOperation[]): Promise<OperationFailure[]> {
    const data = await this.post(`/${job}:addOperations`, { operations, enablePartialFailure: true });
    const body = parsePayload(AddOfflineUserDataJobOperationsResponse, data ?? {}, 'Google Ads addOperations response');
    const failures: OperationFailure[] = [];
    for (const detail of body.partialFailureError?.details ?? []) {
      for (const error of detail.errors ?? []) {
        const index = error.location?.fieldPathElements?.find((e) => e.fieldName === 'operations')?.index;
        if (index === undefined) continue;
        failures.push({ index, reason: `${errorCodeOf(error)}${error.message ? `: ${error.message}` : ''}` });
      }
    }
    return failures;
  }

  /** Starts processing; Google answers with a long-running operation and processes the job in its own time. */
  async run(job: string): Promise<void> {
    const data = await this.post(`/${job}:run`, {});
    parsePayload(RunOfflineUserDataJobResponse, data, 'Google Ads offlineUserDataJobs:run response');
  }

  /** The job's status, read as Google documents it: a GoogleAdsService search on offline_user_data_job. */
  async jobState(job: string): Promise<JobState> {
    const query = [
      'SELECT offline_user_data_job.resource_name, offline_user_data_job.status, offline_user_data_job.failure_reason',
      'FROM offline_user_data_job',
      `WHERE offline_user_data_job.resource_name = '${job}'`,
      'LIMIT 1',
    ].join(' ');
    const data = await this.post(`/customers/${this.settings.customerId}/googleAds:search`, { query });
    const row = parsePayload(SearchGoogleAdsResponse, data, 'Google Ads search response').results?.[0]?.offlineUserDataJob;
    if (!row) throw new VendorRejected(`Google Ads does not know the job ${job}`, 404);
    return { status: row.status, ...(row.failureReason !== undefined ? { failureReason: row.failureReason } : {}) };
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const send = async (token: string) =>
      (
        await this.http.request<unknown>({
          method: 'POST',
          url: `/${this.settings.apiVersion}${path}`,
          data: body,
          headers: {
            authorization: `Bearer ${token}`,
            'developer-token': this.secrets.developerToken,
            ...(this.settings.loginCustomerId ? { 'login-customer-id': this.settings.loginCustomerId } : {}),
            'content-type': 'application/json',
            accept: 'application/json',
          },
        })
      ).data;
    try {
      return await send(await this.tokens.token());
    } catch (error) {
      // An access token Google no longer takes (expired early, revoked): one more try with a fresh one.
      if (error instanceof VendorRejected && error.status === 401) return send(await this.tokens.renew());
      throw error;
    }
  }
}
