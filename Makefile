# tmalign - sentence alignment into an SQLite translation memory.
#
#   make          build build/tmalign and build/libtmalign.a
#   make test     build with ASan+UBSan and -Werror, run unit and end-to-end tests
#   make bench    build optimised and print speed and memory figures
#   make deps     install the Debian packages that are missing
#   make valgrind run the end-to-end tests under valgrind memcheck
#   make fuzz     run the libFuzzer targets (FUZZ_SECONDS each, default 60)
#   make mutate   plant the bugs of tests/mutations.txt one by one (long)

CC      ?= cc
PKGS    := icu-uc icu-i18n sqlite3 libcjson libxml-2.0 hunspell zlib
# The Debian package that provides each pkg-config module.
deb.icu-uc     := libicu-dev
deb.icu-i18n   := libicu-dev
deb.sqlite3    := libsqlite3-dev
deb.libcjson   := libcjson-dev
deb.libxml-2.0 := libxml2-dev
deb.cmocka     := libcmocka-dev
deb.hunspell   := libhunspell-dev
deb.zlib       := zlib1g-dev

NO_CHECK_GOALS := deps clean help print-tests
ifeq ($(filter $(NO_CHECK_GOALS),$(MAKECMDGOALS)),)
  ifeq ($(shell command -v pkg-config),)
    $(error pkg-config is missing: run 'make deps' (or: sudo apt-get install pkg-config))
  endif
  MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell pkg-config --exists $(p) && echo y),,$(p))))
  ifneq ($(MISSING),)
    $(error missing $(sort $(foreach p,$(MISSING),$(deb.$(p)))) (pkg-config: $(MISSING)): run 'make deps' (or: sudo apt-get install $(sort $(foreach p,$(MISSING),$(deb.$(p))))))
  endif
  # Snowball's libstemmer has no pkg-config file.
  ifeq ($(wildcard /usr/include/libstemmer.h),)
    $(error missing libstemmer-dev: run 'make deps' (or: sudo apt-get install libstemmer-dev))
  endif
  PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
  PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lstemmer
