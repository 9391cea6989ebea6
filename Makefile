# drvgen - the one entry point.
#
#   make deps    install the Debian packages the project needs (as root)
#   make         build build/drvgen
#   make test    every test: unit, corpus, golden, CLI, ASan+UBSan, clang, fuzz,
#                and the drivers of both targets on QEMU (make qemu-test)
#   make fuzz    run the front-end fuzzers for FUZZ_SECONDS each (default 300)
#   make demo    the main job: from the specs to edu and pcserial drivers
#                running on QEMU as kernel modules and as userspace servers
#   make generate  regenerate generated/ (committed) and the golden outputs, for
#                the specs whose files changed (docs/regeneration.md)

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
HEADERS := $(wildcard compiler/*.h) compiler/diag_codes.def $(GEN)/idl.tab.h $(GEN)/idl.lex.h

.PHONY: all
all: $(BUILD)/drvgen

$(BUILD)/drvgen: $(BUILD)/compiler/main.o $(BUILD)/libdrvgen.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libdrvgen.a: $(COMPILER_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/compiler/%.o: compiler/%.c $(HEADERS) | $(BUILD)/compiler
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

# Bison and flex output is compiled with the same warnings as our own code.
$(GEN)/idl.tab.c $(GEN)/idl.tab.h: dsl/idl.y | $(GEN)
	bison -Wall -Werror --defines=$(GEN)/idl.tab.h -o $(GEN)/idl.tab.c $<

$(GEN)/idl.lex.c $(GEN)/idl.lex.h: dsl/idl.l | $(GEN)
	flex --header-file=$(GEN)/idl.lex.h -o $(GEN)/idl.lex.c $<

$(GEN)/%.o: $(GEN)/%.c $(HEADERS)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

# The standard protocol library is compiled into drvgen, so `use io;` works
# wherever the binary is installed.
$(GEN)/std_library.c: tools/embed_files.sh $(wildcard dsl/std/*.idl) | $(GEN)
	sh tools/embed_files.sh dsl/std $(sort $(wildcard dsl/std/*.idl)) > $@

$(BUILD)/compiler $(GEN) $(BUILD)/tests $(BUILD)/fuzz:
	mkdir -p $@

# ---- dependencies ----

# Everything the build, the tests and the targets need, by Debian name.
DEB_PACKAGES := make gcc g++ clang clang-format libclang-rt-dev flex bison pkg-config \
	libyaml-dev libjansson-dev libcmocka-dev jq binutils sparse \
	libseccomp-dev rpcsvc-proto libtirpc-dev \
	linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio kmod \
	e2fsprogs fio iperf3 socat

.PHONY: deps
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "deps: all $(words $(DEB_PACKAGES)) packages are installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "deps: missing packages; run as root:"; \
		echo "  apt-get update && apt-get install -y --no-install-recommends" $$missing; \
		exit 1; \
	fi

# ---- tests ----

UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(BUILD)/libdrvgen.a | $(BUILD)/tests
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(LDFLAGS) -o $@ $< $(BUILD)/libdrvgen.a $(LIBS) -lcmocka

# Host tests of generated code on the simulated bus (runtime/sim).
SIM_INCLUDES := -Iruntime/sim -Iruntime/common -Itests/models
SIM_TESTS := $(BUILD)/sim/test_edu_sim $(BUILD)/sim/test_access_sim $(BUILD)/sim/test_edu_driver \
	$(BUILD)/sim/test_em_driver $(BUILD)/sim/test_pci_sim
SIM_HEADERS := $(wildcard runtime/*/*.h tests/models/*.h)

$(BUILD)/sim/test_edu_sim: tests/sim/test_edu_sim.c tests/models/edu_model.c runtime/sim/drv_sim.c \
		generated/edu/edu_regs_desc.c generated/edu/edu_regs.h $(SIM_HEADERS) | $(BUILD)/sim
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(LDFLAGS) $(SIM_INCLUDES) -Igenerated/edu \
		-o $@ $(filter %.c,$^) -lcmocka

# specs/edu/edu.c itself, through its generated glue, on the edu model, served
# to in-process clients by the userspace runtime.
$(BUILD)/sim/test_edu_driver: tests/sim/test_edu_driver.c tests/sim/driver_harness.c \
		tests/sim/driver_harness.h tests/models/edu_model.c \
		runtime/sim/drv_sim.c runtime/user/drv_server.c runtime/user/drv_client.c \
		runtime/user/drv_socket.c runtime/user/drv_ioctl.c generated/edu/edu_regs_desc.c \
		generated/edu/edu_driver.c generated/edu/edu_device_client.c \
		generated/edu/edu_device_server.c specs/edu/edu.c \
		$(wildcard generated/edu/*.h) $(SIM_HEADERS) | $(BUILD)/sim
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(LDFLAGS) $(SIM_INCLUDES) -Igenerated/edu \
		-Iruntime/user -o $@ $(filter %.c,$^) -lcmocka

# specs/e1000/em.c on the 82540EM model: what QEMU's e1000 cannot be made to
# do (a full transmit ring, link changes, jumbo and bad frames, overflow).
$(BUILD)/sim/test_em_driver: tests/sim/test_em_driver.c tests/sim/driver_harness.c \
		tests/sim/driver_harness.h tests/models/e1000_model.c \
		runtime/sim/drv_sim.c runtime/user/drv_server.c runtime/user/drv_client.c \
		runtime/user/drv_socket.c runtime/user/drv_ioctl.c generated/e1000/e1000_regs_desc.c \
		generated/e1000/em_driver.c generated/e1000/net_nic_client.c \
		generated/e1000/net_nic_server.c specs/e1000/em.c \
		$(wildcard generated/e1000/*.h) $(SIM_HEADERS) | $(BUILD)/sim
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(LDFLAGS) $(SIM_INCLUDES) -Igenerated/e1000 \
		-Iruntime/user -o $@ $(filter %.c,$^) -lcmocka

# The PCI capability walk (runtime/common/drv_pci.h) over a config space.
$(BUILD)/sim/test_pci_sim: tests/sim/test_pci_sim.c runtime/sim/drv_sim.c $(SIM_HEADERS) \
		runtime/common/drv_pci.h | $(BUILD)/sim
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(LDFLAGS) $(SIM_INCLUDES) -o $@ $(filter %.c,$^) -lcmocka

$(BUILD)/sim/test_access_sim: tests/sim/test_access_sim.c tests/models/regfile_model.c \
		runtime/sim/drv_sim.c tests/golden/gen/access/expected/acc_regs_desc.c \
		generated/uart16550/uart16550_regs_desc.c tests/golden/gen/access/expected/acc_regs.h \
		generated/uart16550/uart16550_regs.h $(SIM_HEADERS) | $(BUILD)/sim
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(LDFLAGS) $(SIM_INCLUDES) \
		-Itests/golden/gen/access/expected -Igenerated/uart16550 -o $@ $(filter %.c,$^) -lcmocka

$(BUILD)/sim:
	mkdir -p $@

# IPC: generated stubs and dispatch over the userspace runtime, in-process
# and over sockets between processes.
RUNTIME_USER := runtime/user/drv_client.c runtime/user/drv_server.c runtime/user/drv_socket.c \
	runtime/user/drv_ioctl.c
RUNTIME_USER_H := $(wildcard runtime/common/*.h runtime/user/*.h)
KIT := tests/golden/gen/ipc/expected
IPC_TESTS := $(BUILD)/ipc/test_ipc_kit $(BUILD)/ipc/test_ipc_malformed $(BUILD)/ipc/test_ipc_std \
	$(BUILD)/ipc/test_wire
STD_IPC := $(wildcard generated/uart16550/io_file_*.c generated/uart16550/dev_serial_*.c \
	generated/edu/edu_device_*.c)

$(BUILD)/ipc/test_ipc_%: tests/ipc/test_ipc_%.c tests/ipc/kit_impl.c tests/ipc/kit_impl.h \
		$(wildcard $(KIT)/*) $(RUNTIME_USER) $(RUNTIME_USER_H) | $(BUILD)/ipc
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -Iruntime/common -Iruntime/user -I$(KIT) -Itests/ipc \
		-o $@ $(filter-out %_fuzz.c,$(filter %.c,$^)) -lcmocka -lpthread

# io::file, dev::serial and edu::device, as the specs generate them
$(BUILD)/ipc/test_ipc_std: tests/ipc/test_ipc_std.c tests/ipc/serial_fake.c tests/ipc/edu_fake.c \
		$(filter-out %_fuzz.c,$(STD_IPC)) $(wildcard tests/ipc/*_fake.h generated/*/*.h) \
		$(RUNTIME_USER) $(RUNTIME_USER_H) | $(BUILD)/ipc
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -Iruntime/common -Iruntime/user -Igenerated/uart16550 \
		-Igenerated/edu -Itests/ipc -o $@ $(filter %.c,$^) -lcmocka -lpthread

