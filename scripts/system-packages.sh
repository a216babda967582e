#!/usr/bin/env bash
# Install the Debian packages egov needs from the system, when missing:
# chromium (browser journeys), poppler-utils (PDF text checks), wrk (make bench),
# softhsm2 + opensc (a software PKCS#11 token for the signing tests).
# The fonts are shipped in static/fonts, so no font package is needed.
set -euo pipefail
want=()
for need in "$@"; do
  case "$need" in
    chromium) [ -x /usr/bin/chromium ] || want+=(chromium) ;;
    poppler) command -v pdftotext >/dev/null || want+=(poppler-utils) ;;
    wrk) command -v wrk >/dev/null || want+=(wrk) ;;
    gettext) command -v msgfmt >/dev/null || want+=(gettext) ;;
    softhsm) [ -e /usr/lib/softhsm/libsofthsm2.so ] || want+=(softhsm2 opensc) ;;
    *) echo "system-packages: unknown need $need" >&2; exit 2 ;;
  esac
done
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "system-packages: missing Debian packages: ${want[*]} — install them with: sudo apt-get install ${want[*]}" >&2
  exit 1
fi
echo "system-packages: installing ${want[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
