# sqs-emulator: a local Amazon SQS (AWS JSON 1.0 and query/XML on one port).
#   docker build -t sqs-emulator .
#   docker run --rm -p 9324:9324 sqs-emulator

# --- build: full install (TypeScript) and compile to dist/ ---
FROM node:22-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` script builds, and src/ is not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled code only ---
FROM node:22-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
# curl is not used by our own health check; it is there for health checks written for
# LocalStack (`curl -f http://localhost:4566/_localstack/health`), so such compose files work as they are.
RUN apk add --no-cache curl && mkdir -p /data && chown node:node /data
USER node
ENV SQS_EMULATOR_HOST=0.0.0.0
EXPOSE 9324
VOLUME /data
# No curl in the image: node's own fetch asks /health.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SQS_EMULATOR_PORT || 9324) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM/SIGINT itself: `docker stop` answers waiting long polls and exits 0.
CMD ["node", "dist/cli.js"]
