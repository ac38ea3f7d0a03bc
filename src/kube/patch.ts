// JSON merge patches (RFC 7386): computing the smallest patch between two values,
// and applying one locally (for the client-side dry run). Pure.
// Hand-written: client-node has only the patch content types, and the packages for these
// (json-merge-patch, fast-json-patch) are unmaintained for years; we need a merge-patch
// diff, three JSON patch operations and an approximation of server-side apply.

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The merge patch that turns `from` into `to`; undefined when they are equal. */
export function mergePatchBetween(from: Json, to: Json): Json | undefined {
  if (isObject(from) && isObject(to)) {
    const patch: Record<string, Json> = {};
    for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
    for (const [key, value] of Object.entries(to)) {
      const sub = key in from ? mergePatchBetween(from[key], value) : value;
      if (sub !== undefined) patch[key] = sub;
    }
    return Object.keys(patch).length > 0 ? patch : undefined;
  }
  return JSON.stringify(from) === JSON.stringify(to) ? undefined : to;
}

/** Applies a merge patch to a value, returning a new value. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * What server-side apply of `desired` onto `live` roughly yields when we own every field
 * we set: our fields replace theirs, others' fields stay. Lists are replaced as a whole,
 * except ownerReferences, which merge by uid. Used only for `--dry-run=client`.
 */
export function applyLocally(live: Json, desired: Json): Json {
  if (!isObject(live) || !isObject(desired)) return desired;
  const result: Record<string, Json> = { ...live };
  for (const [key, value] of Object.entries(desired)) {
    if (key === 'ownerReferences' && Array.isArray(value) && Array.isArray(live[key])) {
      const mine = new Set(value.map((r) => (r as { uid: string }).uid));
      result[key] = [...(live[key] as Json[]).filter((r) => !mine.has((r as { uid: string }).uid)), ...value];
    } else {
      result[key] = applyLocally(live[key], value);
    }
  }
  return result;
}

export type JsonPatchOp = { op: 'test' | 'add'; path: string; value: Json } | { op: 'remove'; path: string };

/** Applies `test`, `add` and `remove` operations (RFC 6902) locally; throws when a test fails or a removed key is missing. */
export function applyJsonPatch(target: Json, ops: readonly JsonPatchOp[]): Json {
  const result = structuredClone(target) as Record<string, Json>;
  for (const operation of ops) {
    const { op, path } = operation;
    const value = 'value' in operation ? operation.value : undefined;
    const keys = path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent: Record<string, Json> = result;
    for (const k of keys) parent = parent?.[k] as Record<string, Json>;
    if (parent === undefined || parent === null) throw new Error(`path ${path} does not exist`);
    if (op === 'test' && JSON.stringify(parent[last]) !== JSON.stringify(value)) throw new Error(`test failed at ${path}`);
    if (op === 'add') parent[last] = value;
    if (op === 'remove') {
      if (!(last in parent)) throw new Error(`path ${path} does not exist`);
      delete parent[last];
    }
  }
  return result;
}
