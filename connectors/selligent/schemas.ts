// Selligent Marketing Cloud API payloads in Selligent's own words (Portal/Api swagger: Data_LoadData, Data_SearchData, …).
import * as z from 'zod';

const ResultCode = z.enum([
  'Failed',
  'Succeeded',
  'PartiallySucceeded',
  'ValidationFailed',
  'NotFound',
  'ServiceUnavailable',
  'InternalServerError',
]);
const ErrorDto = z.object({ error_code: z.string().nullish(), description: z.string().nullish() }).loose();
const Count = z.number().int().nonnegative().nullish();

export const InvalidRecord = z.object({
  record_index: z.number().int().nonnegative(),
  field_name: z.string().nullish(),
  message: z.string().nullish(),
  validation_code: z.string().nullish(),
});

/** LoadDataResponseModel. */
export const LoadDataResponse = z.object({
  errors: z.array(ErrorDto).nullish(),
  result_code: ResultCode,
  number_of_inserted_records: Count,
  number_of_failed_records: Count,
  number_of_updated_records: Count,
  number_of_duplicate_records: Count,
  number_of_records_not_found: Count,
  invalid_records: z.array(InvalidRecord).nullish(),
  number_of_deleted_records: Count,
});
export type LoadDataResponse = z.infer<typeof LoadDataResponse>;

/** DeleteDataResponseModel: the same counters without inserts and updates. */
export const DeleteDataResponse = LoadDataResponse.omit({ number_of_inserted_records: true, number_of_updated_records: true });
export type DeleteDataResponse = z.infer<typeof DeleteDataResponse>;

export const SearchOperator = z.enum([
  'EqualTo',
  'NotEqualTo',
  'GreaterThan',
  'GreaterThanOrEqualTo',
  'LessThan',
  'LessThanOrEqualTo',
  'Like',
  'IsNull',
  'IsNotNull',
  'IsEmpty',
  'IsNotEmpty',
]);

/** SearchDataRequestModel. */
export const SearchDataRequest = z.object({
  fields: z.array(z.string()).min(1),
  filters: z.array(z.object({ field_name: z.string(), operator: SearchOperator, field_value: z.string().optional() })).optional(),
  skip: z.number().int().nonnegative().optional(),
  take: z.number().int().positive().optional(),
  order_by: z.string().optional(),
  order_by_direction: z.string().optional(),
});
export type SearchDataRequest = z.infer<typeof SearchDataRequest>;

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** SearchDataResponseModel: column names once, then rows of values in that order. */
export const SearchDataResponse = z.object({
  fields: z.array(z.string()).nullish(),
  data: z.array(z.array(Cell)).nullish(),
  result_code: ResultCode.nullish(),
  errors: z.array(ErrorDto).nullish(),
});
export type SearchDataResponse = z.infer<typeof SearchDataResponse>;

const LastDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/)
  .nullish();

/** retrieve_engagement_list_record_example_response_model: counters and last dates per channel for one list record. */
export const EngagementRecord = z.object({
  record: z
    .object({
      ID: z.number().int().optional(),
      USERID: z.number().int().nullish(),
      SENT: z.number().nullish(),
      DELIVERED: z.number().nullish(),
      VIEWED: z.number().nullish(),
      CLICKED: z.number().nullish(),
      DELIVERED_LASTDT: LastDate,
      VIEWED_LASTDT: LastDate,
      CLICKED_LASTDT: LastDate,
    })
    .loose()
    .optional(),
});
export type EngagementRecord = z.infer<typeof EngagementRecord>;
