# PDS — top-level, non-recursive GNU make.
#
#   make            build libraries, tools, eBPF test programs
#   make check      run every CUnit suite, then again under ASan + UBSan
#   make deps       install the Debian packages the build, tests and demo need
#   make install    PREFIX=/usr/local DESTDIR=   (also: uninstall)
#   make fuzz       libFuzzer targets, bounded time (FUZZ_SECONDS per target)
#   make bench      benchmarks
#   make format / format-check
#   V=1 shows commands; SAN=1 builds with AddressSanitizer + UBSan into build/san.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

VERSION := 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

ifeq ($(SAN),1)
O ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
O ?= build/release
SANFLAGS :=
endif
# Programs compiled for the eBPF target are the same in every build flavour.
BPFO := build/bpf

BPF_CLANG ?= clang
LLVM_OBJDUMP ?= llvm-objdump
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla
CFLAGS ?= -O2 -g
PDS_CFLAGS = -std=c11 -D_GNU_SOURCE -fPIC -fvisibility=hidden $(WARNINGS) $(SANFLAGS) \
	-DPDS_VERSION='"$(VERSION)"' -I. $(PART_INCLUDES)
LDFLAGS ?=
PDS_LDFLAGS = $(SANFLAGS)

# Each part adds its public include folder here.
PART_INCLUDES :=
LIBRARIES :=
SHARED_LIBRARIES :=
TOOLS :=
TESTS :=
FUZZERS :=
BENCHES :=
BPF_PROGS :=
MANPAGES :=
HEADERS :=
PKGCONFIGS :=

all:


# ---------------------------------------------------------------- compile rules
$(O)/%.o: %.c
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PDS_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# eBPF test programs: -g so that BTF line info and DWARF are present.
BPF_SYS_INCLUDES := -I/usr/include/$(shell $(CC) -dumpmachine 2>/dev/null)
$(BPFO)/%.o: %.c
	$(call msg,BPFCC,$<)
	@mkdir -p $(@D)
	$(Q)$(BPF_CLANG) -target bpf -O2 -g -Wall -Werror $(BPF_SYS_INCLUDES) -I$(<D) \
		-MMD -MP -c $< -o $@

# ---------------------------------------------------------------- tests
# Every test binary runs from the top of the tree and finds the compiled eBPF
# programs through PDS_TEST_BPF_DIR; CUnit prints its summary for each.
TEST_ENV = PDS_TEST_BPF_DIR=$(BPFO) PDS_TEST_BUILD_DIR=$(O) LLVM_OBJDUMP=$(LLVM_OBJDUMP) \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1

.PHONY: all test check check-san install uninstall fuzz bench format format-check clean deps demo

check:
	$(MAKE) --no-print-directory test
	$(MAKE) --no-print-directory SAN=1 test
	$(MAKE) --no-print-directory kernel-test

deps:
	@sh mk/deps.sh

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build



# ---------------------------------------------------------------- parts
# $(call pds_part,VAR,dir,libname,system libs,other parts' VARs it links after itself)
# Defines VAR_A (static library), VAR_SO (shared library), VAR_LIBS (link line),
# one test binary per DIR/tests/test_*.c (linked with DIR/tests/util*.c when present),
# one fuzzer per DIR/fuzz/fuzz_*.c.
FUZZO := build/fuzz
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -I. $(PART_INCLUDES) -DPDS_VERSION='"$(VERSION)"'

