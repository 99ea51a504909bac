# dist - Erlang distribution tools for shell scripts.
#
#   make           build every program (bin/) and build/libdist.a
#   make check     install what is missing, build, lint, run every test
#   make demo      install what is missing, build, ping a throwaway node
#   make static    fully static programs (bin/static/) for minimal images
#   make install   PREFIX=/usr/local DESTDIR=
#   make clean

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
FISHFUNCDIR ?= $(PREFIX)/share/fish/vendor_functions.d

CC        ?= cc
PKG_CONFIG ?= pkg-config
# make check builds and tests this many at a time (the cores here).
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
             -Wno-missing-field-initializers
CFLAGS    ?= -O2 -g
# base/banned.h comes first in every translation unit: the libc calls
# it names are compile errors here (each has a bounded replacement).
ALL_CFLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -DDIST_VERSION='"$(VERSION)"' \
             -Ilib -include base/banned.h $(DEP_CFLAGS) $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer -O1 -g

# Each program links only what it uses: start-up time is most of a
# probe's budget and every shared object costs (see DESIGN.md). A new
# program: add it to PROGRAMS and give it a <name>_LIBS line.
#
# The probe programs link their libraries statically (libc stays
# shared): measured here, that is 1.4 ms -> 1.2 ms for a whole ping, the
# dynamic relocation of a shared library costing more than the ping's
# round trips. On the project's VM a first touch of a page costs about
# 40 us, so what a probe touches is its budget (bench/probe; perf stat
# -e page-faults). dist-discover does not link libcurl: it opens it with
# dlopen only for an HTTP source (lib/io/curl_dl.c), and the programs
# that connect open libssl the same way, only for --tls (lib/io/ssl_dl.c:
# linked in, even statically, it doubled the start-up of every run).
# libcrypto is not linked at all: the handshake's MD5 is lib/base/md5.c,
# which spares every run libcrypto's CPUID-probing constructor.
BASE_PKGS := jansson libcares zlib
# No libm: loading it is a measurable part of a probe's start-up, and
# what little floating point the library does is in libc (a program
# that needs libm's functions adds -lm to its own _LIBS).
static_deps = -Wl,-Bstatic $(call libs_of,$(1)) -Wl,-Bdynamic -ldl -pthread
dist-ping_LIBS = $(call static_deps,$(BASE_PKGS))
dist-rpc_LIBS = $(call static_deps,$(BASE_PKGS))
dist-elect_LIBS = $(call static_deps,$(BASE_PKGS))
dist-node_LIBS = $(call static_deps,$(BASE_PKGS))
dist-discover_LIBS = $(call static_deps,$(BASE_PKGS))
dist-members_LIBS = $(call static_deps,$(BASE_PKGS)) -lm
dist-connect_LIBS = $(call static_deps,$(BASE_PKGS))
ALL_PKGS  := $(BASE_PKGS) libcurl
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(ALL_PKGS) 2>/dev/null)
libs_of    = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

