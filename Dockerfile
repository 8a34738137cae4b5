# sqs-emulator: a local Amazon SQS (AWS JSON 1.0 and query/XML on one port).
#   docker build -t sqs-emulator .
#   docker run --rm -p 9324:9324 sqs-emulator
#
# The base image, node 22 LTS on Alpine, is pinned by digest so that a rebuild gets the same
# bytes: the multi-platform index of node:22-alpine as the Docker official images published it
# on 2026-09-23 (Node 22.23.3, Alpine 3.24.2; see docker-library/repo-info,
# repos/node/remote/22-alpine.md). To move to a newer one (security fixes), look the tag's
# digest up and replace it here, or pass it for one build:
#   docker buildx imagetools inspect node:22-alpine        # the "Digest:" line
#   docker build --build-arg NODE_IMAGE=node:22-alpine@sha256:<digest> -t sqs-emulator .
ARG NODE_IMAGE=node:22-alpine@sha256:0a7108bf6c7bf5de370ffb1a3ed6be93d405b43ff159f681a8d18c0e2bc2e402

# --- build: full install (TypeScript, esbuild), compile to dist/ and bundle dist/cli.js ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` script builds, and src/ is not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled code only ---
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
# curl: the health check below uses it (a few milliseconds, where a node process would take
# tens and ~40 MB), and so do health checks written for LocalStack
# (`curl -f http://localhost:4566/_localstack/health`), which work as they are.
# /data belongs to `node` (uid 1000). A bind mount (`-v $PWD/data:/data`) keeps the host
# directory's owner instead: it must be writable by uid 1000, or run with --user.
RUN apk add --no-cache curl && mkdir -p /data && chown node:node /data
USER node
ENV SQS_EMULATOR_HOST=0.0.0.0
EXPOSE 9324
VOLUME /data
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SQS_EMULATOR_PORT:-9324}/health" || exit 1
# node is PID 1 and handles SIGTERM/SIGINT itself: `docker stop` answers waiting long polls and exits 0.
CMD ["node", "dist/cli.js"]
