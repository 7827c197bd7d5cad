
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'smtpx' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'smtpx'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'smtpx' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Compose a message (or take one as it is) and deliver it, explaining every refusal')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Watch a whole SMTP session, every reply annotated with what it means')
            [CompletionResult]::new('probe-ports', 'probe-ports', [CompletionResultType]::ParameterValue, 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe')
            [CompletionResult]::new('test-auth', 'test-auth', [CompletionResultType]::ParameterValue, 'Check credentials on a submission server, with the mechanisms and the reply explained')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Decode a reply code, an enhanced status code or a bounce line, offline')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (for packagers and the repository)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smtpx;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Recipient in To (repeatable; a comma-separated list works too)')
            [CompletionResult]::new('--cc', '--cc', [CompletionResultType]::ParameterName, 'Recipient in Cc (repeatable)')
            [CompletionResult]::new('--bcc', '--bcc', [CompletionResultType]::ParameterName, 'Hidden recipient (repeatable): in the envelope, never in the header')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The From field, and the envelope sender unless -f is given (default: the profile''s `from`, else $USER at the EHLO name)')
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply-To (repeatable)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'The subject (non-ASCII is sent as RFC 2047 encoded words)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra header field (repeatable), e.g. -H ''X-Ticket: 42''')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header field (repeatable), e.g. -H ''X-Ticket: 42''')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'The text body')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'The text body from a UTF-8 file, or - for standard input')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'An HTML body (sent as multipart/alternative with the text body)')
            [CompletionResult]::new('--html-file', '--html-file', [CompletionResultType]::ParameterName, 'The HTML body from a UTF-8 file, or - for standard input')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Attach a file (repeatable); its type is guessed from the name')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach a file (repeatable); its type is guessed from the name')
            [CompletionResult]::new('--attach-type', '--attach-type', [CompletionResultType]::ParameterName, 'Content type of the --attach before it, e.g. application/pdf')
            [CompletionResult]::new('--attach-name', '--attach-name', [CompletionResultType]::ParameterName, 'File name the recipient sees for the --attach before it')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Send an existing RFC 5322 message as it is (line endings normalised), from a file or - for standard input. Recipients come from --to/--cc/--bcc, -t or the arguments')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The envelope sender (MAIL FROM), or ''<>'' for the null sender; -f as in sendmail')
            [CompletionResult]::new('--envelope-from', '--envelope-from', [CompletionResultType]::ParameterName, 'The envelope sender (MAIL FROM), or ''<>'' for the null sender; -f as in sendmail')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'sendmail''s -o options (-oi, -oem): accepted and ignored, for compatibility')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The server to hand the message to (default: the profile''s, else each recipient domain''s MX hosts)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The server to hand the message to (default: the profile''s, else each recipient domain''s MX hosts)')
            [CompletionResult]::new('--save-failed', '--save-failed', [CompletionResultType]::ParameterName, 'Where to save the message if it cannot be delivered (a file or a directory; default: $XDG_STATE_HOME/smtpx/failed/, for messages from arguments or standard input)')
            [CompletionResult]::new('--dsn-notify', '--dsn-notify', [CompletionResultType]::ParameterName, 'Delivery status notifications: never, or a list of success, failure, delay (RFC 3461)')
            [CompletionResult]::new('--dsn-ret', '--dsn-ret', [CompletionResultType]::ParameterName, 'What a DSN returns of the message')
            [CompletionResult]::new('--dsn-envid', '--dsn-envid', [CompletionResultType]::ParameterName, 'An envelope id that DSNs quote back (printable ASCII, at most 100 characters)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this [profiles.NAME] of the config file; command-line flags override each of them')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else ~/.config/smtpx/config.toml]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name to authenticate as (SASL authentication identity)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to authenticate as (SASL authentication identity)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Command whose first line of output is the password, run with sh -c (e.g. ''pass show mail/work''). SMTPX_PASSWORD, if set, is used first')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first')
            [CompletionResult]::new('--token-command', '--token-command', [CompletionResultType]::ParameterName, 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first')
            [CompletionResult]::new('--mech', '--mech', [CompletionResultType]::ParameterName, 'SASL mechanism [default: auto, or a --profile''s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to connect to (default: 25, or the port in HOST:PORT)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to (default: 25, or the port in HOST:PORT)')
            [CompletionResult]::new('--ehlo', '--ehlo', [CompletionResultType]::ParameterName, 'Name to announce in EHLO/HELO (default: this machine''s host name)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)')
            [CompletionResult]::new('--local-addr', '--local-addr', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS resolver (IP or IP:PORT) instead of the system''s')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'When to use TLS [default: auto, or the profile''s `tls`]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'PEM file of CA certificates to trust, in addition to the system''s')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in SNI and to verify (default: the host name)')
            [CompletionResult]::new('--client-cert', '--client-cert', [CompletionResultType]::ParameterName, 'PEM client certificate to present')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'PEM (PKCS#8) private key of the client certificate')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'With --raw: take recipients from the To, Cc and Bcc fields and remove Bcc (sendmail -t)')
            [CompletionResult]::new('--read-recipients', '--read-recipients', [CompletionResultType]::ParameterName, 'With --raw: take recipients from the To, Cc and Bcc fields and remove Bcc (sendmail -t)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'sendmail''s -i (a lone dot does not end the message): always true here, accepted for compatibility')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Write the message to standard output and send nothing')
            [CompletionResult]::new('--allow-partial', '--allow-partial', [CompletionResultType]::ParameterName, 'Send to the accepted recipients even when others are refused (default: all or nothing)')
            [CompletionResult]::new('--chunking', '--chunking', [CompletionResultType]::ParameterName, 'Send the content in BDAT chunks when the server offers CHUNKING (RFC 3030)')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Ask every server on the way to use TLS (RFC 8689 REQUIRETLS); implies STARTTLS')
            [CompletionResult]::new('--force-mech', '--force-mech', [CompletionResultType]::ParameterName, 'Use --mech even if the server does not advertise it')
            [CompletionResult]::new('--allow-plaintext-auth', '--allow-plaintext-auth', [CompletionResultType]::ParameterName, 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (DANGEROUS: anyone on the path can read and change the session)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (with a schema_version) instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'smtpx;trace' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Envelope sender for MAIL FROM (default: the null sender <>)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO (default: the target address; a HOST target without it stops before MAIL FROM)')
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop after this stage and QUIT')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name to authenticate as (SASL authentication identity)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to authenticate as (SASL authentication identity)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Command whose first line of output is the password, run with sh -c (e.g. ''pass show mail/work''). SMTPX_PASSWORD, if set, is used first')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first')
            [CompletionResult]::new('--token-command', '--token-command', [CompletionResultType]::ParameterName, 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first')
            [CompletionResult]::new('--mech', '--mech', [CompletionResultType]::ParameterName, 'SASL mechanism [default: auto, or a --profile''s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this [profiles.NAME] of the config file; command-line flags override each of them')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else ~/.config/smtpx/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to connect to (default: 25, or the port in HOST:PORT)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to (default: 25, or the port in HOST:PORT)')
            [CompletionResult]::new('--ehlo', '--ehlo', [CompletionResultType]::ParameterName, 'Name to announce in EHLO/HELO (default: this machine''s host name)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)')
            [CompletionResult]::new('--local-addr', '--local-addr', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS resolver (IP or IP:PORT) instead of the system''s')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'When to use TLS [default: auto, or the profile''s `tls`]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'PEM file of CA certificates to trust, in addition to the system''s')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in SNI and to verify (default: the host name)')
            [CompletionResult]::new('--client-cert', '--client-cert', [CompletionResultType]::ParameterName, 'PEM client certificate to present')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'PEM (PKCS#8) private key of the client certificate')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'Go through DATA and send a small generated test message')
            [CompletionResult]::new('--all-mx', '--all-mx', [CompletionResultType]::ParameterName, 'On a connection failure, go on to the next MX host, as an MTA would')
            [CompletionResult]::new('--force-mech', '--force-mech', [CompletionResultType]::ParameterName, 'Use --mech even if the server does not advertise it')
            [CompletionResult]::new('--allow-plaintext-auth', '--allow-plaintext-auth', [CompletionResultType]::ParameterName, 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (DANGEROUS: anyone on the path can read and change the session)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (with a schema_version) instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'smtpx;probe-ports' {
            [CompletionResult]::new('--ports', '--ports', [CompletionResultType]::ParameterName, 'Ports to probe, comma-separated [default: 25,465,587]')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Exit 0 only if every probe of these ports accepts an SMTP session (they are probed even when --ports leaves them out)')
            [CompletionResult]::new('--ehlo', '--ehlo', [CompletionResultType]::ParameterName, 'Name to announce in EHLO/HELO (default: this machine''s host name)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)')
            [CompletionResult]::new('--local-addr', '--local-addr', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS resolver (IP or IP:PORT) instead of the system''s')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'PEM file of CA certificates to trust, in addition to the system''s')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in SNI and to verify (default: the host name)')
            [CompletionResult]::new('--client-cert', '--client-cert', [CompletionResultType]::ParameterName, 'PEM client certificate to present')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'PEM (PKCS#8) private key of the client certificate')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to connect to (default: 25, or the port in HOST:PORT)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to (default: 25, or the port in HOST:PORT)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'How TLS is used on each port: auto, implicit, starttls, none (see below)')
            [CompletionResult]::new('--mx', '--mx', [CompletionResultType]::ParameterName, 'Probe the MX hosts of the domain TARGET instead of TARGET itself')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (DANGEROUS: anyone on the path can read and change the session)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (with a schema_version) instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'smtpx;test-auth' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name to authenticate as (SASL authentication identity)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to authenticate as (SASL authentication identity)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Command whose first line of output is the password, run with sh -c (e.g. ''pass show mail/work''). SMTPX_PASSWORD, if set, is used first')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first')
            [CompletionResult]::new('--token-command', '--token-command', [CompletionResultType]::ParameterName, 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first')
            [CompletionResult]::new('--mech', '--mech', [CompletionResultType]::ParameterName, 'SASL mechanism [default: auto, or a --profile''s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this [profiles.NAME] of the config file; command-line flags override each of them')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else ~/.config/smtpx/config.toml]')
            [CompletionResult]::new('--ehlo', '--ehlo', [CompletionResultType]::ParameterName, 'Name to announce in EHLO/HELO (default: this machine''s host name)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each server reply and each write (the reply to the end of a message gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates)')
            [CompletionResult]::new('--local-addr', '--local-addr', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS resolver (IP or IP:PORT) instead of the system''s')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'When to use TLS [default: auto, or the profile''s `tls`]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'PEM file of CA certificates to trust, in addition to the system''s')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in SNI and to verify (default: the host name)')
            [CompletionResult]::new('--client-cert', '--client-cert', [CompletionResultType]::ParameterName, 'PEM client certificate to present')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'PEM (PKCS#8) private key of the client certificate')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to connect to (default: 587, or the port in SERVER or the profile)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to (default: 587, or the port in SERVER or the profile)')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'With --mech all: go on after a 535 instead of stopping (every failure counts against the account''s lockout limit)')
            [CompletionResult]::new('--force-mech', '--force-mech', [CompletionResultType]::ParameterName, 'Use --mech even if the server does not advertise it')
            [CompletionResult]::new('--allow-plaintext-auth', '--allow-plaintext-auth', [CompletionResultType]::ParameterName, 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (DANGEROUS: anyone on the path can read and change the session)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (with a schema_version) instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'smtpx;explain' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (with a schema_version) instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (commands that connect): -v adds the transcript or timings and certificate details, -vv raw bytes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'smtpx;generate' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Directory that receives completions/ and man/')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'smtpx;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Compose a message (or take one as it is) and deliver it, explaining every refusal')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Watch a whole SMTP session, every reply annotated with what it means')
            [CompletionResult]::new('probe-ports', 'probe-ports', [CompletionResultType]::ParameterValue, 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe')
            [CompletionResult]::new('test-auth', 'test-auth', [CompletionResultType]::ParameterValue, 'Check credentials on a submission server, with the mechanisms and the reply explained')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Decode a reply code, an enhanced status code or a bounce line, offline')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (for packagers and the repository)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smtpx;help;send' {
            break
        }
        'smtpx;help;trace' {
            break
        }
        'smtpx;help;probe-ports' {
            break
        }
        'smtpx;help;test-auth' {
            break
        }
        'smtpx;help;explain' {
            break
        }
        'smtpx;help;generate' {
            break
        }
        'smtpx;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
