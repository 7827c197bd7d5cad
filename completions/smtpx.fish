# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_smtpx_global_optspecs
    string join \n h/help V/version
end

function __fish_smtpx_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_smtpx_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_smtpx_using_subcommand
    set -l cmd (__fish_smtpx_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c smtpx -n "__fish_smtpx_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_needs_command" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "trace" -d 'Watch a whole SMTP session, every reply annotated with what it means'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "probe-ports" -d 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "explain" -d 'Decode a reply code, an enhanced status code or a bounce line, offline'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "generate" -d 'Write shell completions and man pages (for packagers and the repository)'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l from -d 'Envelope sender for MAIL FROM (default: the null sender <>)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l rcpt -d 'Recipient for RCPT TO (default: the target address; required for a HOST target)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l quit-after -d 'Stop after this stage and QUIT' -r -f -a "connect\t'After the TCP (and implicit TLS) connection'
banner\t'After the server\'s greeting'
ehlo\t'After EHLO'
tls\t'After STARTTLS and the second EHLO'
auth\t'After authentication (none is attempted by trace yet, so the same as tls)'
mail\t'After MAIL FROM'
rcpt\t'After RCPT TO (the default without --send)'
data\t'After DATA\'s 354: the connection is closed without sending content, so the server discards the transaction (RFC 5321 §4.1.1.4)'"
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s p -l port -d 'Port to connect to (default: 25, or the port in HOST:PORT)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l ehlo -d 'Name to announce in EHLO/HELO (default: this machine\'s host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l connect-timeout -d 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l timeout -d 'Time allowed for each server reply' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l local-addr -d 'Local address to connect from' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l dns-server -d 'Ask this DNS resolver (IP or IP:PORT) instead of the system\'s' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l tls -d 'When to use TLS' -r -f -a "auto\t'Implicit TLS on 465, STARTTLS required on 587, STARTTLS when offered elsewhere; the certificate is always verified'
starttls\t'STARTTLS required: stop before MAIL FROM if it is not offered or fails'
implicit\t'TLS from the first byte (RFC 8314, port 465)'
opportunistic\t'STARTTLS when offered; the certificate is checked and reported but not enforced (what MTAs do on port 25)'
none\t'Never use TLS'"
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l ca-file -d 'PEM file of CA certificates to trust, in addition to the system\'s' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l sni -d 'Server name to send in SNI and to verify (default: the host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l client-cert -d 'PEM client certificate to present' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l client-key -d 'PEM (PKCS#8) private key of the client certificate' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l color -d 'When to colour the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t'Colour when the output is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l send -d 'Go through DATA and send a small generated test message'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l all-mx -d 'On a connection failure, go on to the next MX host, as an MTA would'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s 4 -l ipv4 -d 'Use IPv4 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s 6 -l ipv6 -d 'Use IPv6 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l insecure -d 'Do not verify the server\'s certificate (DANGEROUS: anyone on the path can read and change the session)'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l json -d 'Print one JSON document (with a schema_version) instead of text'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s q -l quiet -d 'Print nothing but errors'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s v -l verbose -d 'More detail: -v adds timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l ports -d 'Ports to probe, comma-separated [default: 25,465,587]' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l require -d 'Exit 0 only if every probe of these ports accepts an SMTP session (they are probed even when --ports leaves them out)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l ehlo -d 'Name to announce in EHLO/HELO (default: this machine\'s host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l connect-timeout -d 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l timeout -d 'Time allowed for each server reply' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l local-addr -d 'Local address to connect from' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l dns-server -d 'Ask this DNS resolver (IP or IP:PORT) instead of the system\'s' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l ca-file -d 'PEM file of CA certificates to trust, in addition to the system\'s' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l sni -d 'Server name to send in SNI and to verify (default: the host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l client-cert -d 'PEM client certificate to present' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l client-key -d 'PEM (PKCS#8) private key of the client certificate' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l color -d 'When to colour the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t'Colour when the output is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s p -l port -d 'Port to connect to (default: 25, or the port in HOST:PORT)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l tls -d 'How TLS is used on each port: auto, implicit, starttls, none (see below)' -r -f -a "auto\t'Implicit TLS on 465, STARTTLS required on 587, STARTTLS when offered elsewhere; the certificate is always verified'
starttls\t'STARTTLS required: stop before MAIL FROM if it is not offered or fails'
implicit\t'TLS from the first byte (RFC 8314, port 465)'
opportunistic\t'STARTTLS when offered; the certificate is checked and reported but not enforced (what MTAs do on port 25)'
none\t'Never use TLS'"
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l mx -d 'Probe the MX hosts of the domain TARGET instead of TARGET itself'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s 4 -l ipv4 -d 'Use IPv4 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s 6 -l ipv6 -d 'Use IPv6 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l insecure -d 'Do not verify the server\'s certificate (DANGEROUS: anyone on the path can read and change the session)'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l json -d 'Print one JSON document (with a schema_version) instead of text'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s q -l quiet -d 'Print nothing but errors'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s v -l verbose -d 'More detail: -v adds timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -l color -d 'When to colour the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t'Colour when the output is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -l json -d 'Print one JSON document (with a schema_version) instead of text'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s q -l quiet -d 'Print nothing but errors'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s v -l verbose -d 'More detail: -v adds timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand generate" -l out-dir -d 'Directory that receives completions/ and man/' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand generate" -s h -l help -d 'Print help'
complete -c smtpx -n "__fish_smtpx_using_subcommand generate" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from trace probe-ports explain generate help" -f -a "trace" -d 'Watch a whole SMTP session, every reply annotated with what it means'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from trace probe-ports explain generate help" -f -a "probe-ports" -d 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from trace probe-ports explain generate help" -f -a "explain" -d 'Decode a reply code, an enhanced status code or a bounce line, offline'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from trace probe-ports explain generate help" -f -a "generate" -d 'Write shell completions and man pages (for packagers and the repository)'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from trace probe-ports explain generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
