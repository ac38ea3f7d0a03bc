// The HTTP status of an error the API server answered with, whichever client raised it
// (ours or client-node's), so the runtime decides on statuses without knowing the client.
export function statusOf(error: unknown): number | undefined {
  const e = error as { status?: number; statusCode?: number; code?: unknown } | undefined;
  return e?.status ?? e?.statusCode ?? (typeof e?.code === 'number' ? e.code : undefined);
}
