#!/bin/sh
# SPDX-License-Identifier: MIT
# test_install.sh - `make install` into a temporary DESTDIR (PREFIX=/usr),
# then, with only the installed tree (drvgen on the PATH, drvgen.pc found by
# pkg-config --define-prefix, which relocates the tree), a driver that
# `drvgen new` writes outside the repository: its Makefile generates it and
# builds its kernel module (Kbuild, with drvgen.ko), its userspace server
# and its client. And the rest of what is installed: man pages that render
# cleanly and name every command, option and key; bash completion that
# offers every command and option; the schemas the new spec's modelines
# name. Run from the top folder (make test-install).
set -u
. tests/cli/lib.sh
top=$(pwd)
stage=$tmp/stage
${MAKE:-make} --no-print-directory install DESTDIR="$stage" PREFIX=/usr >"$tmp/install.log" 2>&1 ||
	{ fail "make install: $(tail -5 "$tmp/install.log")"; finish install; }
usr=$stage/usr
drvgen=$usr/bin/drvgen
[ -x "$drvgen" ] || fail "no drvgen in $usr/bin"
for f in share/drvgen/runtime/sources.mk share/drvgen/runtime/common/drv_wire.h \
	share/drvgen/runtime/kmod/drv_kmod.c share/drvgen/runtime/user/drv_host.c \
	share/drvgen/generated/std/blk_device_client.c share/drvgen/targets/kmod/build.sh \
	share/drvgen/targets/user/build.sh share/drvgen/targets/user/build_bridges.sh \
	share/drvgen/targets/qemu/build_clients.sh share/drvgen/schema/regs.schema.json \
	share/drvgen/schema/manifest.schema.json share/pkgconfig/drvgen.pc share/man/man1/drvgen.1 \
	share/man/man5/drvgen-regs.5 share/man/man5/drvgen-idl.5 share/man/man5/drvgen-manifest.5 \
	share/bash-completion/completions/drvgen share/doc/drvgen/tutorial.md; do
	[ -s "$usr/$f" ] || fail "not installed: $f"
done

# pkg-config: the prefix it was installed for, or where it now is
PKG_CONFIG_PATH=$usr/share/pkgconfig
export PKG_CONFIG_PATH
[ "$(pkg-config --variable=datadir drvgen)" = /usr/share/drvgen ] || fail "drvgen.pc's datadir"
[ "$(pkg-config --define-prefix --variable=datadir drvgen)" = "$usr/share/drvgen" ] ||
	fail "drvgen.pc relocates: $(pkg-config --define-prefix --variable=datadir drvgen)"
pkg-config --define-prefix --cflags drvgen | grep -q -- "-I$usr/share/drvgen/runtime/common" ||
	fail "pkg-config --cflags drvgen"

# a driver outside the repository, built against the installed tree alone
mkdir "$tmp/work"
(
	cd "$tmp/work" || exit 1
	PATH=$usr/bin:$PATH
	"$drvgen" new mydev >"$tmp/new.log" 2>&1 || { echo "drvgen new: $(cat "$tmp/new.log")"; exit 1; }
	head -1 mydev/mydev.regs.yaml | grep -qF "\$schema=$usr/share/drvgen/schema/regs.schema.json" ||
		{ echo "the modeline names the installed schema: $(head -1 mydev/mydev.regs.yaml)"; exit 1; }
	make -C mydev PKG_CONFIG="pkg-config --define-prefix" >"$tmp/build.log" 2>&1 ||
		{ echo "make in the new spec: $(tail -15 "$tmp/build.log")"; exit 1; }
) >"$tmp/out" || fail "$(cat "$tmp/out")"
for f in gen/mydev_driver.c build/kmod/mydev.ko build/kmod/drvgen.ko build/user/mydev-server \
	build/clients/mydev_check; do
	[ -s "$tmp/work/mydev/$f" ] || fail "the new spec's build made no $f"
done
# built from the installed tree, not from the repository
grep -q "$usr/share/drvgen/runtime/kmod" "$tmp/work/mydev/build/kmod/.kbuild-mydev/Kbuild" ||
	fail "the module was not built against the installed runtime"
grep -q "$top" "$tmp/work/mydev/build/kmod/.kbuild-mydev/Kbuild" && fail "the module's build names the repository"
modinfo "$tmp/work/mydev/build/kmod/mydev.ko" | grep -q '^alias: *pci:v00001234d000011E8' ||
	fail "mydev.ko matches edu's ids"

# man pages: clean, and naming every command, option and key
for m in "$usr"/share/man/man1/*.1 "$usr"/share/man/man5/*.5; do
	groff -man -ww -z "$m" >"$tmp/groff" 2>&1 && [ ! -s "$tmp/groff" ] || fail "$m: $(head -3 "$tmp/groff")"
done
man1=$(groff -man -rHY=0 -rLL=300n -Tutf8 "$usr/share/man/man1/drvgen.1" 2>/dev/null | sed 's/.\x08//g')
for w in $("$drvgen" --help | sed -n 's/^ *\(usage: \)\{0,1\}drvgen \([a-z][a-z]*\).*/\2/p') \
	$("$drvgen" --help | grep -o -- '--*[a-zA-Z][-a-zA-Z]*' | sort -u); do
	printf '%s\n' "$man1" | grep -q -- "$w" || fail "drvgen(1) does not mention $w"
done
for lang in regs manifest; do
	page=$(groff -man -rHY=0 -rLL=300n -Tutf8 "$usr/share/man/man5/drvgen-$lang.5" 2>/dev/null | sed 's/.\x08//g')
	for key in $(jq -r '.. | objects | .properties? // empty | keys[]' "dsl/schema/$lang.schema.json" | sort -u); do
		printf '%s\n' "$page" | grep -q "\\b$key\\b" || fail "drvgen-$lang(5) does not mention $key"
	done
done
idl=$(groff -man -rHY=0 -rLL=300n -Tutf8 "$usr/share/man/man5/drvgen-idl.5" 2>/dev/null | sed 's/.\x08//g')
for w in namespace use enum bits error struct interface call send event page void bytes str @since @op; do
	printf '%s\n' "$idl" | grep -q -- "$w" || fail "drvgen-idl(5) does not mention $w"
done

# bash completion: every command, and every option of each command's usage
complete_words() { # complete_words WORD... - what the completion offers for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _drvgen; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$usr/share/bash-completion/completions/drvgen" "$@"
}
for c in check gen doc dump compat new; do
	complete_words drvgen "" | grep -qx "$c" || fail "completion offers no $c"
	for o in $("$drvgen" "$c" --help | sed -n '1,/^[A-Z]/p' | grep -o -- '--*[a-zA-Z][-a-zA-Z]*' | sort -u); do
		complete_words drvgen "$c" - | grep -q -- "^$o" || fail "completion of '$c -' offers no $o"
	done
done
[ "$(complete_words drvgen gen --target "" | tr '\n' ' ')" = "kmod user sim all " ] ||
	fail "completion of --target"

finish install
