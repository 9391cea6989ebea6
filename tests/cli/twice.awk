# SPDX-License-Identifier: MIT
# twice.awk FILE.c... - prints each static function of a generated file that
# another of the same file already is, but for its name: what is generated
# once per shape must not be written once per use. Silent when none is.
# The skeleton (<driver>.c) is skipped: its handlers are the driver's to
# write, one per served method even where they start alike.
FNR == 1 {
	delete seen
	infn = 0
	skip = FILENAME !~ /_(client|server|fuzz|driver|kmod|main|desc)\.c$/
}
skip { next }
/^static .*\(/ && !infn {
	infn = 1
	body = ""
	name = $0
	sub(/\(.*/, "", name)
	n = split(name, w, /[ *]+/)
	name = w[n]
}
infn {
	line = $0
	gsub(name, "@", line)
	body = body "\n" line
}
infn && /^}/ {
	infn = 0
	if (body in seen)
		print FILENAME ": " name " is " seen[body] " again"
	else
		seen[body] = name
}
