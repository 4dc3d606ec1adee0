# The proversim image for clusters: built in a Rust image, run in a slim one.
#
#   docker build -t REGISTRY/proversim:0.1.0 .
#   docker push REGISTRY/proversim:0.1.0
#
# The binary is /usr/local/bin/proversim; the shipped scenarios and the
# calibration they use are under /work (the working directory).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin proversim

FROM debian:bookworm-slim
COPY --from=build /src/target/release/proversim /usr/local/bin/proversim
COPY scenarios /work/scenarios
COPY calibrations /work/calibrations
WORKDIR /work
ENTRYPOINT ["proversim"]
CMD ["--help"]
