#!/bin/sh
# Generates the kernel helper id -> name table from the installed libbpf header
# (Debian's libbpf-dev), so that names follow the headers programs are built with.
set -eu
hdr=${1:-/usr/include/bpf/bpf_helper_defs.h}
grep -E '^static .*\(\*[a-z_0-9]+\)\(.*= \(void \*\) [0-9]+;$' "$hdr" |
	sed -E 's/.*\(\*([a-z_0-9]+)\)\(.*= \(void \*\) ([0-9]+);$/\t[\2] = "\1",/'
