#!/usr/bin/env bash
# Runs processes from container images' own filesystems without a container runtime (this sandbox refuses to run
# containers): podman create + podman mount give an image's root filesystem, /proc and /dev are bound into it, and
# chroot starts the image's entrypoint there with the image's user, working directory and environment (read from the
# image, plus what the caller adds). The host's network is shared, so everything listens on 127.0.0.1. Sourced by
# scripts/image-smoke; image_cleanup undoes everything started here.

declare -A IMAGE_OF MOUNT_OF CONTAINER_OF PID_OF
IMAGE_CONTAINERS=()

image_config() { # image_config <image> <go template>
  podman image inspect --format "$2" "$1"
}

image_list() { # image_list <image> <go template ranging over a list>: one element a line, no empty lines
  image_config "$1" "$2" | sed '/^$/d'
}

image_prepare() { # image_prepare <name> <image>: a container's filesystem, mounted, with /proc and /dev
  local name="$1" image="$2" cid mnt
  podman rm -f "orleansrelay-smoke-$name" >/dev/null 2>&1 || true
  cid="$(podman create --name "orleansrelay-smoke-$name" "$image")"
  IMAGE_CONTAINERS+=("$name")
  CONTAINER_OF[$name]="$cid"
  IMAGE_OF[$name]="$image"
  mnt="$(podman mount "$cid")"
  MOUNT_OF[$name]="$mnt"
  mount --bind /proc "$mnt/proc"
  mount --bind /dev "$mnt/dev"
}

image_command() { # image_command <name> <extra env NAME=value...> -- <arguments>: the entrypoint's command, in IMAGE_CMD
  local name="$1"; shift
  local extra=() image="${IMAGE_OF[$name]}"
  while [ "$1" != "--" ]; do extra+=("$1"); shift; done
  shift
  local env=() entrypoint=()
  mapfile -t env < <(image_list "$image" '{{range .Config.Env}}{{println .}}{{end}}')
  mapfile -t entrypoint < <(image_list "$image" '{{range .Config.Entrypoint}}{{println .}}{{end}}')
  # chroot execs env, which execs the entrypoint: the process keeps chroot's pid.
  IMAGE_CMD=(chroot --userspec="$(image_config "$image" '{{.Config.User}}')" "${MOUNT_OF[$name]}"
    /usr/bin/env -i -C "$(image_config "$image" '{{.Config.WorkingDir}}')" HOME=/home/app "${env[@]}" "${extra[@]}"
    "${entrypoint[@]}" "$@")
}

image_exec() { # image_exec <name> <extra env...> -- <arguments>: like docker run IMAGE ARGUMENTS, in the foreground
  image_command "$@"
  "${IMAGE_CMD[@]}"
}

image_start() { # image_start <name> <log> <extra env...>: the entrypoint in the background; its pid in PID_OF
  local name="$1" log="$2"; shift 2
  image_command "$name" "$@" --
  "${IMAGE_CMD[@]}" >"$log" 2>&1 &
  PID_OF[$name]=$!
}

image_healthcheck() { # image_healthcheck <name> <extra env...>: runs the image's HEALTHCHECK command once
  local name="$1"; shift
  local image="${IMAGE_OF[$name]}" test=()
  mapfile -t test < <(image_list "$image" '{{range .HealthCheck.Test}}{{println .}}{{end}}')
  [ "${test[0]}" = CMD ] || { echo "image-smoke: $image has no exec-form HEALTHCHECK" >&2; return 1; }
  local env=()
  mapfile -t env < <(image_list "$image" '{{range .Config.Env}}{{println .}}{{end}}')
  chroot --userspec="$(image_config "$image" '{{.Config.User}}')" "${MOUNT_OF[$name]}" \
    /usr/bin/env -i HOME=/home/app "${env[@]}" "$@" "${test[@]:1}"
}

image_stop() { # image_stop <name> <grace seconds>: the image's stop signal, then the seconds it took (fails past the grace)
  local name="$1" grace="$2" pid="${PID_OF[$name]}" signal start
  signal="$(image_config "${IMAGE_OF[$name]}" '{{.Config.StopSignal}}')"
  start=$(date +%s.%N)
  kill -s "${signal#SIG}" "$pid"
  for _ in $(seq 1 $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"; echo "image-smoke: $name did not stop within ${grace}s of $signal" >&2; return 1
  fi
  wait "$pid" 2>/dev/null || true
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
}

image_cleanup() {
  local name pid
  for name in "${IMAGE_CONTAINERS[@]}"; do
    pid="${PID_OF[$name]:-}"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null; sleep 1; kill -9 "$pid" 2>/dev/null || true; fi
  done
  for name in "${IMAGE_CONTAINERS[@]}"; do
    umount "${MOUNT_OF[$name]}/proc" "${MOUNT_OF[$name]}/dev" 2>/dev/null || true
    podman umount "${CONTAINER_OF[$name]}" >/dev/null 2>&1 || true
    podman rm -f "${CONTAINER_OF[$name]}" >/dev/null 2>&1 || true
  done
}
