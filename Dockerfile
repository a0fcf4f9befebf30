# tidings in a container: built in one stage, run from a small image as a user without
# privileges, with the data folder (database, settings, media, mail queue) as a volume.
#   docker build -t tidings .
#   docker run -p 8080:8080 -v tidings-data:/data tidings
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p tidings && strip target/release/tidings

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin tidings \
    && mkdir /data && chown tidings:tidings /data && chmod 0700 /data
COPY --from=build /src/target/release/tidings /usr/local/bin/tidings
USER tidings
ENV TIDINGS_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
# `docker stop` sends SIGTERM: tidings finishes requests in flight and exits 0.
STOPSIGNAL SIGTERM
CMD ["tidings", "serve", "--listen", "0.0.0.0:8080"]
