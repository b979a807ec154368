// A local stand-in for the Selligent list-data API (Portal/Api): data/load, data/search, engagement, data delete,
// with the key:secret header, documented answer shapes and injected 429/500 faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { SelligentSettings, type SelligentSecrets } from './config.js';
import { SearchDataRequest } from './schemas.js';

type Row = Record<string, string>;
type Engagement = Record<string, string | number>;

export interface SampleList {
  records: Row[];
  engagement: Map<number, Engagement>;
}

/** A list of `size` members (ids 1…size); most have delivery, some view and click dates, every fourth none. */
export function generateSampleList(size: number): SampleList {
  const records: Row[] = [];
  const engagement = new Map<number, Engagement>();
  for (let id = 1; id <= size; id++) {
    records.push({ ID: String(id), MAIL: `member${id}@example.com` });
    if (id % 4 === 0) continue;
    const day = String((id % 28) + 1).padStart(2, '0');
    const record: Engagement = { ID: id, USERID: id, SENT: 3, DELIVERED: 3, DELIVERED_LASTDT: `2026-02-${day}T09:00:00.01` };
    if (id % 2 === 1) Object.assign(record, { VIEWED: 1, VIEWED_LASTDT: `2026-02-${day}T10:15:00` });
    if (id % 3 === 0) Object.assign(record, { CLICKED: 1, CLICKED_LASTDT: `2026-02-${day}T10:16:30.5` });
    engagement.set(id, record);
  }
  return { records, engagement };
}

/** Events a full poll of the sample list yields: one per last-date present. */
export function expectedEngagementEvents(list: SampleList): number {
  let count = 0;
  for (const record of list.engagement.values())
    for (const key of ['DELIVERED_LASTDT', 'VIEWED_LASTDT', 'CLICKED_LASTDT']) if (record[key]) count++;
  return count;
}

export interface SelligentSimulator extends SimulatedVendor<SelligentSettings, SelligentSecrets> {
  secrets: SelligentSecrets;
  rows(): Row[];
  /** data/load calls that got past faults and auth: their `fields` parameter and row count. */
  loads(): { fields: string; rows: number }[];
  searches(): SearchDataRequest[];
}

export interface SelligentSimulatorOptions {
  faults?: SimulatorFaults;
  list?: SampleList;
  /** Largest value a field takes, to exercise documented per-row validation (MaxStringLengthExceeded). */
  maxFieldLength?: number;
  settings?: Partial<Record<'keyField' | 'idField' | 'optoutField', string>> & { fieldMap?: Record<string, string>; pageSize?: number };
}

const PREFIX = '/Portal/Api';
const ORG = 'syncline-sim';
const LIST = 'MEMBERS';

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  sendJson(res, status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });

const invalid = (message: string) => ({
  result_code: 'ValidationFailed',
  message,
  errors: [{ error_code: 'ERR_VALIDATION', description: message }],
});

