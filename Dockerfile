# plancheck in a container: a Rust builder stage, then a small Debian runtime.
#
#   docker build -t plancheck .
#   docker run -d --name plancheck -e DISCORD_TOKEN -v plancheck-data:/data plancheck
#
# The token comes from the environment at run time (never baked into the image); the
# SQLite database lives on the /data volume. Any other setting: PLANCHECK_* variables, or a
# config file mounted into the container and named by PLANCHECK_CONFIG.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# Cache mounts keep the crate downloads and build artefacts between builds; the binary is
# copied out of the cached target folder in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin plancheck \
    && install -D -m 0755 target/release/plancheck /out/plancheck

FROM debian:bookworm-slim
# TLS roots are compiled into the binary (webpki-roots): no CA bundle is needed.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin plancheck \
    && mkdir -p /data \
    && chown plancheck:plancheck /data
COPY --from=build /out/plancheck /usr/local/bin/plancheck
USER plancheck
WORKDIR /data
ENV PLANCHECK_DATABASE=/data/plancheck.db
VOLUME ["/data"]
# SIGTERM (docker stop) ends the bot cleanly within 10 seconds, writes finished.
STOPSIGNAL SIGTERM
ENTRYPOINT ["plancheck"]
CMD ["run"]