# Every cmd/dist-*.c is a program; the docs test asks `make -s programs`.
PROGRAMS  := $(sort $(patsubst cmd/%.c,%,$(wildcard cmd/dist-*.c)))
# The programs a minimal container image needs, fully static: those
# that never need libcurl (dist-discover opens it for HTTP sources).
STATIC_PROGRAMS := dist-ping dist-rpc dist-node dist-connect dist-members dist-elect
# Static in the default build too, with a dynamic twin for --tls.
PROBE_PROGRAMS := dist-ping dist-rpc
# lib/ is layered in folders (lib/README.md); one archive, built under
# build/ like everything else the build makes.
LAYERS    := $(shell sed -n "s/^layers: //p" lib/README.md)
# Linked into the fully static programs only, in place of what a static
# binary cannot do safely (see each file): with them `make static` links
# without glibc's warnings, and without their cause. Not in libdist.a.
STATIC_SRCS := lib/io/dl_table_static.c lib/io/services_static.c
STATIC_OBJS := $(patsubst lib/%.c,build/obj/%.o,$(STATIC_SRCS))
LIB_SRCS  := $(filter-out $(STATIC_SRCS),$(sort $(foreach l,$(LAYERS),$(wildcard lib/$(l)/*.c))))
LIBDIST   := build/libdist.a
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRCS))
SAN_UNIT_TESTS := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRCS))

LIB_OBJS     := $(patsubst lib/%.c,build/obj/%.o,$(LIB_SRCS))
SAN_LIB_OBJS := $(patsubst lib/%.c,build/san/obj/%.o,$(LIB_SRCS))
# Each object and binary records the headers it read (-MMD); -MP keeps
# a removed header from breaking the build.
DEPDIR    := build/deps
DEPFLAGS   = -MMD -MP -MF $(DEPDIR)/$(subst /,_,$@).d
$(shell mkdir -p $(DEPDIR))

.PHONY: all deps check demo static install uninstall clean lint test san unit bench fuzz programs print-cflags
all: $(LIBDIST) $(addprefix bin/,$(PROGRAMS)) \
     $(addprefix libexec/dist/,$(PROBE_PROGRAMS))

programs:
	@echo $(PROGRAMS)

# The compiler flags every translation unit gets (tests/45-layers.bats
# checks with them that a banned call does not compile).
print-cflags:
	@echo $(ALL_CFLAGS)

deps:
	@scripts/install-deps

build/obj/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

build/san/obj/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIBDIST): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

build/san/libdist.a: $(SAN_LIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

bin/%: cmd/%.c $(LIBDIST)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -o $@ $< $(LIBDIST) $($*_LIBS)

# The probes are fully static by default: loading libc.so is most of a
# static probe's whole time again (bench/probe). A run that needs libssl
# (--tls) execs the dynamically linked twin from libexec/dist/, which
# is built and installed with it (lib/cli/cli_twin.h).
$(addprefix bin/,$(PROBE_PROGRAMS)): bin/%: cmd/%.c $(STATIC_OBJS) $(LIBDIST)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -static -o $@ $< $(STATIC_OBJS) \
	  $(LIBDIST) $(shell $(PKG_CONFIG) --static --libs $(BASE_PKGS) 2>/dev/null) -ldl -lm
libexec/dist/%: cmd/%.c $(LIBDIST)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -o $@ $< $(LIBDIST) $($*_LIBS)

build/san/bin/%: cmd/%.c build/san/libdist.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -o $@ $< build/san/libdist.a $($*_LIBS)

build/tests/%: tests/unit/%.c $(LIBDIST) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Itests/unit -o $@ $< $(LIBDIST) $(call libs_of,$(ALL_PKGS)) -lm

build/san/tests/%: tests/unit/%.c build/san/libdist.a tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -Itests/unit -o $@ $< build/san/libdist.a $(call libs_of,$(ALL_PKGS)) -lm

# Driver of the ETF differential test against a real erl
# (tests/etf/run-differential).
build/tests/etf_roundtrip: tests/etf/etf_roundtrip.c $(LIBDIST)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -o $@ $< $(LIBDIST) $(call libs_of,$(ALL_PKGS)) -lm

build/san/tests/etf_roundtrip: tests/etf/etf_roundtrip.c build/san/libdist.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -o $@ $< build/san/libdist.a $(call libs_of,$(ALL_PKGS)) -lm

# Driver of the term text differential test against a real erl
# (tests/term/run-differential).
build/tests/term_tool: tests/term/term_tool.c $(LIBDIST)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -o $@ $< $(LIBDIST) $(call libs_of,$(ALL_PKGS)) -lm

build/san/tests/term_tool: tests/term/term_tool.c build/san/libdist.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -o $@ $< build/san/libdist.a $(call libs_of,$(ALL_PKGS)) -lm

# Fuzz targets (tests/fuzz/README.md). Under gcc each is linked with
# tests/fuzz/replay.c into a runner that replays its corpus and a fixed
# set of mutations (make check); `make fuzz` builds them with clang's
# libFuzzer and fuzzes each for FUZZ_SECONDS.
# Every tests/fuzz/fuzz_NAME.c is a target, its seeds in
# tests/fuzz/corpus/NAME/: adding a parser's target needs no line here.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -g
FUZZ_OBJS    := $(patsubst lib/%.c,build/fuzz/obj/%.o,$(LIB_SRCS))
# Shared by every target: keep them, although only a pattern rule makes them.
.SECONDARY: $(FUZZ_OBJS)

build/san/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h build/san/libdist.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c build/san/libdist.a $(call libs_of,$(ALL_PKGS)) -lm

build/fuzz/obj/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(subst fuzzer,fuzzer-no-link,$(FUZZ_SAN)) $(DEPFLAGS) -c -o $@ $<

build/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -Itests/fuzz -o $@ $< $(FUZZ_OBJS) $(call libs_of,$(ALL_PKGS)) -lm

# New inputs go to build/fuzz/corpus-TARGET, crashes to build/fuzz/TARGET-*;
# the seeds in tests/fuzz/corpus are only read. Not part of make check.
fuzz: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus-$$t || exit 1; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=512 \
	    -malloc_limit_mb=256 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/$$t- \
	    build/fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

san: build/san/libdist.a $(addprefix build/san/bin/,$(PROGRAMS))

unit: $(UNIT_TESTS) $(SAN_UNIT_TESTS) build/tests/etf_roundtrip \
      build/san/tests/etf_roundtrip build/tests/term_tool \
      build/san/tests/term_tool \
      $(addprefix build/san/fuzz/,$(FUZZ_TARGETS))

# Static variant for exec probes in minimal containers.
static: $(addprefix bin/static/,$(STATIC_PROGRAMS))
bin/static/%: cmd/%.c $(STATIC_OBJS) $(LIBDIST)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static -o $@ $< $(STATIC_OBJS) $(LIBDIST) \
	  $(shell $(PKG_CONFIG) --static --libs $(BASE_PKGS) 2>/dev/null) -ldl -lm

lint:
	@scripts/lint

check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all san unit static
	@scripts/run-tests

test:
	@scripts/run-tests

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench: all static
	@for b in bench/*; do \
	  case $$b in *.md|*.sh) continue ;; esac; \
	  [ -x "$$b" ] && "$$b"; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) \
	  $(DESTDIR)$(FISHFUNCDIR)
	install -m 755 $(addprefix bin/,$(PROGRAMS)) $(DESTDIR)$(BINDIR)
	install -d $(DESTDIR)$(BINDIR)/../libexec/dist
	install -m 755 $(addprefix libexec/dist/,$(PROBE_PROGRAMS)) \
	  $(DESTDIR)$(BINDIR)/../libexec/dist
	install -m 644 man/man1/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/man7/*.7 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGRAMS); do \
	  install -m 644 completions/bash/$$p $(DESTDIR)$(BASHCOMPDIR)/$$p; \
	  install -m 644 completions/zsh/_$$p $(DESTDIR)$(ZSHCOMPDIR)/_$$p; \
	  install -m 644 completions/fish/$$p.fish $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; \
	done
	install -m 644 completions/fish/functions/*.fish $(DESTDIR)$(FISHFUNCDIR)

uninstall:
	for p in $(PROGRAMS); do \
	  rm -f $(DESTDIR)$(BINDIR)/$$p $(DESTDIR)$(MANDIR)/man1/$$p.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/$$p $(DESTDIR)$(ZSHCOMPDIR)/_$$p \
	    $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man7/dist.7 $(DESTDIR)$(FISHFUNCDIR)/__dist_nodes.fish

clean:
	rm -rf build bin libexec

# What -MMD recorded: each object is rebuilt when a header it read changes.
-include $(wildcard $(DEPDIR)/*.d)
