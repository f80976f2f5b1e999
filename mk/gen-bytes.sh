#!/bin/sh
# Writes a file's bytes as a C initializer list (nothing when the file is absent).
set -eu
[ -s "$1" ] || exit 0
od -An -v -tu1 "$1" | tr -s ' \n' ' ' | sed -e 's/^ //' -e 's/ $//' -e 's/ /, /g' -e 's/$/,/'
echo
