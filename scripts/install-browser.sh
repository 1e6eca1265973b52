#!/usr/bin/env bash
# Install what the browser tests need, only when missing, with no browser download:
#   - Debian's chromium (/usr/bin/chromium) through apt;
#   - npm playwright-core (pinned in package.json / package-lock.json) through `npm ci`.
# Never run `npx playwright install`: it downloads a browser, which fails here.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "install-browser: installing Debian chromium" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: version unknown')" >&2

if [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/wasm-opt ]; then
  echo "install-browser: npm ci (playwright-core, binaryen)" >&2
  # playwright-core has no install script that downloads a browser; keep it that way.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
echo "install-browser: playwright-core $(node -p "require('./node_modules/playwright-core/package.json').version")" >&2
