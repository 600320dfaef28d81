#!/usr/bin/env bash
# Render an agentsft report (or any static HTML page) in headless Chromium and save a PNG screenshot.
#   bash scripts/report_screenshot.sh REPORT.html OUT.png [WIDTH,HEIGHT]
# Installs Debian's `chromium` (and a CJK font, so Chinese text in tables is not drawn as boxes) with apt-get
# when missing. The page loads nothing from the network; the flags keep Chromium itself offline too.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2
  exit 2
fi
report=$1
out=$2
size=${3:-1280,4000}
if [ ! -f "$report" ]; then
  echo "error: $report: no such file" >&2
  exit 2
fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "installing Debian's chromium (apt-get)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  browser=$(command -v chromium)
fi
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "note: no CJK font installed; Chinese text will show as boxes (apt-get install fonts-wqy-microhei)" >&2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
mkdir -p "$(dirname "$out")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$profile" --screenshot="$out_abs" --window-size="$size" "$url" >/dev/null 2>&1 || true
if [ ! -s "$out_abs" ]; then
  echo "error: chromium made no screenshot at $out_abs" >&2
  exit 1
fi
echo "$out_abs"
