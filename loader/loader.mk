# loader/ — libpdsload: trust policy, verification, PQUIC hook, kernel loading.
PART_INCLUDES += -Iloader/include
ifneq ($(wildcard loader/*.c),)
$(eval $(call pds_part,LDR,loader,pdsload,,ATT CHK))
endif
HEADERS += $(wildcard loader/include/pds/*.h)
PKGCONFIGS += $(O)/pdsload.pc

$(O)/pdsload.pc: mk/pkgconfig.in
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@NAME@|pdsload|; s|@DESC@|PDS loader: trust policy and plugin verification|' \
		-e 's|@VERSION@|$(VERSION)|; s|@REQUIRES@|pdsattest pdscheck|' $< > $@
