#!/usr/bin/env bash
# deploy/cross-build.sh arm64|armhf
# Cross-compiles ampgate with Debian's cross toolchain and produces the .deb for that
# architecture in build/cross-<arch>/. The target's -dev packages are downloaded with apt and
# unpacked into a private sysroot (build/cross-<arch>/sysroot), so the build machine's own
# packages are never replaced by foreign-architecture ones.
set -euo pipefail
cd "$(dirname "$0")/.."

arch=${1:-}
case "$arch" in
  arm64) triplet=aarch64-linux-gnu ;;
  armhf) triplet=arm-linux-gnueabihf ;;
  *) echo "usage: deploy/cross-build.sh arm64|armhf" >&2; exit 2 ;;
esac

sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
deploy/install-deps.sh --no-browser
if ! dpkg-query -W -f='${Status}' "crossbuild-essential-$arch" 2>/dev/null | grep -q "install ok installed"; then
  echo "cross-build: installing crossbuild-essential-$arch" >&2
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "crossbuild-essential-$arch" >/dev/null
fi
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  echo "cross-build: enabling the $arch package lists" >&2
  "${sudo_cmd[@]}" dpkg --add-architecture "$arch"
  "${sudo_cmd[@]}" apt-get update -qq
fi

out=build/cross-$arch
sysroot=$PWD/$out/sysroot
# -dev packages and the runtime libraries they link against (what the linker must see);
# cpp-httplib.pc names openssl, zlib and brotli as private requirements, so pkg-config
# needs their .pc files too.
packages=(
  libmodbus-dev libmodbus5 libsqlite3-dev libsqlite3-0 libyaml-cpp-dev libyaml-cpp0.7
  libcpp-httplib-dev libcpp-httplib0.11 libsystemd-dev libsystemd0 libmosquitto-dev libmosquitto1
  libssl-dev libssl3 zlib1g-dev zlib1g libbrotli-dev libbrotli1 libcap2 libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1
  libboost1.74-dev
)
# Header-only packages that are the same for every architecture.
indep=(nlohmann-json3-dev libasio-dev libcli11-dev)
# The stamp names the package lists, so that a sysroot made before a package was added is made again.
stamp="${packages[*]} ${indep[*]}"
if [[ ! -f $sysroot/.complete || "$(cat "$sysroot/.complete")" != "$stamp" ]]; then
  echo "cross-build: unpacking $arch libraries into $sysroot" >&2
  rm -rf "$sysroot" "$out/debs" && mkdir -p "$sysroot" "$out/debs"
  (cd "$out/debs" && apt-get download -qq "${packages[@]/%/:$arch}" "${indep[@]}")
  for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
  echo "$stamp" >"$sysroot/.complete"
fi

cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/deploy/cross/toolchain.cmake" \
  -DAMPGATE_CROSS_TRIPLET="$triplet" -DAMPGATE_CROSS_SYSROOT="$sysroot" \
  -DAMPGATE_BUILD_TESTS=OFF -DAMPGATE_BUILD_BENCH=OFF \
  -DCPACK_DEBIAN_PACKAGE_ARCHITECTURE="$arch" -DCPACK_STRIP_FILES=ON >/dev/null
cmake --build "$out" -j"$(nproc)" --target ampgate
(cd "$out" && cpack -G DEB >/dev/null)
deb=$(ls "$out"/ampgate_*_"$arch".deb)
echo "cross-build: $deb"
file "$out/ampgate"
