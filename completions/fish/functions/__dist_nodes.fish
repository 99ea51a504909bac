# __dist_nodes - the node names a dist-* completion offers: name@host for
# each node registered with the local EPMD (--epmd-port on the command
# line is honoured), quietly nothing when there is no epmd command or no
# EPMD answering. Shared by every dist-* completion; fish autoloads it
# from vendor_functions.d.
function __dist_nodes
    type -q epmd; or return 0
    set -l host (string split -m 1 . (uname -n))[1]
    set -l port
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case '--epmd-port=*'
                set port (string replace -- --epmd-port= '' $tokens[$i])
            case --epmd-port
                set -l j (math $i + 1)
                set -q tokens[$j]; and set port $tokens[$j]
        end
    end
    set -l out
    if test -n "$port"
        set out (epmd -port $port -names 2>/dev/null); or return 0
    else
        set out (epmd -names 2>/dev/null); or return 0
    end
    string replace -rf '^name (\S+) at port .*$' "\$1@$host" -- $out
end
