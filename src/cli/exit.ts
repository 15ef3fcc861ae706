import { InputError, InternalError, UsageError } from '../model/errors.js';
import type { Io } from './io.js';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** The one place where an error becomes a line on stderr and an exit status. */
export function reportError(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.stderr(`kreview: ${error.message}\n`);
  } else if (error instanceof InputError) {
    const where = error.input ? `${error.input}${error.patchLine ? `:${error.patchLine}` : ''}: ` : '';
    io.stderr(`kreview: ${where}${error.message}\n`);
  } else if (error instanceof InternalError) {
    io.stderr(`kreview: internal error: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`kreview: internal error: ${message}\n`);
  }
  return EXIT_ERROR;
}
