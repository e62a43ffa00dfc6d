# whichns - which DNS server does a long-running process query after
# /etc/resolv.conf changes?  Every entry point lives here.

PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/whichns
DATADIR  ?= $(PREFIX)/share/whichns
MANDIR   ?= $(PREFIX)/share/man

CC       ?= cc
PKG_CONFIG ?= pkg-config
B        := build

WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla \
            -Wnull-dereference -Wimplicit-fallthrough -Wundef \
            -Wno-format-truncation
OPT      ?= -O2 -g
STD      := -std=gnu11 -D_GNU_SOURCE
PCAP_CFLAGS  = $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS    = $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
# Roots a user brings (whichns roots, --libc PATH) are unpacked by libarchive.
ARCHIVE_LIBS = $(shell $(PKG_CONFIG) --libs libarchive 2>/dev/null || echo -larchive)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

ALL_CFLAGS  = $(STD) $(WARN) $(OPT) -Iharness/lib -MMD -MP \
              -DWHICHNS_DATADIR=\"$(DATADIR)\" -DWHICHNS_LIBEXECDIR=\"$(LIBEXECDIR)\" $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)

# Pure code: no system calls beyond memory and stdio on caller's streams.
LIB_SRCS  := $(sort $(wildcard harness/lib/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/%.o)
# The program: privileged modules (namespaces, mounts, processes, capture).
PROG_SRCS := $(sort $(wildcard harness/*.c))
PROG_OBJS := $(PROG_SRCS:%.c=$(B)/%.o)
# Probes: repro/*.c, each one program, sharing repro/probe_*.c.
PROBE_SHARED := $(sort $(wildcard repro/probe_*.c))
PROBE_DEPS   := $(PROBE_SHARED) $(wildcard repro/probe_*.h)
PROBES    := $(patsubst repro/%.c,$(B)/repro/%,$(filter-out $(PROBE_SHARED),$(wildcard repro/*.c)))
TEST_SRCS := $(sort $(wildcard tests/check_*.c))
TEST_OBJS := $(TEST_SRCS:%.c=$(B)/%.o)
TEST_OBJS += $(B)/tests/testutil.o $(B)/tests/wellformed.o

WHICHNS   := $(B)/whichns
LIBW      := $(B)/libwhichns.a
CHECKBIN  := $(B)/tests/check_whichns

.PHONY: all repro repro-prep check unit lib-calls integration regress zoo bench install uninstall clean deps deps-check musl-probes \
        asan noopt help fuzz fuzz-build
all: $(WHICHNS) $(PROBES)

help:
	@echo "make            build whichns and the probes (runs nothing)"
	@echo "make repro      install missing packages, build, run the classic experiments"
	@echo "make check      install missing packages, build, run unit and integration tests"
	@echo "make regress    run the default matrix across every C library root filesystem"
	@echo "make zoo        real daemons and runtimes (bookworm-zoo root filesystem), writes and checks doc/zoo.md"
	@echo "make bench      measure speed and stability of the host matrix"
	@echo "make asan       unit tests under -fsanitize=address,undefined"
	@echo "make lib-calls  check that libwhichns.a calls nothing beyond its allow-list (part of unit)"
	@echo "make fuzz       libFuzzer on every parser of outside bytes, FUZZ_SECONDS (60) each"
	@echo "make install    install whichns, probes, fixtures and the man page under PREFIX"

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PCAP_CFLAGS) -c -o $@ $<

$(LIBW): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# The version, with the git commit when built from a checkout ("0.1 (git
# 1a2b3c4-dirty)"), else the plain version (a tarball): only version.o
# has it, rebuilt when it changes.
VERSION  := 0.1
GIT_REV  := $(if $(wildcard .git),$(shell git rev-parse --short HEAD 2>/dev/null))
GIT_DIRTY := $(if $(GIT_REV),$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty))
VERSION_STR := $(VERSION)$(if $(GIT_REV), (git $(GIT_REV)$(GIT_DIRTY)))
$(B)/.version: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION_STR)' | cmp -s - $@ || echo '$(VERSION_STR)' > $@
$(B)/harness/lib/version.o: $(B)/.version
$(B)/harness/lib/version.o: ALL_CFLAGS += -DWHICHNS_VERSION='"$(VERSION_STR)"'

# The install paths are compiled into preflight.o and cmd_bundle.o (its
# rerun lines name the installed probes): rebuild them when they change.
$(B)/.paths: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR) $(LIBEXECDIR)' | cmp -s - $@ || echo '$(DATADIR) $(LIBEXECDIR)' > $@
$(B)/harness/preflight.o $(B)/harness/cmd_bundle.o $(B)/harness/rootprobes.o: $(B)/.paths
.PHONY: FORCE
FORCE:

# Every symbol bound once, as the run starts: each case is a fork of the
# runner and would otherwise look up again every function it is the first
# to call (about 1 ms of each case's CPU).  libpcap's own calls too: the
# shared library binds each as it is first used (Debian builds it without
# -z now), so whichns takes in libpcap.a (libpcap-dev's) where there is
# one, which saves each case about 0.7 ms.
# With it: libpcap.a by its path, its own Libs.private, and the shared
# libraries of the packages it requires (dbus-1 on Debian).
PCAP_A := $(wildcard $(shell $(PKG_CONFIG) --variable=libdir libpcap 2>/dev/null)/libpcap.a)
PCAP_REQ = $(shell $(PKG_CONFIG) --print-requires-private libpcap 2>/dev/null)
PCAP_OWN = $(filter-out -lpcap $(if $(PCAP_REQ),$(shell $(PKG_CONFIG) --static --libs $(PCAP_REQ) 2>/dev/null)),$(shell $(PKG_CONFIG) --static --libs libpcap 2>/dev/null))
PCAP_STATIC = $(PCAP_A) $(PCAP_OWN) $(if $(PCAP_REQ),$(shell $(PKG_CONFIG) --libs $(PCAP_REQ) 2>/dev/null))
WHICHNS_PCAP = $(if $(PCAP_A),$(PCAP_STATIC),$(PCAP_LIBS))
$(WHICHNS): $(PROG_OBJS) $(LIBW)
	$(CC) $(ALL_CFLAGS) -o $@ $(PROG_OBJS) $(LIBW) $(ALL_LDFLAGS) -Wl,-z,now $(WHICHNS_PCAP) $(BPF_LIBS) $(ARCHIVE_LIBS) -lm

# whichns watch's kernel side (doc/watch.md): harness/bpf/watch.bpf.c for
# the BPF target against the UAPI headers only (no vmlinux.h, so no
# kernel BTF is needed to build), its skeleton generated by bpftool, and
# watchbpf.o, the one object that includes it, linked with libbpf.
BPF_CC   ?= clang
BPFTOOL  ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
BPF_CFLAGS = $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
BPF_LIBS   = $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
$(B)/bpf/watch.bpf.o: harness/bpf/watch.bpf.c
	@mkdir -p $(@D)
	$(BPF_CC) -target bpf -O2 -g -Wall -Iharness/lib $(BPF_CFLAGS) \
	    $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -MMD -MP -c -o $@ $<
$(B)/bpf/watch.skel.h: $(B)/bpf/watch.bpf.o
	$(BPFTOOL) gen skeleton $< name watch_bpf > $@.tmp && mv $@.tmp $@
$(B)/harness/watchbpf.o: $(B)/bpf/watch.skel.h
$(B)/harness/watchbpf.o: ALL_CFLAGS += -I$(B)/bpf $(BPF_CFLAGS)

# Probes are deliberately plain: no harness code, only libc (+libresolv).
$(B)/repro/%: repro/%.c $(PROBE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(CFLAGS) -o $@ $< $(PROBE_SHARED) $(LDFLAGS) -lresolv

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(CHECKBIN): $(TEST_OBJS) $(LIBW)
	$(CC) $(ALL_CFLAGS) -o $@ $(TEST_OBJS) $(LIBW) $(ALL_LDFLAGS) $(CHECK_LIBS) $(PCAP_LIBS)

deps:
	@scripts/deps.sh

# make check also needs a browser: pictures.t looks at timeline.svg in
# headless Chromium.
deps-check:
	@scripts/deps.sh check

# The sendmail experiment runs in a bookworm root filesystem (built once,
# about a minute, cached), with the probes compiled inside it; nscd for the
# host's glibc is unpacked, never installed.  Every step a run needs is a
# prerequisite here, so an empty $(WHICHNS_CACHE) works.
# It ends with the investigation's four tests as a table
# (scripts/investigation.sh, doc/investigation.md), printed whatever the
# run's exit status, which stays make's.
repro: deps all repro-prep
	@rc=0; ./$(WHICHNS) run fixtures/scenarios/repro.scn || rc=$$?; \
	case $$rc in 0|1|4) scripts/investigation.sh results/latest || \
		{ [ $$rc -ne 0 ] || rc=2; } ;; esac; \
	exit $$rc

repro-prep:
	@scripts/mkrootfs.sh bookworm
	@scripts/build-probes.sh bookworm
	@scripts/get-nscd.sh

# Regression across C libraries: Debian root filesystems (cached in
# $(WHICHNS_CACHE), built once) and musl.  LIBCS picks a subset.
SUITES  ?= bullseye bookworm trixie sid
LIBCS   ?= host musl $(SUITES)
comma   := ,
empty   :=
space   := $(empty) $(empty)
# LIBCS may also name roots (whichns roots add) and paths to a root
# filesystem, a tarball or an image (doc/roots.md), which whichns run
# imports itself.  whichns takes a value holding a '/' for a path, so a
# word that is no built-in name but a file or folder here becomes ./WORD:
# LIBCS="host bullseye bullseye-image.tar" works as written.
REGRESS_SUITES = $(filter $(SUITES),$(LIBCS))
REGRESS_LIBCS  = $(foreach l,$(LIBCS),$(if $(filter host musl $(SUITES),$(l))$(findstring /,$(l)),$(l),$(if $(wildcard $(l)),./$(l),$(l))))
regress:
	@scripts/deps.sh regress
	$(MAKE) all musl-probes
	$(if $(REGRESS_SUITES),scripts/mkrootfs.sh $(REGRESS_SUITES))
	$(if $(REGRESS_SUITES),scripts/build-probes.sh $(REGRESS_SUITES))
	./$(WHICHNS) run --libc $(subst $(space),$(comma),$(strip $(REGRESS_LIBCS))) fixtures/scenarios/matrix.scn

# The daemon and runtime zoo (doc/zoo.md): real Debian packages in the
# bookworm-zoo root filesystem (built once, about 5 minutes, cached like the
# others), the zoo's programs compiled inside it, both zoo scenario files
# run against fixtures/expected/zoo, then doc/zoo.md written again from the
# run and compared with the committed one.  Fails when a verdict differs
# from the baseline or from doc/zoo.md (git diff doc/zoo.md shows which).
ZOO_SCN    := fixtures/scenarios/zoo.scn fixtures/scenarios/zoo-postfix.scn
ZOO_CACHE  := $(or $(WHICHNS_CACHE),/var/cache/whichns)
ZOO_JOBS   ?= 2
zoo: all
	@scripts/mkrootfs.sh bookworm-zoo
	@scripts/build-zoo.sh bookworm-zoo
	@rc=0; ./$(WHICHNS) run -j $(ZOO_JOBS) --expected fixtures/expected/zoo $(ZOO_SCN) || rc=$$?; \
	run=$$(readlink results/latest); ln -sfn "$$run" results/zoo; \
	cp doc/zoo.md $(B)/zoo.md.committed 2>/dev/null || : > $(B)/zoo.md.committed; \
	if ! scripts/zoo-table.sh results/zoo $(ZOO_CACHE)/rootfs/bookworm-zoo/.whichns-stamp > $(B)/zoo.md.new; then \
		echo "make zoo: scripts/zoo-table.sh failed; doc/zoo.md left as it was" >&2; exit 2; fi; \
	mv $(B)/zoo.md.new doc/zoo.md; \
	if ! cmp -s doc/zoo.md $(B)/zoo.md.committed; then \
		echo "make zoo: doc/zoo.md changed from the committed table (git diff doc/zoo.md)" >&2; rc=1; fi; \
	exit $$rc

bench: all $(B)/tests/lookloop
	@scripts/deps.sh bench || echo "bench: goes on without what deps.sh could not install" >&2
	WHICHNS=$(WHICHNS) scripts/bench.sh
	WHICHNS=$(WHICHNS) LOOKLOOP=$(B)/tests/lookloop scripts/bench-watch.sh
	$(MAKE) bench-decode

# harness/lib/ is pure (doc/design.md, "Layering"): libwhichns.a may call
# only these from outside itself.  lib-calls names any other call and the
# object that makes it, and fails; add a function here only if it makes
# no system call.
LIB_CALLS_OK := \
	malloc calloc realloc free memcpy memmove memset memcmp memchr memmem \
	strlen strnlen strcmp strncmp strcasecmp strncasecmp strchr strrchr \
	strstr strspn strcspn strcpy strncpy strtok strtok_r \
	strtod strtol strtoul strtoll strtoull __errno_location \
	__ctype_b_loc __ctype_tolower_loc __ctype_toupper_loc \
	snprintf vsnprintf inet_ntop inet_pton \
	fprintf vfprintf fputc putc fputs fwrite ferror \
	fmin fmax fabs floor ceil round lround pow log10 \
	__divti3 __udivti3 __modti3 __umodti3
NM ?= nm
lib-calls: $(LIBW)
	@NM=$(NM) scripts/lib-calls.sh $(LIBW) $(LIB_CALLS_OK)

unit: lib-calls $(CHECKBIN)
	CK_FORK=yes ./$(CHECKBIN)

integration: all repro-prep musl-probes
	B=$(B) prove -v tests/integration/*.t

check: deps-check all unit integration

asan:
	$(MAKE) B=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	        LDFLAGS="$(LDFLAGS) -fsanitize=address,undefined" build-asan/tests/check_whichns
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	        CK_FORK=no ./build-asan/tests/check_whichns

noopt:
	$(MAKE) OPT="-O0 -g"

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(WHICHNS) $(DESTDIR)$(BINDIR)/whichns
	install -m 0755 $(PROBES) $(DESTDIR)$(LIBEXECDIR)/
	if [ -d $(B)/repro-musl ]; then install -d $(DESTDIR)$(LIBEXECDIR)/musl && \
	    install -m 0755 $(MUSL_PROBES) $(DESTDIR)$(LIBEXECDIR)/musl/; fi
	cp -R fixtures/. $(DESTDIR)$(DATADIR)/
	# Roots a user brings compile the probes inside them from these.
	install -d $(DESTDIR)$(DATADIR)/repro
	install -m 0644 repro/*.c repro/*.h $(DESTDIR)$(DATADIR)/repro/
	install -m 0644 doc/whichns.1 $(DESTDIR)$(MANDIR)/man1/whichns.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/whichns $(DESTDIR)$(MANDIR)/man1/whichns.1
	rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Probes for musl (Debian's musl-tools): run on the host, no chroot.
MUSL_PROBES := $(patsubst $(B)/repro/%,$(B)/repro-musl/%,$(PROBES))
musl-probes: $(MUSL_PROBES)
$(B)/repro-musl/%: repro/%.c $(PROBE_DEPS)
	@mkdir -p $(@D)
	musl-gcc $(STD) $(WARN) $(OPT) -o $@ $< $(PROBE_SHARED)

# Synthetic captures for decode's integration test and benchmark.
GEN_CAPTURE := $(B)/tests/gen_capture
$(GEN_CAPTURE): tests/gen_capture.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PCAP_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(PCAP_LIBS)
integration: $(GEN_CAPTURE)

# The capture corpus of tests/captures/: decode.t checks that it is what
# this program writes, then compares decode's counts with tshark's.
GEN_CORPUS := $(B)/tests/gen_corpus
$(GEN_CORPUS): tests/gen_corpus.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(CFLAGS) -o $@ $< $(LDFLAGS)
integration: $(GEN_CORPUS)

# DNS clients unlike any C library's resolver, for the counting test
# (tests/integration/counting.t): plain C, no harness code.
CLIENTS := $(patsubst tests/clients/%.c,$(B)/tests/%,$(wildcard tests/clients/*.c))
$(CLIENTS): $(B)/tests/%: tests/clients/%.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(CFLAGS) -o $@ $< $(LDFLAGS)
integration: $(CLIENTS)

# whichns decode against tcpdump, tshark and the floor: libpcap's own
# read loop with an empty callback (tests/bench/pcaploop.c).  A
# benchmark, never a test: it fails only when it cannot measure.
PCAPLOOP := $(B)/tests/pcaploop
$(PCAPLOOP): tests/bench/pcaploop.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PCAP_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(PCAP_LIBS)
.PHONY: bench-decode
bench-decode: $(WHICHNS) $(GEN_CAPTURE) $(PCAPLOOP)
	WHICHNS=$(WHICHNS) GEN_CAPTURE=$(GEN_CAPTURE) PCAPLOOP=$(PCAPLOOP) \
	    scripts/bench-decode.sh

# Fuzzing (clang's libFuzzer, ASan+UBSan): one target per fuzz/fuzz_NAME.c,
# seeds in fuzz/corpus/NAME/; fuzz/README.md says how to add one.
# FUZZ_TARGETS picks some (make fuzz FUZZ_TARGETS="dns packet"), each runs
# FUZZ_SECONDS (0: the seeds once).  Objects, corpora and findings go to
# $(B)/fuzz, never into the tree.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_ALL     := $(patsubst fuzz/fuzz_%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_DIR     := $(B)/fuzz
FUZZ_CFLAGS  := $(STD) $(filter-out -Wno-format-truncation,$(WARN)) -O1 -g \
                -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=all -Iharness/lib -MMD -MP
FUZZ_LIB     := $(FUZZ_DIR)/libwhichns.a

fuzz-build:
	@scripts/deps.sh fuzz
	@$(if $(filter-out $(FUZZ_ALL),$(FUZZ_TARGETS)),echo "fuzz: no target \
	    '$(filter-out $(FUZZ_ALL),$(FUZZ_TARGETS))'; expected some of: $(FUZZ_ALL)" >&2; exit 2)
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_LIB): $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
	rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) -lm
