# docs/ — man pages and formats.
MANPAGES += $(wildcard docs/man/*.1) $(wildcard docs/man/*.3) $(wildcard docs/man/*.5)


install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/pds $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(LIBRARIES) $(DESTDIR)$(LIBDIR)/
	for so in $(SHARED_LIBRARIES); do b=$$(basename $$so); \
		install -m 0755 $$so $(DESTDIR)$(LIBDIR)/$$b.0; \
		ln -sf $$b.0 $(DESTDIR)$(LIBDIR)/$$b; done
	install -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/pds/
	@# The .pc files are built for the PREFIX of the build; install writes the one asked for now.
	for pc in $(PKGCONFIGS); do sed -e 's|^prefix=.*|prefix=$(PREFIX)|' \
		-e 's|^libdir=.*|libdir=$(LIBDIR)|' -e 's|^includedir=.*|includedir=$(INCLUDEDIR)|' \
		$$pc > $(DESTDIR)$(PKGCONFIGDIR)/$$(basename $$pc).tmp && \
		chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/$$(basename $$pc).tmp && \
		mv $(DESTDIR)$(PKGCONFIGDIR)/$$(basename $$pc).tmp \
			$(DESTDIR)$(PKGCONFIGDIR)/$$(basename $$pc); done
	for m in $(MANPAGES); do s=$${m##*.}; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(TOOLS)))
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(notdir $(LIBRARIES)))
	for so in $(SHARED_LIBRARIES); do b=$$(basename $$so); \
		rm -f $(DESTDIR)$(LIBDIR)/$$b $(DESTDIR)$(LIBDIR)/$$b.0; done
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/pds/,$(notdir $(HEADERS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/pds 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(PKGCONFIGDIR)/,$(notdir $(PKGCONFIGS)))
	for m in $(MANPAGES); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$m); done

# make demo: the example plugins of docs/examples/ checked, logged and attested (mk/demo.sh).
demo: $(TOOLS)
	@BPF_CLANG=$(BPF_CLANG) CC=$(CC) sh mk/demo.sh $(O) build/demo
