# item2vec — build, test, demo, install.
# Dependencies: a C11 compiler, libc, libm, pthreads.

CC       ?= cc
AR       ?= ar
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include
BUILD    ?= build

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?=
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) -pthread $(CFLAGS)
LDLIBS   += -lm -pthread

LIB_SRC  := $(wildcard src/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libitem2vec.a
BIN      := $(BUILD)/item2vec

TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard scripts/*.c)
TOOL_BIN := $(TOOL_SRC:scripts/%.c=$(BUILD)/%)

.PHONY: all test demo install uninstall clean tools

all: $(BIN) $(TOOL_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

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

# Trains on the bundled sample and shows the most frequent items.
demo: $(BIN)
	$(BIN) vocab -i data/sessions.txt --max-vocab 5
	$(BIN) train -i data/sessions.txt -o $(BUILD)/demo.vec --dim 64 --epochs 10
	head -c 300 $(BUILD)/demo.vec

install: $(BIN) $(LIB)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/item2vec
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libitem2vec.a
	install -m 644 include/item2vec.h $(DESTDIR)$(INCDIR)/item2vec.h

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/item2vec $(DESTDIR)$(LIBDIR)/libitem2vec.a \
	      $(DESTDIR)$(INCDIR)/item2vec.h

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
