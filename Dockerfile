# The mock server (examples/mockserver) as a small container image.
#
#   docker build -t mockapi .
#   docker run --rm -p 4010:4010 mockapi                     # the embedded sample API
#   docker run --rm -p 4010:4010 -v "$PWD/openapi.yaml:/spec/openapi.yaml:ro" \
#     -e MOCKAPI_SPEC=/spec/openapi.yaml -e MOCKAPI_STORE=sqlite:/data/mock.db \
#     -v mockapi-data:/data mockapi
#
# Every flag is also an environment variable (MOCKAPI_SPEC, MOCKAPI_STORE,
# MOCKAPI_ADMIN_TOKEN_FILE, ...; `docker run --rm mockapi -h` lists them);
# arguments after the image name are flags and win over the environment.
# Keep the port in MOCKAPI_ADDR: the health check reads it too.

# A static binary: the project is pure Go, the SQLite driver
# (modernc.org/sqlite) too, so it needs no C library at run time.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mockserver ./examples/mockserver && \
    mkdir -p /out/data

# distroless/static: CA certificates (for -spec https://...), time zones,
# /tmp and a nonroot user (65532), and no shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mockserver /mockserver
# Where a SQLite store can live (MOCKAPI_STORE=sqlite:/data/mock.db):
# mount a volume there to keep it.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# Inside a container, listen on every interface; publish the port to
# choose who reaches it.
ENV MOCKAPI_ADDR=0.0.0.0:4010
EXPOSE 4010
# The image has no shell or curl: the binary asks its own readiness
# probe (GET /_health/ready at $MOCKAPI_ADDR), which checks the store.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/mockserver", "healthcheck"]
ENTRYPOINT ["/mockserver"]
