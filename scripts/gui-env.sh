#!/bin/sh
# Runs a command with an X display, for the GUI tests and screenshots.
#
#   scripts/gui-env.sh cargo test -p sparekey-tests --test blackbox gui::
#
# With DISPLAY already set (a desktop session, or your own Xvfb) the command
# runs as it is; otherwise it runs under a private Xvfb via xvfb-run.
# `-noreset` matters: without it a quick restart of the app sometimes fails
# GTK initialisation.
set -eu

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

if [ -n "${DISPLAY:-}" ]; then
    exec "$@"
fi

if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "$0: DISPLAY is not set and xvfb-run is missing (Debian: apt-get install xvfb xauth)" >&2
    exit 1
fi

exec xvfb-run -a -s '-screen 0 1280x800x24 -nolisten tcp -noreset' "$@"
