# dynzone container: Node 20 on Debian; state in /var/lib/dynzone, config in /etc/dynzone.
# Its two build lines (`npm ci && npm pack`, `npm install -g …`) are the README's install
# commands (Deployment: Installing); test/e2e/install.test.ts runs those and checks that they
# stand here unchanged. No Docker engine runs in the tests: this file itself is never built there.
FROM node:20-bookworm-slim AS build
WORKDIR /src
# Compilers: better-sqlite3 builds from source when its prebuilt binary cannot be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json README.md ./
COPY scripts ./scripts
COPY src ./src
COPY bin ./bin
RUN npm ci && npm pack
RUN npm install -g --allow-scripts=argon2,better-sqlite3 ./dynzone-*.tgz

FROM node:20-bookworm-slim
COPY --from=build /usr/local/lib/node_modules/dynzone /usr/local/lib/node_modules/dynzone
RUN ln -s ../lib/node_modules/dynzone/bin/dynzone.js /usr/local/bin/dynzone \
    && useradd --system --home /var/lib/dynzone dynzone && mkdir -p /var/lib/dynzone /etc/dynzone \
    && chown dynzone:dynzone /var/lib/dynzone
USER dynzone
WORKDIR /var/lib/dynzone
ENV DYNZONE_DATA_DIR=/var/lib/dynzone
EXPOSE 8245/tcp 5353/udp 5353/tcp
VOLUME ["/var/lib/dynzone"]
ENTRYPOINT ["dynzone"]
CMD ["serve", "--http-listen", "0.0.0.0", "--dns-listen", "0.0.0.0"]
