# kernel-tests/ — differential tests against the live kernel verifier (need root or
# CAP_BPF; they print "SKIP: <reason>" when they cannot run).
KTEST_SRCS := $(wildcard kernel-tests/ktest_*.c)
KTESTS := $(patsubst %.c,$(O)/%,$(KTEST_SRCS))

$(KTESTS): %: %.o $(CHK_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(PDS_LDFLAGS) $(LDFLAGS) -o $@ $< $(CHK_A) $(CHK_SYS) -lcunit

.PHONY: kernel-test
kernel-test: $(KTESTS) $(BPF_PROGS)
	@fail=0; for t in $(KTESTS); do echo "== $$t"; \
		$(TEST_ENV) ./$$t || fail=1; done; exit $$fail