$(BUILD)/ipc/test_wire: tests/ipc/test_wire.c $(KIT)/kit_store_client.c \
		generated/edu/edu_device_client.c runtime/user/drv_client.c runtime/user/drv_socket.c \
		runtime/user/drv_ioctl.c \
		$(wildcard $(KIT)/*.h generated/edu/*.h) $(RUNTIME_USER_H) | $(BUILD)/ipc
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -Iruntime/common -Iruntime/user -I$(KIT) -Igenerated/edu \
		-o $@ $(filter %.c,$^) -lcmocka

$(BUILD)/ipc:
	mkdir -p $@

.PHONY: test test-unit test-cli test-asan test-clang test-fuzz test-generated test-compile
test: test-unit test-cli test-generated test-compile test-asan test-clang test-fuzz qemu-test
	@echo "make test: all passed"

# Unit, corpus, golden, sim and IPC tests: every cmocka binary, from the top
# folder.
test-unit: $(UNIT_TESTS) $(SIM_TESTS) $(IPC_TESTS) $(BUILD)/drvgen
	@set -e; for t in $(UNIT_TESTS) $(SIM_TESTS) $(IPC_TESTS); do echo "== $$t"; $$t; done

test-cli: $(BUILD)/drvgen
	sh tests/cli/test_cli.sh $(BUILD)/drvgen
	sh tests/cli/test_regen.sh $(BUILD)/drvgen
	sh tests/cli/test_make.sh $(BUILD)/drvgen

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer,
# any report fatal.
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test-asan:
	$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g $(SANITIZE)" \
		LDFLAGS="$(SANITIZE)" test-unit

# clang must build everything warning-free too.
test-clang:
	$(MAKE) --no-print-directory BUILD=build/clang CC=clang all \
		$(patsubst $(BUILD)/%,build/clang/%,$(UNIT_TESTS) $(SIM_TESTS) $(IPC_TESTS))

# ---- generated code ----

# Each spec folder's output lives, committed, in generated/<spec>; focused
# inputs keep theirs in tests/golden/gen/<case>/expected.
# Every folder of specs/ that holds spec files.
GEN_SPECS := $(sort $(patsubst specs/%/,%,$(dir $(wildcard specs/*/*.idl specs/*/*.regs.yaml \
	specs/*/*.manifest.yaml))))
