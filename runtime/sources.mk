# SPDX-License-Identifier: MIT
# The userspace runtime's source files: the one list of them. The Makefile
# includes this file (targets/qemu/qemu.mk sees the variables too); the
# scripts that build without make (targets/user/build.sh, bench/ipc.sh)
# read a variable's line with sed. So each stays one line of paths from the
# top folder, globs allowed, no make functions.
#
#   RUNTIME_CLIENT_SRC  what a program calling drivers links with its
#                       generated *_client.c: the socket and ioctl transports
#   RUNTIME_SERVER_SRC  what serving protocols adds (the generated *_server.c
#                       call it); a server links the client part too
#   RUNTIME_HOST_SRC    what the userspace driver host adds (targets/user),
#                       with the stubs it registers with (generated/std)
RUNTIME_CLIENT_SRC := runtime/user/drv_client.c runtime/user/drv_socket.c runtime/user/drv_ioctl.c
RUNTIME_SERVER_SRC := runtime/user/drv_server.c
RUNTIME_HOST_SRC := runtime/user/drv_host.c runtime/user/host/*.c generated/std/sys_devregistry_client.c
#   RUNTIME_NBD_SRC     drvgen-nbd, the NBD bridge of blk::device, with the
#                       client part (and libnl-genl-3)
#   RUNTIME_TAP_SRC     drvgen-tap, the TAP bridge of net::nic, with the
#                       client part
RUNTIME_NBD_SRC := runtime/user/bridge/nbd.c runtime/user/bridge/nbd_netlink.c runtime/user/bridge/bridge.c generated/std/blk_device_client.c
RUNTIME_TAP_SRC := runtime/user/bridge/tap.c runtime/user/bridge/tcp_merge.c runtime/user/bridge/bridge.c generated/std/net_nic_client.c
#   RUNTIME_DEVD_SRC    drvgen-devd, the device manager that starts, stops
#                       and restarts the servers and serves the device
#                       registry (docs/drivers.md, "Lifecycle"), with the
#                       client part
RUNTIME_DEVD_SRC := runtime/user/devd/*.c runtime/user/drv_server.c generated/std/sys_devregistry_server.c generated/std/drvgen_devices_server.c
