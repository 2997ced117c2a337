# The flashsale service on Node 20 LTS, the version CI tests (.github/workflows/ci.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm i -g pnpm@10
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json tsconfig.base.json tsconfig.json ./
COPY scripts ./scripts
COPY packages ./packages
COPY bench ./bench
RUN pnpm install --frozen-lockfile && pnpm build && pnpm prune --prod --config.ignore-scripts=true

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 8080
# Live means the process answers; readiness (Postgres, the sale's Redis slot) is for balancers:
# a container is not restarted because Redis is briefly away. The slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# V8 heap sizes for a service under load (see packages/cli/src/run/gc-flags.ts); node takes them on
# its command line only, so another --entrypoint is the way to change them.
ENTRYPOINT ["node", "--initial-old-space-size=128", "packages/cli/dist/main.js"]
CMD ["serve"]
