/** Edd Mann's original wording, fixed by the contract. */
export const EMAIL_SUBJECT = 'Who are you Secret Santa for?';

export function secretSantaMessage(name: string, recipient: string): string {
  return `Hey ${name}, you're Secret Santa for ${recipient} this year!`;
}
