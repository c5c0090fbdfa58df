# syntax=docker/dockerfile:1
#
# City Atlas: build with `docker build -t cityatlas .`, run with
#   docker run --rm -p 8080:8080 cityatlas
#   docker run --rm -p 8080:8080 -e DATABASE_URL=postgres://user:password@db:5432/cityatlas cityatlas
#
# Without DATABASE_URL the service uses the default embedded SQLite database, the file
# cityatlas.db in the working directory (/var/lib/cityatlas), which is created, migrated
# and seeded on start. Mount a volume there to keep it across containers; the paper's
# dataset is compiled into the binary, so a fresh file is complete too.

# ---- GraphiQL assets -------------------------------------------------------------------
# The IDE's assets come from the npm registry, exactly as graphiql/package-lock.json pins
# them (integrity hashes included); build.rs compiles them into the binary.
FROM node:20-bookworm-slim AS graphiql
WORKDIR /graphiql
COPY graphiql/package.json graphiql/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- builder ---------------------------------------------------------------------------
# 1.94 is the minimum: the locked sqlx 0.9 requires it.
FROM rust:1.95-bookworm AS builder
WORKDIR /build

# The whole workspace: data/ is embedded into the binary with include_str!, and tests/
# must exist because Cargo.toml declares the `api` test target.
COPY Cargo.toml Cargo.lock build.rs ./
COPY migration ./migration
# A workspace member (the benchmark's static ceiling): Cargo needs its manifest to resolve.
COPY bench/static-ceiling ./bench/static-ceiling
COPY src ./src
COPY data ./data
COPY tests ./tests
COPY graphiql/package.json graphiql/package-lock.json ./graphiql/
COPY --from=graphiql /graphiql/node_modules ./graphiql/node_modules

# Fail the build rather than ship an image without GraphiQL.
ENV CITYATLAS_REQUIRE_GRAPHIQL=1

# Cache mounts keep downloaded crates and build artefacts between builds; the binary is
# copied out because the target directory is not part of the image layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/build/target \
    cargo build --release --locked --bin cityatlas \
    && install -m 0755 target/release/cityatlas /usr/local/bin/cityatlas

# ---- runtime ---------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cityatlas \
    && useradd --system --uid 10001 --gid cityatlas --home-dir /var/lib/cityatlas \
       --shell /usr/sbin/nologin cityatlas \
    && install -d -o cityatlas -g cityatlas -m 0750 /var/lib/cityatlas

COPY --from=builder /usr/local/bin/cityatlas /usr/local/bin/cityatlas

USER 10001:10001
WORKDIR /var/lib/cityatlas

ENV CITYATLAS_BIND=0.0.0.0:8080
EXPOSE 8080

# No HEALTHCHECK: bookworm-slim has no curl or wget and the binary has no probe
# subcommand. Let the orchestrator probe GET /healthz (liveness) and GET /readyz
# (readiness; 503 while the database is unreachable).

# Exec form, so the server is PID 1 and receives SIGTERM for a graceful shutdown.
ENTRYPOINT ["/usr/local/bin/cityatlas"]
CMD ["serve"]
