#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh CC INCLUDE... - every misuse of the generated accessors in this
# folder must fail to compile, for the reason its `/* expect: REGEX */`
# line names (matched against the compiler's messages; a case without one
# fails); and control_ok.c, the same calls done right, must compile, as C
# and as C++.
set -u
cc=$1
shift
incs=""
for d in "$@"; do incs="$incs -I$d"; done
dir=$(dirname "$0")
failures=0
for f in "$dir"/*.c; do
	name=$(basename "$f")
	out=$(LC_ALL=C $cc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only $incs "$f" 2>&1)
	status=$?
	if [ "$name" = control_ok.c ]; then
		if [ $status -ne 0 ]; then
			echo "FAIL $cc $name: does not compile:"
			echo "$out" | head -5
			failures=$((failures + 1))
		fi
		continue
	fi
	want=$(sed -n 's|^/\* expect: \(.*\) \*/$|\1|p' "$f" | head -1)
	if [ -z "$want" ]; then
		echo "FAIL $cc $name: no /* expect: REGEX */ line says why it must fail"
		failures=$((failures + 1))
	elif [ $status -eq 0 ]; then
		echo "FAIL $cc $name: compiled, but must not"
		failures=$((failures + 1))
	elif ! echo "$out" | grep -Eq "$want"; then
		echo "FAIL $cc $name: failed, but not with /$want/:"
		echo "$out" | grep -E 'error' | head -3
		failures=$((failures + 1))
	fi
done
# The accessors' C++ forms (static_cast, T{x}) hold the same calls.
if ! out=$(g++ -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only $incs -x c++ \
	"$dir/control_ok.c" 2>&1); then
	echo "FAIL g++ control_ok.c: does not compile as C++:"
	echo "$out" | head -5
	failures=$((failures + 1))
fi
[ $failures -eq 0 ] && echo "compile-fail ($cc): all $(ls "$dir"/*.c | wc -l) cases behave"
exit $failures
