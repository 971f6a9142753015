#!/usr/bin/env bash
# Local stand-ins for the official .NET base images, for machines that reach no container registry (this one). Sourced
# by scripts/build-images. Users' builds pull mcr.microsoft.com/dotnet/{aspnet,runtime-deps}:10.0-noble-chiseled
# instead; the stand-ins mirror what the Dockerfile relies on in them:
#   runtime-deps: a Debian bookworm minbase root filesystem (debootstrap) with libssl3, ca-certificates and tzdata
#                 (the runtime's native dependencies; the relay runs with invariant globalization, so no ICU), a user
#                 and group 1654 "app" and a world-writable /tmp
#   aspnet:       runtime-deps plus this machine's .NET and ASP.NET Core shared runtimes in /usr/share/dotnet (where
#                 the official images have them, so the apphost finds them), /usr/bin/dotnet, APP_UID and
#                 ASPNETCORE_HTTP_PORTS=8080 as in the official image
# Unlike the chiselled originals they carry a shell, apt and coreutils, which the smoke test's chroot uses (env -C).

STANDIN_DIR="${STANDIN_DIR:-$PWD/.tmp/images}"
STANDIN_RUNTIME_DEPS=localhost/orleansrelay-standin/runtime-deps
STANDIN_ASPNET=localhost/orleansrelay-standin/aspnet

standin_rootfs() { # the debootstrap root filesystem, made once (a .complete marker says it finished)
  local root="$STANDIN_DIR/rootfs"
  [ -f "$root/.complete" ] && return 0
  rm -rf "$root"
  echo "build-images: debootstrap --variant=minbase bookworm (once; about a minute)" >&2
  debootstrap --variant=minbase --include=ca-certificates,libssl3,tzdata bookworm "$root" http://deb.debian.org/debian \
    >"$STANDIN_DIR/debootstrap.log" 2>&1 || { tail -20 "$STANDIN_DIR/debootstrap.log" >&2; return 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
    "$root"/usr/share/locale/* "$root"/usr/share/info/*
  grep -q '^app:' "$root/etc/passwd" || echo 'app:x:1654:1654:app:/home/app:/usr/sbin/nologin' >>"$root/etc/passwd"
  grep -q '^app:' "$root/etc/group" || echo 'app:x:1654:' >>"$root/etc/group"
  mkdir -p "$root/home/app" && chown 1654:1654 "$root/home/app"
  chmod 1777 "$root/tmp"
  touch "$root/.complete"
}

standin_bases() { # standin_bases <tag>: both stand-in images, built if missing
  local tag="$1" dotnet_root runtime aspnet
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  runtime="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -1)"
  aspnet="$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)"
  if ! podman image exists "$STANDIN_RUNTIME_DEPS:$tag"; then
    standin_rootfs
    tar -C "$STANDIN_DIR/rootfs" --exclude=./.complete -c . | podman import \
      --change 'ENV APP_UID=1654' --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' \
      --change 'LABEL org.opencontainers.image.description=stand-in for mcr.microsoft.com/dotnet/runtime-deps' \
      - "$STANDIN_RUNTIME_DEPS:$tag" >/dev/null
  fi
  if ! podman image exists "$STANDIN_ASPNET:$tag"; then
    local layer="$STANDIN_DIR/aspnet-layer"
    rm -rf "$layer" && mkdir -p "$layer/usr/share/dotnet/shared" "$layer/usr/bin"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$layer/usr/share/dotnet/" 2>/dev/null || true
    mkdir -p "$layer/usr/share/dotnet/shared/Microsoft.NETCore.App" "$layer/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$runtime" "$layer/usr/share/dotnet/shared/Microsoft.NETCore.App/"
    cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet" "$layer/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
    ln -s ../share/dotnet/dotnet "$layer/usr/bin/dotnet"
    cat >"$STANDIN_DIR/Containerfile.aspnet" <<CONTAINERFILE
FROM $STANDIN_RUNTIME_DEPS:$tag
COPY aspnet-layer/ /
ENV ASPNETCORE_HTTP_PORTS=8080 DOTNET_VERSION=$runtime ASPNET_VERSION=$aspnet
LABEL org.opencontainers.image.description="stand-in for mcr.microsoft.com/dotnet/aspnet"
CONTAINERFILE
    podman build -q --format docker -f "$STANDIN_DIR/Containerfile.aspnet" -t "$STANDIN_ASPNET:$tag" "$STANDIN_DIR" >/dev/null
  fi
}
