#!/bin/sh
# SPDX-License-Identifier: MIT
# test_doc.sh DRVGEN - `drvgen doc`: for each spec, every block, register
# and field of the dump (drvgen dump --json, the same IR) is on its device's
# page, in Markdown and in HTML, and every register has its bitfield
# drawing, a well-formed SVG naming each field and numbering each bit; every
# method's label and payload sizes are on its protocol's page; the HTML
# pages stand alone (no file or address but their own anchors). Run from the
# top folder.
set -u
drvgen=$1
. tests/cli/lib.sh
python=${PYTHON:-/usr/bin/python3}

for spec in edu e1000 pcserial; do
	out=$tmp/$spec
	"$drvgen" doc -o "$out" "specs/$spec" >"$tmp/stdout" 2>"$tmp/err" || { fail "doc $spec: $(cat "$tmp/err")"; continue; }
	grep -q "^drvgen doc: $out: [0-9]* files written" "$tmp/stdout" || fail "doc $spec says what it wrote"
	"$drvgen" dump --json "specs/$spec" >"$tmp/ir.json" || fail "dump $spec"
	for d in $(jq -r '.devices[].name' "$tmp/ir.json"); do
		for page in "$out/$d.regs.md" "$out/$d.regs.html"; do
			[ -s "$page" ] || { fail "no $page"; continue; }
			jq -r --arg d "$d" '.devices[] | select(.name == $d) | .blocks[] | "Block `" + .name + "`",
				(.registers[] | "Register `" + .path + "`", (.fields[]? | "`" + .name + "`"))' \
				"$tmp/ir.json" | sed 's/`/\`/g' | while IFS= read -r want; do
				case $page in
				*.html) want=$(printf '%s' "$want" | sed 's|`\([^`]*\)`|<code>\1</code>|g') ;;
				esac
				grep -qF "$want" "$page" || echo "$page lacks $want"
			done >"$tmp/missing"
			[ -s "$tmp/missing" ] && fail "$(head -3 "$tmp/missing")"
		done
		# a drawing per register, inline in the HTML too
		regs=$(jq --arg d "$d" '[.devices[] | select(.name == $d) | .blocks[].registers[]] | length' "$tmp/ir.json")
		svgs=$(ls "$out/$d".regs.*.svg | wc -l)
		[ "$svgs" = "$regs" ] || fail "$d: $svgs drawings for $regs registers"
		inline=$(grep -c '<svg ' "$out/$d.regs.html")
		[ "$inline" = "$regs" ] || fail "$d: $inline drawings in the HTML for $regs registers"
	done
	# each drawing is well-formed and draws its register: the fields' names
	# and every bit's number
	"$python" - "$tmp/ir.json" "$out" <<'PY' >"$tmp/svg.out" 2>&1 || fail "$spec drawings: $(head -5 "$tmp/svg.out")"
import json, sys, xml.etree.ElementTree as ET
ir, out = json.load(open(sys.argv[1])), sys.argv[2]
bad = 0
for d in ir["devices"]:
    for b in d["blocks"]:
        for r in b["registers"]:
            path = f"{out}/{d['name']}.regs.{b['name']}.{r['path']}.svg"
            texts = [t.text for t in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")]
            want = [f["name"] for f in r.get("fields", [])] or [r["path"]]
            want += [str(i) for i in range(r["width"])]
            for w in want:
                if w not in texts and not any(t and t.startswith(w[:24]) for t in texts):
                    print(f"{path}: no text {w!r}")
                    bad = 1
sys.exit(bad)
PY
	# the protocols: every label and payload size of the dump
	for ns in $(jq -r '[.interfaces[].name | split("::")[0]] | unique[]' "$tmp/ir.json"); do
		[ -s "$out/$ns.idl.html" ] && [ -s "$out/$ns.idl.md" ] || { fail "no page of protocol $ns"; continue; }
		jq -r --arg ns "$ns" '.interfaces[] | select(.name | startswith($ns + "::")) | .methods[] | .label' \
			"$tmp/ir.json" | while read -r label; do
			grep -q "$label" "$out/$ns.idl.md" || echo "$ns.idl.md lacks label $label"
			grep -q "$label" "$out/$ns.idl.html" || echo "$ns.idl.html lacks label $label"
		done >"$tmp/missing"
		[ -s "$tmp/missing" ] && fail "$(head -3 "$tmp/missing")"
	done
	# self-contained: no src= at all, and no href but the page's anchors
	# and its sibling pages
	for h in "$out"/*.html; do
		grep -q ' src=' "$h" && fail "$h loads something"
		grep -o 'href="[^"]*"' "$h" | grep -v -e 'href="#' -e 'href="[a-z0-9_]*\.\(regs\|idl\)\.html"' >"$tmp/hrefs"
		[ -s "$tmp/hrefs" ] && fail "$h links outside: $(head -1 "$tmp/hrefs")"
	done
done

# the edu page's facts, by hand: a reset, an enum, a 64-bit register in two lanes
grep -q '| 0x00000 | \[id\](#bar0-id) | 32 | `ro` | 0x010000ed |' "$tmp/edu/edu.regs.md" || fail "edu's id row"
grep -q '`to_device` = 0, `from_device` = 1' "$tmp/edu/edu.regs.md" || fail "dma_cmd.direction's values"
grep -q '>63<' "$tmp/edu/edu.regs.bar0.dma_src.svg" && grep -q '>0<' "$tmp/edu/edu.regs.bar0.dma_src.svg" ||
	fail "a 64-bit register's drawing numbers bits 63 to 0"
grep -q 'Reply payload' "$tmp/edu/edu.idl.md" || fail "payload sizes"
"$drvgen" doc -o "$tmp/bad" tests/diag/E0204-field-overlap >/dev/null 2>&1
[ $? = 1 ] || fail "doc of a spec with errors: exit 1"
[ -e "$tmp/bad" ] && fail "doc of a spec with errors writes nothing"

finish doc
