# fish completion for dist-rpc(1)
#
# Options, -o formats, files for --cookie-file/--vm-args, and node names
# from the local EPMD (`epmd -names`, through functions/__dist_nodes.fish)
# as the first operand. MOD, FUN and ARGS after it are free text.

# True while no operand has been typed yet: options and their arguments
# do not count.
function __dist_rpc_no_operand
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case -e --eval --json-args --codec --arg-codec --send-global -o --output -t --timeout --connect-timeout -j --concurrency --cookie-file --vm-args --cookie -n --name --epmd-port -p --port --address --resolver --max-size --prom --certfile --keyfile --cacertfile --ssl-dist-optfile
                set skip 1
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end

complete -c dist-rpc -f
complete -c dist-rpc -s e -l eval -x -d 'Evaluate Erlang expressions (- reads stdin)'
complete -c dist-rpc -l json-args -x -d 'ARGS as tagged JSON'
complete -c dist-rpc -l codec -x -a 'int float bool nil string bitarray subject list( option( result( tuple2( tuple3( tagged(' -d 'Gleam distribute codec of the result (or --send-global message)'
complete -c dist-rpc -l arg-codec -x -a 'int float bool nil string bitarray subject list( option( result( tuple2( tuple3( tagged(' -d 'Gleam distribute codec of the next argument (ARGS as JSON)'
complete -c dist-rpc -l send-global -x -d 'Send VALUE to the process registered in global as NAME'
complete -c dist-rpc -l capture-output -d 'Return what the call prints in "output"'
complete -c dist-rpc -l max-size -x -a '64M 128M 256M 512M 1G' -d 'Largest answer accepted (64M)'
complete -c dist-rpc -s o -l output -x -a "json\t'records, natural JSON (default)' tagged\t'records, lossless tagged JSON' term\t'the value in Erlang syntax' raw\t'the bare value, for \$(...)' text\t'aligned columns' pretty\t'indented JSON'" -d 'Output format'
complete -c dist-rpc -s t -l timeout -x -a '1s 2s 5s 10s 30s 1m 5m' -d 'Deadline for the whole command (60s)'
complete -c dist-rpc -l connect-timeout -x -a '250ms 500ms 1s 2s 5s 10s' -d 'Limit for each connection stage (5s)'
complete -c dist-rpc -s j -l concurrency -x -d 'Nodes in flight at once (64)'
complete -c dist-rpc -l cookie-file -r -F -d 'Read the cookie from FILE'
complete -c dist-rpc -l vm-args -r -F -d 'Release vm.args: cookie and default node'
complete -c dist-rpc -l cookie -x -d 'The cookie itself (visible in ps)'
complete -c dist-rpc -s n -l name -x -d 'Our node name'
complete -c dist-rpc -l epmd-port -x -d 'EPMD port'
complete -c dist-rpc -s p -l port -x -d 'No EPMD: connect straight to PORT'
complete -c dist-rpc -l address -x -a '(__fish_print_hostnames)' -d 'Connect to HOST[:PORT] instead of the target\'s host'
complete -c dist-rpc -l resolver -x -d 'DNS servers instead of /etc/resolv.conf'
complete -c dist-rpc -l tls -d 'TLS distribution (nodes run -proto_dist inet_tls)'
complete -c dist-rpc -l certfile -r -F -d 'Our TLS certificate (PEM)'
complete -c dist-rpc -l keyfile -r -F -d 'The key of --certfile (PEM)'
complete -c dist-rpc -l cacertfile -r -F -d 'CAs that sign the nodes\' certificates'
complete -c dist-rpc -l insecure -d 'Do not verify the nodes\' certificates (warns)'
complete -c dist-rpc -l ssl-dist-optfile -r -F -d 'A node\'s -ssl_dist_optfile (client section)'
complete -c dist-rpc -s q -l quiet -d 'Print nothing; exit status only'
complete -c dist-rpc -l state -r -F -d 'Keep circuit breakers per node in FILE'
complete -c dist-rpc -l breaker-failures -x -d 'Consecutive failures that open a breaker (3)'
complete -c dist-rpc -l breaker-successes -x -d 'Successes after the cool-down that close it (1)'
complete -c dist-rpc -l breaker-cooldown -x -a '10s 30s 1m 5m 15m 1h' -d 'How long an open breaker skips its node (5m)'
complete -c dist-rpc -l stats -d 'End with a summary record (counts, p50/p99)'
complete -c dist-rpc -l prom -r -F -d 'Write the summary as a Prometheus textfile'
complete -c dist-rpc -s h -l help -d 'Print usage and exit'
complete -c dist-rpc -s V -l version -d 'Print version and exit'
complete -c dist-rpc -n __dist_rpc_no_operand -a '(__dist_nodes)' -d Node
