#!/bin/sh
# run-test.sh - how prove runs one test: shell tests under sh, C tests as is.
case $1 in
*.sh) exec sh "$1" ;;
*) exec "$1" ;;
esac
