# fish completion for the mpf workflow scripts: mpf-list, mpf-download,
# mpf-update, mpf-build (written by hand; see mpf-scripts.bash). make install puts a
# copy under each script's name, as fish loads completions by command.

function __mpf_scripts_catalogue
	mpf-fetch --list -o jsonl 2>/dev/null | sed -n "s/.*\"$argv[1]\":\"\([^\"]*\)\".*/\1/p" | sort -u
end

for c in mpf-list mpf-download mpf-update
	complete -c $c -s s -l serial -r -d 'only serial ports matching GLOB' -a '(__fish_complete_path /dev/tty)'
	complete -c $c -s i -l ignore -r -d 'leave out ports matching GLOB' -a '(__fish_complete_path /dev/tty)'
	complete -c $c -s j -l jobs -x -d 'boards handled at once'
	complete -c $c -s o -l output -x -a 'table jsonl json' -d 'output format'
	complete -c $c -s h -l help -d 'show the help and exit'
end
for c in mpf-download mpf-update
	complete -c $c -s V -l version -x -a 'stable preview latest (__mpf_scripts_catalogue version)' -d 'stable, preview, latest or X.Y.Z'
	complete -c $c -s b -l board -x -a '(__mpf_scripts_catalogue board_id)' -d 'board'
end
complete -c mpf-update -s m -l method -x -a 'uf2 dfu esp swd' -d 'flash method'
complete -c mpf-update -l erase -d 'erase the whole flash before writing'
complete -c mpf-update -s f -l force -d 'flash boards already running the chosen version'
complete -c mpf-update -l custom -d 'prefer builds registered with mpf-fetch --add'
complete -c mpf-update -l keep-files -d 'back up each board\'s files before flashing, restore them after'
complete -c mpf-build -l src -r -a '(__fish_complete_directories)' -d 'the MicroPython source tree'
complete -c mpf-build -s b -l board -x -a '(__mpf_scripts_catalogue board_id)' -d 'build BOARD and print its records'
complete -c mpf-build -l as -x -a '(__mpf_scripts_catalogue board_id)' -d 'treat every record on stdin as BOARD'
complete -c mpf-build -l variant -x -d 'the board variant'
complete -c mpf-build -s p -l port -x -d 'the port'
complete -c mpf-build -s m -l method -x -a 'uf2 dfu esp swd' -d 'flash method'
complete -c mpf-build -l container -x -a 'auto never docker podman' -d 'when to build in a container'
complete -c mpf-build -l image -x -d 'the container image'
complete -c mpf-build -s f -l force -d 'build again from a clean build folder'
complete -c mpf-build -s j -l jobs -x -d 'parallel make jobs'
complete -c mpf-build -s o -l output -x -a 'table jsonl json' -d 'output format'
complete -c mpf-build -s h -l help -d 'show the help and exit'
