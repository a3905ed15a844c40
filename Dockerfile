# One image for every app; docker-compose picks the app by command.
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json ./
COPY scripts/webpack-proto-assets.js scripts/webpack-registry-assets.js ./scripts/
COPY proto ./proto
COPY apps ./apps
COPY libs ./libs
# The build copies proto/*.proto beside the registry, calc and gateway bundles (dist/apps/<app>/proto): the registry needs health.proto for its gRPC checks.
RUN npm run build && npm prune --omit=dev && npm cache clean --force

FROM node:20-alpine AS runtime
ENV NODE_ENV=production REGISTRY_DATA_DIR=/data
WORKDIR /app
# The registry's snapshot volume and the token's (docker-compose.yml: registry-secrets) must be writable by the unprivileged user.
RUN mkdir -p /data /secrets && chown node:node /data /secrets
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3100 3200 50051
# The registry's bundle: its main.ts calls startRegistry(), the one bootstrap `nest-discovery registry` (the bin
# of @nest-discovery/registry: npx @nest-discovery/registry registry) runs too, with the same REGISTRY_* variables.
CMD ["node", "dist/apps/registry/main.js"]
