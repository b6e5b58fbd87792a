#!/usr/bin/env bash
# The container test (run by .ci/run; needs root and a running docker daemon):
#   1. the base image (scripts/docker/base.sh, skipped when it exists) and the node image, built once;
#   2. `tau-node testnet --emit compose --nodes 3`, run with docker-compose (or docker compose)
#      (the node runs on jemalloc: mapped into PID 1 and in its start log line; it checks
#      signatures with libsecp256k1, its start line says):
#      all three nodes report the same tip at height ≥ 3 via /status; one is stopped with docker stop
#      (exit code 0, "node stopped" in its log), started again, and the three converge again;
#   3. the same compose.yaml deployed to a one-machine Docker Swarm with docker stack deploy, the same
#      convergence check, then the stack removed and the swarm left.
# Containers talk only on the network compose or the stack creates (removed at the end); no port is
# published. Every wait has a deadline; on failure the nodes' last log lines are printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PROJECT=tauci
IMAGE="${TAU_DOCKER_IMAGE:-tau-node:ci}"
NODES=3
MIN_HEIGHT=3
CONVERGE_S="${TAU_DOCKER_CONVERGE_S:-420}"
work="$(mktemp -d /tmp/tau-docker-XXXXXX)"
swarm_mine=no
log() { echo "docker-test: $*"; }
fail() { echo "docker-test: FAIL: $*" >&2; exit 1; }

if ! timeout 20 docker info >/dev/null 2>&1; then
  fail "no docker daemon answers (docker info failed); .ci/run starts one when docker is installed"
fi
if command -v docker-compose >/dev/null 2>&1; then compose() { docker-compose -p "$PROJECT" -f "$work/compose.yaml" "$@"; }
elif docker compose version >/dev/null 2>&1; then compose() { docker compose -p "$PROJECT" -f "$work/compose.yaml" "$@"; }
else fail "neither docker-compose nor docker compose is installed"; fi

