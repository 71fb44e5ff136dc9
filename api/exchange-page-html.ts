/** The participant's page of an exchange, rendered on the server: plain forms, no script, readable on a phone. */
import type { ExchangePageView, ThreadEntry } from '../activities/exchange-types';
import { MAX_MESSAGE_CHARS, MAX_WISHLIST_CHARS } from '../lib/exchange/limits';
import { showDate } from '../lib/exchange/messages';
import type { ExchangeStatus } from '../workflows/exchange';

export const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Text as written, line breaks kept. */
const paragraph = (text: string) => escape(text).replace(/\n/g, '<br>');

export function document(body: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Your Secret Santa</title><link rel="stylesheet" href="/exchange.css"></head>' +
    `<body><main>${body}</main></body></html>`
  );
}

export const NOT_VALID =
  '<h1>This link is not valid</h1><p class="error" id="invalid">It shows nothing: it may have been mistyped, cut short or changed. ' +
  'Open the link exactly as your invitation gave it.</p>';

const NOTICES: Record<string, string> = {
  wishlist: 'Your wishlist is saved.',
  ask: 'Your question is on its way. Your giftee will not learn who asked.',
  answer: 'Your answer is on its way to your Secret Santa.',
};

function thread(entries: ThreadEntry[], mine: 'santa' | 'giftee', other: string): string {
  if (entries.length === 0) return '';
  const items = entries
    .map(
      (e) =>
        `<li class="${e.from === mine ? 'mine' : 'theirs'}">` +
        `<span class="who">${e.from === mine ? 'You' : escape(other)}</span> ${paragraph(e.text)}</li>`,
    )
    .join('');
  return `<ol class="thread">${items}</ol>`;
}

function form(action: string, name: string, label: string, button: string, max: number, value = '', required = true): string {
  return (
    `<form method="post" action="${escape(action)}"><label for="${name}">${label}</label>` +
    `<textarea id="${name}" name="text" rows="4" maxlength="${max}"${required ? ' required' : ''}>${escape(value)}</textarea>` +
    `<button>${button}</button></form>`
  );
}

export interface PageOptions {
  /** The page's own path, `/p/<id>/<token>`: the forms post under it. */
  path: string;
  notice?: string;
  error?: string;
}

export function exchangePage(status: ExchangeStatus, view: ExchangePageView | undefined, { path, notice, error }: PageOptions): string {
  const head =
    `<p class="eyebrow">Secret Santa</p><h1>${view ? `Hi ${escape(view.name)}` : escape(status.title)}</h1>` +
    `<p class="about"><strong id="title">${escape(status.title)}</strong>` +
    `${status.budget ? ` · budget <span id="budget">${escape(status.budget)}</span>` : ''}</p>` +
    `<dl class="dates"><dt>Names drawn</dt><dd id="draw-date">${showDate(status.drawAt)}</dd>` +
    `<dt>Gift day</dt><dd id="gift-day">${showDate(status.giftDay)}</dd></dl>`;
  if (!view) {
    const why = status.stage === 'cancelled' ? 'The organiser cancelled this exchange' : 'This exchange is over';
    return `${head}<p id="ended">${why}: its wishlists and questions have been deleted.</p>`;
  }
  const closed = status.stage === 'after-gift-day' || status.stage === 'gift-day' || status.stage === 'deleting';
  const parts = [head];
  if (error) parts.push(`<p class="error" id="error" role="alert">${escape(error)}</p>`);
  else if (notice && NOTICES[notice]) parts.push(`<p class="notice" id="notice" role="status">${NOTICES[notice]}</p>`);

  if (view.santa)
    parts.push(
      '<section id="reveal"><h2>Happy gift day!</h2>' +
        `<p><strong id="santa">${escape(view.santa)}</strong> was your Secret Santa.</p></section>`,
    );

  const recipient = view.recipient;
  if (!recipient) {
    parts.push(
      '<section id="giving"><h2>Whom you give to</h2>' +
        `<p>The names are drawn on ${showDate(status.drawAt)}. You will get a message, and see it here.</p></section>`,
    );
  } else {
    const wishlist = recipient.wishlist
      ? `<blockquote id="recipient-wishlist">${paragraph(recipient.wishlist)}</blockquote>`
      : `<p id="recipient-wishlist" class="quiet">${escape(recipient.name)} has not written a wishlist yet.</p>`;
    parts.push(
      `<section id="giving"><h2>You give to</h2><p class="recipient"><strong id="recipient">${escape(recipient.name)}</strong></p>` +
        `<h3>Their wishlist</h3>${wishlist}` +
        `<h3>Ask ${escape(recipient.name)} a question</h3><p class="quiet">They will not learn who asks.</p>` +
        thread(view.toGiftee, 'santa', recipient.name) +
        (closed ? '' : form(`${path}/ask`, 'question', 'Your question', 'Ask anonymously', MAX_MESSAGE_CHARS)) +
        '</section>',
    );
  }

  parts.push(
    `<section id="wishlist"><h2>Your wishlist</h2>` +
      (closed
        ? view.wishlist
          ? `<blockquote>${paragraph(view.wishlist)}</blockquote>`
          : '<p class="quiet">You did not write one.</p>'
        : '<p class="quiet">Your Secret Santa sees it, and is told when it changes.</p>' +
          form(`${path}/wishlist`, 'wishlist-text', 'What would you like?', 'Save wishlist', MAX_WISHLIST_CHARS, view.wishlist, false)) +
      '</section>',
  );

  if (recipient) {
    const asked = view.fromSanta.some((e) => e.from === 'santa');
    parts.push(
      `<section id="from-santa"><h2>Questions from your Secret Santa</h2>` +
        (asked ? thread(view.fromSanta, 'giftee', 'Your Secret Santa') : '<p class="quiet">No questions yet.</p>') +
        (asked && !closed ? form(`${path}/answer`, 'answer', 'Your answer', 'Send answer', MAX_MESSAGE_CHARS) : '') +
        '</section>',
    );
  }
  parts.push(
    '<p class="quiet small">Only you can see this page: keep its link to yourself. No account is needed; the link is your key.</p>',
  );
  return parts.join('');
}
