#!/usr/bin/env bash
# Installs the Debian packages and npm test tools phongdich needs, skipping whatever is already present.
# Usage: scripts/install-deps.sh [--test]   (--test adds the browser/API test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential cmake pkg-config libsqlite3-dev libmicrohttpd-dev libjansson-dev libsodium-dev
            libutf8proc-dev libxlsxwriter-dev libqrencode-dev libzip-dev libexpat1-dev
            librsvg2-dev libcairo2-dev fonts-dejavu-core)
test_pkgs=(libcmocka-dev chromium nodejs npm python3 python3-openpyxl wrk curl zbar-tools sqlite3
           clang libclang-rt-14-dev python3-docx)

want=("${build_pkgs[@]}")
[ "${1:-}" = "--test" ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node may come from elsewhere than Debian; accept any working node/npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
clean=(); for p in "${missing[@]}"; do [ -n "$p" ] && clean+=("$p"); done
if [ ${#clean[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${clean[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${clean[@]}"
fi

if [ "${1:-}" = "--test" ] && [ ! -d tests/node_modules/playwright-core ]; then
    echo "Installing npm test tools (playwright-core, using Debian's chromium)"
    (cd tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
