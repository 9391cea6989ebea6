#!/bin/sh
# SPDX-License-Identifier: MIT
# test_schema.sh DRVGEN - the JSON Schemas of dsl/schema, through a real
# validator (python3-jsonschema, tests/cli/schema_validate.py): valid
# draft-07 schemas, every register map and manifest of the repository
# valid, and a misspelt key refused as drvgen refuses it. That they list
# exactly the loaders' keys is tests/unit/test_schema.c's. Run from the
# top folder.
set -u
drvgen=$1
. tests/cli/lib.sh
python=${PYTHON:-/usr/bin/python3}
validate() { "$python" tests/cli/schema_validate.py "$@"; }

regs=$(find specs tests dsl -name '*.regs.yaml' ! -path 'tests/diag/*' ! -path 'tests/compat/*' | sort)
manifests=$(find specs tests dsl -name '*.manifest.yaml' ! -path 'tests/diag/*' ! -path 'tests/compat/*' | sort)
# shellcheck disable=SC2086  # the lists are file names without spaces
validate dsl/schema/regs.schema.json $regs >"$tmp/out" 2>&1 || fail "a register map is invalid: $(head -5 "$tmp/out")"
# shellcheck disable=SC2086
validate dsl/schema/manifest.schema.json $manifests >"$tmp/out" 2>&1 || fail "a manifest is invalid: $(head -5 "$tmp/out")"
n=$(echo $regs $manifests | wc -w)
[ "$n" -gt 10 ] || fail "only $n spec files found"

# A misspelt key, anywhere, is refused, and so is a word no keyword takes;
# drvgen refuses the same files.
sed 's/offset: 0x04/ofset: 0x04/' specs/edu/edu.regs.yaml >"$tmp/typo.regs.yaml"
validate dsl/schema/regs.schema.json "$tmp/typo.regs.yaml" >"$tmp/out" 2>&1 && fail "'ofset' passes the schema"
grep -q "'ofset' was unexpected" "$tmp/out" || fail "the validator names 'ofset': $(cat "$tmp/out")"
"$drvgen" check "$tmp/typo.regs.yaml" >/dev/null 2>&1 && fail "drvgen takes 'ofset'"
sed 's/access: ro/access: r0/' specs/edu/edu.regs.yaml >"$tmp/word.regs.yaml"
validate dsl/schema/regs.schema.json "$tmp/word.regs.yaml" >/dev/null 2>&1 && fail "access 'r0' passes the schema"
sed 's/kind: msi/kind: msj/' specs/edu/edu.manifest.yaml >"$tmp/typo.manifest.yaml"
validate dsl/schema/manifest.schema.json "$tmp/typo.manifest.yaml" >/dev/null 2>&1 && fail "irq kind 'msj' passes"
sed 's/  dma:/  dmaa:/' specs/edu/edu.manifest.yaml >"$tmp/cap.manifest.yaml"
validate dsl/schema/manifest.schema.json "$tmp/cap.manifest.yaml" >"$tmp/out" 2>&1 && fail "capability 'dmaa' passes"
grep -q "'dmaa' was unexpected" "$tmp/out" || fail "the validator names 'dmaa'"
# 'off' is a name (YAML 1.2, as drvgen and yaml-language-server read it)
printf 'device: d\nblocks:\n  - name: b\n    size: 4\n    registers:\n      - name: r\n        offset: 0\n        fields: [ { name: m, bits: 0, enum: { off: 0, on: 1 } } ]\n' >"$tmp/off.regs.yaml"
validate dsl/schema/regs.schema.json "$tmp/off.regs.yaml" >"$tmp/out" 2>&1 || fail "enum names off and on: $(cat "$tmp/out")"

finish "schema ($n files)"
