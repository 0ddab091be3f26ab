#!/bin/sh
# Run a manage.py command with the production settings, as the app's user:
#   /srv/parindex/deploy/manage.sh migrate
# The settings come from /etc/parindex/env (PARINDEX_ENV to use another file), read the way the
# systemd units read them; the user is parindex (PARINDEX_USER to change it).
set -eu
env_file=${PARINDEX_ENV:-/etc/parindex/env}
app_user=${PARINDEX_USER:-parindex}
app=$(cd "$(dirname "$0")/.." && pwd)
[ -r "$env_file" ] || { echo "Cannot read $env_file (run as root or $app_user)." >&2; exit 1; }
run='set -a; . "$1"; set +a; cd "$2"; shift 2; exec .venv/bin/python manage.py "$@"'
if [ "$(id -un)" = "$app_user" ]; then
  exec sh -c "$run" sh "$env_file" "$app" "$@"
fi
exec runuser -u "$app_user" -- sh -c "$run" sh "$env_file" "$app" "$@"
