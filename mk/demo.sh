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
	# folders without a plugin (the example policy) hold nothing to compile
	ls "$dir"/*.plugin >/dev/null 2>&1 || continue
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

for t in pds-verify pds-bundle pds-witness; do
	if [ ! -x "$BIN/$t" ]; then
		say "$t is not built: no loader step"
		exit 0
	fi
done
say "the host's side: a second verifier, two witnesses, a packager"
must "$BIN/pds-keygen" --out-dir "$TMP" demo.example/verifier2
must "$BIN/pds-keygen" --out-dir "$TMP" --cosigner demo.example/witness1
must "$BIN/pds-keygen" --out-dir "$TMP" --cosigner demo.example/witness2
must "$BIN/pds-keygen" --out-dir "$TMP" demo.example/packager
SHIP="$TMP/ship/retransmit_scan"
mkdir -p "$TMP/ship"
cp -r "$OUT/retransmit_scan" "$SHIP"
rm -f "$SHIP"/*.pds "$SHIP"/*.spec
cp "$OUT/retransmit_scan/retransmit_scan.spec" "$TMP/retransmit_scan.spec"
PLUGIN="$SHIP/retransmit_scan.plugin"
say "verifier 1 checks, attests and logs the plugin; verifier 2 re-checks and countersigns"
must "$BIN/pds-attest" --key "$KEY" --log "$TMP/log" --log-key "$LOGKEY" \
	--spec "$TMP/retransmit_scan.spec" "$PLUGIN"
must "$BIN/pds-attest" --cosign "$PLUGIN.pds" --key "$TMP/demo.example_verifier2.key" \
	--log-pub "$LOGPUB" --spec "$TMP/retransmit_scan.spec"
say "two witnesses check that the log's checkpoint extends what they saw, and cosign it"
for w in witness1 witness2; do
	show "$BIN/pds-log consistency --pub $LOGPUB $TMP/log 0 | $BIN/pds-witness add-checkpoint ... > $TMP/$w.cosig"
	"$BIN/pds-log" consistency --pub "$LOGPUB" "$TMP/log" 0 |
		"$BIN/pds-witness" add-checkpoint --state "$TMP/$w.state" \
			--key "$TMP/demo.example_$w.key" --log-key "$LOGPUB" > "$TMP/$w.cosig"
	cat "$TMP/$w.cosig"
done
cat "$TMP/witness1.cosig" "$TMP/witness2.cosig" > "$TMP/cosigs"
must "$BIN/pds-log" cosign --key "$LOGKEY" --witness "$TMP/demo.example_witness1.pub" \
	--witness "$TMP/demo.example_witness2.pub" "$TMP/log" "$TMP/cosigs"
say "the evidence beside the plugin now carries the witnessed checkpoint"
must "$BIN/pds-log" refresh --key "$LOGKEY" "$TMP/log" "$PLUGIN.pds"
must cat "$PLUGIN.pds"
say "a distribution packs the plugin with its evidence and signs the bundle"
must "$BIN/pds-bundle" create "$PLUGIN" -o "$TMP/retransmit_scan.pdsb"
must "$BIN/pds-bundle" sign --key "$TMP/demo.example_packager.key" "$TMP/retransmit_scan.pdsb"
must "$BIN/pds-bundle" list "$TMP/retransmit_scan.pdsb"
say "the host's trust policy: both verifiers, one of two witnesses, the packager, a budget"
POLICY="$TMP/host.policy"
{
	echo "# which logs, witnesses, verifiers and packagers this host trusts"
	echo "log $(cat "$LOGPUB")"
	echo "witness w1 $(cat "$TMP/demo.example_witness1.pub")"
	echo "witness w2 $(cat "$TMP/demo.example_witness2.pub")"
	echo "group witnesses any w1 w2"
	echo "quorum witnesses"
	echo "verifier v1 $(cat "$TMP/demo.example_verifier.pub")"
	echo "verifier v2 $(cat "$TMP/demo.example_verifier2.pub")"
	echo "require v1 & v2"
	echo "packager distro $(cat "$TMP/demo.example_packager.pub")"
	echo "accept-termination proven"
	echo "max-bound 1000000"
	echo "max-checkpoint-age 1d"
	echo "state $TMP/host-state"
} > "$POLICY"
mkdir -p "$TMP/host-state"
must cat "$POLICY"
must "$BIN/pds-verify" --policy "$POLICY" --check-policy
say "the packager checks the bundle against the host's policy, as a host would"
must "$BIN/pds-bundle" verify --policy "$POLICY" "$TMP/retransmit_scan.pdsb"
say "the host verifies the bundle, and the plugin on disk: accepted"
must "$BIN/pds-verify" --policy "$POLICY" --into "$TMP/store" "$TMP/retransmit_scan.pdsb"
must "$BIN/pds-verify" --policy "$POLICY" --json "$TMP/store/retransmit_scan.plugin"
say "one byte of one object changes: the plugin is refused (exit 1 expected)"
OBJ="$TMP/store/ack_delay_cap.o"
show "flip the lowest bit of byte 64 of $OBJ"
b=$(od -An -tu1 -j64 -N1 "$OBJ" | tr -d ' ')
# shellcheck disable=SC2059
printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$OBJ" bs=1 seek=64 conv=notrunc status=none
run "$BIN/pds-verify" --policy "$POLICY" "$TMP/store/retransmit_scan.plugin"
if [ "$rc" -ne 1 ]; then
	echo "demo: a changed object was not refused" >&2
	exit 1
fi
say "demo done"
