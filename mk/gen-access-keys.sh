#!/bin/sh
# Generates the PQUIC access-key table (setter, name, value, effect) from
# bpf/data/pquic-access-keys.tsv, the list of PQUIC's access keys.
set -eu
awk -F'\t' 'NR > 1 && NF >= 4 {
	gsub(/\\/, "\\\\", $4); gsub(/"/, "\\\"", $4);
	printf "\t{\"%s\", \"%s\", %s, \"%s\"},\n", $1, $2, $3, $4
}' "${1:-bpf/data/pquic-access-keys.tsv}"
