#!/usr/bin/env bash
# Schemathesis against /api/v1/openapi.json, served by gunicorn on 127.0.0.1 from a throw-away
# SQLite database with the shipped courses and a learner's token. Fails on any 5xx response
# (check not_a_server_error), including NUL bytes (allowed in generated strings) and ids
# beyond the database's integers. Bounded: FUZZ_EXAMPLES per operation (default 30), a fixed
# seed (FUZZ_SEED) so that a failure is reproducible. The server's log is printed on failure.
# FUZZ_DATABASE_URL=postgresql://…/test… runs it on PostgreSQL (where NUL bytes and large
# integers used to be 500s); that database's public schema is dropped first.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${FUZZ_PORT:-5077}"
EXAMPLES="${FUZZ_EXAMPLES:-30}"
SEED="${FUZZ_SEED:-7}"
WORK="$(mktemp -d)"
PY=.venv/bin/python

export ELEARN_ENV=development
export ELEARN_INSTANCE_PATH="$WORK"
export ELEARN_MEDIA_DIR="$WORK/media"
export DATABASE_URL="${FUZZ_DATABASE_URL:-sqlite:///$WORK/fuzz.sqlite3}"
export ELEARN_BASE_URL="http://127.0.0.1:$PORT"
export SECRET_KEY="fuzz-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export LOG_LEVEL=WARNING
# Generous throttles: the fuzzer asks for tokens far more often than a person would.
export LOGIN_FAILURES_PER_ACCOUNT="100000 per minute" LOGIN_FAILURES_PER_IP="100000 per minute"

case "$DATABASE_URL" in
  postgresql://*/test*)
    "$PY" - <<'PY'
import os

from sqlalchemy import create_engine, text

url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
with create_engine(url).begin() as conn:
    conn.execute(text("DROP SCHEMA public CASCADE"))
    conn.execute(text("CREATE SCHEMA public"))
PY
    ;;
  postgresql://*) echo "FUZZ_DATABASE_URL must name a test database" >&2; exit 2 ;;
esac
"$PY" -m flask --app wsgi db upgrade >/dev/null 2>&1
"$PY" -m flask --app wsgi regions load >/dev/null
"$PY" -m flask --app wsgi courses sync >/dev/null
"$PY" -m flask --app wsgi users create --email fuzz@example.vn --name "Người kiểm thử" \
  --password "fuzz correct horse battery" >/dev/null

.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$PORT" --log-level warning \
  --error-logfile "$WORK/server.log" wsgi:app 2>>"$WORK/server.log" &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

TOKEN="$(curl -fs -X POST -H 'Content-Type: application/json' \
  -d '{"login": "fuzz@example.vn", "password": "fuzz correct horse battery"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/token" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

status=0
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks not_a_server_error \
  --header "Authorization: Bearer $TOKEN" \
  --max-examples "$EXAMPLES" --seed "$SEED" --workers 2 \
  --generation-database none --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "== schemathesis failed (exit $status); the server's log:"
  cat "$WORK/server.log"
fi
exit "$status"
