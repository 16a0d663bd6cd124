# item2vec — build, test, demo, install.
# Dependencies: a C11 compiler, libc, libm, pthreads.

CC       ?= cc
AR       ?= ar
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share
PCDIR    ?= $(LIBDIR)/pkgconfig
BUILD    ?= build

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?=
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) -pthread $(CFLAGS)
LDLIBS   += -lm -pthread

LIB_SRC  := $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC  := $(wildcard src/cli/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libitem2vec.a
BIN      := $(BUILD)/item2vec

# The shared library: its own position-independent objects (the binary keeps
# the static ones), exporting the i2v_ symbols only, soname libitem2vec.so.MAJOR.
VERSION  := $(shell sed -n 's/^\#define I2V_VERSION_STRING "\(.*\)"/\1/p' include/item2vec/common.h)
MAJOR    := $(firstword $(subst ., ,$(VERSION)))
SONAME   := libitem2vec.so.$(MAJOR)
SHLIB    := $(BUILD)/libitem2vec.so.$(VERSION)
PIC_OBJ  := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
COMMANDS := vocab train similar recommend tune analogy eval index convert info sessions split coldstart plot
MAN_PAGES := $(BUILD)/man/item2vec.1 $(COMMANDS:%=$(BUILD)/man/item2vec-%.1)

TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard scripts/*.c)
TOOL_BIN := $(TOOL_SRC:scripts/%.c=$(BUILD)/%)

.PHONY: all test demo install uninstall clean tools man shared

all: $(BIN) $(TOOL_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(SHLIB): $(PIC_OBJ) src/exports.map
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/exports.map \
	    -Wl,--no-undefined -o $@ $(PIC_OBJ) $(LDLIBS)
	ln -sf $(notdir $@) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libitem2vec.so

shared: $(SHLIB)

# Manual pages made from the --help texts (scripts/man.sh).
$(MAN_PAGES) &: $(BIN) scripts/man.sh
	sh scripts/man.sh $(BIN) $(BUILD)/man

man: $(MAN_PAGES)

$(BIN): $(CLI_OBJ) $(LIB) $(BIN_EXTRA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BIN_EXTRA) $(LIB) $(LDLIBS) $(BIN_LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/%: scripts/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

tools: $(TOOL_BIN)

# Every unit test binary and every black-box script under tests/; the
# runner's last line is "N passed, N failed, N skipped".
test: $(BIN) $(TEST_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) sh tests/run.sh

# The main job on the bundled sample: leave-last-out split, training, the
# neighbours of item_1 (its planted group is every 20th item: item_21,
# item_41, ...), recommendations for one history, and the held-out next
# items scored against counting (popular and transition baselines).
demo: $(BIN)
	$(BIN) split -q -i data/sessions.txt --train $(BUILD)/demo-train.txt --test $(BUILD)/demo-test.txt
	$(BIN) train -i $(BUILD)/demo-train.txt -o $(BUILD)/demo.i2v --dim 64 --epochs 10
	$(BIN) similar -m $(BUILD)/demo.i2v -k 5 item_1
	echo 'item_1 item_21 item_41' | $(BIN) recommend -m $(BUILD)/demo.i2v -k 5
	$(BIN) eval -m $(BUILD)/demo.i2v --next-item $(BUILD)/demo-test.txt --train $(BUILD)/demo-train.txt

# item2vec.pc is written for the PREFIX of the install itself; a static link
# also needs libm and pthreads (Libs.private).
install: $(BIN) $(LIB) $(SHLIB) $(MAN_PAGES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR) \
	    $(DESTDIR)$(INCDIR)/item2vec $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(DATADIR)/zsh/site-functions
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/item2vec
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libitem2vec.a
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libitem2vec.so
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCDIR)' '' \
	    'Name: item2vec' \
	    'Description: item embeddings from sequences of item ids' \
	    'Version: $(VERSION)' \
	    'Libs: -L$${libdir} -litem2vec' \
	    'Libs.private: -lm -pthread' \
	    'Cflags: -I$${includedir}' >$(DESTDIR)$(PCDIR)/item2vec.pc
	chmod 644 $(DESTDIR)$(PCDIR)/item2vec.pc
	install -m 644 include/item2vec.h $(DESTDIR)$(INCDIR)/item2vec.h
	install -m 644 include/item2vec/*.h $(DESTDIR)$(INCDIR)/item2vec/
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 completion/item2vec.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/item2vec
	install -m 644 completion/_item2vec $(DESTDIR)$(DATADIR)/zsh/site-functions/_item2vec

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/item2vec $(DESTDIR)$(LIBDIR)/libitem2vec.a \
	      $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/libitem2vec.so $(DESTDIR)$(PCDIR)/item2vec.pc \
	      $(DESTDIR)$(INCDIR)/item2vec.h $(MAN_PAGES:$(BUILD)/man/%=$(DESTDIR)$(MANDIR)/man1/%) \
	      $(DESTDIR)$(DATADIR)/bash-completion/completions/item2vec \
	      $(DESTDIR)$(DATADIR)/zsh/site-functions/_item2vec
	rm -rf $(DESTDIR)$(INCDIR)/item2vec

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(PIC_OBJ:.o=.d)

# The whole test suite built with AddressSanitizer and UBSan: any report
# fails the run.
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check-sanitize:
	$(MAKE) BUILD=build/sanitize OPT="-O1 -g $(SANITIZE)" LDFLAGS="$(SANITIZE)" \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 test

# The black-box tests with every item2vec process under valgrind memcheck:
# an error or a definite leak makes the process exit 99, failing its test.
check-valgrind: $(BIN) $(TEST_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) I2V_REAL=$(BIN) I2V=tests/valgrind-wrap.sh VALGRIND_ONLY_CLI=1 sh tests/run.sh

.PHONY: check-sanitize check-valgrind

# Fault injection: the binary built with AddressSanitizer and linked with
# tests/faults/shim.c, which makes the Nth allocation or I/O call fail;
# tests/faults/run.sh runs every subcommand with N = 1, 2, 3 ... until a
# run no longer reaches call N, and checks each failure is handled.
FAULT_BUILD := build/faults
FAULT_CALLS := malloc calloc realloc strdup open mkstemp fopen fdopen read pread fread write \
               pwrite ftruncate fwrite fputs fputc putc fprintf fflush fsync rename mmap
check-faults: $(BIN) $(BUILD)/gensessions
	$(MAKE) BUILD=$(FAULT_BUILD) OPT="-O1 -g -fsanitize=address -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address" BIN_EXTRA=$(FAULT_BUILD)/shim.o \
	    BIN_LDFLAGS="$(foreach f,$(FAULT_CALLS),-Wl,--wrap=$(f))" $(FAULT_BUILD)/item2vec
	sh tests/faults/run.sh $(FAULT_BUILD)/item2vec $(BUILD)/item2vec $(BUILD)/gensessions

$(FAULT_BUILD)/shim.o: tests/faults/shim.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

.PHONY: check-faults

# ---- Hardening: fuzzing, corpus replay, lint --------------------------------
# Every tests/fuzz/fuzz_NAME.c is a libFuzzer harness; its seed corpus is
# tests/fuzz/corpus/NAME/, where every input that once crashed stays as a
# regression (tests/fuzz/NAME.dict, when present, is its dictionary).  A new
# harness file joins every target below by itself.
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY  := $(FUZZ_NAMES:%=$(BUILD)/fuzz-replay/%)
FUZZ_CC      ?= clang
FUZZ_BUILD   := build/fuzz
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_JOBS    ?= 2
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# `make test` replays each corpus through a plain build of its harness.
$(BUILD)/fuzz-replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_common.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

test check-valgrind: $(FUZZ_REPLAY)

# The library with coverage for libFuzzer, then one binary per harness.
fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	    OPT="-O1 -g $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link" $(FUZZ_BUILD)/libitem2vec.a
	@mkdir -p $(FUZZ_BUILD)/bin
	for name in $(FUZZ_NAMES); do \
	    $(FUZZ_CC) $(CPPFLAGS) -std=c11 -O1 -g $(WARN) -pthread $(FUZZ_SANITIZE) -fsanitize=fuzzer \
	        -o $(FUZZ_BUILD)/bin/$$name tests/fuzz/fuzz_$$name.c $(FUZZ_BUILD)/libitem2vec.a \
	        $(LDLIBS) || exit 1; \
	done

# Each harness for FUZZ_SECONDS (FUZZ_JOBS at a time); the summary gives
# executions and findings, and the run fails on any finding.
fuzz: fuzz-build
	sh scripts/fuzz.sh -t $(FUZZ_SECONDS) -j $(FUZZ_JOBS) -b $(FUZZ_BUILD) $(FUZZ_NAMES)

fuzz-smoke: fuzz-build
	sh scripts/fuzz.sh -t $(FUZZ_SMOKE_SECONDS) -j $(FUZZ_JOBS) -b $(FUZZ_BUILD) $(FUZZ_NAMES)

# cppcheck finds nothing in the product, the fuzz harnesses and the tools,
# and everything builds warning-free (-Werror) with clang too.
CPPCHECK_FLAGS := --enable=warning,portability --error-exitcode=1 --quiet -Iinclude -Isrc
lint: check-layers
	cppcheck $(CPPCHECK_FLAGS) src tests/fuzz scripts
	$(MAKE) BUILD=build/clang CC=clang all \
	    $(patsubst $(BUILD)/%,build/clang/%,$(TEST_BIN) $(FUZZ_REPLAY))

# Includes go down the layers only, the model's layout stays in model/ and
# query/, and the library never spells a command-line option.
check-layers:
	sh scripts/check-layers.sh src

.PHONY: fuzz fuzz-build fuzz-smoke lint check-layers
