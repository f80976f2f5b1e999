#!/bin/sh
# Installs every Debian 12 package that the build, the tests and the demo need.
# Idempotent: packages already present are not touched; works as root or through sudo.
set -eu

PACKAGES="make gcc clang llvm lld pkg-config git ca-certificates \
libbpf-dev libelf-dev zlib1g-dev libsodium-dev libcunit1-dev libssl-dev \
libclang-rt-14-dev z3 libz3-dev clang-format man-db"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: need root or sudo to install:$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
