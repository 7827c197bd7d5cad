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
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "send" -d 'Compose a message (or take one as it is) and deliver it, explaining every refusal'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "trace" -d 'Watch a whole SMTP session, every reply annotated with what it means'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "probe-ports" -d 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "test-auth" -d 'Check credentials on a submission server, with the mechanisms and the reply explained'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "explain" -d 'Decode a reply code, an enhanced status code or a bounce line, offline'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "generate" -d 'Write shell completions and man pages (for packagers and the repository)'
complete -c smtpx -n "__fish_smtpx_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l to -d 'Recipient in To (repeatable; a comma-separated list works too)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l cc -d 'Recipient in Cc (repeatable)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l bcc -d 'Hidden recipient (repeatable): in the envelope, never in the header' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l from -d 'The From field, and the envelope sender unless -f is given (default: the profile\'s `from`, else $USER at the EHLO name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l reply-to -d 'Reply-To (repeatable)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l subject -d 'The subject (non-ASCII is sent as RFC 2047 encoded words)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s H -l header -d 'An extra header field (repeatable), e.g. -H \'X-Ticket: 42\'' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l body -d 'The text body' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l body-file -d 'The text body from a UTF-8 file, or - for standard input' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l html -d 'An HTML body (sent as multipart/alternative with the text body)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l html-file -d 'The HTML body from a UTF-8 file, or - for standard input' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s a -l attach -d 'Attach a file (repeatable); its type is guessed from the name' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l attach-type -d 'Content type of the --attach before it, e.g. application/pdf' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l attach-name -d 'File name the recipient sees for the --attach before it' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l raw -d 'Send an existing RFC 5322 message as it is (line endings normalised), from a file or - for standard input. Recipients come from --to/--cc/--bcc, -t or the arguments' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s f -l envelope-from -d 'The envelope sender (MAIL FROM), or \'<>\' for the null sender; -f as in sendmail' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s o -d 'sendmail\'s -o options (-oi, -oem): accepted and ignored, for compatibility' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s s -l server -d 'The server to hand the message to (default: the profile\'s, else each recipient domain\'s MX hosts)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l save-failed -d 'Where to save the message if it cannot be delivered (a file or a directory; default: $XDG_STATE_HOME/smtpx/failed/, for messages from arguments or standard input)' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l dsn-notify -d 'Delivery status notifications: never, or a list of success, failure, delay (RFC 3461)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l dsn-ret -d 'What a DSN returns of the message' -r -f -a "full\t'The whole message'
hdrs\t'Only its header'"
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l dsn-envid -d 'An envelope id that DSNs quote back (printable ASCII, at most 100 characters)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l profile -d 'Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this [profiles.NAME] of the config file; command-line flags override each of them' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l config -d 'The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else ~/.config/smtpx/config.toml]' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s u -l user -d 'User name to authenticate as (SASL authentication identity)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l password-file -d 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l password-command -d 'Command whose first line of output is the password, run with sh -c (e.g. \'pass show mail/work\'). SMTPX_PASSWORD, if set, is used first' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l token-file -d 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l token-command -d 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l mech -d 'SASL mechanism [default: auto, or a --profile\'s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection' -r -f -a "auto\t'The strongest mechanism the server advertises for the credential (SCRAM-SHA-256-PLUS > SCRAM > CRAM-MD5 > PLAIN/LOGIN; OAUTHBEARER > XOAUTH2 for a token), with the reason'
plain\t'RFC 4616: the password, protected only by TLS'
login\t'The LOGIN draft: user name and password in two steps, protected only by TLS'
cram-md5\t'RFC 2195: an HMAC-MD5 of a challenge; the password is not sent'
scram-sha-1\t'RFC 5802: salted challenge-response; the server proves it knows the password'
scram-sha-256\t'RFC 7677: SCRAM with SHA-256'
scram-sha-256-plus\t'RFC 7677 + RFC 5929: SCRAM-SHA-256 bound to this TLS connection (tls-server-end-point)'
xoauth2\t'Google\'s XOAUTH2: an OAuth 2.0 access token'
oauthbearer\t'RFC 7628: an OAuth 2.0 access token'
external\t'RFC 4422: the identity of the TLS client certificate (--client-cert/--client-key)'"
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s p -l port -d 'Port to connect to (default: 25, or the port in HOST:PORT)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l ehlo -d 'Name to announce in EHLO/HELO (default: this machine\'s host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l connect-timeout -d 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l timeout -d 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l local-addr -d 'Local address to connect from' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l dns-server -d 'Ask this DNS resolver (IP or IP:PORT) instead of the system\'s' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l tls -d 'When to use TLS [default: auto, or the profile\'s `tls`]' -r -f -a "auto\t'Implicit TLS on 465, STARTTLS required on 587, STARTTLS when offered elsewhere; the certificate is always verified'
starttls\t'STARTTLS required: stop before MAIL FROM if it is not offered or fails'
implicit\t'TLS from the first byte (RFC 8314, port 465)'
opportunistic\t'STARTTLS when offered; the certificate is checked and reported but not enforced (what MTAs do on port 25)'
none\t'Never use TLS'"
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l ca-file -d 'PEM file of CA certificates to trust, in addition to the system\'s' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l sni -d 'Server name to send in SNI and to verify (default: the host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l client-cert -d 'PEM client certificate to present' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l client-key -d 'PEM (PKCS#8) private key of the client certificate' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l color -d 'When to colour the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t'Colour when the output is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s t -l read-recipients -d 'With --raw: take recipients from the To, Cc and Bcc fields and remove Bcc (sendmail -t)'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s i -d 'sendmail\'s -i (a lone dot does not end the message): always true here, accepted for compatibility'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l print -d 'Write the message to standard output and send nothing'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l allow-partial -d 'Send to the accepted recipients even when others are refused (default: all or nothing)'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l chunking -d 'Send the content in BDAT chunks when the server offers CHUNKING (RFC 3030)'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l require-tls -d 'Ask every server on the way to use TLS (RFC 8689 REQUIRETLS); implies STARTTLS'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l force-mech -d 'Use --mech even if the server does not advertise it'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l allow-plaintext-auth -d 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s 4 -l ipv4 -d 'Use IPv4 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s 6 -l ipv6 -d 'Use IPv6 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l insecure -d 'Do not verify the server\'s certificate (DANGEROUS: anyone on the path can read and change the session)'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -l json -d 'Print one JSON document (with a schema_version) instead of text'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s q -l quiet -d 'Print nothing but errors'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s v -l verbose -d 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand send" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l from -d 'Envelope sender for MAIL FROM (default: the null sender <>)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l rcpt -d 'Recipient for RCPT TO (default: the target address; a HOST target without it stops before MAIL FROM)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l quit-after -d 'Stop after this stage and QUIT' -r -f -a "connect\t'After the TCP (and implicit TLS) connection'
banner\t'After the server\'s greeting'
ehlo\t'After EHLO'
tls\t'After STARTTLS and the second EHLO'
auth\t'After AUTH, when --user (or --mech) asks for it; without, the same as tls'
mail\t'After MAIL FROM'
rcpt\t'After RCPT TO (the default without --send)'
data\t'After DATA\'s 354: the connection is closed without sending content, so the server discards the transaction (RFC 5321 §4.1.1.4)'"
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s u -l user -d 'User name to authenticate as (SASL authentication identity)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l password-file -d 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l password-command -d 'Command whose first line of output is the password, run with sh -c (e.g. \'pass show mail/work\'). SMTPX_PASSWORD, if set, is used first' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l token-file -d 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l token-command -d 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l mech -d 'SASL mechanism [default: auto, or a --profile\'s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection' -r -f -a "auto\t'The strongest mechanism the server advertises for the credential (SCRAM-SHA-256-PLUS > SCRAM > CRAM-MD5 > PLAIN/LOGIN; OAUTHBEARER > XOAUTH2 for a token), with the reason'
plain\t'RFC 4616: the password, protected only by TLS'
login\t'The LOGIN draft: user name and password in two steps, protected only by TLS'
cram-md5\t'RFC 2195: an HMAC-MD5 of a challenge; the password is not sent'
scram-sha-1\t'RFC 5802: salted challenge-response; the server proves it knows the password'
scram-sha-256\t'RFC 7677: SCRAM with SHA-256'
scram-sha-256-plus\t'RFC 7677 + RFC 5929: SCRAM-SHA-256 bound to this TLS connection (tls-server-end-point)'
xoauth2\t'Google\'s XOAUTH2: an OAuth 2.0 access token'
oauthbearer\t'RFC 7628: an OAuth 2.0 access token'
external\t'RFC 4422: the identity of the TLS client certificate (--client-cert/--client-key)'"
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l profile -d 'Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this [profiles.NAME] of the config file; command-line flags override each of them' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l config -d 'The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else ~/.config/smtpx/config.toml]' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s p -l port -d 'Port to connect to (default: 25, or the port in HOST:PORT)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l ehlo -d 'Name to announce in EHLO/HELO (default: this machine\'s host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l connect-timeout -d 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l timeout -d 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l local-addr -d 'Local address to connect from' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l dns-server -d 'Ask this DNS resolver (IP or IP:PORT) instead of the system\'s' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l tls -d 'When to use TLS [default: auto, or the profile\'s `tls`]' -r -f -a "auto\t'Implicit TLS on 465, STARTTLS required on 587, STARTTLS when offered elsewhere; the certificate is always verified'
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
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l force-mech -d 'Use --mech even if the server does not advertise it'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l allow-plaintext-auth -d 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s 4 -l ipv4 -d 'Use IPv4 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s 6 -l ipv6 -d 'Use IPv6 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l insecure -d 'Do not verify the server\'s certificate (DANGEROUS: anyone on the path can read and change the session)'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -l json -d 'Print one JSON document (with a schema_version) instead of text'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s q -l quiet -d 'Print nothing but errors'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s v -l verbose -d 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand trace" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l ports -d 'Ports to probe, comma-separated [default: 25,465,587]' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l require -d 'Exit 0 only if every probe of these ports accepts an SMTP session (they are probed even when --ports leaves them out)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l ehlo -d 'Name to announce in EHLO/HELO (default: this machine\'s host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l connect-timeout -d 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -l timeout -d 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)' -r
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
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s v -l verbose -d 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand probe-ports" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s u -l user -d 'User name to authenticate as (SASL authentication identity)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l password-file -d 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l password-command -d 'Command whose first line of output is the password, run with sh -c (e.g. \'pass show mail/work\'). SMTPX_PASSWORD, if set, is used first' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l token-file -d 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l token-command -d 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l mech -d 'SASL mechanism [default: auto, or a --profile\'s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection' -r -f -a "auto\t'The strongest mechanism the server advertises for the credential (SCRAM-SHA-256-PLUS > SCRAM > CRAM-MD5 > PLAIN/LOGIN; OAUTHBEARER > XOAUTH2 for a token), with the reason'
plain\t'RFC 4616: the password, protected only by TLS'
login\t'The LOGIN draft: user name and password in two steps, protected only by TLS'
cram-md5\t'RFC 2195: an HMAC-MD5 of a challenge; the password is not sent'
scram-sha-1\t'RFC 5802: salted challenge-response; the server proves it knows the password'
scram-sha-256\t'RFC 7677: SCRAM with SHA-256'
scram-sha-256-plus\t'RFC 7677 + RFC 5929: SCRAM-SHA-256 bound to this TLS connection (tls-server-end-point)'
xoauth2\t'Google\'s XOAUTH2: an OAuth 2.0 access token'
oauthbearer\t'RFC 7628: an OAuth 2.0 access token'
external\t'RFC 4422: the identity of the TLS client certificate (--client-cert/--client-key)'"
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l profile -d 'Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this [profiles.NAME] of the config file; command-line flags override each of them' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l config -d 'The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else ~/.config/smtpx/config.toml]' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l ehlo -d 'Name to announce in EHLO/HELO (default: this machine\'s host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l connect-timeout -d 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l timeout -d 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l local-addr -d 'Local address to connect from' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l dns-server -d 'Ask this DNS resolver (IP or IP:PORT) instead of the system\'s' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l tls -d 'When to use TLS [default: auto, or the profile\'s `tls`]' -r -f -a "auto\t'Implicit TLS on 465, STARTTLS required on 587, STARTTLS when offered elsewhere; the certificate is always verified'
starttls\t'STARTTLS required: stop before MAIL FROM if it is not offered or fails'
implicit\t'TLS from the first byte (RFC 8314, port 465)'
opportunistic\t'STARTTLS when offered; the certificate is checked and reported but not enforced (what MTAs do on port 25)'
none\t'Never use TLS'"
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l ca-file -d 'PEM file of CA certificates to trust, in addition to the system\'s' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l sni -d 'Server name to send in SNI and to verify (default: the host name)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l client-cert -d 'PEM client certificate to present' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l client-key -d 'PEM (PKCS#8) private key of the client certificate' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l color -d 'When to colour the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t'Colour when the output is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s p -l port -d 'Port to connect to (default: 587, or the port in SERVER or the profile)' -r
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l keep-going -d 'With --mech all: go on after a 535 instead of stopping (every failure counts against the account\'s lockout limit)'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l force-mech -d 'Use --mech even if the server does not advertise it'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l allow-plaintext-auth -d 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s 4 -l ipv4 -d 'Use IPv4 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s 6 -l ipv6 -d 'Use IPv6 only'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l insecure -d 'Do not verify the server\'s certificate (DANGEROUS: anyone on the path can read and change the session)'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -l json -d 'Print one JSON document (with a schema_version) instead of text'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s q -l quiet -d 'Print nothing but errors'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s v -l verbose -d 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand test-auth" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -l color -d 'When to colour the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t'Colour when the output is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -l json -d 'Print one JSON document (with a schema_version) instead of text'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s q -l quiet -d 'Print nothing but errors'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s v -l verbose -d 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpx -n "__fish_smtpx_using_subcommand explain" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand generate" -l out-dir -d 'Directory that receives completions/ and man/' -r -F
complete -c smtpx -n "__fish_smtpx_using_subcommand generate" -s h -l help -d 'Print help'
complete -c smtpx -n "__fish_smtpx_using_subcommand generate" -s V -l version -d 'Print version'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from send trace probe-ports test-auth explain generate help" -f -a "send" -d 'Compose a message (or take one as it is) and deliver it, explaining every refusal'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from send trace probe-ports test-auth explain generate help" -f -a "trace" -d 'Watch a whole SMTP session, every reply annotated with what it means'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from send trace probe-ports test-auth explain generate help" -f -a "probe-ports" -d 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from send trace probe-ports test-auth explain generate help" -f -a "test-auth" -d 'Check credentials on a submission server, with the mechanisms and the reply explained'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from send trace probe-ports test-auth explain generate help" -f -a "explain" -d 'Decode a reply code, an enhanced status code or a bounce line, offline'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from send trace probe-ports test-auth explain generate help" -f -a "generate" -d 'Write shell completions and man pages (for packagers and the repository)'
complete -c smtpx -n "__fish_smtpx_using_subcommand help; and not __fish_seen_subcommand_from send trace probe-ports test-auth explain generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
