# loader/ — libpdsload: trust policy, verification, PQUIC hook, kernel loading.
PART_INCLUDES += -Iloader/include
ifneq ($(wildcard loader/*.c),)
$(eval $(call pds_part,LDR,loader,pdsload,,ATT CHK))
endif
