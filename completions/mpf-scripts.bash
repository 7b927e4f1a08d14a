# bash completion for the mpf workflow scripts: mpf-list, mpf-download,
# mpf-update (written by hand: they are shell scripts, not applets;
# tests/t8003-workflow-scripts-docs.sh checks it against their --help).
# Versions and boards come from the local catalogue (mpf-fetch --list),
# so nothing goes to the network while you type.

# _mpf_scripts_opts SCRIPT: its options
_mpf_scripts_opts() {
	case $1 in
	mpf-list) echo '--serial -s --ignore -i --jobs -j --output -o --help -h' ;;
	mpf-download) echo '--version -V --board -b --serial -s --ignore -i --jobs -j --output -o --help -h' ;;
	mpf-update) echo '--version -V --board -b --serial -s --ignore -i --method -m --erase --force -f --custom --keep-files --jobs -j --output -o --help -h' ;;
	mpf-build) echo '--src --board -b --as --variant --port -p --method -m --container --image --force -f --jobs -j --output -o --help -h' ;;
	esac
}

# _mpf_scripts_catalogue FIELD: the values of a firmware field in the catalogue
_mpf_scripts_catalogue() {
	mpf-fetch --list -o jsonl 2>/dev/null | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | sort -u
}

_mpf_scripts() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local script=${COMP_WORDS[0]##*/}
	case $prev in
	--version|-V) COMPREPLY=($(compgen -W "stable preview latest $(_mpf_scripts_catalogue version)" -- "$cur")); return ;;
	--board|-b) COMPREPLY=($(compgen -W "$(_mpf_scripts_catalogue board_id)" -- "$cur")); return ;;
	--serial|-s|--ignore|-i) COMPREPLY=($(compgen -G "${cur:-/dev/tty}*")); return ;;
	--method|-m) COMPREPLY=($(compgen -W 'uf2 dfu esp swd' -- "$cur")); return ;;
	--src) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--as) COMPREPLY=($(compgen -W "$(_mpf_scripts_catalogue board_id)" -- "$cur")); return ;;
	--container) COMPREPLY=($(compgen -W 'auto never docker podman' -- "$cur")); return ;;
	--port|-p) COMPREPLY=($(compgen -W "$(cd "${MPY_DIR:-.}/ports" 2>/dev/null && ls)" -- "$cur")); return ;;
	--variant|--image) COMPREPLY=(); return ;;
	--output|-o) COMPREPLY=($(compgen -W 'table jsonl json' -- "$cur")); return ;;
	--jobs|-j) COMPREPLY=(); return ;;
	esac
	COMPREPLY=($(compgen -W "$(_mpf_scripts_opts "$script")" -- "$cur"))
}

complete -F _mpf_scripts mpf-list mpf-download mpf-update mpf-build