# A run that was cut off (its daemon stopped mid-test, the machine rebooted) leaves its swarm and its
# compose project in the daemon's data root, and a daemon in swarm mode breaks the next `compose up`
# ("network needs to be recreated"). What this test made is removed first: a swarm whose node carries
# the label SWARM_LABEL (set at `swarm init` below), or any swarm on a daemon .ci/run started with its
# own data root (TAU_DOCKER_OWN_DAEMON=1: nothing else uses it), and the containers, networks and
# volumes of this compose project. Anyone else's swarm is left alone and the test fails instead.
SWARM_LABEL=tau-docker-test
remove_stack() {
  local -; set +e # best effort: a part already gone is not a failure
  timeout 60 docker stack rm "$PROJECT" >/dev/null 2>&1
  for _ in $(seq 1 60); do [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$PROJECT")" ] && break; sleep 1; done
  timeout 60 docker swarm leave --force >/dev/null 2>&1
  docker network rm docker_gwbridge >/dev/null 2>&1 # made by swarm init
  docker volume ls -q --filter "label=com.docker.stack.namespace=$PROJECT" | xargs -r docker volume rm >/dev/null 2>&1
}
left_over() {
  local -; set +e # best effort, as the clean-up: what is not there cannot be removed
  local state label
  state="$(docker info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null)"
  if [ "$state" != inactive ] && [ -n "$state" ]; then
    label="$(docker node inspect "$(docker info -f '{{.Swarm.NodeID}}')" -f "{{index .Spec.Labels \"$SWARM_LABEL\"}}" 2>/dev/null)"
    if [ "$label" = 1 ] || [ "${TAU_DOCKER_OWN_DAEMON:-}" = 1 ]; then
      log "removing the swarm an earlier run left ($state)"
      remove_stack
    else
      fail "this docker daemon is already in a swarm ($state) that this test did not make; not touching it"
    fi
  fi
  docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" | xargs -r docker rm -f >/dev/null 2>&1
  docker network ls -q --filter "label=com.docker.compose.project=$PROJECT" | xargs -r docker network rm >/dev/null 2>&1
  docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT" | xargs -r docker volume rm >/dev/null 2>&1
  return 0
}

cleanup() {
  set +e
  if [ -f "$work/compose.yaml" ]; then timeout 120 bash -c "$(declare -f compose); PROJECT=$PROJECT work=$work; compose down -v --remove-orphans" >/dev/null 2>&1; fi
  if [ "$swarm_mine" = yes ]; then remove_stack; fi
  rm -rf "$work"
}
trap cleanup EXIT

left_over

# ---- images (the base is cached across runs; the node image is rebuilt, its layers cached) ----
t0=$(date +%s)
bash scripts/docker/base.sh
timeout 900 docker build -q -t "$IMAGE" . >/dev/null || fail "docker build failed"
log "images ready in $(( $(date +%s) - t0 )) s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
user="$(docker image inspect -f '{{.Config.User}}' "$IMAGE")"
[ "$user" = tau ] || fail "the image runs as '$user', not tau"

# ---- helpers: a container's /status, asked from inside it (loopback; nothing is published) ----
status_of() { # container → "height tipId"
  timeout 15 docker exec "$1" node -e "fetch('http://127.0.0.1:8080/status',{signal:AbortSignal.timeout(5000)}).then(r=>r.json()).then(s=>console.log(s.height+' '+s.tipId))" 2>/dev/null || echo "- -"
}
# converge <min height> <container...>: waits until every container reports the same tip at ≥ min height.
converge() {
  local min=$1; shift
  local deadline=$(( $(date +%s) + CONVERGE_S )) line tips heights
  while [ "$(date +%s)" -lt "$deadline" ]; do
    tips=""; heights=""
    for c in "$@"; do line="$(status_of "$c")"; heights="$heights ${line%% *}"; tips="$tips ${line##* }"; done
    log "heights:$heights"
    if [ "$(printf '%s\n' $tips | sort -u | wc -l)" -eq 1 ] && ! printf '%s' "$tips" | grep -q -- '-'; then
      local h; h="$(printf '%s\n' $heights | sort -n | head -1)"
      if [ "$h" -ge "$min" ]; then CONVERGED_HEIGHT=$h; CONVERGED_TIP="$(printf '%s\n' $tips | head -1)"; return 0; fi
    fi
    sleep 5
  done
  for c in "$@"; do echo "--- $c"; docker logs --tail 15 "$c" 2>&1; done
  fail "no convergence at height ≥ $min within ${CONVERGE_S} s"
}

# ---- compose ----
node bin/tau-node.js testnet --emit compose --nodes "$NODES" --dir "$work" --image "$IMAGE" --project "$PROJECT" >/dev/null
t0=$(date +%s)
timeout 600 bash -c "$(declare -f compose); PROJECT=$PROJECT work=$work; compose up -d" >"$work/up.log" 2>&1 \
  || { tail -n 20 "$work/up.log"; compose logs --tail 20 || true; fail "compose up failed (its output is above)"; }
mapfile -t ids < <(for i in $(seq 0 $((NODES - 1))); do compose ps -q "$PROJECT-$i"; done)
[ "${#ids[@]}" -eq "$NODES" ] || fail "expected $NODES containers, got ${#ids[@]}"
converge "$MIN_HEIGHT" "${ids[@]}"
log "compose: $NODES nodes on tip $CONVERGED_TIP at height $CONVERGED_HEIGHT after $(( $(date +%s) - t0 )) s"
# The image runs the node on jemalloc (Dockerfile: libjemalloc2, LD_PRELOAD): mapped into PID 1, and logged.
timeout 15 docker exec "${ids[0]}" grep -q libjemalloc /proc/1/maps || fail "the node (PID 1) does not run on jemalloc"
docker logs "${ids[0]}" 2>&1 | grep '"message":"node starting"' | grep -q '"allocator":"jemalloc"' || fail "'node starting' does not say allocator jemalloc"
log "compose: the node runs on jemalloc"
# ... and checks signatures with the system's libsecp256k1 (Dockerfile: libsecp256k1-1), not the WASM build.
docker logs "${ids[0]}" 2>&1 | grep '"message":"node starting"' | grep -q '"secp256k1":"libsecp256k1"' || fail "'node starting' does not say secp256k1 libsecp256k1"
log "compose: signatures go through libsecp256k1"
docker logs "${ids[0]}" 2>&1 | grep '"message":"node starting"' | grep -q '"v8PoolSize":1' || fail "'node starting' does not say v8PoolSize 1 (Dockerfile ENTRYPOINT)"
stopped="${ids[1]}"
t1=$(date +%s)
docker stop "$stopped" >/dev/null
code="$(docker inspect -f '{{.State.ExitCode}}' "$stopped")"
[ "$code" = 0 ] || { docker logs --tail 20 "$stopped"; fail "docker stop: exit code $code, not 0"; }
docker logs "$stopped" 2>&1 | grep -q '"message":"node stopped"' || fail "no 'node stopped' in the stopped node's log"
log "compose: docker stop took $(( $(date +%s) - t1 )) s, exit code 0, clean stop logged"
before=$CONVERGED_HEIGHT
docker start "$stopped" >/dev/null
converge $((before + 1)) "${ids[@]}"
log "compose: converged again on $CONVERGED_TIP at height $CONVERGED_HEIGHT after the restart"
compose down -v >/dev/null 2>&1

# ---- swarm (one machine) ----
if [ "$(docker info -f '{{.Swarm.LocalNodeState}}')" = active ]; then fail "this docker daemon is already in a swarm; not touching it"; fi
docker swarm init --advertise-addr 127.0.0.1 >/dev/null || fail "docker swarm init failed"
swarm_mine=yes
docker node update --label-add "$SWARM_LABEL=1" "$(docker info -f '{{.Swarm.NodeID}}')" >/dev/null || fail "could not label the swarm node"
t0=$(date +%s)
# The swarm differences (docs/testnet.md): an overlay network (compose.yaml reads the driver from the
# environment), and no depends_on conditions (the stack schema takes only a list; swarm ignores the
# start order anyway: a node waits for its bootstrap names to resolve and is restarted on failure).
(cd "$work" && sed '/^    depends_on:$/,/^        condition: service_healthy$/d' compose.yaml \
  | TAU_NETWORK_DRIVER=overlay timeout 120 docker stack deploy --resolve-image never -c - "$PROJECT" >/dev/null) || fail "docker stack deploy failed"
sids=()
deadline=$(( $(date +%s) + 180 ))
while [ "${#sids[@]}" -lt "$NODES" ] && [ "$(date +%s)" -lt "$deadline" ]; do
  sids=()
  for i in $(seq 0 $((NODES - 1))); do
    c="$(docker ps -q --filter "label=com.docker.swarm.service.name=${PROJECT}_${PROJECT}-$i" | head -1)"
    [ -n "$c" ] && sids+=("$c")
  done
  [ "${#sids[@]}" -lt "$NODES" ] && sleep 3
done
[ "${#sids[@]}" -eq "$NODES" ] || { docker service ls; docker service ps --no-trunc "${PROJECT}_${PROJECT}-0"; fail "swarm: $NODES tasks did not start"; }
converge "$MIN_HEIGHT" "${sids[@]}"
log "swarm: $NODES nodes on tip $CONVERGED_TIP at height $CONVERGED_HEIGHT after $(( $(date +%s) - t0 )) s"
log "PASS"