export async function startSelligentSimulator(options: SelligentSimulatorOptions = {}): Promise<SelligentSimulator> {
  const secrets: SelligentSecrets = { apiKey: 'sim-key', apiSecret: 'sim-secret' };
  const keyField = options.settings?.keyField ?? 'MAIL';
  const idField = options.settings?.idField ?? 'ID';
  const maxLength = options.maxFieldLength ?? 255;
  let nextId = 1;
  const store = new Map<number, Row>();
  for (const row of options.list?.records ?? []) {
    const id = Number(row[idField]);
    store.set(id, { ...row });
    nextId = Math.max(nextId, id + 1);
  }
  const engagement = options.list?.engagement ?? new Map<number, Engagement>();
  const received: string[] = [];
  const loads: { fields: string; rows: number }[] = [];
  const searches: SearchDataRequest[] = [];
  const byKey = (value: string) => [...store.entries()].find(([, row]) => row[keyField] === value);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.headers['x-apikey'] !== `${secrets.apiKey}:${secrets.apiSecret}`)
      return send(res, 401, { Message: 'Authorization has been denied for this request.' });
    const url = new URL(req.url ?? '/', 'http://x');
    const route = /^\/Portal\/Api\/organizations\/([^/]+)\/lists\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!route || route[1] !== ORG || route[2] !== LIST) return send(res, 404, invalid('List not found'));
    const rest = route[3]!;
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      return send(res, 400, invalid('Invalid JSON'));
    }

    if (rest === 'data/load' && req.method === 'POST') {
      const fields = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
      if (url.searchParams.get('keyFields') !== keyField || !fields.includes(keyField))
        return send(res, 400, invalid('keyFields must name the key field and be among fields'));
      if (!Array.isArray(body)) return send(res, 400, invalid('Body must be an array of records'));
      loads.push({ fields: fields.join(','), rows: body.length });
      const answer = {
        errors: null,
        result_code: 'Succeeded',
        number_of_inserted_records: 0,
        number_of_failed_records: 0,
        number_of_updated_records: 0,
        number_of_duplicate_records: 0,
        number_of_records_not_found: 0,
        invalid_records: [] as unknown[],
        number_of_deleted_records: 0,
      };
      body.forEach((record: unknown, index: number) => {
        if (!Array.isArray(record) || record.length !== fields.length) {
          answer.invalid_records.push({
            record_index: index,
            field_name: null,
            message: 'Record contains incorrect number of fields',
            validation_code: 'InvalidFieldCount',
          });
          return;
        }
        const values = Object.fromEntries(fields.map((f, i) => [f, String(record[i] ?? '')]));
        const tooLong = fields.find((f) => (values[f] ?? '').length > maxLength);
        if (tooLong) {
          answer.invalid_records.push({
            record_index: index,
            field_name: tooLong,
            message: `Length of string (${values[tooLong]!.length}) exceeds maximum field length (${maxLength})`,
            validation_code: 'MaxStringLengthExceeded',
          });
          return;
        }
        const existing = byKey(values[keyField]!);
        if (existing) {
          Object.assign(existing[1], values);
          answer.number_of_updated_records++;
        } else {
          const id = nextId++;
          store.set(id, { [idField]: String(id), ...values });
          answer.number_of_inserted_records++;
        }
        received.push(values[keyField]!);
      });
      answer.number_of_failed_records = answer.invalid_records.length;
      if (answer.invalid_records.length > 0)
        answer.result_code = answer.invalid_records.length === body.length ? 'Failed' : 'PartiallySucceeded';
      return send(res, 200, answer);
    }

    if (rest === 'data' && req.method === 'DELETE') {
      if (url.searchParams.get('keyFields') !== keyField || !Array.isArray(body))
        return send(res, 400, invalid('keyFields and an array body are required'));
      let deleted = 0;
      let notFound = 0;
      for (const record of body as unknown[][]) {
        const hit = byKey(String(record[0] ?? ''));
        if (hit) {
          store.delete(hit[0]);
          deleted++;
        } else notFound++;
      }
      return send(res, 200, {
        errors: null,
        result_code: 'Succeeded',
        number_of_deleted_records: deleted,
        number_of_duplicate_records: 0,
        number_of_failed_records: 0,
        number_of_records_not_found: notFound,
        invalid_records: [],
      });
    }

    if (rest === 'data/search' && req.method === 'POST') {
      const parsed = SearchDataRequest.safeParse(body);
      if (!parsed.success) return send(res, 400, invalid('Invalid search request'));
      const search = parsed.data;
      searches.push(search);
      let rows = [...store.values()];
      for (const filter of search.filters ?? []) {
        if (filter.operator !== 'GreaterThan') return send(res, 400, invalid(`Operator ${filter.operator} is not simulated`));
        rows = rows.filter((r) => Number(r[filter.field_name]) > Number(filter.field_value));
      }
      if (search.order_by) rows.sort((a, b) => Number(a[search.order_by!]) - Number(b[search.order_by!]) || 0);
      const page = rows.slice(search.skip ?? 0, (search.skip ?? 0) + Math.min(search.take ?? 100, 1000));
      const data = page.map((r) => search.fields.map((f) => (f === idField ? Number(r[f]) : (r[f] ?? null))));
      return send(res, 200, { fields: search.fields, data, result_code: 'Succeeded', errors: [] });
    }

    const engagementRoute = /^engagement\/Email\/data\/(\d+)$/.exec(rest);
    if (engagementRoute && req.method === 'GET') {
      const id = Number(engagementRoute[1]);
      if (!store.has(id)) return send(res, 400, invalid('Master list record does not exist'));
      const record = engagement.get(id);
      return send(res, 200, record ? { record } : {});
    }
    return send(res, 404, invalid('Not found'));
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) => send(res, 429, { result_code: 'Failed', message: 'Too many requests' }, { 'retry-after': '0' }),
    failed: (_req, res) => send(res, 500, { result_code: 'InternalServerError', message: 'An error has occurred.' }),
    crashed: (res) => send(res, 500, { result_code: 'InternalServerError' }),
  });

  return {
    settings: SelligentSettings.parse({
      apiBaseUrl: `${server.origin}${PREFIX}`,
      organization: ORG,
      list: LIST,
      keyField,
      idField,
      ...options.settings,
    }),
    secrets,
    received: () => [...received],
    requests: server.requests,
    rows: () => [...store.values()].map((r) => ({ ...r })),
    loads: () => [...loads],
    searches: () => [...searches],
    stop: server.stop,
  };
}
