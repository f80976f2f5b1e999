# bpf/ — libpdscheck: object reader, decoder, manifests, analyses.
PART_INCLUDES += -Ibpf/include
$(eval $(call pds_part,CHK,bpf,pdscheck,-lbpf -lelf -lz,))
HEADERS += bpf/include/pds/check.h bpf/include/pds/chk_errors.h bpf/include/pds/manifest.h \
	bpf/include/pds/analysis.h bpf/include/pds/spec.h
PKGCONFIGS += $(O)/pdscheck.pc

# eBPF test programs, compiled by the build (never committed as objects).
CHK_PQUIC_PROGS := $(patsubst %.c,$(BPFO)/%.o,$(wildcard bpf/tests/progs/pquic/*.c bpf/tests/progs/term/*.c))
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
