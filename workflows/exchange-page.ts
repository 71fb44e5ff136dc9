import { steps } from './activity-proxies';

/**
 * A participant's page asks for their own content (wishlists, recipient, questions): the answer is sealed for the
 * holder of their link, so this history keeps the link's id and ciphertext only, and the exchange's own history no
 * page view at all.
 */
export async function exchangePage(input: { exchangeId: string; linkId: string }) {
  return steps.readExchangePage(input);
}
