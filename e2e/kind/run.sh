#!/usr/bin/env bash
# End-to-end against a real Kubernetes in Docker (kind). For machines with a Docker engine; CI here
# has none, so `npm test` runs the same journey against the built-in simulated cluster instead.
#
#   e2e/kind/run.sh            create a kind cluster, deploy podpulse, assert a crash loop is seen
#   KEEP=1 e2e/kind/run.sh     leave the cluster running afterwards
set -euo pipefail
cd "$(dirname "$0")/../.."
cluster=${CLUSTER:-podpulse-e2e}
for tool in docker kind kubectl curl; do
  command -v "$tool" >/dev/null || { echo "kind e2e: '$tool' is required" >&2; exit 2; }
done
docker info >/dev/null 2>&1 || { echo "kind e2e: no Docker engine is running" >&2; exit 2; }

cleanup() {
  [ -n "${pf_pid:-}" ] && kill "$pf_pid" 2>/dev/null || true
  [ "${KEEP:-}" = 1 ] || kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT

kind get clusters | grep -qx "$cluster" || kind create cluster --name "$cluster" --wait 120s
ctx="kind-$cluster"
docker build -t podpulse:dev .
kind load docker-image podpulse:dev --name "$cluster"
kubectl --context "$ctx" apply -f manifests/podpulse.yaml
kubectl --context "$ctx" -n podpulse rollout status deploy/podpulse --timeout=120s
kubectl --context "$ctx" apply -f manifests/crashloop-pod.yaml

kubectl --context "$ctx" -n podpulse port-forward svc/podpulse 18080:80 >/dev/null &
pf_pid=$!
sleep 3

# The pod must reach CrashLoopBackOff, exactly as kubectl prints it, within three minutes.
deadline=$((SECONDS + 180))
while :; do
  ours=$(curl -fsS 'http://127.0.0.1:18080/api/v1/pods?namespace=default' | node_modules/.bin/node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const pod = JSON.parse(s).items.find((p) => p.name === "crashloop-demo");
      process.stdout.write(pod ? pod.status : "");
    });' || true)
  theirs=$(kubectl --context "$ctx" get pod crashloop-demo --no-headers | awk '{print $3}')
  echo "podpulse: ${ours:-?}  kubectl: ${theirs:-?}"
  [ "$ours" = CrashLoopBackOff ] && [ "$theirs" = CrashLoopBackOff ] && break
  [ $SECONDS -lt $deadline ] || { echo "kind e2e: CrashLoopBackOff not seen in time" >&2; exit 1; }
  sleep 5
done
kubectl --context "$ctx" delete -f manifests/crashloop-pod.yaml --wait=false
echo "kind e2e: ok"
