import type { Payload } from '@temporalio/common';

/** Every payload in a protobuf object (a history, an event), as the server keeps it: codec-encoded if sealed. */
export function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value && typeof value === 'object') {
    const candidate = value as Payload;
    if (candidate.data instanceof Uint8Array && candidate.metadata) found.push(candidate);
    else for (const child of Object.values(value)) payloadsIn(child, found);
  }
  return found;
}
