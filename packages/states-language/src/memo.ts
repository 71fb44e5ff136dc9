/**
 * A parse remembered by its text: definitions use the same few paths, intrinsics and expressions again and
 * again. Bounded in bytes, not entries: a compiled expression costs memory in proportion to its text (about
 * 25 bytes of JSONata syntax tree per character), and one entry may be most of a 1 MB definition. The least
 * recently used are forgotten first; a text larger than the whole bound is parsed and not kept.
 */
export interface Memo<T> {
  (text: string): T;
  /** Characters of the texts kept now. */
  readonly bytes: number;
  readonly size: number;
  clear(): void;
}

export function memoized<T>(parse: (text: string) => T, maxBytes = 2 * 1024 * 1024): Memo<T> {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  const cache = new Map<string, T>();
  let bytes = 0;
  const lookup = (text: string): T => {
    const hit = cache.get(text);
    if (hit !== undefined) {
      cache.delete(text);
      cache.set(text, hit);
      return hit;
    }
    const value = parse(text);
    if (text.length > maxBytes) return value;
    cache.set(text, value);
    bytes += text.length;
    for (const oldest of cache.keys()) {
      if (bytes <= maxBytes) break;
      cache.delete(oldest);
      bytes -= oldest.length;
    }
    return value;
  };
  return Object.defineProperties(lookup, {
    bytes: { get: () => bytes },
    size: { get: () => cache.size },
    clear: {
      value: () => {
        cache.clear();
        bytes = 0;
      },
    },
  }) as Memo<T>;
}
