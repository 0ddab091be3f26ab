#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium (browser tests), a font with Vietnamese
# (Liberation, Times New Roman's metrics), poppler (PDF checks), gettext (translations),
# Tesseract with its Vietnamese model (reading scanned evidence) and LibreOffice's Writer without
# a screen (the evidence tests turn Word files into PDF).
# Installs only what is missing, and only where it can (root with apt-get); otherwise it says so.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/liberation2 ] || missing+=(fonts-liberation2)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] \
  || [ -e /usr/share/tesseract-ocr/4.00/tessdata/vie.traineddata ] || missing+=(tesseract-ocr-vie)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]} (browser tests will be skipped outside CI)."
  echo "Install them with: sudo apt-get install ${missing[*]}"
fi
exit 0
