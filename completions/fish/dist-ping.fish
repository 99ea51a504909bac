# fish completion for dist-ping(1)
#
# Options, -o formats, files for --cookie-file/--vm-args, and node names
# from the local EPMD (`epmd -names`, through functions/__dist_nodes.fish)
# when epmd is installed and running.

complete -c dist-ping -f
complete -c dist-ping -s c -l count -x -d 'Pings per node over one connection (1)'
complete -c dist-ping -s i -l interval -x -a '100ms 250ms 500ms 1s 2s 5s' -d 'Wait between pings (1s)'
complete -c dist-ping -s t -l timeout -x -a '250ms 500ms 1s 2s 5s 10s 30s 1m' -d 'Deadline for the whole command (10s)'
complete -c dist-ping -l connect-timeout -x -a '250ms 500ms 1s 2s 5s 10s' -d 'Limit for each stage of one target (5s)'
complete -c dist-ping -s j -l concurrency -x -d 'Targets in flight at once (64)'
complete -c dist-ping -l cookie-file -r -F -d 'Read the cookie from FILE'
complete -c dist-ping -l vm-args -r -F -d 'Release vm.args: cookie and default node'
complete -c dist-ping -l cookie -x -d 'The cookie itself (visible in ps)'
complete -c dist-ping -s n -l name -x -d 'Our node name'
complete -c dist-ping -l epmd-port -x -d 'EPMD port'
complete -c dist-ping -s p -l port -x -d 'No EPMD: connect straight to PORT'
complete -c dist-ping -l address -x -a '(__fish_print_hostnames)' -d 'Connect to HOST[:PORT] instead of the target\'s host'
complete -c dist-ping -l resolver -x -d 'DNS servers instead of /etc/resolv.conf'
complete -c dist-ping -l tls -d 'TLS distribution (nodes run -proto_dist inet_tls)'
complete -c dist-ping -l certfile -r -F -d 'Our TLS certificate (PEM)'
complete -c dist-ping -l keyfile -r -F -d 'The key of --certfile (PEM)'
complete -c dist-ping -l cacertfile -r -F -d 'CAs that sign the nodes\' certificates'
complete -c dist-ping -l insecure -d 'Do not verify the nodes\' certificates (warns)'
complete -c dist-ping -l ssl-dist-optfile -r -F -d 'A node\'s -ssl_dist_optfile (client section)'
complete -c dist-ping -s o -l output -x -a "json\t'JSON Lines (default)' text\t'aligned columns' pretty\t'indented JSON'" -d 'Output format'
complete -c dist-ping -s q -l quiet -d 'Print nothing; exit status only'
complete -c dist-ping -l state -r -F -d 'Keep circuit breakers per node in FILE'
complete -c dist-ping -l breaker-failures -x -d 'Consecutive failures that open a breaker (3)'
complete -c dist-ping -l breaker-successes -x -d 'Successes after the cool-down that close it (1)'
complete -c dist-ping -l breaker-cooldown -x -a '10s 30s 1m 5m 15m 1h' -d 'How long an open breaker skips its node (5m)'
complete -c dist-ping -l stats -d 'End with a summary record (counts, p50/p99)'
complete -c dist-ping -l prom -r -F -d 'Write the summary as a Prometheus textfile'
complete -c dist-ping -s h -l help -d 'Print usage and exit'
complete -c dist-ping -s V -l version -d 'Print version and exit'
complete -c dist-ping -a '(__dist_nodes)' -d Node
