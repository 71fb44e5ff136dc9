import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const PUBLIC_DIR = join(__dirname, '../public');

/** The organiser's upload page and its two assets: plain files, no build step. */
const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
  '/page.css': { file: 'page.css', type: 'text/css; charset=utf-8' },
};

/** Public even with API_TOKEN set: the page holds no data, and asks for the token itself. */
export const PAGE_PATHS = Object.keys(PAGE_FILES);

export default async function rootRoutes(app: FastifyInstance) {
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    const content = readFileSync(join(PUBLIC_DIR, file));
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(type).header('cache-control', 'no-cache').send(content),
    );
  }
}
