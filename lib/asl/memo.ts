/** A parse remembered by its text: definitions use the same few paths, intrinsics and expressions again and again. */
export function memoized<T>(parse: (text: string) => T, max = 10_000): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = parse(text);
      if (cache.size >= max) cache.clear();
      cache.set(text, value);
    }
    return value;
  };
}
