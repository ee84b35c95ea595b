#!/usr/bin/env bash
# rollout.sh DEPLOYMENT VERSION: serves model VERSION in the mlp deployment DEPLOYMENT on Kubernetes.
# Renders its objects (`mlp deploy render`), adds the model server's settings (../model-server),
# server-side applies them as the field manager mlp-deploy (the same as `mlp deploy agent`), then waits
# until the workload is rolled out: exit 0 when healthy, 1 when the rollout failed or timed out.
# Writes `previous=<version served before>` to $GITHUB_OUTPUT when run in GitHub Actions.
# ROLLOUT_TIMEOUT_SECONDS (default 1800), ROLLOUT_POLL_SECONDS (default 10), KUBECTL_VALIDATE (default strict).
set -euo pipefail

deployment="${1:?usage: rollout.sh DEPLOYMENT VERSION}"
version="${2:?usage: rollout.sh DEPLOYMENT VERSION}"
timeout_seconds="${ROLLOUT_TIMEOUT_SECONDS:-1800}"
poll_seconds="${ROLLOUT_POLL_SECONDS:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/../model-server/kustomization.yaml" "$work/"
# --version=N, not --version N: the latter is read as mlp's own --version (it prints the CLI's version).
npx mlp deploy render "$deployment" --version="$version" --json > "$work/rendered.json"
kind="$(jq -r '.items[] | select(.kind == "Deployment" or .kind == "Rollout") | .kind' "$work/rendered.json")"
namespace="$(jq -r '.items[0].metadata.namespace' "$work/rendered.json")"
resource="$(echo "$kind" | tr '[:upper:]' '[:lower:]')/$deployment"

# The version served now, read from the live workload's annotation (none before the first rollout).
previous="$(kubectl -n "$namespace" get "$resource" --ignore-not-found -o jsonpath='{.metadata.annotations.mlp\.dev/model-version}')"
echo "serving now: ${previous:-nothing}; rolling out version $version ($kind $namespace/$deployment)"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "previous=$previous" >> "$GITHUB_OUTPUT"; fi

kubectl kustomize "$work" > "$work/manifests.yaml"
kubectl apply --server-side --field-manager=mlp-deploy --force-conflicts --validate="${KUBECTL_VALIDATE:-strict}" -f "$work/manifests.yaml"

if [ "$kind" = Deployment ]; then
  # Fails when the Deployment's progressDeadlineSeconds passes without progress.
  kubectl -n "$namespace" rollout status "$resource" --timeout="${timeout_seconds}s"
  exit 0
fi

# An Argo Rollout: Healthy once every canary step passed its analysis; Degraded when analysis aborted it.
deadline=$((SECONDS + timeout_seconds))
while [ "$SECONDS" -lt "$deadline" ]; do
  # A failed read (the API server busy) is not a failed rollout: read again on the next round.
  state="$(kubectl -n "$namespace" get "$resource" -o jsonpath='{.metadata.generation} {.status.observedGeneration} {.status.phase}' || true)"
  read -r generation observed phase <<< "$state"
  if [ "$generation" = "${observed:-}" ]; then
    case "${phase:-}" in
      Healthy) echo "rollout of version $version healthy"; exit 0 ;;
      Degraded) echo "rollout of version $version failed: $(kubectl -n "$namespace" get "$resource" -o jsonpath='{.status.message}')" >&2; exit 1 ;;
    esac
  fi
  sleep "$poll_seconds"
done
echo "rollout of version $version did not finish within ${timeout_seconds}s" >&2
exit 1
