/** Edd Mann's original wording, fixed by the contract. */
export const EMAIL_SUBJECT = 'Who are you Secret Santa for?';

/** The message a giver gets; with their personal link, where they can see it again or have it sent again. */
export function secretSantaMessage(name: string, recipient: string, link?: string): string {
  const text = `Hey ${name}, you're Secret Santa for ${recipient} this year!`;
  return link ? `${text}\nSee it again, or have it sent again, at ${link}` : text;
}

/** A participant's personal link: the run, and a secret only they were sent. */
export function personalLink(publicUrl: string, runId: string, token: string): string {
  return `${publicUrl}/p/${encodeURIComponent(runId)}/${token}`;
}
