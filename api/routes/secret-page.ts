import type { FastifyReply } from 'fastify';

/**
 * Sends a page that holds a participant's secret: no cache keeps it, no other site learns its address
 * or frames it, no script runs on it.
 */
export function sendSecretPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .header('content-security-policy', "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'")
    .send(html);
}
