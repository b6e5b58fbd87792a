# tau-node container image (docs/operations.md, "Containers").
#   docker build -t tau-node .                     (BASE from a registry, or from scripts/docker/base.sh)
#   docker run -d -v tau-data:/data -p 7000:7000/udp -p 127.0.0.1:8080:8080 tau-node
# Node.js ≥ 20.19 (package.json engines); any official node:<major>-bookworm-slim works as BASE.
ARG BASE=node:20-bookworm-slim

# Build stage: production dependencies only (npm ci --omit=dev, from the lockfile); npm ci also runs
# the `prepare` build (scripts/build.mjs: esbuild, a production dependency) into dist/, so the sources
# it compiles are copied first. The launcher runs dist/; tsx is a devDependency and is not installed.
FROM ${BASE} AS build
WORKDIR /opt/tau-node
COPY package.json package-lock.json genesis.json ./
COPY bin ./bin
COPY scripts/build.mjs ./scripts/build.mjs
COPY chain ./chain
COPY dht ./dht
COPY node ./node
COPY scripts/testnet ./scripts/testnet
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && rm -rf chain dht node scripts

# Run stage: the base, jemalloc, libsecp256k1, the app, a non-root user; no npm cache, tests, docs or
# dev tools. jemalloc (Debian's libjemalloc2, preloaded below) gives back the memory a long sync
# fragments, which glibc's malloc keeps (docs/operations.md, Memory). libsecp256k1-1 checks and makes
# BIP340 signatures 4–9x faster than the WASM build the node otherwise uses (chain/secp256k1.mjs).
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libjemalloc2 libsecp256k1-1 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && groupadd --system --gid 1000 tau \
 && useradd --system --uid 1000 --gid tau --home-dir /data --no-create-home --shell /usr/sbin/nologin tau \
 && mkdir -p /data /etc/tau && chown tau:tau /data && chmod 0700 /data \
 && ln -s /opt/tau-node/bin/tau-node.js /usr/local/bin/tau-node
COPY --from=build /opt/tau-node /opt/tau-node
WORKDIR /opt/tau-node
# Every setting is a TAU_* variable (tau-node start --help); these are the container's defaults.
# dht-host auto: the container's own address, which peers reach and blkTip advertises.
# api-host 0.0.0.0 with public mode: per-client limits; admin routes still answer loopback only
# (docker exec <container> tau-node backup ...). LD_PRELOAD: jemalloc, found on the library path
# (so any architecture); docs/operations.md, Memory. `-e LD_PRELOAD=` runs on glibc's malloc.
ENV TAU_DATA_DIR=/data \
    TAU_DHT_HOST=auto \
    TAU_DHT_PORT=7000 \
    TAU_API_HOST=0.0.0.0 \
    TAU_API_PORT=8080 \
    TAU_API_PUBLIC=true \
    TAU_LOG_FORMAT=json \
    LD_PRELOAD=libjemalloc.so.2 \
    NODE_ENV=production
VOLUME ["/data"]
EXPOSE 7000/udp 8080/tcp
USER tau
# Healthy once the node serves: 200 synced or 206 syncing (503 until it is ready).
HEALTHCHECK --interval=5s --timeout=4s --start-period=60s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.TAU_API_PORT||8080)+'/health',{signal:AbortSignal.timeout(3000)}).then(r=>process.exit(r.status===200||r.status===206?0:1),()=>process.exit(1))"]
# The node is PID 1 and handles SIGTERM itself: it stops mining, finishes the commit, closes the
# DHT and the store and exits 0 within 10 s (docker stop waits 10 s by default).
STOPSIGNAL SIGTERM
# --v8-pool-size=1: one V8 helper thread, 5–8 MB less idle RSS (docs/operations.md, Memory).
ENTRYPOINT ["node", "--v8-pool-size=1", "/opt/tau-node/bin/tau-node.js"]
CMD ["start"]
