#!/bin/sh
# One-shot: registers the Temporal namespace lawcycle uses (TEMPORAL_NAMESPACE,
# default "default") once the frontend answers. Idempotent. Runs in the
# official temporalio/admin-tools image (service "temporal-namespace").
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-30d}"

i=0
until temporal operator cluster health --address "${ADDRESS}" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge 60 ]; then
    echo "Temporal frontend ${ADDRESS} not healthy" >&2
    exit 1
  fi
  sleep 3
done

if temporal operator namespace describe --address "${ADDRESS}" --namespace "${NAMESPACE}" >/dev/null 2>&1; then
  echo "namespace ${NAMESPACE} already exists"
  exit 0
fi

temporal operator namespace create --address "${ADDRESS}" --namespace "${NAMESPACE}" --retention "${RETENTION}"
echo "namespace ${NAMESPACE} created (retention ${RETENTION})"
