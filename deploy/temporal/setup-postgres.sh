#!/bin/sh
# One-shot Temporal schema setup for deploy/compose.yaml, run in the official
# temporalio/admin-tools image (service "temporal-schema").
# Creates the databases "temporal" and "temporal_visibility" and brings their
# schemas to the version shipped with the image. Every step is idempotent, so
# the service may run on every `docker compose up` and after an image upgrade.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
DB_PORT="${DB_PORT:-5432}"
PLUGIN="${DB:-postgres12}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}"
i=0
until nc -z -w 5 "${POSTGRES_SEEDS}" "${DB_PORT}"; do
  i=$((i + 1))
  if [ "$i" -ge 60 ]; then
    echo "PostgreSQL not reachable" >&2
    exit 1
  fi
  sleep 2
done

tool() {
  temporal-sql-tool --plugin "${PLUGIN}" --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" "$@"
}

for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  schema="${pair##*:}"
  echo "setting up database ${db} (${schema} schema)"
  tool --db "${db}" create-database
  tool --db "${db}" setup-schema -v 0.0
  tool --db "${db}" update-schema -d "${SCHEMA_DIR}/${schema}/versioned"
done

echo "Temporal schema setup complete"
