#!/usr/bin/env bash
# The catalog's own database and role on the stack's PostgreSQL server (docker-compose.yml).
# The postgres image runs this once, when it initialises an empty data volume; on an existing
# volume run the same statements by hand (docs/deployment.md).
set -e

if [ -z "${MONEV_CATALOG_PASSWORD:-}" ]; then
    echo "MONEV_CATALOG_PASSWORD is not set: cannot create the catalog role" >&2
    exit 1
fi

# The password goes in as a psql variable (:'catalog_password' quotes it), never spliced into SQL.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set catalog_password="$MONEV_CATALOG_PASSWORD" <<'SQL'
CREATE ROLE monev LOGIN PASSWORD :'catalog_password';
CREATE DATABASE monev_catalog OWNER monev;
REVOKE ALL ON DATABASE monev_catalog FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE monev_catalog TO monev;
SQL
