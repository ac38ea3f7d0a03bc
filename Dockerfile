# The operator image: `kubectl-oda_api watch` on Node 24, run by the Deployment that
# `kubectl oda-api manifests` prints.

# Build: compile with the dev dependencies, write the oclif manifest, then drop them.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime: only what the plugin loads. Files stay owned by root, so the process cannot change them.
FROM node:24-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/oclif.manifest.json ./
# The image's `node` user (uid 1000), numeric so Kubernetes can check runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/kubectl-oda_api"]
CMD ["watch"]
