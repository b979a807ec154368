// Failures of the core a caller can act on.

/** Someone else wrote the profile or claimed the identifier first: re-read and apply again. */
export class ConflictRetry extends Error {
  override readonly name = 'ConflictRetry';
}

/** The tenant or connector instance named in a request is not configured. */
export class UnknownInstance extends Error {
  override readonly name = 'UnknownInstance';
}
