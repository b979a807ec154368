// The failures a command reports to the user, as opposed to bugs (which keep their stack trace).

/** A failure the user can act on: printed without a stack trace, exit code 1 (2 for usage). */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
