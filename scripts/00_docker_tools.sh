#!/usr/bin/env bash
# Install what the Docker runtime needs: Debian's docker.io and debootstrap, a running dockerd, Compose v2
# (built from the Go module proxy, cached) and the debian:bookworm-slim base image (pulled, or made with
# debootstrap where no registry is reachable, cached as a tarball).
# Prerequisites: Debian/Ubuntu with apt, root or sudo; Go >= 1.24 only when Compose v2 must be built.
# Re-run safety: idempotent; each step is skipped when its result is present (a few seconds in all).
set -euo pipefail

compose_version=v2.40.3
cache="${HYPERION_CACHE_DIRECTORY:-${XDG_CACHE_HOME:-${HOME}/.cache}/hyperion}/docker"
base_image=debian:bookworm-slim
mkdir -p "${cache}"
log() { echo "docker-tools: $*" >&2; }
as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ((${#missing[@]})); then
    log "installing ${missing[*]} with apt"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install --yes -qq --no-install-recommends "${missing[@]}"
fi

if ! timeout 10 docker info >/dev/null 2>&1; then
    # No systemd on these machines: start the daemon in the background, logging to a file.
    log "starting dockerd (log: /var/log/hyperion-dockerd.log)"
    as_root bash -c 'nohup dockerd --storage-driver=overlay2 >>/var/log/hyperion-dockerd.log 2>&1 &'
    for _ in $(seq 60); do timeout 5 docker info >/dev/null 2>&1 && break; sleep 1; done
    timeout 10 docker info >/dev/null 2>&1 || { log "dockerd did not answer; see /var/log/hyperion-dockerd.log"; exit 1; }
fi

if ! docker compose version >/dev/null 2>&1; then
    binary="${cache}/docker-compose-${compose_version}"
    if [[ ! -x "${binary}" ]]; then
        # Not packaged for bookworm; `go install ...@version` refuses it (exclude directives in its go.mod).
        command -v go >/dev/null 2>&1 || { log "Compose v2 must be built and Go (>= 1.24) is missing"; exit 1; }
        log "building Compose ${compose_version} from the Go module proxy (several minutes, once)"
        source_directory="$(go mod download -json "github.com/docker/compose/v2@${compose_version}" \
            | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
        work="$(mktemp -d)"
        trap 'rm -rf "${work}"' EXIT
        cp -r "${source_directory}/." "${work}" && chmod -R u+w "${work}"
        (cd "${work}" && go build -trimpath \
            -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=${compose_version}" \
            -o "${binary}.partial" ./cmd)
        mv "${binary}.partial" "${binary}"
    fi
    mkdir -p "${HOME}/.docker/cli-plugins"
    ln -sf "${binary}" "${HOME}/.docker/cli-plugins/docker-compose"
fi

if ! docker image inspect "${base_image}" >/dev/null 2>&1; then
    tarball="${cache}/debian-bookworm-minbase.tar"
    if timeout 60 docker pull "${base_image}" >/dev/null 2>&1; then
        log "pulled ${base_image}"
    else
        if [[ ! -f "${tarball}" ]]; then
            log "no registry: making ${base_image} with debootstrap (about a minute, once)"
            root_directory="$(mktemp -d)"
            as_root debootstrap --variant=minbase bookworm "${root_directory}" http://deb.debian.org/debian >&2
            as_root rm -rf "${root_directory}"/var/cache/apt/archives/*.deb "${root_directory}"/var/lib/apt/lists/*
            # As in Docker Hub's image: point releases, updates and security fixes (plain http works in builds).
            printf 'deb http://deb.debian.org/debian %s main\n' bookworm bookworm-updates \
                | as_root tee "${root_directory}/etc/apt/sources.list" >/dev/null
            echo 'deb http://deb.debian.org/debian-security bookworm-security main' \
                | as_root tee -a "${root_directory}/etc/apt/sources.list" >/dev/null
            as_root tar -C "${root_directory}" -cf "${tarball}.partial" .
            as_root rm -rf "${root_directory}"
            mv "${tarball}.partial" "${tarball}"
        fi
        docker import --change 'CMD ["bash"]' "${tarball}" "${base_image}" >/dev/null
        log "imported ${base_image} from ${tarball}"
    fi
fi
log "ready: $(docker version --format 'engine {{.Server.Version}}'), $(docker compose version --short), ${base_image}"
