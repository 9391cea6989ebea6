# targets/qemu/qemu.mk - the drivers built for both targets, the QEMU test
# clients, and the end-to-end run (included by the top Makefile; uses its
# CC, WARN, CFLAGS, BUILD).
#
#   make drivers     edu and pcserial as kernel modules (+ drv_uio_irq.ko)
#                    and as userspace servers, into $(DRIVERS)/{kmod,user}
#   make qemu-test   drivers + clients, one QEMU boot testing both targets
#                    (targets/qemu/README.md); fails on any "not ok"
#
# QEMU_GEN is the folder holding one generated folder per spec (default
# the committed generated/; `make demo` points it at a fresh `drvgen gen`).

QEMU_GEN ?= generated
DRIVERS  ?= $(BUILD)/drivers
QEMU_OUT ?= $(BUILD)/qemu
E2E_FLAGS ?=

QEMU_CLIENT_RUNTIME := runtime/user/drv_client.c runtime/user/drv_socket.c \
	$(wildcard runtime/user/drv_ioctl.c)
QEMU_CLIENT_DEPS := targets/qemu/clients/check.h $(QEMU_CLIENT_RUNTIME) \
	$(wildcard runtime/common/*.h runtime/user/*.h)
QEMU_CLIENTS := $(QEMU_OUT)/clients/edu_check $(QEMU_OUT)/clients/serial_echo \
	$(QEMU_OUT)/clients/serial_block
# Static: the guest has no libc.
QEMU_CLIENT_CC = $(CC) $(WARN) $(CFLAGS) -static -Iruntime/common -Iruntime/user

$(QEMU_OUT)/clients/edu_check: targets/qemu/clients/edu_check.c \
		$(QEMU_GEN)/edu/edu_device_client.c $(wildcard $(QEMU_GEN)/edu/*.h) $(QEMU_CLIENT_DEPS)
	@mkdir -p $(@D)
	$(QEMU_CLIENT_CC) -I$(QEMU_GEN)/edu -o $@ $(filter %.c,$^)

$(QEMU_OUT)/clients/serial_%: targets/qemu/clients/serial_%.c \
		$(QEMU_GEN)/uart16550/dev_serial_client.c $(QEMU_GEN)/uart16550/io_file_client.c \
		$(wildcard $(QEMU_GEN)/uart16550/*.h) $(QEMU_CLIENT_DEPS)
	@mkdir -p $(@D)
	$(QEMU_CLIENT_CC) -I$(QEMU_GEN)/uart16550 -o $@ $(filter %.c,$^)

.PHONY: qemu-clients drivers qemu-test
qemu-clients: $(QEMU_CLIENTS)

# Always rebuilt: the build scripts check every file every time (-Werror,
# sparse), and a module is a few seconds.
drivers:
	sh targets/kmod/build.sh specs/edu $(QEMU_GEN)/edu $(DRIVERS)/kmod
	sh targets/kmod/build.sh specs/uart16550 $(QEMU_GEN)/uart16550 $(DRIVERS)/kmod
	sh targets/kmod/build.sh --uio-irq $(DRIVERS)/kmod
	sh targets/user/build.sh specs/edu $(QEMU_GEN)/edu $(DRIVERS)/user
	sh targets/user/build.sh specs/uart16550 $(QEMU_GEN)/uart16550 $(DRIVERS)/user

qemu-test: drivers qemu-clients
	bash targets/qemu/e2e.sh $(E2E_FLAGS) $(QEMU_OUT) $(DRIVERS) $(QEMU_OUT)/clients
