# SPDX-License-Identifier: MIT
# drvgen - the one entry point.
#
#   make deps    install the Debian packages the project needs, and unpack
#                the newer kernels' headers the kernel target is built
#                against (as root)
#   make         build build/drvgen
#   make check   the fast tier, no root, no QEMU, no fuzzing: unit, corpus,
#                golden, CLI and compile tests
#   make test    every test: make check, ASan+UBSan, clang, fuzz, the
#                kernel target built against every supported kernel (make
#                test-kernels), and the drivers of both targets on QEMU
#                (make qemu-test)
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
# runtime/common: drv_wire.h, the message format the compiler checks specs
# against and the generated code and runtimes carry.
CPPFLAGS_ALL := -D_XOPEN_SOURCE=700 -Icompiler -Iruntime/common -I$(GEN) $(CPPFLAGS)
LIBS    := -lyaml -ljansson

include runtime/sources.mk
# What a program serving protocols links.
RUNTIME_IPC_SRC := $(RUNTIME_CLIENT_SRC) $(RUNTIME_SERVER_SRC)

COMPILER_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
COMPILER_OBJ := $(patsubst compiler/%.c,$(BUILD)/compiler/%.o,$(COMPILER_SRC)) \
		$(GEN)/idl.tab.o $(GEN)/idl.lex.o $(GEN)/std_library.o $(GEN)/new_spec_templates.o
# Objects depend on the headers they include: -MMD writes each one's .d.
# The grammar's headers are made before any object is compiled (a fresh
# tree has no .d yet to say who includes them).
DEPFLAGS := -MMD -MP
GRAMMAR_H := $(GEN)/idl.tab.h $(GEN)/idl.lex.h

.PHONY: all
all: $(BUILD)/drvgen

-include $(COMPILER_OBJ:.o=.d) $(BUILD)/compiler/main.d

