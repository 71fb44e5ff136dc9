/** What an exchange's messages say. The giver's own name and link only: never who their Santa is, until the reveal. */
import { secretSantaMessage } from '../message';

export interface ExchangeSettings {
  title: string;
  budget?: string;
  drawAt: number;
  giftDay: number;
  reveal: boolean;
}

export interface Message {
  subject: string;
  text: string;
}

/** A date as people read it, in UTC (the page says so too). */
export function showDate(ms: number): string {
  return `${new Date(ms).toLocaleString('en-GB', { timeZone: 'UTC', dateStyle: 'full', timeStyle: 'short' })} UTC`;
}

const budgetLine = (settings: ExchangeSettings) => (settings.budget ? ` The budget is ${settings.budget}.` : '');
const quoted = (text: string) =>
  text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
const wishlistOf = (recipient: string, wishlist: string) =>
  wishlist.trim() === '' ? `${recipient} has not written a wishlist yet.` : `${recipient}'s wishlist:\n${quoted(wishlist)}`;

export function invitation(name: string, settings: ExchangeSettings, link: string): Message {
  return {
    subject: `You're invited: ${settings.title}`,
    text:
      `Hey ${name}, you're in the Secret Santa "${settings.title}"!${budgetLine(settings)}\n` +
      `Names are drawn on ${showDate(settings.drawAt)}; gift day is ${showDate(settings.giftDay)}.\n` +
      `Write your wishlist on your own page (keep this link to yourself): ${link}`,
  };
}

/** Edd Mann's sentence first, as every draw message starts. */
export function drawn(name: string, recipient: string, wishlist: string, settings: ExchangeSettings, link: string): Message {
  return {
    subject: `${settings.title}: who are you Secret Santa for?`,
    text:
      `${secretSantaMessage(name, recipient)}${budgetLine(settings)}\n${wishlistOf(recipient, wishlist)}\n` +
      `Ask them a question, anonymously, on your page: ${link}`,
  };
}

export function wishlistChanged(santa: string, recipient: string, wishlist: string, settings: ExchangeSettings, link: string): Message {
  return {
    subject: `${settings.title}: ${recipient} changed their wishlist`,
    text: `Hey ${santa}, ${recipient} changed their wishlist.\n${wishlistOf(recipient, wishlist)}\nYour page: ${link}`,
  };
}

export function asked(giftee: string, question: string, settings: ExchangeSettings, link: string): Message {
  return {
    subject: `${settings.title}: your Secret Santa asks you something`,
    text:
      `Hey ${giftee}, your Secret Santa asks:\n${quoted(question)}\n` +
      `Answer on your page (they will not learn anything else about you from it): ${link}`,
  };
}

export function answered(santa: string, recipient: string, answer: string, settings: ExchangeSettings, link: string): Message {
  return {
    subject: `${settings.title}: ${recipient} answered`,
    text: `Hey ${santa}, ${recipient} answered your question:\n${quoted(answer)}\nYour page: ${link}`,
  };
}

export function reminder(name: string, recipient: string, wishlist: string, settings: ExchangeSettings, link: string): Message {
  return {
    subject: `${settings.title}: gift day is coming`,
    text:
      `Hey ${name}, a reminder: gift day is ${showDate(settings.giftDay)}, and you're Secret Santa for ${recipient}.` +
      `${budgetLine(settings)}\n${wishlistOf(recipient, wishlist)}\nYour page: ${link}`,
  };
}

export function reveal(name: string, santa: string, settings: ExchangeSettings): Message {
  return {
    subject: `${settings.title}: who was your Secret Santa?`,
    text: `Hey ${name}, happy gift day! ${santa} was your Secret Santa.`,
  };
}
