#!/bin/sh
# make demo: compiles the example plugins of docs/examples/, checks them with
# pds-check (text, JSON, host facts, CFG), then keeps a transparency log of the
# reports with pds-keygen and pds-log, and attests a plugin with pds-attest.
# Every command is printed before it runs; the outcome of each check is shown,
# and the demo exits 0 when every step ran as described.
#
# usage: mk/demo.sh BUILD_DIR OUT_DIR   (make demo passes build/release build/demo)
set -eu

BIN="$1/bin"
OUT="$2"
BPF_CLANG="${BPF_CLANG:-clang}"
ARCH_INC="/usr/include/$(${CC:-cc} -dumpmachine 2>/dev/null || true)"

say() { printf '\n### %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }
# Runs a command that may report a verdict through its exit status: prints it.
run() {
	show "$*"
	set +e
	"$@"
	rc=$?
	set -e
	printf '(exit %d)\n' "$rc"
	return 0
}
# Runs a command that must succeed.
must() {
	show "$*"
	"$@"
}

for t in pds-check; do
	[ -x "$BIN/$t" ] || { echo "demo: $BIN/$t is missing (run make)" >&2; exit 1; }
done

rm -rf "$OUT"
mkdir -p "$OUT"

say "compiling the example plugins of docs/examples/ into $OUT"
for dir in docs/examples/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	mkdir -p "$OUT/$name"
	cp "$dir"/*.plugin "$OUT/$name/"
	for spec in "$dir"/*.spec; do
		[ -e "$spec" ] && cp "$spec" "$OUT/$name/"
	done
	for src in "$dir"/*.c; do
		obj="$OUT/$name/$(basename "$src" .c).o"
		must "$BPF_CLANG" -target bpf -O2 -g -Wall -Werror -I"$ARCH_INC" \
			-Ibpf/tests/progs/pquic -c "$src" -o "$obj"
	done
done

say "path_stats: two loops over the connection's paths"
say "without host facts the bound is a formula over nb_paths, unbounded as a number"
run "$BIN/pds-check" "$OUT/path_stats/path_stats.plugin"
say "with path_stats.spec (nb_paths <= 8) the formula gives a number"
must cat "$OUT/path_stats/path_stats.spec"
run "$BIN/pds-check" --spec "$OUT/path_stats/path_stats.spec" "$OUT/path_stats/path_stats.plugin"
say "the same as JSON (termination: verdict, bound, formula, assumptions, loops)"
run "$BIN/pds-check" --json --spec "$OUT/path_stats/path_stats.spec" \
	"$OUT/path_stats/path_stats.plugin"
say "the CFG of each pluglet as Graphviz DOT, loops and their bounds marked"
run "$BIN/pds-check" --quiet --spec "$OUT/path_stats/path_stats.spec" \
	--cfg "$OUT/path_stats/cfg.dot" "$OUT/path_stats/path_stats.plugin"
printf '%s: %s lines\n' "$OUT/path_stats/cfg.dot" "$(wc -l < "$OUT/path_stats/cfg.dot")"
if command -v dot >/dev/null 2>&1; then
	must dot -Tsvg "$OUT/path_stats/cfg.dot" -o "$OUT/path_stats/cfg.svg"
	echo "rendered $OUT/path_stats/cfg.svg"
else
	echo "graphviz is not installed: the DOT file is not rendered"
fi

say "retransmit_scan: a walk of the host's packet list"
say "without a fact the walk may never end: unknown (termination/host-list-walk)"
run "$BIN/pds-check" "$OUT/retransmit_scan/retransmit_scan.plugin"
say "retransmit_scan.spec declares the list acyclic and at most 1024 long"
must cat "$OUT/retransmit_scan/retransmit_scan.spec"
run "$BIN/pds-check" --spec "$OUT/retransmit_scan/retransmit_scan.spec" \
	"$OUT/retransmit_scan/retransmit_scan.plugin"

say "spin_wait: a pluglet whose counter steps over its exit value"
say "the verdict is fails (termination/skips-bound), exit status 1"
run "$BIN/pds-check" "$OUT/spin_wait/spin_wait.plugin"

if [ ! -x "$BIN/pds-keygen" ] || [ ! -x "$BIN/pds-log" ]; then
	say "pds-keygen or pds-log is not built: no log step"
	exit 0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pds-demo.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
say "a verifier key and a transparency log in $TMP"
must "$BIN/pds-keygen" --out-dir "$TMP" demo.example/verifier
must "$BIN/pds-keygen" --out-dir "$TMP" demo.example/log
KEY="$TMP/demo.example_verifier.key"
LOGKEY="$TMP/demo.example_log.key"
LOGPUB="$TMP/demo.example_log.pub"
must "$BIN/pds-log" init --key "$LOGKEY" "$TMP/log"

say "append the JSON report of path_stats to the log, prove it, verify the proof offline"
"$BIN/pds-check" --json --spec "$OUT/path_stats/path_stats.spec" \
	"$OUT/path_stats/path_stats.plugin" > "$TMP/path_stats.json" || true
must "$BIN/pds-log" append --key "$LOGKEY" "$TMP/log" "$TMP/path_stats.json"
show "$BIN/pds-log prove --pub $LOGPUB $TMP/log 0 > $TMP/entry0.proof"
"$BIN/pds-log" prove --pub "$LOGPUB" "$TMP/log" 0 > "$TMP/entry0.proof"
must cat "$TMP/entry0.proof"
must "$BIN/pds-log" verify --pub "$LOGPUB" "$TMP/path_stats.json" "$TMP/entry0.proof"
must "$BIN/pds-log" fsck --pub "$LOGPUB" "$TMP/log"

if [ ! -x "$BIN/pds-attest" ]; then
	say "pds-attest is not built: no attestation step"
	exit 0
fi
say "attest retransmit_scan with the default rule: termination proven (the list walk under the spec's fact), side effects proven against the built-in protoop specs"
cp -r "$OUT/retransmit_scan" "$TMP/retransmit_scan"
must "$BIN/pds-attest" --key "$KEY" --log "$TMP/log" --log-key "$LOGKEY" \
	--spec "$TMP/retransmit_scan/retransmit_scan.spec" \
	"$TMP/retransmit_scan/retransmit_scan.plugin"
ls -l "$TMP/retransmit_scan/"*.pds
say "spin_wait is refused by the default rule: no attestation (exit 1 expected)"
run "$BIN/pds-attest" --key "$KEY" --log "$TMP/log" --log-key "$LOGKEY" \
	"$OUT/spin_wait/spin_wait.plugin"
must "$BIN/pds-log" fsck --pub "$LOGPUB" "$TMP/log"
say "demo done"
