// One place that turns any failure into a one-line message and an exit code. User
// errors (bad flags, unreachable cluster, bad credentials, missing CRD, forbidden, a health
// address that cannot be used) never show a stack;
// set ODA_API_DEBUG=1 to see one for anything else.
import { Errors } from '@oclif/core';
import { ApiError, ConnectionError } from '../kube/client.js';
import { MissingCrdError } from '../kube/discovery.js';
import { LeaseForbiddenError } from '../runtime/leader.js';
import { HealthAddressError } from '../runtime/health.js';
import { DiffProgramError } from '../output/diff.js';

/** Exit code for usage errors, an unreachable cluster and a missing CRD (as kubectl uses 1, diff >1). */
export const EXIT_USAGE = 2;

/** A problem the user can fix, with the exit code to leave with. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_USAGE,
  ) {
    super(message);
  }
}

export function describeFailure(err: unknown): { message: string; exitCode: number; stack?: string } {
  if (err instanceof UserError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof ConnectionError || err instanceof MissingCrdError || err instanceof LeaseForbiddenError || err instanceof HealthAddressError || err instanceof DiffProgramError) {
    return { message: err.message, exitCode: EXIT_USAGE };
  }
  if (err instanceof ApiError) {
    const what = err.status === 403 ? 'forbidden' : `${err.status} ${err.reason}`;
    return { message: `${what}: ${err.message}`, exitCode: EXIT_USAGE };
  }
  if (err instanceof Errors.CLIError) {
    // oclif's parse errors span lines ("Parsing --x", then why) and end with a "See more help" hint.
    const lines = err.message.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('See more help'));
    return { message: lines.join(' ').replace(/^Parsing (\S+) /, 'Parsing $1: '), exitCode: EXIT_USAGE };
  }
  const e = err as Error;
  return { message: `unexpected error: ${e?.message ?? String(err)}`, exitCode: 70, stack: e?.stack };
}
