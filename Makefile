# drvgen - the one entry point. `make deps` installs what the build needs,
# `make` builds build/drvgen, `make test` runs every test.

CC      ?= cc
BUILD   ?= build
GEN     := $(BUILD)/gen
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -pedantic
CPPFLAGS_ALL := -D_XOPEN_SOURCE=700 -Icompiler -I$(GEN) $(CPPFLAGS)
LIBS    := -lyaml -ljansson

COMPILER_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
COMPILER_OBJ := $(patsubst compiler/%.c,$(BUILD)/compiler/%.o,$(COMPILER_SRC)) \
		$(GEN)/idl.tab.o $(GEN)/idl.lex.o $(GEN)/std_library.o

.PHONY: all
all: $(BUILD)/drvgen

$(BUILD)/drvgen: $(BUILD)/compiler/main.o $(BUILD)/libdrvgen.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libdrvgen.a: $(COMPILER_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/compiler/%.o: compiler/%.c compiler/*.h compiler/diag_codes.def $(GEN)/idl.tab.h $(GEN)/idl.lex.h | $(BUILD)/compiler
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

# Bison and flex output is compiled with the same warnings as our own code.
$(GEN)/idl.tab.c $(GEN)/idl.tab.h: dsl/idl.y | $(GEN)
	bison -Wall -Werror --defines=$(GEN)/idl.tab.h -o $(GEN)/idl.tab.c $<

$(GEN)/idl.lex.c $(GEN)/idl.lex.h: dsl/idl.l | $(GEN)
	flex --header-file=$(GEN)/idl.lex.h -o $(GEN)/idl.lex.c $<

$(GEN)/%.o: $(GEN)/%.c $(GEN)/idl.tab.h $(GEN)/idl.lex.h compiler/*.h
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

# The standard protocol library is compiled into drvgen, so `use io;` works
# wherever the binary is installed.
$(GEN)/std_library.c: tools/embed_files.sh $(wildcard dsl/std/*.idl) | $(GEN)
	sh tools/embed_files.sh dsl/std $(wildcard dsl/std/*.idl) > $@

$(BUILD)/compiler $(GEN):
	mkdir -p $@

.PHONY: clean
clean:
	rm -rf build
