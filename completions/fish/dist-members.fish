# fish completion for dist-members(1)
#
# Options, -o formats, files for --cookie-file/--vm-args, and node names
# from the local EPMD (`epmd -names`, through functions/__dist_nodes.fish)
# when epmd is installed and running.

complete -c dist-members -f
complete -c dist-members -l expect -x -d 'The cluster has N members (the seeds)'
complete -c dist-members -l max-nodes -x -d 'Follow at most N members (256)'
complete -c dist-members -l indirect -x -d 'Members asked about one we cannot reach (3)'
complete -c dist-members -s g -l groups -d 'Also pg groups and global names'
complete -c dist-members -s w -l watch -d 'Probe every interval, print events on changes'
complete -c dist-members -s i -l interval -x -a '100ms 250ms 500ms 1s 2s 5s' -d 'Between --watch rounds (1s)'
complete -c dist-members -l suspect-timeout -x -a '1s 2s 5s 10s 30s' -d 'Suspect this long unrefuted: down'
complete -c dist-members -s t -l timeout -x -a '250ms 500ms 1s 2s 5s 10s 30s 1m' -d 'Deadline of each round (10s)'
complete -c dist-members -l connect-timeout -x -a '250ms 500ms 1s 2s 5s 10s' -d 'Limit for each stage of one probe (5s)'
complete -c dist-members -s j -l concurrency -x -d 'Probes in flight at once (64)'
complete -c dist-members -s o -l output -x -a "json\t'JSON Lines (default)' pretty\t'indented JSON' text\t'a table' dot\t'Graphviz'" -d 'Output format'
complete -c dist-members -l cookie-file -r -F -d 'Read the cookie from FILE'
complete -c dist-members -l vm-args -r -F -d 'Release vm.args: cookie and default node'
complete -c dist-members -l cookie -x -d 'The cookie itself (visible in ps)'
complete -c dist-members -s n -l name -x -d 'Our node name'
complete -c dist-members -l epmd-port -x -d 'EPMD port'
complete -c dist-members -s p -l port -x -d 'No EPMD: connect straight to PORT'
complete -c dist-members -l address -x -a '(__fish_print_hostnames)' -d 'Connect to HOST[:PORT] instead of the target\'s host'
complete -c dist-members -l resolver -x -d 'DNS servers instead of /etc/resolv.conf'
complete -c dist-members -l tls -d 'TLS distribution (nodes run -proto_dist inet_tls)'
complete -c dist-members -l certfile -r -F -d 'Our TLS certificate (PEM)'
complete -c dist-members -l keyfile -r -F -d 'The key of --certfile (PEM)'
complete -c dist-members -l cacertfile -r -F -d 'CAs that sign the nodes\' certificates'
complete -c dist-members -l insecure -d 'Do not verify the nodes\' certificates (warns)'
complete -c dist-members -l ssl-dist-optfile -r -F -d 'A node\'s -ssl_dist_optfile (client section)'
complete -c dist-members -l stats -d 'End with a stats record (rounds, members by status, partitions)'
complete -c dist-members -l prom -r -F -d 'Write the run as a Prometheus textfile'
complete -c dist-members -s q -l quiet -d 'Print nothing; exit status only'
complete -c dist-members -s h -l help -d 'Print usage and exit'
complete -c dist-members -s V -l version -d 'Print version and exit'
complete -c dist-members -a '(__dist_nodes)' -d Node