$(BUILD)/drvgen: $(BUILD)/compiler/main.o $(BUILD)/libdrvgen.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libdrvgen.a: $(COMPILER_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/compiler/%.o: compiler/%.c | $(BUILD)/compiler $(GRAMMAR_H)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

# Bison and flex output is compiled with the same warnings as our own code.
$(GEN)/idl.tab.c $(GEN)/idl.tab.h &: compiler/idl.y | $(GEN)
	bison -Wall -Werror --defines=$(GEN)/idl.tab.h -o $(GEN)/idl.tab.c $<

$(GEN)/idl.lex.c $(GEN)/idl.lex.h &: compiler/idl.l | $(GEN)
	flex --header-file=$(GEN)/idl.lex.h -o $(GEN)/idl.lex.c $<

$(GEN)/%.o: $(GEN)/%.c | $(GRAMMAR_H)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

# The standard protocol library is compiled into drvgen, so `use io;` works
# wherever the binary is installed.
$(GEN)/std_library.c: tools/embed_files.sh $(wildcard dsl/std/*.idl) | $(GEN)
	sh tools/embed_files.sh builtin_files dsl/std $(sort $(wildcard dsl/std/*.idl)) > $@

# And so are the files `drvgen new` fills in (compiler/new_spec.c).
$(GEN)/new_spec_templates.c: tools/embed_files.sh $(wildcard compiler/new_spec/*) | $(GEN)
	sh tools/embed_files.sh new_spec_templates compiler/new_spec \
		$(sort $(wildcard compiler/new_spec/*)) > $@

$(BUILD)/compiler $(GEN) $(BUILD)/tests $(BUILD)/fuzz:
	mkdir -p $@

# Helper programs (tools/*.c): random and large specs for the tests and the
# benchmarks, the docs' name tables.
$(BUILD)/tools/%: tools/%.c | $(BUILD)/tools
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(DEPFLAGS) -o $@ $(filter %.c,$^)

$(BUILD)/tools/synth_hostile: tools/hostile_shapes.c

-include $(wildcard $(BUILD)/tools/*.d)

$(BUILD)/tools:
	mkdir -p $@

# ---- dependencies ----

# Everything the build, the tests and the targets need, by Debian name.
DEB_PACKAGES := make gcc g++ clang clang-format libclang-rt-dev flex bison pkg-config \
	libyaml-dev libjansson-dev libcmocka-dev jq binutils sparse \
	libseccomp-dev rpcsvc-proto libtirpc-dev \
	linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio kmod \
	e2fsprogs fio iperf3 socat libnl-genl-3-dev python3-jsonschema python3-yaml dwarves

# The newer kernels the kernel target builds against besides the installed
# one (make test-kernels; docs/drivers.md, "Supported kernels"), by Debian
# ABI name: make deps unpacks each one's headers, not installed, into
# $(KERNEL_CACHE)/<abi> (targets/kmod/kernel_tree.sh). Their Kbuild wants
# pahole (dwarves) for the modules' BTF.
KERNEL_ABIS := 6.12.118+deb12
KERNEL_CACHE := /var/cache/drvgen/kernels
KERNEL_TREES := $(foreach a,$(KERNEL_ABIS),\
	$(KERNEL_CACHE)/$(a)/usr/src/linux-headers-$(a)-$(shell dpkg --print-architecture))

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
	@for a in $(KERNEL_ABIS); do sh targets/kmod/kernel_tree.sh $$a $(KERNEL_CACHE)/$$a || exit 1; done

# ---- tests ----

# A test program is built in one step from the .c files among its
# prerequisites, with TEST_PP (its preprocessor flags) and TEST_LIBS, set
# per program. record_deps FLAGS writes $@.d, the headers those sources
# include, found source by source (one -MMD over several sources keeps the
# last one's only), so the program is rebuilt when one of them changes.
# The sources themselves are left out: the rule names them, and a .d
# naming one since removed would stop the build.
record_deps = @$(CC) $(1) -MM -MP $(filter %.c,$^) | sed 's|^[^ :]*\.o: *[^ ]*\.c|$@:|' >$@.d
define test_program
	$(CC) $(WARN) $(CFLAGS) $(TEST_PP) $(LDFLAGS) -o $@ $(filter %.c,$^) $(TEST_LIBS)
	$(call record_deps,$(TEST_PP))
endef

UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

$(UNIT_TESTS): TEST_PP := $(CPPFLAGS_ALL)
$(UNIT_TESTS): TEST_LIBS := $(BUILD)/libdrvgen.a $(LIBS) -lcmocka
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdrvgen.a | $(BUILD)/tests
	$(test_program)

# The hostile shapes are written by the same code the benchmark runs.
$(BUILD)/tests/test_hostile: TEST_PP += -Itools
$(BUILD)/tests/test_hostile: TEST_LIBS += -lpthread
$(BUILD)/tests/test_hostile: tools/hostile_shapes.c

# Host tests of generated code on the simulated bus (runtime/sim).
SIM_INCLUDES := $(CPPFLAGS_ALL) -Iruntime/sim -Iruntime/common -Itests/models
SIM_TESTS := $(BUILD)/sim/test_edu_sim $(BUILD)/sim/test_access_sim $(BUILD)/sim/test_edu_driver \
	$(BUILD)/sim/test_em_driver $(BUILD)/sim/test_pci_sim $(BUILD)/sim/test_virtioblk_driver
$(SIM_TESTS): TEST_LIBS := -lcmocka

$(BUILD)/sim/test_edu_sim: TEST_PP := $(SIM_INCLUDES) -Igenerated/edu
$(BUILD)/sim/test_edu_sim: tests/sim/test_edu_sim.c tests/models/edu_model.c runtime/sim/drv_sim.c \
		generated/edu/edu_regs_desc.c | $(BUILD)/sim
	$(test_program)

# specs/edu/edu.c itself, through its generated glue, on the edu model, served
# to in-process clients by the userspace runtime.
$(BUILD)/sim/test_edu_driver: TEST_PP := $(SIM_INCLUDES) -Igenerated/edu -Iruntime/user -Itests/sim
$(BUILD)/sim/test_edu_driver: tests/sim/test_edu_driver.c tests/sim/driver_harness.c \
		tests/models/edu_model.c runtime/sim/drv_sim.c $(RUNTIME_IPC_SRC) generated/edu/edu_regs_desc.c \
		generated/edu/edu_driver.c generated/edu/edu_device_client.c \
		generated/edu/edu_device_server.c specs/edu/edu.c | $(BUILD)/sim
	$(test_program)

# specs/e1000/em.c on the 82540EM model: what QEMU's e1000 cannot be made to
# do (a full transmit ring, link changes, jumbo and bad frames, overflow).
$(BUILD)/sim/test_em_driver: TEST_PP := $(SIM_INCLUDES) -Igenerated/e1000 -Iruntime/user -Itests/sim
$(BUILD)/sim/test_em_driver: tests/sim/test_em_driver.c tests/sim/driver_harness.c \
		tests/models/e1000_model.c runtime/sim/drv_sim.c $(RUNTIME_IPC_SRC) \
		generated/e1000/e1000_regs_desc.c generated/e1000/em_driver.c \
		generated/e1000/net_nic_client.c generated/e1000/net_nic_server.c specs/e1000/em.c \
		| $(BUILD)/sim
	$(test_program)

# specs/virtioblk/virtioblk.c and the virtio library it lists, through their
# generated glue, on the virtio-blk model and simulated DMA, served to
# in-process clients.
VIRTIOBLK_GEN := generated/virtioblk
$(BUILD)/sim/test_virtioblk_driver: TEST_PP := $(SIM_INCLUDES) -I$(VIRTIOBLK_GEN) -Iruntime/user \
	-Ispecs/virtio
$(BUILD)/sim/test_virtioblk_driver: tests/sim/test_virtioblk_driver.c tests/models/virtio_blk_model.c \
		runtime/sim/drv_sim.c runtime/sim/drv_sim_dma.c $(RUNTIME_IPC_SRC) \
		$(VIRTIOBLK_GEN)/virtio_regs_desc.c $(VIRTIOBLK_GEN)/virtioblk_regs_desc.c \
		$(VIRTIOBLK_GEN)/virtioblk_driver.c $(VIRTIOBLK_GEN)/blk_device_client.c \
		$(VIRTIOBLK_GEN)/blk_device_server.c specs/virtio/virtio.c specs/virtioblk/virtioblk.c \
		| $(BUILD)/sim
	$(test_program)

# The PCI capability walk (runtime/common/drv_pci.h) over a config space.
$(BUILD)/sim/test_pci_sim: TEST_PP := $(SIM_INCLUDES)
$(BUILD)/sim/test_pci_sim: tests/sim/test_pci_sim.c runtime/sim/drv_sim.c | $(BUILD)/sim
	$(test_program)

$(BUILD)/sim/test_access_sim: TEST_PP := $(SIM_INCLUDES) -Itests/golden/gen/access/expected \
	-Igenerated/uart16550
$(BUILD)/sim/test_access_sim: tests/sim/test_access_sim.c tests/models/regfile_model.c \
		runtime/sim/drv_sim.c tests/golden/gen/access/expected/acc_regs_desc.c \
		generated/uart16550/uart16550_regs_desc.c | $(BUILD)/sim
	$(test_program)

$(BUILD)/sim:
	mkdir -p $@

# IPC: generated stubs and dispatch over the userspace runtime, in-process
# and over sockets between processes.
KIT := tests/golden/gen/ipc/expected
IPC_TESTS := $(BUILD)/ipc/test_ipc_kit $(BUILD)/ipc/test_ipc_malformed $(BUILD)/ipc/test_ipc_std \
	$(BUILD)/ipc/test_ipc_pipeline $(BUILD)/ipc/test_ipc_limits $(BUILD)/ipc/test_ipc_restart \
	$(BUILD)/ipc/test_wire
IPC_INCLUDES := -Iruntime/common -Iruntime/user
$(IPC_TESTS): TEST_LIBS := -lcmocka -lpthread
STD_IPC := $(wildcard generated/pcserial/io_file_*.c generated/pcserial/dev_serial_*.c \
	generated/edu/edu_device_*.c)

$(BUILD)/ipc/test_ipc_%: TEST_PP := $(IPC_INCLUDES) -I$(KIT) -Itests/ipc
$(BUILD)/ipc/test_ipc_%: tests/ipc/test_ipc_%.c tests/ipc/kit_impl.c tests/ipc/kit_child.c \
		$(filter-out %_fuzz.c,$(wildcard $(KIT)/*.c)) $(RUNTIME_IPC_SRC) | $(BUILD)/ipc
	$(test_program)

# io::file, dev::serial and edu::device, as the specs generate them
$(BUILD)/ipc/test_ipc_std: TEST_PP := $(IPC_INCLUDES) -Igenerated/pcserial -Igenerated/edu \
	-Itests/ipc
$(BUILD)/ipc/test_ipc_std: tests/ipc/test_ipc_std.c tests/ipc/serial_fake.c tests/ipc/edu_fake.c \
		$(filter-out %_fuzz.c,$(STD_IPC)) $(RUNTIME_IPC_SRC) | $(BUILD)/ipc
	$(test_program)

$(BUILD)/ipc/test_wire: TEST_PP := $(IPC_INCLUDES) -I$(KIT) -Igenerated/edu
$(BUILD)/ipc/test_wire: tests/ipc/test_wire.c $(KIT)/kit_store_client.c \
		generated/edu/edu_device_client.c $(RUNTIME_CLIENT_SRC) | $(BUILD)/ipc
	$(test_program)

# The userspace driver host (runtime/user/host) on files standing in for
# the device's: what it lets a driver write in configuration space, and
# what its seccomp filter lets a compromised server do, its timers (one-shot
# and periodic timerfds in the serving loop); drvgen-devd's
# device registry on this machine's PCI functions, with a server that
# registers a fake edu (built beside the test in devd/).
HOST_TESTS := $(BUILD)/host/test_host_config $(BUILD)/host/test_host_sandbox $(BUILD)/host/test_host_timer \
	$(BUILD)/host/test_devd $(BUILD)/host/test_tcp_merge
$(HOST_TESTS): TEST_LIBS := -lcmocka -lseccomp
$(HOST_TESTS): TEST_PP := -Iruntime/common -Iruntime/user -Iruntime/user/host -Igenerated/std \
	-Igenerated/edu -Itests/ipc
$(BUILD)/host/test_host_%: tests/host/test_host_%.c $(RUNTIME_HOST_SRC) \
		$(RUNTIME_IPC_SRC) | $(BUILD)/host
	$(test_program)
# drvgen-tap's merging of received TCP segments
$(BUILD)/host/test_tcp_merge: TEST_PP := -Iruntime/user/bridge
$(BUILD)/host/test_tcp_merge: tests/host/test_tcp_merge.c runtime/user/bridge/tcp_merge.c | $(BUILD)/host
	$(test_program)
$(BUILD)/host/test_devd: tests/host/test_devd.c generated/std/drvgen_devices_client.c \
		generated/std/sys_devregistry_client.c generated/edu/edu_device_client.c \
		$(RUNTIME_CLIENT_SRC) | $(BUILD)/host/devd/drvgen-devd $(BUILD)/host/devd/edufake-server
	$(test_program)
$(BUILD)/host/devd/drvgen-devd: TEST_LIBS :=
$(BUILD)/host/devd/drvgen-devd: $(RUNTIME_DEVD_SRC) $(RUNTIME_CLIENT_SRC) | $(BUILD)/host/devd
	$(test_program)
$(BUILD)/host/devd/edufake-server: TEST_LIBS :=
$(BUILD)/host/devd/edufake-server: tests/host/edufake_server.c tests/ipc/edu_fake.c \
		runtime/user/host/registry.c generated/std/sys_devregistry_client.c \
		generated/edu/edu_device_server.c $(RUNTIME_IPC_SRC) | $(BUILD)/host/devd
	$(test_program)

-include $(UNIT_TESTS:=.d) $(SIM_TESTS:=.d) $(IPC_TESTS:=.d) $(HOST_TESTS:=.d)

$(BUILD)/ipc $(BUILD)/host $(BUILD)/host/devd:
	mkdir -p $@

.PHONY: check test test-unit test-cli test-asan test-clang test-fuzz test-generated test-compile
.PHONY: test-kernels
check: test-unit test-cli test-generated test-compile
	@echo "make check: all passed"

test: check test-asan test-clang test-fuzz test-install test-kernels qemu-test
	@echo "make test: all passed"

# Unit, corpus, golden, sim and IPC tests: every cmocka binary, from the top
# folder.
test-unit: $(UNIT_TESTS) $(SIM_TESTS) $(IPC_TESTS) $(HOST_TESTS) $(BUILD)/drvgen
	@set -e; for t in $(UNIT_TESTS) $(SIM_TESTS) $(IPC_TESTS) $(HOST_TESTS); do echo "== $$t"; $$t; done

test-cli: $(BUILD)/drvgen
	sh tests/cli/test_cli.sh $(BUILD)/drvgen
	sh tests/cli/test_regen.sh $(BUILD)/drvgen
	sh tests/cli/test_make.sh $(BUILD)/drvgen
	sh tests/cli/test_spdx.sh $(BUILD)/drvgen
	sh tests/cli/test_schema.sh $(BUILD)/drvgen
	sh tests/cli/test_new.sh $(BUILD)/drvgen
	sh tests/cli/test_doc.sh $(BUILD)/drvgen
	sh tests/cli/test_standalone.sh

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer,
# any report fatal.
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test-asan:
	$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g $(SANITIZE)" \
		LDFLAGS="$(SANITIZE)" test-unit

# clang must build everything warning-free too.
test-clang:
	$(MAKE) --no-print-directory BUILD=build/clang CC=clang all \
		$(patsubst $(BUILD)/%,build/clang/%,$(UNIT_TESTS) $(SIM_TESTS) $(IPC_TESTS) $(HOST_TESTS))

# ---- generated code ----

# Each spec folder's output lives, committed, in generated/<spec>; focused
# inputs keep theirs in tests/golden/gen/<case>/expected.
# Every folder of specs/ that holds spec files.
GEN_SPECS := $(sort $(patsubst specs/%/,%,$(dir $(wildcard specs/*/*.idl specs/*/*.regs.yaml \
	specs/*/*.manifest.yaml))))
