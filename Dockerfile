# syntax=docker/dockerfile:1
# The worker and the API, from one recipe: `docker build --target worker .` or `--target api .`
# (docker-compose.yml builds both). TypeScript runs through tsx, a production dependency: nothing to compile.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, as the lock file has them. `npm install`, not `npm ci`: this npm's lock files
# lack some platform packages, which ci refuses. No install scripts: every package works without them.
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY lib ./lib
COPY activities ./activities
COPY workflows ./workflows
# The only writable place: the outbox (and a local draw folder) when no provider or bucket is configured.
RUN mkdir -p /data && chown node:node /data
ENV SANTA_DATA_DIR=/data SANTA_OUTBOX_DIR=/data/outbox
USER node

FROM base AS worker
COPY worker ./worker
# Healthy while this container's worker polls its task queue.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 CMD ["node", "--import", "tsx", "worker/healthcheck.ts"]
# On SIGTERM the SDK stops polling and lets running tasks finish.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "worker/main.ts"]

FROM base AS api
COPY api ./api
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
# GET /health answers 200 once Temporal is reachable.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "api/main.ts"]
