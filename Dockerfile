# Lumiku in a container: built from this checkout, run as an unprivileged user with its whole
# state (the SQLite database, the generated secret, stored files) in the volume /var/lib/lumiku.
#   docker build -t lumiku .
#   docker run -p 3000:3000 -v lumiku:/var/lib/lumiku lumiku
# For PostgreSQL and two replicas behind a proxy, see compose.yaml.

FROM rust:1.95-slim-bookworm AS build
# Cargo features to build with: --build-arg FEATURES=otel adds OpenTelemetry trace export.
ARG FEATURES=""
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin lumiku --features "${FEATURES}" \
    && cp target/release/lumiku /usr/local/bin/lumiku

FROM debian:bookworm-slim
# curl answers the health check; ca-certificates lets outbound TLS (Duitku, S3, webhooks) verify.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/lumiku --shell /usr/sbin/nologin lumiku \
    && mkdir -p /var/lib/lumiku \
    && chown lumiku:lumiku /var/lib/lumiku
COPY --from=build /usr/local/bin/lumiku /usr/local/bin/lumiku
USER 10001:10001
WORKDIR /var/lib/lumiku
ENV LUMIKU_DATA_DIR=/var/lib/lumiku \
    LUMIKU_BIND=0.0.0.0:3000 \
    LUMIKU_LOG_FORMAT=json
VOLUME ["/var/lib/lumiku"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["curl", "--fail", "--silent", "--show-error", "http://127.0.0.1:3000/ready"]
ENTRYPOINT ["lumiku"]
CMD ["serve"]