endif

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE     := -std=c11 -D_GNU_SOURCE -Iinclude -Isrc $(PKG_CFLAGS)
# Every object depends on the headers it includes (build/**/*.d).
DEPFLAGS := -MMD -MP
CFLAGS   ?= -O2 -g
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDLIBS   := $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(wildcard src/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
DATA     := $(sort $(wildcard src/data/*.txt)) $(wildcard tm/*.sql)
TESTS    := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c)) \
            $(addprefix fuzz-,segment tmx jsonl lookup align manifest)

# Release build.
OBJ := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC)) build/obj/embedded.o
CLI_OBJ := $(patsubst src/%.c,build/obj/%.o,$(CLI_SRC))
# Test build: sanitizers and -Werror.
TOBJ := $(patsubst src/%.c,build/test/obj/%.o,$(LIB_SRC)) build/test/obj/embedded.o
TCLI_OBJ := $(patsubst src/%.c,build/test/obj/%.o,$(CLI_SRC))

.PHONY: all test bench deps clean valgrind fuzz help mutate print-tests
all: build/tmalign

build/tmalign: $(CLI_OBJ) build/libtmalign.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/libtmalign.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(DEPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

build/obj/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(CFLAGS) -c -o $@ $<

# The data files, compiled in as C strings: each line becomes a literal.
build/gen/embedded.c: $(DATA) Makefile
	@mkdir -p $(dir $@)
	@{ echo '#include "util.h"'; \
	   echo 'const tma_embedded tma_embedded_files[] = {'; \
	   for f in $(DATA); do \
	     printf '{ "%s",\n' "$$(basename $$f)"; \
	     sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$f; \
	     echo '},'; \
	   done; \
	   echo '{ 0, 0 } };'; } > $@.tmp && mv $@.tmp $@

build/test/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(DEPFLAGS) $(WARN) -Werror -O1 -g $(SANITIZE) -c -o $@ $<

build/test/obj/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O1 -g $(SANITIZE) -c -o $@ $<

build/test/libtmalign.a: $(TOBJ)
	rm -f $@ && ar rcs $@ $^

build/test/tmalign: $(TCLI_OBJ) build/test/libtmalign.a
	$(CC) $(SANITIZE) -o $@ $^ $(LDLIBS)

build/test/%: tests/%.c build/test/libtmalign.a
	@pkg-config --exists cmocka || { echo "missing libcmocka-dev: run 'make deps'"; exit 1; }
	$(CC) $(BASE) $(DEPFLAGS) $(WARN) -Werror -O1 -g $(SANITIZE) $(shell pkg-config --cflags cmocka) \
		-o $@ $< build/test/libtmalign.a $(LDLIBS) $(shell pkg-config --libs cmocka)

build/test/sqltool: tests/sqltool.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(WARN) -Werror -O1 -g -o $@ $< $(LDLIBS)

# The TMX DTD for validating exports, from Debian's omegat package.
build/tmx14.dtd:
	@mkdir -p $(dir $@)
	sh tests/get-dtd.sh $@

test: build/test/tmalign build/test/sqltool build/tmx14.dtd $(addprefix build/test/,$(TESTS))
	@TMALIGN=build/test/tmalign SQLTOOL=build/test/sqltool TMX_DTD=$(CURDIR)/build/tmx14.dtd \
		sh tests/run.sh $(addprefix build/test/,$(TESTS))

valgrind: build/tmalign build/test/sqltool build/tmx14.dtd
	@TMALIGN=build/tmalign SQLTOOL=build/test/sqltool TMX_DTD=$(CURDIR)/build/tmx14.dtd TMALIGN_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite" \
		sh tests/run.sh

# Plant each bug of tests/mutations.txt and see which test catches it.
mutate:
	@sh tests/mutate.sh

print-tests:
	@echo $(addprefix build/test/,$(TESTS))

bench: build/tmalign build/bench
	@sh tests/bench.sh

build/bench: tests/bench.c build/libtmalign.a
	$(CC) $(BASE) $(WARN) $(CFLAGS) -o $@ $< build/libtmalign.a $(LDLIBS)

# Fuzzing. Each target is a tests/fuzz/ source; with clang's libFuzzer it
# fuzzes (make fuzz), with driver.c it replays its corpus as a test.
FUZZ_TARGETS := segment tmx jsonl lookup align manifest
FUZZ_SECONDS ?= 60
fuzz.src.segment := segment.c
fuzz.src.tmx     := import.c
fuzz.src.jsonl   := import.c
fuzz.src.lookup  := lookup.c
fuzz.src.align   := align.c
fuzz.src.manifest := manifest.c
fuzz.def.jsonl   := -DFUZZ_JSONL
# What each replays: its corpus under tests/fuzz/corpus and fixture files.
fuzz.in.segment  := tests/fuzz/corpus/segment fixtures
fuzz.in.tmx      := tests/fuzz/corpus/tmx fixtures
fuzz.in.jsonl    := tests/fuzz/corpus/jsonl fixtures
fuzz.in.lookup   := tests/fuzz/corpus/lookup
fuzz.in.align    := tests/fuzz/corpus/align
fuzz.in.manifest := tests/fuzz/corpus/manifest
fuzz.suffix.segment := .txt
fuzz.suffix.tmx     := .tmx
fuzz.suffix.jsonl   := .jsonl
# Inputs no longer than this (articles to align are slow to run).
fuzz.len.align := 16384
FUZZ_CC  := clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJ := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC)) build/fuzz/obj/embedded.o
FUZZ_HDR := tests/fuzz/fuzz.h

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE) $(DEPFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/obj/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE) -O1 -g $(FUZZ_SAN) -c -o $@ $<

build/fuzz/libtmalign.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

build/fuzz/fuzz-%: tests/fuzz/common.c $(FUZZ_HDR) build/fuzz/libtmalign.a
	@command -v $(FUZZ_CC) >/dev/null || { echo "missing clang: run 'make deps FUZZ=1'"; exit 1; }
	$(FUZZ_CC) $(BASE) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer $(fuzz.def.$*) \
		-o $@ tests/fuzz/$(fuzz.src.$*) tests/fuzz/common.c build/fuzz/libtmalign.a $(LDLIBS)

build/test/fuzz-%: tests/fuzz/driver.c tests/fuzz/common.c $(FUZZ_HDR) build/test/libtmalign.a
	$(CC) $(BASE) $(WARN) -Werror -O1 -g $(SANITIZE) $(fuzz.def.$*) \
		-DFUZZ_INPUTS='"$(fuzz.in.$*)"' -DFUZZ_SUFFIX='"$(fuzz.suffix.$*)"' \
		-o $@ tests/fuzz/$(fuzz.src.$*) tests/fuzz/common.c tests/fuzz/driver.c \
		build/test/libtmalign.a $(LDLIBS)

# Run each target FUZZ_SECONDS, from its corpus and the fixtures; what it
# finds lands in build/fuzz/corpus-TARGET, crashes in build/fuzz/crash-*.
fuzz: $(addprefix build/fuzz/fuzz-,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		sh tests/fuzz/seed.sh $$t build/fuzz/corpus-$$t || exit 1; \
		echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-max_len=$$(case $$t in align) echo $(fuzz.len.align);; *) echo 262144;; esac) \
			-artifact_prefix=build/fuzz/crash-$$t- build/fuzz/corpus-$$t \
			2> build/fuzz/$$t.log || { tail -40 build/fuzz/$$t.log; exit 1; }; \
		grep -E 'stat::(number_of_executed_units|new_units_added)' build/fuzz/$$t.log; \
	done

deps:
	@FUZZ=$(FUZZ) sh .ci/deps

clean:
	rm -rf build

help:
	@sed -n '3,10p' Makefile

-include $(shell find build -name '*.d' 2>/dev/null)
