# fish completion for dist-node(1)
#
# Options, -o formats, --at-eof and --epmd modes, files for --cookie-file and
# --vm-args, nodes for --connect (__dist_nodes). dist-node takes no
# operands.

complete -c dist-node -f
complete -c dist-node -s n -l name -x -d 'Our node name (alive or alive@host)'
complete -c dist-node -l register -x -d 'A mailbox whose messages are printed'
complete -c dist-node -l connect -x -a '(__dist_nodes)' -d 'Keep a connection to NODE'
complete -c dist-node -l visible -d 'A visible node: global and pg see it'
complete -c dist-node -l max-messages -x -d 'Exit 0 after N messages'
complete -c dist-node -s t -l timeout -x -a '1s 5s 30s 1m 10m 1h' -d 'Exit 1 with a timeout record after DUR'
complete -c dist-node -l at-eof -x -a "auto\t'exit after a one-shot send (default)' exit\t'always exit once delivered' serve\t'keep serving'" -d 'What the end of stdin does'
complete -c dist-node -s o -l output -x -a "json\t'natural JSON (default)' tagged\t'lossless tagged JSON' term\t'Erlang term text'" -d 'Messages as'
complete -c dist-node -l net-ticktime -x -a '15 30 60 120' -d 'Seconds a peer may stay silent (60)'
complete -c dist-node -l connect-timeout -x -a '1s 2s 5s 10s' -d 'Handshake deadline and stage limit (5s)'
complete -c dist-node -l max-size -x -d 'Largest message accepted (64M)'
complete -c dist-node -l codec -x -a 'int float bool nil string bitarray subject list( option( result( tuple2( tuple3( tagged(' -d 'Decode {Tag, Binary} messages with this Gleam distribute codec'
complete -c dist-node -l cookie-file -r -F -d 'Read the cookie from FILE'
complete -c dist-node -l vm-args -r -F -d 'Release vm.args: its -setcookie'
complete -c dist-node -l cookie -x -d 'The cookie itself (visible in ps)'
complete -c dist-node -l epmd-port -x -d 'EPMD port'
complete -c dist-node -s p -l port -x -d 'Listen on PORT, do not register with EPMD'
complete -c dist-node -l epmd -x -a "auto\t'the EPMD on the port, else serve one (default)' external\t'the EPMD on the port' embedded\t'serve the EPMD protocol here'" -d 'Where the name is registered'
complete -c dist-node -l count -x -d 'Run N nodes named by the --name pattern with one %d'
complete -c dist-node -l resolver -x -d 'DNS servers for the nodes we send to'
complete -c dist-node -l tls -d 'TLS distribution both ways (-proto_dist inet_tls)'
complete -c dist-node -l certfile -r -F -d 'Our TLS certificate (PEM)'
complete -c dist-node -l keyfile -r -F -d 'The key of --certfile (PEM)'
complete -c dist-node -l cacertfile -r -F -d 'CAs that sign peers\' certificates'
complete -c dist-node -l insecure -d 'Verify no certificate (warns)'
complete -c dist-node -l ssl-dist-optfile -r -F -d 'A node\'s -ssl_dist_optfile (server, client)'
complete -c dist-node -s h -l help -d 'Print usage and exit'
complete -c dist-node -s V -l version -d 'Print version and exit'
