# syntax=docker/dockerfile:1
# The worker and the API, from one recipe: `docker build --target worker .` or `--target api .`
# (docker-compose.yml builds both). The `build` stage compiles the TypeScript to plain JavaScript (`npm run build`:
# dist/); the images hold that JavaScript and the production dependencies, and run it with node: no tsx, no
# TypeScript, no sources.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The workspace package's manifest: npm links it into node_modules and installs its dependencies.
COPY packages/states-language/package.json ./packages/states-language/
# Production dependencies only, as the lock file has them. `npm install`, not `npm ci`: this npm's lock files
# lack some platform packages, which ci refuses. No install scripts: every package works without them.
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/states-language/package.json ./packages/states-language/
# Every dependency, the compiler with them; no install scripts (`prepare` would build before the sources are here).
RUN npm install --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh ./scripts/
COPY packages/states-language/tsconfig.json ./packages/states-language/
COPY packages/states-language/src ./packages/states-language/src
COPY lib ./lib
COPY activities ./activities
COPY storage ./storage
COPY workflows ./workflows
COPY worker ./worker
COPY api ./api
COPY cli ./cli
RUN npm run build

FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The States Language runtime, compiled: node_modules/states-language-temporal links here.
COPY --from=build /app/packages/states-language/package.json ./packages/states-language/
COPY --from=build /app/packages/states-language/dist ./packages/states-language/dist
# The compiled package.json beside dist/api/ (the API's OpenAPI document reads its version).
COPY --from=build /app/dist/package.json ./dist/
COPY --from=build /app/dist/lib ./dist/lib
COPY --from=build /app/dist/activities ./dist/activities
COPY --from=build /app/dist/storage ./dist/storage
COPY --from=build /app/dist/workflows ./dist/workflows
# The only writable place: the outbox (and a local draw folder) when no provider or bucket is configured.
RUN mkdir -p /data && chown node:node /data
ENV SANTA_DATA_DIR=/data SANTA_OUTBOX_DIR=/data/outbox
USER node

FROM base AS worker
# The worker bundles dist/workflows/ (compiled) for its workflow sandbox when it starts.
COPY --from=build /app/dist/worker ./dist/worker
# Healthy while this container's worker polls its task queue.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 CMD ["node", "dist/worker/healthcheck.js"]
# On SIGTERM the SDK stops polling and lets running tasks finish.
STOPSIGNAL SIGTERM
CMD ["node", "dist/worker/main.js"]

FROM base AS api
# dist/api/ holds the page's static files too (api/public/, copied by the build).
COPY --from=build /app/dist/api ./dist/api
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
# GET /health answers 200 once Temporal is reachable.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/main.js"]
