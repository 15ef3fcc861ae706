/**
 * The error taxonomy. The core throws these; the CLI turns each into one line on stderr and exit 2.
 * Anything else that escapes is a bug in kreview and is reported as an internal error.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly input?: string,
    readonly patchLine?: number,
  ) {
    super(message);
  }
}

export class InternalError extends Error {
  override name = 'InternalError';
}
