# SPDX-License-Identifier: MIT
# targets/qemu/qemu.mk - the drivers built for both targets, the QEMU test
# clients, and the end-to-end run (included by the top Makefile; uses its
# CC, CFLAGS, BUILD, DRVGEN).
#
#   make drivers     every spec's driver as a kernel module (with drvgen.ko,
#                    the runtime, and drv_uio_irq.ko) and as a userspace
#                    server (with the class bridges, drvgen-nbd), into
#                    $(DRIVERS)/{kmod,user}
#   make qemu-test   drivers + clients, one QEMU boot testing both targets
#                    (targets/qemu/README.md); fails on any "not ok"
#   make qemu-bench  one boot measuring the specs with a qemu/bench.sh
#                    against the in-tree drivers
#
# SPECS: the specs to build and test, by name (a folder of specs/) or by
# path (any spec folder); by default every folder of specs/ with a
# qemu/test.sh. A spec of specs/ uses its generated code from $(QEMU_GEN)
# (default the committed generated/; `make demo` points it at a fresh
# `drvgen gen`); one from elsewhere is generated into $(BUILD)/gen/<name>.

QEMU_GEN ?= generated
DRIVERS  ?= $(BUILD)/drivers
QEMU_OUT ?= $(BUILD)/qemu
E2E_FLAGS ?=
SPECS ?= $(patsubst specs/%/qemu/test.sh,%,$(wildcard specs/*/qemu/test.sh))

QEMU_SPECS := $(foreach s,$(SPECS),$(if $(findstring /,$(s)),$(patsubst %/,%,$(s)),specs/$(s)))

# For each spec folder: $$dir, $$name, $$gen (generating it first if it is
# not one of specs/); then the commands in $(1).
define for_each_spec
	@set -e; for dir in $(QEMU_SPECS); do \
		name=$$(basename $$dir); \
		case $$dir in \
		specs/*) gen=$(QEMU_GEN)/$$name ;; \
		*) gen=$(BUILD)/gen/$$name; $(DRVGEN) gen -o $$gen --skeleton $$dir $$dir ;; \
		esac; \
		$(1) \
	done
endef

.PHONY: qemu-clients drivers qemu-test qemu-bench
qemu-clients: $(DRVGEN)
	$(call for_each_spec,sh targets/qemu/build_clients.sh $$dir $$gen $(QEMU_OUT)/clients/$$name;)

# Always rebuilt: the build scripts check every file every time (-Werror,
# sparse), and a module is a few seconds.
drivers: $(DRVGEN)
	sh targets/kmod/build.sh --core $(DRIVERS)/kmod
	sh targets/kmod/build.sh --uio-irq $(DRIVERS)/kmod
	sh targets/user/build_bridges.sh $(DRIVERS)/user
	$(call for_each_spec,if ls $$dir/*.manifest.yaml >/dev/null 2>&1; then \
		sh targets/kmod/build.sh $$dir $$gen $(DRIVERS)/kmod; \
		sh targets/user/build.sh $$dir $$gen $(DRIVERS)/user; fi;)

qemu-test: drivers qemu-clients
	bash targets/qemu/e2e.sh $(E2E_FLAGS) $(QEMU_OUT) $(DRIVERS) $(QEMU_OUT)/clients $(QEMU_SPECS)

# One boot with every spec that has a qemu/bench.sh: each measures its
# driver on both targets against Linux's in-tree driver for the same
# device, and prints the ratios.
BENCH_SPECS := $(foreach s,$(QEMU_SPECS),$(if $(wildcard $(s)/qemu/bench.sh),$(s)))
qemu-bench: drivers qemu-clients
	bash targets/qemu/e2e.sh --bench $(QEMU_OUT)/bench $(DRIVERS) $(QEMU_OUT)/clients $(BENCH_SPECS)
