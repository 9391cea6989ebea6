#!/bin/sh
# SPDX-License-Identifier: MIT
# compile_corpus.sh DRVGEN LANG MAX DIR... - replays a fuzzing corpus of one
# language (idl, regs or manifest: the files of DIR, those of
# build/fuzz/corpus/LANG and its seeds) through the generators: up to MAX
# inputs that check clean are generated with their skeleton, and every C
# file of the output, the skeleton and each header compiles with gcc at
# -std=c11 -Wall -Wextra -Werror -pedantic, as make test-compile asks of the
# committed output. A spec that checks clean and generates C that does not
# compile fails the run; the input is kept in build/fuzz/LANG-nocompile-*.
set -u
drvgen=$1
lang=$2
max=$3
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
case $lang in
idl) name=fuzz.idl ;;
regs) name=fuzz.regs.yaml ;;
manifest) name=fuzz.manifest.yaml ;;
*) echo "compile_corpus: unknown language $lang" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clean=0 failures=0 tried=0
for input in $(find "$@" -type f | sort); do
	[ $clean -lt "$max" ] || break
	tried=$((tried + 1))
	rm -rf "$tmp/spec" "$tmp/out" && mkdir -p "$tmp/spec" "$tmp/out"
	cp "$input" "$tmp/spec/$name"
	# the manifest fuzzer checks its input beside edu's register map and IDL
	[ $lang = manifest ] && cp "$top/specs/edu/edu.regs.yaml" "$top/specs/edu/edu.idl" "$tmp/spec/"
	"$drvgen" gen -o "$tmp/out" --skeleton "$tmp/spec" "$tmp/spec" >/dev/null 2>&1 || continue
	clean=$((clean + 1))
	for f in "$tmp"/out/*.c "$tmp"/out/*.h "$tmp"/spec/*.c; do
		[ -e "$f" ] || continue
		case $f in *_kmod.c) continue ;; esac # Kbuild's, not a host compiler's
		gcc -std=c11 -Wall -Wextra -Werror -pedantic -I"$top/runtime/common" \
			-I"$top/runtime/user" -I"$tmp/out" -I"$tmp/spec" -fsyntax-only "$f" \
			>"$tmp/cc.log" 2>&1 && continue
		failures=$((failures + 1))
		keep=$top/build/fuzz/$lang-nocompile-$(basename "$input")
		mkdir -p "$top/build/fuzz" && cp "$input" "$keep"
		echo "FAIL: $input checks clean, but its $(basename "$f") does not compile (kept as $keep):"
		head -5 "$tmp/cc.log"
		break
	done
done
echo "compile_corpus $lang: $clean of $tried inputs checked clean and were generated; $failures did not compile"
[ $failures -eq 0 ]