GOLDEN_GEN := $(notdir $(wildcard tests/golden/gen/*))

# The docs' tables of generated C names, printed from the naming pass's
# rules: make generate rewrites them, make test-generated checks them.
NAMES_DOCS := docs/ipc.md docs/accessors.md docs/drivers.md
$(BUILD)/tools/names_table: tools/names_table.c $(BUILD)/libdrvgen.a | $(BUILD)/tools
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libdrvgen.a $(LIBS)

# `make generate` reruns drvgen for a spec only when a file its last run read
# changed (drvgen gen --depfile lists them: spec files, `use`d IDL, the
# driver skeleton), a generated file was edited or deleted, or drvgen itself
# changed. A stamp per spec under $(BUILD)/generate records the last run:
# generated files are written only when their bytes change, so they keep
# their times, and what is built from an unchanged one is not rebuilt.
DRVGEN := $(BUILD)/drvgen
SPEC_STAMPS := $(GEN_SPECS:%=$(BUILD)/generate/spec-%.stamp)
GEN_STAMPS := $(SPEC_STAMPS) $(GOLDEN_GEN:%=$(BUILD)/generate/golden-%.stamp) \
	$(BUILD)/generate/std.stamp
-include $(GEN_STAMPS:.stamp=.d)

# A spec stamp made for a build (make drivers) in a fresh build folder only
# checks generated/ (--check) before recording it: a build never quietly
# rewrites a stale commit that make test would flag. make generate writes.
GEN_FIRST := --check
.PHONY: generate
generate: GEN_FIRST :=
generate: $(GEN_STAMPS) $(BUILD)/tools/names_table
	$(BUILD)/tools/names_table $(NAMES_DOCS)

$(BUILD)/generate/spec-%.stamp: $(DRVGEN) | $(BUILD)/generate
	$(DRVGEN) gen$(if $(wildcard $@),, $(GEN_FIRST)) -o generated/$* --skeleton specs/$* \
		--depfile $(@:.stamp=.d) --depfile-target $@ specs/$*
	@touch $@

# The device classes' protocols, for the runtime's class adapters (the
# kernel's block device and network interface, the NBD and TAP bridges),
# and the device registry's (drvgen-devd serves sys::devregistry and
# drvgen::devices, the servers that register call it): their stubs, in
# generated/std.
STD_CLASSES := dsl/std/blk.idl dsl/std/net.idl dsl/std/sys.idl dsl/std/drvgen.idl
$(BUILD)/generate/std.stamp: $(DRVGEN) | $(BUILD)/generate
	$(DRVGEN) gen -o generated/std --depfile $(@:.stamp=.d) --depfile-target $@ $(STD_CLASSES)
	@touch $@

$(BUILD)/generate/golden-%.stamp: $(DRVGEN) | $(BUILD)/generate
	$(DRVGEN) gen -o tests/golden/gen/$*/expected --depfile $(@:.stamp=.d) --depfile-target $@ \
		tests/golden/gen/$*
	@touch $@

$(BUILD)/generate:
	mkdir -p $@

# generated/ and the golden outputs are what drvgen makes now (gen --check
# prints a diff for each stale file, and names each missing one), and are
# clang-format clean against generated/.clang-format, as is what random
# specs with long names make; the docs' tables of names are the naming
# pass's.
test-generated: $(BUILD)/drvgen $(BUILD)/tools/names_table $(BUILD)/tools/synth_idl
	$(BUILD)/tools/names_table --check $(NAMES_DOCS)
	@stale=0; for s in $(GEN_SPECS); do \
		$(BUILD)/drvgen gen --check -o generated/$$s --skeleton specs/$$s specs/$$s || stale=1; \
	done; \
	for c in $(GOLDEN_GEN); do \
		$(BUILD)/drvgen gen --check -o tests/golden/gen/$$c/expected tests/golden/gen/$$c || stale=1; \
	done; \
	$(BUILD)/drvgen gen --check -o generated/std $(STD_CLASSES) || stale=1; \
	[ $$stale = 0 ] || { echo "generated output is stale (diffs above): run 'make generate'"; exit 1; }
	@set -e; n=0; for f in generated/*/*.[ch] tests/golden/gen/*/expected/*.[ch]; do \
		clang-format --style=file:generated/.clang-format "$$f" | cmp -s - "$$f" \
			|| { echo "not clang-format clean: $$f"; exit 1; }; n=$$((n + 1)); done; \
		echo "generated: up to date and clang-format clean ($$n files)"
	@twice=$$(awk -f tests/cli/twice.awk generated/*/*.c tests/golden/gen/*/expected/*.c); \
		[ -z "$$twice" ] || { echo "$$twice"; exit 1; }
	sh tests/cli/test_layout.sh $(BUILD)/drvgen $(BUILD)/tools/synth_idl

# Generated code compiles everywhere it must, misuse does not compile, and
# accessors cost what hand-written volatile accesses cost.
test-compile: $(BUILD)/drvgen
	sh tests/compile/headers.sh $(BUILD)/compile
	sh tests/compile/ipc.sh $(BUILD)/compile
	sh tests/compile/drivers.sh
	sh targets/user/build_bridges.sh $(BUILD)/bridges/gcc
	CC=clang sh targets/user/build_bridges.sh $(BUILD)/bridges/clang
	sh tests/compile_fail/run.sh gcc runtime/common runtime/user tests/golden/gen/access/expected
	sh tests/compile_fail/run.sh clang runtime/common runtime/user tests/golden/gen/access/expected
	sh tests/zero_overhead/compare.sh gcc $(BUILD)/zero_overhead runtime/common runtime/user \
		generated/edu generated/uart16550
	sh tests/zero_overhead/compare.sh clang $(BUILD)/zero_overhead runtime/common runtime/user \
		generated/edu generated/uart16550
	sh tests/zero_overhead/kmod.sh $(CURDIR)/$(BUILD)/zero_overhead_kmod
	sh tests/compile/kmod.sh $(CURDIR)/$(BUILD)/kmod_regs

# The kernel target builds against every supported kernel: the installed
# one and each of $(KERNEL_TREES) (make deps unpacks them).
test-kernels:
	sh tests/compile/kernels.sh $(BUILD)/kernels $(KERNEL_TREES)

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
IPC_FUZZ := kit_tiered:$(KIT) kit_shapes:$(KIT) dev_serial:generated/pcserial edu_device:generated/edu \
	net_nic:generated/e1000 blk_device:generated/std sys_devregistry:generated/std \
	drvgen_devices:generated/std
ipc_fuzz_dir = $(word 2,$(subst :, ,$(filter $(1):%,$(IPC_FUZZ))))

.SECONDEXPANSION:
build/fuzz/ipc_%: $$(call ipc_fuzz_dir,$$*)/$$*_fuzz.c $$(wildcard $$(call ipc_fuzz_dir,$$*)/*_server.c) \
		$(RUNTIME_IPC_SRC) | $(BUILD)/fuzz
	clang $(FUZZ_FLAGS) $(IPC_INCLUDES) -I$(call ipc_fuzz_dir,$*) -o $@ $(filter %.c,$^)
	$(call record_deps,$(IPC_INCLUDES) -I$(call ipc_fuzz_dir,$*))

# ipc_fuzz_run NAME SECONDS
define ipc_fuzz_run
	@mkdir -p build/fuzz/corpus/ipc_$(1)
	build/fuzz/ipc_$(1) -max_total_time=$(2) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=build/fuzz/ipc_$(1)- build/fuzz/corpus/ipc_$(1) \
		>build/fuzz/ipc_$(1).log 2>&1 || { tail -40 build/fuzz/ipc_$(1).log; exit 1; }
	@grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' build/fuzz/ipc_$(1).log | tr '\n' ' '; echo

endef

# Under the dispatch, the transport: any datagram to a real server's socket.
build/fuzz/ipc_transport: TEST_PP := $(IPC_INCLUDES) -I$(KIT) -Itests/ipc
build/fuzz/ipc_transport: tests/ipc/fuzz_transport.c tests/ipc/kit_impl.c \
		$(filter-out %_fuzz.c,$(wildcard $(KIT)/*.c)) $(RUNTIME_IPC_SRC) | $(BUILD)/fuzz
	clang $(FUZZ_FLAGS) $(TEST_PP) -o $@ $(filter %.c,$^)
	$(call record_deps,$(TEST_PP))

IPC_FUZZ_NAMES := $(foreach t,$(IPC_FUZZ),$(word 1,$(subst :, ,$(t)))) transport
-include $(IPC_FUZZ_NAMES:%=build/fuzz/ipc_%.d)

# After the front ends' fuzzing, what their corpus generates must compile
# (tests/fuzz/compile_corpus.sh): the corpus's inputs first, then the seeds.
fuzz test-fuzz: build/fuzz/fuzz_idl build/fuzz/fuzz_regs build/fuzz/fuzz_manifest \
		build/fuzz/seeds/idl build/fuzz/seeds/regs build/fuzz/seeds/manifest \
		$(foreach n,$(IPC_FUZZ_NAMES),build/fuzz/ipc_$(n)) $(BUILD)/drvgen
	$(call fuzz_run,idl,$(if $(filter test-fuzz,$@),20,$(FUZZ_SECONDS)))
	$(call fuzz_run,regs,$(if $(filter test-fuzz,$@),20,$(FUZZ_SECONDS)))
	$(call fuzz_run,manifest,$(if $(filter test-fuzz,$@),20,$(FUZZ_SECONDS)))
	@for l in idl regs manifest; do \
		sh tests/fuzz/compile_corpus.sh $(BUILD)/drvgen $$l $(if $(filter test-fuzz,$@),60,1000) \
			build/fuzz/corpus/$$l build/fuzz/seeds/$$l || exit 1; \
	done
	$(foreach n,$(IPC_FUZZ_NAMES),$(call ipc_fuzz_run,$(n),$(if $(filter test-fuzz,$@),15,$(FUZZ_SECONDS))))

# ---- benchmarks (ratios against baselines measured in the same run) ----

.PHONY: bench
bench: $(BUILD)/drvgen $(BUILD)/tools/synth_regs $(BUILD)/tools/synth_protocols \
		$(BUILD)/tools/synth_hostile $(BUILD)/tools/bench_run
	sh bench/regs_scale.sh $(BUILD)
	sh bench/complexity.sh $(BUILD)
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

# ---- installing ----

# drvgen and what out-of-tree drivers build against: the runtime's sources
# and headers, the build scripts (which find the runtime beside them, so
# the tree works wherever it is put), the device classes' client stubs,
# the JSON Schemas, pkg-config's drvgen.pc, man pages, bash completion and
# the docs. make install PREFIX=/usr DESTDIR=/tmp/stage for a package.
PREFIX  ?= /usr/local
DESTDIR ?=
DATADIR := $(DESTDIR)$(PREFIX)/share/drvgen
INSTALL_DATA := $(sort $(wildcard runtime/sources.mk runtime/common/*.[ch] runtime/user/*.[ch] \
	runtime/user/*/*.[ch] runtime/kmod/*.[ch] generated/std/*.[ch] targets/qemu/clients/check.h))
INSTALL_SCRIPTS := targets/kmod/build.sh targets/user/build.sh targets/user/build_bridges.sh \
	targets/qemu/build_clients.sh

.PHONY: install
install: $(BUILD)/drvgen
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/pkgconfig \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/doc/drvgen \
		$(DATADIR)/schema
	install -m 755 $(BUILD)/drvgen $(DESTDIR)$(PREFIX)/bin/drvgen
	@set -e; for f in $(INSTALL_DATA); do install -D -m 644 $$f $(DATADIR)/$$f; done
	@set -e; for f in $(INSTALL_SCRIPTS); do install -D -m 755 $$f $(DATADIR)/$$f; done
	install -m 644 dsl/schema/*.schema.json $(DATADIR)/schema/
	install -m 644 dist/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 dist/man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 dist/bash-completion/drvgen $(DESTDIR)$(PREFIX)/share/bash-completion/completions/drvgen
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/drvgen/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(shell $(BUILD)/drvgen --version | cut -d" " -f2)|' \
		dist/drvgen.pc.in > $(DESTDIR)$(PREFIX)/share/pkgconfig/drvgen.pc
	@echo "install: drvgen into $(DESTDIR)$(PREFIX) (pkg-config --variable=datadir drvgen: $(PREFIX)/share/drvgen)"

# make install into a temporary DESTDIR, then a driver made by drvgen new
# outside the repository built against it, for both targets, and its man
# pages, completion and pkg-config file (part of make test: Kbuild).
.PHONY: test-install
test-install: $(BUILD)/drvgen
	sh tests/cli/test_install.sh

.PHONY: clean
clean:
	rm -rf build