define pds_part
$(1)_SRCS := $$(wildcard $(2)/*.c)
$(1)_OBJS := $$($(1)_SRCS:%.c=$$(O)/%.o)
$(1)_A := $$(O)/lib$(3).a
$(1)_SO := $$(O)/lib$(3).so
$(1)_LIBS = $$($(1)_A) $$(foreach p,$(5),$$($$(p)_A)) $(4) $$(foreach p,$(5),$$($$(p)_SYS))
$(1)_SYS := $(4)
$(1)_TEST_UTIL := $$(patsubst %.c,$$(O)/%.o,$$(wildcard $(2)/tests/util*.c))
$(1)_TESTS := $$(patsubst %.c,$$(O)/%,$$(wildcard $(2)/tests/test_*.c))
$(1)_FUZZ_OBJS := $$($(1)_SRCS:%.c=$$(FUZZO)/%.o)
$(1)_FUZZERS := $$(patsubst %.c,$$(FUZZO)/%,$$(wildcard $(2)/fuzz/fuzz_*.c))
$(1)_BENCHES := $$(patsubst %.c,$$(O)/%,$$(wildcard $(2)/tests/bench_*.c))
BENCHES += $$($(1)_BENCHES)
LIBRARIES += $$($(1)_A)
ifneq ($$(SAN),1)
SHARED_LIBRARIES += $$($(1)_SO)
endif
TESTS += $$($(1)_TESTS)
FUZZERS += $$($(1)_FUZZERS)

$$($(1)_A): $$($(1)_OBJS)
	$$(call msg,AR,$$@)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
$$($(1)_SO): $$($(1)_OBJS) $$(foreach p,$(5),$$($$(p)_A))
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) -shared -Wl,-soname,lib$(3).so.0 -o $$@ $$($(1)_OBJS) \
		$$(foreach p,$(5),$$($$(p)_A)) $(4) $$(foreach p,$(5),$$($$(p)_SYS)) $$(PDS_LDFLAGS)
$$($(1)_TESTS) $$($(1)_BENCHES): %: %.o $$($(1)_TEST_UTIL) $$($(1)_A) $$(foreach p,$(5),$$($$(p)_A))
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(PDS_LDFLAGS) $$(LDFLAGS) -o $$@ $$< $$($(1)_TEST_UTIL) $$($(1)_LIBS) -lcunit
$$($(1)_FUZZERS): %: %.o $$($(1)_FUZZ_OBJS) $$(foreach p,$(5),$$($$(p)_FUZZ_OBJS))
	$$(call msg,LD,$$@)
	$$(Q)$$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $$@ $$^ $(4) \
		$$(foreach p,$(5),$$($$(p)_SYS))
endef

$(FUZZO)/%.o: %.c
	$(call msg,FUZZCC,$<)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

# ---------------------------------------------------------------- the parts
include bpf/bpf.mk
include attest/attest.mk
include loader/loader.mk
include tools/tools.mk
include kernel-tests/kernel-tests.mk
include docs/docs.mk

all: $(LIBRARIES) $(SHARED_LIBRARIES) $(TOOLS) $(BPF_PROGS) $(PKGCONFIGS) $(TESTS)

# ---------------------------------------------------------------- runners
# Defined after the parts: their prerequisite lists are expanded when read.
test: $(TESTS) $(TOOLS) $(BPF_PROGS)
	@fail=0; for t in $(TESTS); do \
		echo "== $$t"; \
		$(TEST_ENV) ./$$t || { echo "FAILED: $$t"; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "test suites failed ($(O))"; exit 1; fi; \
	echo "all test suites passed ($(O))"

bench: $(BENCHES) $(TOOLS) $(BPF_PROGS)
	@for b in $(BENCHES); do echo "== $$b"; $(TEST_ENV) ./$$b || exit 1; done

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
		name=$$(basename $$f); part=$$(echo $$f | cut -d/ -f3); \
		seeds=$$part/fuzz/corpus/$$name; corpus=build/fuzz-corpus/$$name; \
		made=build/fuzz-seeds/$$name; \
		mkdir -p $$corpus; \
		echo "== $$name: $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -print_final_stats=1 \
			-artifact_prefix=build/fuzz-$$name- $$corpus $$( [ -d $$seeds ] && echo $$seeds ) \
			$$( [ -d $$made ] && echo $$made ) \
			2>&1 | grep -E '^(stat::|#[0-9]+ *DONE|==[0-9]+==|SUMMARY|ERROR)' ; \
		[ $${PIPESTATUS[0]:-0} -eq 0 ] || { echo "fuzz: $$name found a crash"; exit 1; }; \
	done


-include $(shell find build -name '*.d' 2>/dev/null)