GOLDEN_GEN := $(notdir $(wildcard tests/golden/gen/*))

# `make generate` reruns drvgen for a spec only when a file its last run read
# changed (drvgen gen --depfile lists them: spec files, `use`d IDL, the
# driver skeleton), a generated file was edited or deleted, or drvgen itself
# changed. A stamp per spec under $(BUILD)/generate records the last run:
# generated files are written only when their bytes change, so they keep
# their times, and what is built from an unchanged one is not rebuilt.
DRVGEN := $(BUILD)/drvgen
SPEC_STAMPS := $(GEN_SPECS:%=$(BUILD)/generate/spec-%.stamp)
GEN_STAMPS := $(SPEC_STAMPS) $(GOLDEN_GEN:%=$(BUILD)/generate/golden-%.stamp)
-include $(GEN_STAMPS:.stamp=.d)

# A spec stamp made for a build (make drivers) in a fresh build folder only
# checks generated/ (--check) before recording it: a build never quietly
# rewrites a stale commit that make test would flag. make generate writes.
GEN_FIRST := --check
.PHONY: generate
generate: GEN_FIRST :=
generate: $(GEN_STAMPS)

$(BUILD)/generate/spec-%.stamp: $(DRVGEN) | $(BUILD)/generate
	$(DRVGEN) gen$(if $(wildcard $@),, $(GEN_FIRST)) -o generated/$* --skeleton specs/$* \
		--depfile $(@:.stamp=.d) --depfile-target $@ specs/$*
	@touch $@

$(BUILD)/generate/golden-%.stamp: $(DRVGEN) | $(BUILD)/generate
	$(DRVGEN) gen -o tests/golden/gen/$*/expected --depfile $(@:.stamp=.d) --depfile-target $@ \
		tests/golden/gen/$*
	@touch $@

$(BUILD)/generate:
	mkdir -p $@

# generated/ and the golden outputs are what drvgen makes now (gen --check
# prints a diff for each stale file, and names each missing one), and are
# clang-format clean against generated/.clang-format.
test-generated: $(BUILD)/drvgen
	@stale=0; for s in $(GEN_SPECS); do \
		$(BUILD)/drvgen gen --check -o generated/$$s --skeleton specs/$$s specs/$$s || stale=1; \
	done; \
	for c in $(GOLDEN_GEN); do \
		$(BUILD)/drvgen gen --check -o tests/golden/gen/$$c/expected tests/golden/gen/$$c || stale=1; \
	done; \
	[ $$stale = 0 ] || { echo "generated output is stale (diffs above): run 'make generate'"; exit 1; }
	@set -e; n=0; for f in generated/*/* tests/golden/gen/*/expected/*; do \
		clang-format --style=file:generated/.clang-format "$$f" | cmp -s - "$$f" \
			|| { echo "not clang-format clean: $$f"; exit 1; }; n=$$((n + 1)); done; \
		echo "generated: up to date and clang-format clean ($$n files)"

# Generated code compiles everywhere it must, misuse does not compile, and
# accessors cost what hand-written volatile accesses cost.
test-compile: $(BUILD)/drvgen
	sh tests/compile/headers.sh $(BUILD)/compile
	sh tests/compile/ipc.sh $(BUILD)/compile
	sh tests/compile/drivers.sh
	sh tests/compile_fail/run.sh gcc runtime/common runtime/user tests/golden/gen/access/expected
	sh tests/compile_fail/run.sh clang runtime/common runtime/user tests/golden/gen/access/expected
	sh tests/zero_overhead/compare.sh gcc $(BUILD)/zero_overhead runtime/common runtime/user \
		generated/edu generated/uart16550
	sh tests/zero_overhead/compare.sh clang $(BUILD)/zero_overhead runtime/common runtime/user \
		generated/edu generated/uart16550
	sh tests/compile/kmod.sh $(CURDIR)/$(BUILD)/kmod_regs

# ---- fuzzing (clang's libFuzzer, with ASan and UBSan) ----

FUZZ_SECONDS ?= 300
FUZZ_TARGETS := idl:fuzz.idl:idl regs:fuzz.regs.yaml:yaml manifest:fuzz.manifest.yaml:yaml
FUZZ_FLAGS   := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# The library built for fuzzing: instrumented for coverage, no main.
.PHONY: lib fuzz-lib
lib: $(BUILD)/libdrvgen.a
fuzz-lib:
	$(MAKE) --no-print-directory BUILD=build/fuzz/lib CC=clang \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" lib

build/fuzz/fuzz_%: tests/fuzz/fuzz_frontend.c fuzz-lib | $(BUILD)/fuzz
	clang $(FUZZ_FLAGS) $(CPPFLAGS_ALL) -DFUZZ_FILE='"$(word 2,$(subst :, ,$(filter $*:%,$(FUZZ_TARGETS))))"' \
		-o $@ $< build/fuzz/lib/libdrvgen.a $(LIBS)

# Seeds: every spec of the language in the repository.
build/fuzz/seeds/%: FORCE
	@rm -rf $@ && mkdir -p $@
	@case $* in idl) pat='*.idl';; regs) pat='*.regs.yaml';; manifest) pat='*.manifest.yaml';; esac; \
	find dsl specs tests -name "$$pat" -type f | while read -r f; do cp "$$f" "$@/$$(echo "$$f" | tr / _)"; done

.PHONY: FORCE fuzz
FORCE:

# fuzz_run NAME SECONDS: runs one target; a crash, leak, timeout or UB
# report fails, with the log's end shown and the input kept in build/fuzz/.
define fuzz_run
	@mkdir -p build/fuzz/corpus/$(1)
	build/fuzz/fuzz_$(1) -max_total_time=$(2) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=build/fuzz/$(1)- \
		-dict=tests/fuzz/$(word 3,$(subst :, ,$(filter $(1):%,$(FUZZ_TARGETS)))).dict \
		build/fuzz/corpus/$(1) build/fuzz/seeds/$(1) >build/fuzz/$(1).log 2>&1 \
		|| { tail -40 build/fuzz/$(1).log; exit 1; }
	@grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' build/fuzz/$(1).log | tr '\n' ' '; echo

endef

# The server dispatch drvgen generates, one harness per protocol (a child's
# covers its parents' dispatch too): raw messages in, never a crash.
IPC_FUZZ := kit_tiered:$(KIT) dev_serial:generated/uart16550 edu_device:generated/edu
ipc_fuzz_dir = $(word 2,$(subst :, ,$(filter $(1):%,$(IPC_FUZZ))))

.SECONDEXPANSION:
build/fuzz/ipc_%: $$(call ipc_fuzz_dir,$$*)/$$*_fuzz.c $$(wildcard $$(call ipc_fuzz_dir,$$*)/*_server.c) \
		$(RUNTIME_USER) $(RUNTIME_USER_H) | $(BUILD)/fuzz
	clang $(FUZZ_FLAGS) -Iruntime/common -Iruntime/user -I$(call ipc_fuzz_dir,$*) -o $@ \
		$(filter %.c,$^)

# ipc_fuzz_run NAME SECONDS
define ipc_fuzz_run
	@mkdir -p build/fuzz/corpus/ipc_$(1)
	build/fuzz/ipc_$(1) -max_total_time=$(2) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=build/fuzz/ipc_$(1)- build/fuzz/corpus/ipc_$(1) \
		>build/fuzz/ipc_$(1).log 2>&1 || { tail -40 build/fuzz/ipc_$(1).log; exit 1; }
	@grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' build/fuzz/ipc_$(1).log | tr '\n' ' '; echo

endef

IPC_FUZZ_NAMES := $(foreach t,$(IPC_FUZZ),$(word 1,$(subst :, ,$(t))))

fuzz test-fuzz: build/fuzz/fuzz_idl build/fuzz/fuzz_regs build/fuzz/fuzz_manifest \
		build/fuzz/seeds/idl build/fuzz/seeds/regs build/fuzz/seeds/manifest \
		$(foreach n,$(IPC_FUZZ_NAMES),build/fuzz/ipc_$(n))
	$(call fuzz_run,idl,$(if $(filter test-fuzz,$@),20,$(FUZZ_SECONDS)))
	$(call fuzz_run,regs,$(if $(filter test-fuzz,$@),20,$(FUZZ_SECONDS)))
	$(call fuzz_run,manifest,$(if $(filter test-fuzz,$@),20,$(FUZZ_SECONDS)))
	$(foreach n,$(IPC_FUZZ_NAMES),$(call ipc_fuzz_run,$(n),$(if $(filter test-fuzz,$@),15,$(FUZZ_SECONDS))))

# ---- benchmarks (ratios against baselines measured in the same run) ----

$(BUILD)/tools/%: tools/%.c | $(BUILD)/tools
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) -o $@ $<

$(BUILD)/tools:
	mkdir -p $@

.PHONY: bench
bench: $(BUILD)/drvgen $(BUILD)/tools/synth_regs $(BUILD)/tools/bench_run
	sh bench/regs_scale.sh $(BUILD)
	sh bench/ipc.sh $(BUILD)

# ---- the main job ----

# Drivers for both targets and the QEMU end-to-end tests: targets/qemu/qemu.mk
# (make drivers, make qemu-test).
include targets/qemu/qemu.mk

# The drivers and clients are built from generated/: bring it up to date with
# the specs first (make generate's stamps), so a protocol change regenerates
# the stubs, and a method the driver skeleton lacks stops the build (E0601).
drivers qemu-clients: $(if $(filter generated,$(QEMU_GEN)),$(SPEC_STAMPS))

# From the specs to drivers running on QEMU: check the specs, generate every
# driver afresh, build each as a kernel module and as a userspace server,
# boot QEMU and run the same clients against each.
.PHONY: demo
demo: $(BUILD)/drvgen
	@set -e; for s in $(GEN_SPECS); do $(BUILD)/drvgen check specs/$$s; done
	$(BUILD)/drvgen check dsl/std
	@echo "drvgen: $(GEN_SPECS:%=specs/%) and dsl/std check clean"
	@rm -rf $(BUILD)/demo/gen
	@set -e; for s in $(GEN_SPECS); do \
		echo "$(BUILD)/drvgen gen --skeleton specs/$$s -o $(BUILD)/demo/gen/$$s specs/$$s"; \
		$(BUILD)/drvgen gen --skeleton specs/$$s -o $(BUILD)/demo/gen/$$s specs/$$s; done
	@$(MAKE) --no-print-directory QEMU_GEN=$(BUILD)/demo/gen DRIVERS=$(BUILD)/demo/drivers \
		QEMU_OUT=$(BUILD)/demo/qemu E2E_FLAGS=--demo qemu-test

.PHONY: clean
clean:
	rm -rf build
