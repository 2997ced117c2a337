# The flashsale service on Node 24 LTS.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN npm i -g pnpm@10
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json tsconfig.base.json tsconfig.json ./
COPY scripts ./scripts
COPY packages ./packages
COPY bench ./bench
RUN pnpm install --frozen-lockfile && pnpm build && pnpm prune --prod --config.ignore-scripts=true

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 8080
ENTRYPOINT ["node", "packages/cli/dist/main.js"]
CMD ["serve"]
