# bpf/ — libpdscheck: object reader, decoder, manifests, analyses.
PART_INCLUDES += -Ibpf/include
$(eval $(call pds_part,CHK,bpf,pdscheck,-lbpf -lelf -lz,))
HEADERS += bpf/include/pds/check.h bpf/include/pds/chk_errors.h bpf/include/pds/manifest.h \
	bpf/include/pds/analysis.h bpf/include/pds/spec.h bpf/include/pds/effects.h
PKGCONFIGS += $(O)/pdscheck.pc

# eBPF test programs, compiled by the build (never committed as objects).
CHK_PQUIC_PROGS := $(patsubst %.c,$(BPFO)/%.o,$(wildcard bpf/tests/progs/pquic/*.c bpf/tests/progs/term/*.c \
	bpf/tests/progs/effects/*.c))
CHK_KERNEL_PROGS := $(patsubst %.c,$(BPFO)/%.o,$(wildcard bpf/tests/progs/kernel/*.c bpf/tests/progs/kterm/*.c))
BPF_PROGS += $(CHK_PQUIC_PROGS) $(CHK_KERNEL_PROGS)

$(O)/pdscheck.pc: mk/pkgconfig.in
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@NAME@|pdscheck|; s|@DESC@|PDS checker: eBPF object reader and static analyses|' \
		-e 's|@VERSION@|$(VERSION)|; s|@REQUIRES@|libbpf libelf zlib|' $< > $@

# Kernel helper names, generated from the installed libbpf header.
GEN := build/gen
PART_INCLUDES += -I$(GEN)
$(GEN)/kernel_helpers.inc: mk/gen-kernel-helpers.sh
	@mkdir -p $(@D)
	$(Q)sh $< > $@.tmp && test -s $@.tmp && mv $@.tmp $@
$(O)/bpf/helpers_kernel.o $(FUZZO)/bpf/helpers_kernel.o: $(GEN)/kernel_helpers.inc
$(GEN)/access_keys.inc: mk/gen-access-keys.sh bpf/data/pquic-access-keys.tsv
	@mkdir -p $(@D)
	$(Q)sh $< bpf/data/pquic-access-keys.tsv > $@.tmp && test -s $@.tmp && mv $@.tmp $@
$(O)/bpf/access_keys.o $(FUZZO)/bpf/access_keys.o: $(GEN)/access_keys.inc

# Seeds of fuzz_elf (bpf/fuzz/fuzz_elf.c): the compiled test programs, each behind
# its profile byte (0 PQUIC, 1 kernel), made when fuzzing since objects are never
# committed.  `make fuzz` passes build/fuzz-seeds/NAME to fuzzer NAME when present.
FUZZ_SEEDS := build/fuzz-seeds
$(FUZZ_SEEDS)/fuzz_elf.stamp: $(CHK_PQUIC_PROGS) $(CHK_KERNEL_PROGS)
	$(call msg,SEEDS,$(FUZZ_SEEDS)/fuzz_elf)
	@mkdir -p $(FUZZ_SEEDS)/fuzz_elf
	$(Q)seed() { d=$$(basename $$(dirname $$2)); \
		{ printf "$$1"; cat $$2; } > $(FUZZ_SEEDS)/fuzz_elf/$$d-$$(basename $$2); }; \
	for f in $(CHK_PQUIC_PROGS); do seed '\000' $$f || exit 1; done; \
	for f in $(CHK_KERNEL_PROGS); do seed '\001' $$f || exit 1; done
	@touch $@
fuzz: $(FUZZ_SEEDS)/fuzz_elf.stamp

# The shipped protoop specs, compiled into the library as a string.
PQUIC_SPEC := docs/specs/pquic.spec
$(GEN)/pquic_spec.inc: mk/gen-bytes.sh $(wildcard $(PQUIC_SPEC))
	@mkdir -p $(@D)
	$(Q)sh $< $(PQUIC_SPEC) > $@.tmp && mv $@.tmp $@
$(O)/bpf/spec.o $(FUZZO)/bpf/spec.o: $(GEN)/pquic_spec.inc
