/**
 * A JSON text that two values share exactly when they are equal as JSON (jsonEquals): object keys sorted.
 * It lets "distinct" run in one pass with a Set, where comparing every pair is quadratic (30,000 values were
 * 450 million comparisons). Recursive: callers hand it values whose depth is already bounded (quotas.ts).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'null' : (JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${members.join(',')}}`;
}

/** The values of `items` without repeats (as JSON), first occurrences in order. */
export function distinctJson<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const key = canonicalJson(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}
