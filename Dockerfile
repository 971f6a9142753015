# syntax=docker/dockerfile:1
# OrleansRelay images, one target per executable. From the repository root:
#   docker build --target silo        -t orleansrelay-silo .
#   docker build --target edge        -t orleansrelay-edge .
#   docker build --target device      -t orleansrelay-device .
#   docker build --target demo-device -t orleansrelay-demo-device .
# (podman build: add --format docker, or HEALTHCHECK is dropped.) The four targets share one publish stage, so after
# the first build the others only copy. Configuration is environment variables only: docs/deployment.md#containers.
# scripts/build-images builds these same targets where no registry is reachable, with local stand-ins for the base
# images (--build-arg ASPNET_IMAGE/RUNTIME_DEPS_IMAGE) and a publish made by the same script outside
# (--build-arg PUBLISHED).

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
ARG RUNTIME_DEPS_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
ARG PUBLISHED=publish

FROM --platform=$BUILDPLATFORM ${SDK_IMAGE} AS publish
# The edge's build installs the dashboard's SignalR client with npm ci.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG TARGETARCH
RUN --mount=type=cache,id=orleansrelay-nuget,target=/root/.nuget/packages \
    bash deploy/docker/publish /out "${TARGETARCH:-amd64}"

FROM ${PUBLISHED} AS published

# What every image shares. Chiselled bases: no shell, no package manager; the user 1654 ("app") exists in them.
FROM ${ASPNET_IMAGE} AS aspnet-host
ARG ASPNET_IMAGE
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED
# The repository URL, if the builder passes it (--build-arg SOURCE=...).
ARG SOURCE=
LABEL org.opencontainers.image.vendor="OrleansRelay" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.documentation="docs/deployment.md#containers" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${ASPNET_IMAGE}"
# The base image's ASPNETCORE_HTTP_PORTS=8080 would add a listener: the hosts bind their own ports.
ENV ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1
WORKDIR /app
USER 1654:1654
# The hosts drain on SIGTERM: the edge moves its devices and finishes requests within Edge__DrainTimeout (10 s),
# then stops within .NET's 30 s shutdown timeout. Give them a grace period of at least 60 s (docker stop -t 60,
# compose stop_grace_period, Kubernetes terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM

FROM aspnet-host AS silo
LABEL org.opencontainers.image.title="orleansrelay-silo" \
      org.opencontainers.image.description="OrleansRelay silo: the DeviceGrains (Orleans 10), health and metrics on 8080"
COPY --from=published /out/silo /app
# Production defaults: Redis membership, MariaDB/MySQL storage (set ConnectionStrings__Redis and __MySql).
ENV Cluster__Mode=Redis \
    Storage__Provider=MySql
# silo-to-silo, gateway (edges), HTTP: /healthz, /readyz, /metrics, /dashboard
EXPOSE 11111 30000 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/app/orleansrelay-silo", "healthcheck"]
ENTRYPOINT ["/app/orleansrelay-silo"]

FROM aspnet-host AS edge
LABEL org.opencontainers.image.title="orleansrelay-edge" \
      org.opencontainers.image.description="OrleansRelay edge: client API 5080, device TCP 5070, edge-to-edge data plane 5072/5073"
COPY --from=published /out/edge /app
# Where `provision --secret-file` writes in setup jobs (deploy/compose/compose.yaml); a volume mounted here inherits it.
COPY --from=published --chown=1654:1654 /out/state /var/lib/orleansrelay
# Production default: an Orleans client of the silos found in Redis (set ConnectionStrings__Redis, Edge__AdminKey).
ENV Cluster__Mode=Redis
# client API (HTTP/1.1 and 2), device protocol, data plane (HTTP/2 cleartext), data-plane upgrades (HTTP/1.1)
EXPOSE 5080 5070 5072 5073
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/app/orleansrelay-edge", "healthcheck"]
ENTRYPOINT ["/app/orleansrelay-edge"]

FROM aspnet-host AS demo-device
LABEL org.opencontainers.image.title="orleansrelay-demo-device" \
      org.opencontainers.image.description="OrleansRelay demo: the irrigation controller's REST service on 5090 (for a daemon to relay)"
COPY --from=published /out/demo-device /app
ENV Demo__ServiceAddress=0.0.0.0 \
    Demo__ServicePort=5090
EXPOSE 5090
ENTRYPOINT ["/app/orleansrelay-demo", "device-service"]

FROM ${RUNTIME_DEPS_IMAGE} AS device
ARG RUNTIME_DEPS_IMAGE
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED
ARG SOURCE=
LABEL org.opencontainers.image.title="orleansrelay-device" \
      org.opencontainers.image.description="OrleansRelay device daemon: dials out to an edge, relays to the device's REST service" \
      org.opencontainers.image.vendor="OrleansRelay" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.documentation="docs/device.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${RUNTIME_DEPS_IMAGE}"
COPY --from=published /out/device /app
# The device's secret or identity file, on a volume (ORLEANSRELAY_SECRET_FILE=/var/lib/orleansrelay/<id>.secret), and
# the notification outbox (/var/lib/orleansrelay/outbox/<id>, the daemon's default state directory).
COPY --from=published --chown=1654:1654 /out/state /var/lib/orleansrelay
WORKDIR /app
USER 1654:1654
# Every option of the daemon as ORLEANSRELAY_<NAME> (ORLEANSRELAY_SERVER, _DEVICE_ID, _SECRET_FILE, _LOCAL, ...).
# The control endpoint (127.0.0.1 inside the container) serves the health check and POST /notifications; the
# notification pipe is off (no other process shares the container's /tmp).
ENV ORLEANSRELAY_CONTROL_PORT=8790 \
    ORLEANSRELAY_NOTIFY_FIFO=off
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/app/orleansrelay-device", "healthcheck"]
ENTRYPOINT ["/app/orleansrelay-device"]
