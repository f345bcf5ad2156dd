#!/bin/sh
# Fetch tmx14.dtd, the TMX 1.4b DTD, for the tests from where Debian keeps
# it: schemas/tmx14.dtd inside OmegaT.jar of the omegat package. Only the
# package file is downloaded (apt-get download): no Java is installed.
# usage: tests/get-dtd.sh OUT
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
(cd "$tmp" && apt-get download omegat > /dev/null 2>&1) ||
	{ $sudo apt-get update -q > /dev/null && (cd "$tmp" && apt-get download omegat > /dev/null 2>&1); } ||
	{ echo "get-dtd: cannot download Debian's omegat package" >&2; exit 1; }
dpkg-deb -x "$tmp"/omegat_*.deb "$tmp/x"
python3 - "$tmp/x" "$out" <<'PY'
import glob, sys, zipfile
jar = glob.glob(sys.argv[1] + "/**/OmegaT.jar", recursive=True)[0]
data = zipfile.ZipFile(jar).read("schemas/tmx14.dtd")
open(sys.argv[2], "wb").write(data)
PY
echo "get-dtd: $out from $(basename "$tmp"/omegat_*.deb)"
