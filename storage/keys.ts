/** A path segment that cannot escape its parent ('/' and a leading '.' are encoded). */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/^\./, '%2E');
}
