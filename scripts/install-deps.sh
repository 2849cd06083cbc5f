#!/usr/bin/env bash
# Installs what crosswatch needs to build, run and test on Debian 12 (as root
# or with sudo). Does nothing when everything is already there.
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config
  libglib2.0-dev libjson-glib-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
  libopencv-dev opencv-data opencv-doc libturbojpeg0-dev libpng-dev
  libsqlite3-dev sqlite3 libsodium-dev
  libmosquitto-dev mosquitto mosquitto-clients
  libcairo2-dev libpango1.0-dev fonts-dejavu-core libqrencode-dev
  zbar-tools bc time curl
  libgstrtspserver-1.0-dev gstreamer1.0-rtsp libarchive-dev openssl
  libsoup-3.0-dev glib-networking chromium fonts-wqy-zenhei
  xvfb x11-apps imagemagick gstreamer1.0-x gstreamer1.0-plugins-base-apps
  libsystemd-dev groff-base python3-onnx
)
# the review UI's browser tests run puppeteer-core under Node.js: Debian's,
# unless the machine has one already
command -v node > /dev/null && command -v npm > /dev/null || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
