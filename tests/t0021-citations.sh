#!/bin/sh
test_description='the tree cites only what it holds or a primary source; every doc/ citation names a section that exists'
. "${MPF_SRC:-.}/tests/lib.sh"

test_lazy_prereq GIT 'git -C "$MPF_SRC" rev-parse --git-dir'

# Files in the tree (tracked), without the fuzz corpus's binary inputs.
tree_grep() {
	git -C "$MPF_SRC" grep -I -E "$@" -- . ':!tests/fuzz/corpus'
}

test_expect_success GIT 'no citation of documents that are not in the repository' '
	# the peers folder beside the checkout holds test material (source to build real peers
	# from, emulators running real ROMs), which tests may read; it is no document to cite
	tree_grep -n -i "(^|[^/a-z])([p]rotocols|[d]esign|[m]pflash)\.md|[s]hared/reference|\.\./[s]hared" |
		grep -v -E "\.\./[s]hared/peers/(micropython|esp-qemu)" >hits || :
	test_cmp /dev/null hits
'

# The patterns use a bracket in each phrase ("[m]erge"), the usual way to
# keep a search from matching its own words.
test_expect_success GIT 'the tree speaks of the product only' '
	tree_grep -n -i "[m]erge note|for the [l]ead|[i]ssue [0-9]+[:)]|\([i]ssue [0-9]+|on [b]ranch \`" >hits || :
	test_cmp /dev/null hits
'

test_expect_success GIT 'every doc/ file cited exists and every section cited is one of its headings' '
	tree_grep -o -h "doc/[a-z]+\.md( section)? [0-9]+(\.[0-9]+)?" >cites || :
	test -s cites &&
	sed "s/ section//" cites | sort -u | while read -r file sec; do
		test -f "$MPF_SRC/$file" || { echo "$file is cited but missing"; return 1; }
		case $sec in
		*.*) pat="^### $sec " ;;
		*) pat="^## $sec\\. " ;;
		esac
		grep -q "$pat" "$MPF_SRC/$file" || { echo "$file has no section $sec"; return 1; }
	done
'

test_done
