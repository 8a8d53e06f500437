#!/bin/sh
# Entrypoint of the Carevault image: starts one app, the migrations, or any command.
#   (no argument)      the app named by $APP (default gateway): node dist/apps/$APP/src/main.js
#   <app> [args...]    that app
#   migrate [args...]  node dist/tools/migrate.js (one-shot)
#   <command...>       runs it as given (node, sh, ...)
# Paths are relative to the working directory (/app in the image).
set -eu

APPS="gateway identity consent connect-request record-store audit partner-push"

is_app() {
  case " $APPS " in
    *" $1 "*) return 0 ;;
    *) return 1 ;;
  esac
}

if [ "$#" -gt 0 ]; then
  if is_app "$1"; then
    APP="$1"
    shift
  elif [ "$1" = "migrate" ]; then
    shift
    exec node dist/tools/migrate.js "$@"
  else
    exec "$@"
  fi
fi

APP="${APP:-gateway}"
if ! is_app "$APP"; then
  echo "entrypoint: unknown APP '$APP'; expected one of: $APPS (or the command 'migrate')" >&2
  exit 64
fi
main="dist/apps/$APP/src/main.js"
if [ ! -f "$main" ]; then
  echo "entrypoint: $main is missing from the image (was the build complete?)" >&2
  exit 66
fi
export APP
exec node "$main" "$@"
