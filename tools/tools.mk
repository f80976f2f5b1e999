# tools/ — thin command-line programs over the libraries; one pds-*.c each.
TOOLS_COMMON := $(patsubst %.c,$(O)/%.o,$(wildcard tools/common*.c))
TOOLS_NAMES := $(patsubst tools/%.c,%,$(wildcard tools/pds-*.c))
TOOLS += $(addprefix $(O)/bin/,$(TOOLS_NAMES))
TOOLS_LIBS = $(LDR_A) $(ATT_A) $(CHK_A)
TOOLS_SYS = $(sort $(LDR_SYS) $(ATT_SYS) $(CHK_SYS))

$(O)/bin/%: $(O)/tools/%.o $(TOOLS_COMMON) $(TOOLS_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PDS_LDFLAGS) $(LDFLAGS) -o $@ $< $(TOOLS_COMMON) $(TOOLS_LIBS) $(TOOLS_SYS)
