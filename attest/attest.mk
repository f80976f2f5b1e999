# attest/ — libpdsattest: keys, signed notes, attestations, the transparency log, bundles.
PART_INCLUDES += -Iattest/include
ifneq ($(wildcard attest/*.c),)
$(eval $(call pds_part,ATT,attest,pdsattest,-lsodium -lz -lcrypto,))
endif
