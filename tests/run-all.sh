#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite twice:
#   1. in a virtual environment with the newest releases from PyPI;
#   2. under the system /usr/bin/python3 with Debian 12's own packages
#      (python3-bottle 0.12.23, python3-gevent 22.10, python3-gevent-websocket
#      0.10.1, python3-segno 1.4.1), as a Raspberry Pi installs them with apt.
# The browser tests need Chromium and Playwright; they run in the PyPI pass
# (Playwright's greenlet would replace Debian's under gevent 22.10). The
# spreadsheet tests convert files with a real LibreOffice (headless soffice).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

echo "== installing Debian packages"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
    python3 python3-venv python3-pip \
    python3-bottle python3-gevent python3-gevent-websocket python3-segno \
    python3-pytest python3-hypothesis \
    chromium systemd libreoffice-calc-nogui >/dev/null

echo "== axe-core (the accessibility engine the browser tests run) from the npm registry"
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq npm >/dev/null
npm install --prefix "$HOME/.cache/quizbox-axe" --no-save --silent --no-audit --no-fund axe-core@4
export QUIZBOX_AXE_JS=${QUIZBOX_AXE_JS:-$HOME/.cache/quizbox-axe/node_modules/axe-core/axe.min.js}

echo "== pass 1: newest PyPI releases"
venv=${QUIZBOX_TEST_VENV:-.venv-pypi}
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q --upgrade bottle gevent gevent-websocket segno \
    pytest hypothesis playwright
"$venv/bin/python" -c 'import bottle, gevent, segno; print("bottle", bottle.__version__, "gevent", gevent.__version__, "segno", segno.__version__)'
"$venv/bin/python" -m pytest -q tests "$@"

echo "== pass 2: Debian 12 packages under /usr/bin/python3"
/usr/bin/python3 -c 'import bottle, gevent, segno; print("bottle", bottle.__version__, "gevent", gevent.__version__, "segno", segno.__version__)'
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests "$@"
