# The operator image, for people who build with a container engine. Releases use the
# archive of `npm run image` instead (no engine needed, reproducible; see docs/image.md).
# Both are the same image: this build runs that very script to assemble the root
# filesystem, and the final stage is that filesystem alone, with the same user,
# environment and entrypoint as the script's image config.
#   docker build --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) -t kubectl-oda-api .

FROM node:24-bookworm AS build
# The script takes the C libraries, dash and CA certificates from Debian with apt-get download.
RUN apt-get update -qq
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG REVISION=unknown
ARG SOURCE_DATE_EPOCH=0
RUN ODA_API_IMAGE_REVISION=$REVISION SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH node scripts/image/build.mjs --rootfs /rootfs

FROM scratch
COPY --from=build /rootfs /
COPY --from=build --chown=65532:65532 /rootfs/home/nonroot /home/nonroot
ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_ENV=production
# As scripts/image/node-options.mjs says.
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=2"
WORKDIR /app
# Numeric, so Kubernetes can check runAsNonRoot.
USER 65532:65532
ENTRYPOINT ["kubectl-oda_api"]
CMD ["watch"]
