# dynzone container: Node 20 on Debian; state in /var/lib/dynzone, config in /etc/dynzone.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
RUN useradd --system --home /var/lib/dynzone dynzone && mkdir -p /var/lib/dynzone /etc/dynzone \
    && chown dynzone:dynzone /var/lib/dynzone
USER dynzone
ENV DYNZONE_DATA_DIR=/var/lib/dynzone
EXPOSE 8245/tcp 5353/udp 5353/tcp
VOLUME ["/var/lib/dynzone"]
ENTRYPOINT ["node", "/app/bin/dynzone.js"]
CMD ["serve", "--http-listen", "0.0.0.0", "--dns-listen", "0.0.0.0"]
