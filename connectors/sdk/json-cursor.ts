// A poll cursor saved as JSON: opaque to the pipeline, checked against the connector's own schema when read back.
import type { z } from 'zod';
import { PayloadInvalid } from './errors.js';

export interface JsonCursor<T> {
  /** The saved cursor; undefined when none is saved yet (the first run). Throws PayloadInvalid when it cannot be read. */
  read(text: string | undefined): T | undefined;
  write(cursor: T): string;
}

/** `vendor` names the connector in the error a person sees when a cursor has to be reset. */
export function jsonCursor<T>(schema: z.ZodType<T>, vendor: string): JsonCursor<T> {
  return {
    read(text) {
      if (text === undefined || text === '') return undefined;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new PayloadInvalid(`${vendor} poll cursor is not JSON: reset the instance cursor to start over`);
      }
      const result = schema.safeParse(json);
      if (!result.success)
        throw new PayloadInvalid(`${vendor} poll cursor is not one this connector wrote: reset the instance cursor to start over`);
      return result.data;
    },
    write: (cursor) => JSON.stringify(cursor),
  };
}
