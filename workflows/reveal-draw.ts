import type { RevealDrawInput } from '../activities/reveal-draw';
import { steps } from './activity-proxies';

/**
 * A participant's page asks for their own draw: the answer is sealed for the holder of their link, so this history
 * keeps only the link's id and ciphertext.
 */
export async function revealDraw(input: RevealDrawInput) {
  return steps.revealDraw(input);
}
