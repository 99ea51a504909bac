# fish completion for dist-elect(1)
#
# Options, strategies, -o formats, files for --cookie-file/--vm-args/
# --state, and the expected members from the local EPMD (`epmd -names`,
# through functions/__dist_nodes.fish) when epmd is installed and running.

complete -c dist-elect -f
complete -c dist-elect -s s -l self -x -a '(__fish_print_hostnames)' -d 'Exit 0 only if ID leads; the lease holder with global'
complete -c dist-elect -l strategy -x -a "highest\t'highest alive name (default)' lowest\t'lowest alive name' global\t'a lease through global'" -d 'How the leader is chosen'
complete -c dist-elect -s g -l group -x -d 'The election\'s name: the lease and the --state entry'
complete -c dist-elect -s l -l lease -x -a '5s 10s 30s 1m 5m' -d 'Global: how long a lease lasts (30s)'
complete -c dist-elect -l renew -d 'Global: extend our lease'
complete -c dist-elect -l release -d 'Global: end our lease now'
complete -c dist-elect -l run -d 'Global: run CMD (after --) while holding the lease'
complete -c dist-elect -l grace -x -a '1s 5s 10s 30s' -d '--run: SIGTERM to SIGKILL when the lease is lost (10s)'
complete -c dist-elect -l state -r -F -d 'Keep the last leader and the term in FILE'
complete -c dist-elect -s t -l timeout -x -a '1s 2s 5s 10s 30s' -d 'Limit for each round: pings, one lease call (10s)'
complete -c dist-elect -l connect-timeout -x -a '250ms 500ms 1s 2s 5s 10s' -d 'Limit for each stage of one node (5s)'
complete -c dist-elect -s j -l concurrency -x -d 'Members pinged at once (64)'
complete -c dist-elect -l cookie-file -r -F -d 'Read the cookie from FILE'
complete -c dist-elect -l vm-args -r -F -d 'Release vm.args: cookie and default node'
complete -c dist-elect -l cookie -x -d 'The cookie itself (visible in ps)'
complete -c dist-elect -s n -l name -x -d 'Our node name'
complete -c dist-elect -l epmd-port -x -d 'EPMD port'
complete -c dist-elect -s p -l port -x -d 'No EPMD: connect straight to PORT'
complete -c dist-elect -l address -x -a '(__fish_print_hostnames)' -d 'Connect to HOST[:PORT] instead of the member\'s host'
complete -c dist-elect -l resolver -x -d 'DNS servers instead of /etc/resolv.conf'
complete -c dist-elect -l tls -d 'TLS distribution (nodes run -proto_dist inet_tls)'
complete -c dist-elect -l certfile -r -F -d 'Our TLS certificate (PEM)'
complete -c dist-elect -l keyfile -r -F -d 'The key of --certfile (PEM)'
complete -c dist-elect -l cacertfile -r -F -d 'CAs that sign the nodes\' certificates'
complete -c dist-elect -l insecure -d 'Do not verify the nodes\' certificates (warns)'
complete -c dist-elect -l ssl-dist-optfile -r -F -d 'A node\'s -ssl_dist_optfile (client section)'
complete -c dist-elect -s o -l output -x -a "json\t'JSON Lines (default)' text\t'one line' pretty\t'indented JSON'" -d 'Output format'
complete -c dist-elect -l stats -d 'End with a stats record (election time, command and exit status)'
complete -c dist-elect -l prom -r -F -d 'Write the run as a Prometheus textfile'
complete -c dist-elect -s q -l quiet -d 'Print nothing; exit status only'
complete -c dist-elect -s h -l help -d 'Print usage and exit'
complete -c dist-elect -s V -l version -d 'Print version and exit'
complete -c dist-elect -n 'not contains -- -- (commandline -opc)' -a '(__dist_nodes)' -d 'Expected member'
complete -c dist-elect -n 'contains -- -- (commandline -opc)' -a '(__fish_complete_command)' -d Command
