// The errors the lite clients throw (aws/lite/): shaped as the SDK's service exceptions (`name` is the error code,
// `$fault`, `$metadata`, the error's own members such as `CancellationReasons` or `Item`), so code written against the
// SDK reads them the same way. `instanceof` on a named class matches by name, which is how the SDK itself tells its
// exceptions apart across copies of a client package.

export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
  totalRetryDelay: number;
}

export class ServiceException extends Error {
  $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
  /** Members of the error structure the service sent besides its message (e.g. CancellationReasons). */
  [member: string]: unknown;

  constructor(
    name: string,
    message: string,
    fault: 'client' | 'server',
    metadata: ResponseMetadata,
    members: Record<string, unknown> = {},
  ) {
    super(message);
    Object.assign(this, members);
    this.name = name;
    this.$fault = fault;
    this.$metadata = metadata;
  }
}

/** A ServiceException class that `instanceof` recognises by the error's name. */
export function namedException(name: string): typeof ServiceException {
  return class extends ServiceException {
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof Error && value.name === name;
    }
  };
}
