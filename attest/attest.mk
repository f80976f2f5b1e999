# attest/ — libpdsattest: keys, signed notes, attestations, the transparency log, bundles.
PART_INCLUDES += -Iattest/include
ifneq ($(wildcard attest/*.c),)
$(eval $(call pds_part,ATT,attest,pdsattest,-lsodium -lz -lcrypto,))
endif
HEADERS += $(wildcard attest/include/pds/*.h)
PKGCONFIGS += $(O)/pdsattest.pc

$(O)/pdsattest.pc: mk/pkgconfig.in
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@NAME@|pdsattest|; s|@DESC@|PDS attestations, keys, transparency log, bundles|' \
		-e 's|@VERSION@|$(VERSION)|; s|@REQUIRES@|libsodium zlib libcrypto|' $< > $@
