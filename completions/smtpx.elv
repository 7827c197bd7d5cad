
use builtin;
use str;

set edit:completion:arg-completer[smtpx] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'smtpx'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'smtpx'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand trace 'Watch a whole SMTP session, every reply annotated with what it means'
            cand probe-ports 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe'
            cand test-auth 'Check credentials on a submission server, with the mechanisms and the reply explained'
            cand explain 'Decode a reply code, an enhanced status code or a bounce line, offline'
            cand generate 'Write shell completions and man pages (for packagers and the repository)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smtpx;trace'= {
            cand --from 'Envelope sender for MAIL FROM (default: the null sender <>)'
            cand --rcpt 'Recipient for RCPT TO (default: the target address; required for a HOST target)'
            cand --quit-after 'Stop after this stage and QUIT'
            cand -u 'User name to authenticate as (SASL authentication identity)'
            cand --user 'User name to authenticate as (SASL authentication identity)'
            cand --password-file 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first'
            cand --password-command 'Command whose first line of output is the password, run with sh -c (e.g. ''pass show mail/work''). SMTPX_PASSWORD, if set, is used first'
            cand --token-file 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first'
            cand --token-command 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first'
            cand --mech 'SASL mechanism [default: auto, or a --profile''s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection'
            cand -p 'Port to connect to (default: 25, or the port in HOST:PORT)'
            cand --port 'Port to connect to (default: 25, or the port in HOST:PORT)'
            cand --ehlo 'Name to announce in EHLO/HELO (default: this machine''s host name)'
            cand --connect-timeout 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)'
            cand --timeout 'Time allowed for each server reply'
            cand --local-addr 'Local address to connect from'
            cand --dns-server 'Ask this DNS resolver (IP or IP:PORT) instead of the system''s'
            cand --tls 'When to use TLS'
            cand --ca-file 'PEM file of CA certificates to trust, in addition to the system''s'
            cand --sni 'Server name to send in SNI and to verify (default: the host name)'
            cand --client-cert 'PEM client certificate to present'
            cand --client-key 'PEM (PKCS#8) private key of the client certificate'
            cand --color 'When to colour the output (NO_COLOR is honoured with auto)'
            cand --send 'Go through DATA and send a small generated test message'
            cand --all-mx 'On a connection failure, go on to the next MX host, as an MTA would'
            cand --force-mech 'Use --mech even if the server does not advertise it'
            cand --allow-plaintext-auth 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)'
            cand -4 'Use IPv4 only'
            cand --ipv4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand --ipv6 'Use IPv6 only'
            cand --insecure 'Do not verify the server''s certificate (DANGEROUS: anyone on the path can read and change the session)'
            cand --json 'Print one JSON document (with a schema_version) instead of text'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand --verbose 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'smtpx;probe-ports'= {
            cand --ports 'Ports to probe, comma-separated [default: 25,465,587]'
            cand --require 'Exit 0 only if every probe of these ports accepts an SMTP session (they are probed even when --ports leaves them out)'
            cand --ehlo 'Name to announce in EHLO/HELO (default: this machine''s host name)'
            cand --connect-timeout 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)'
            cand --timeout 'Time allowed for each server reply'
            cand --local-addr 'Local address to connect from'
            cand --dns-server 'Ask this DNS resolver (IP or IP:PORT) instead of the system''s'
            cand --ca-file 'PEM file of CA certificates to trust, in addition to the system''s'
            cand --sni 'Server name to send in SNI and to verify (default: the host name)'
            cand --client-cert 'PEM client certificate to present'
            cand --client-key 'PEM (PKCS#8) private key of the client certificate'
            cand --color 'When to colour the output (NO_COLOR is honoured with auto)'
            cand -p 'Port to connect to (default: 25, or the port in HOST:PORT)'
            cand --port 'Port to connect to (default: 25, or the port in HOST:PORT)'
            cand --tls 'How TLS is used on each port: auto, implicit, starttls, none (see below)'
            cand --mx 'Probe the MX hosts of the domain TARGET instead of TARGET itself'
            cand -4 'Use IPv4 only'
            cand --ipv4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand --ipv6 'Use IPv6 only'
            cand --insecure 'Do not verify the server''s certificate (DANGEROUS: anyone on the path can read and change the session)'
            cand --json 'Print one JSON document (with a schema_version) instead of text'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand --verbose 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'smtpx;test-auth'= {
            cand -u 'User name to authenticate as (SASL authentication identity)'
            cand --user 'User name to authenticate as (SASL authentication identity)'
            cand --password-file 'File whose first line is the password; it must not be readable by other users (chmod 600). SMTPX_PASSWORD, if set, is used first'
            cand --password-command 'Command whose first line of output is the password, run with sh -c (e.g. ''pass show mail/work''). SMTPX_PASSWORD, if set, is used first'
            cand --token-file 'File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER); SMTPX_TOKEN, if set, is used first'
            cand --token-command 'Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set, is used first'
            cand --mech 'SASL mechanism [default: auto, or a --profile''s mech]. test-auth also takes `all`: each advertised mechanism smtpx supports, in its own connection'
            cand --profile 'Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this [profiles.NAME] of the config file; command-line flags override each of them'
            cand --config 'The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else ~/.config/smtpx/config.toml]'
            cand --ehlo 'Name to announce in EHLO/HELO (default: this machine''s host name)'
            cand --connect-timeout 'Time allowed for each TCP connection attempt (e.g. 10s, 500ms)'
            cand --timeout 'Time allowed for each server reply'
            cand --local-addr 'Local address to connect from'
            cand --dns-server 'Ask this DNS resolver (IP or IP:PORT) instead of the system''s'
            cand --tls 'When to use TLS'
            cand --ca-file 'PEM file of CA certificates to trust, in addition to the system''s'
            cand --sni 'Server name to send in SNI and to verify (default: the host name)'
            cand --client-cert 'PEM client certificate to present'
            cand --client-key 'PEM (PKCS#8) private key of the client certificate'
            cand --color 'When to colour the output (NO_COLOR is honoured with auto)'
            cand -p 'Port to connect to (default: 587, or the port in SERVER or the profile)'
            cand --port 'Port to connect to (default: 587, or the port in SERVER or the profile)'
            cand --keep-going 'With --mech all: go on after a 535 instead of stopping (every failure counts against the account''s lockout limit)'
            cand --force-mech 'Use --mech even if the server does not advertise it'
            cand --allow-plaintext-auth 'Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN and LOGIN passwords, and guess the others offline)'
            cand -4 'Use IPv4 only'
            cand --ipv4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand --ipv6 'Use IPv6 only'
            cand --insecure 'Do not verify the server''s certificate (DANGEROUS: anyone on the path can read and change the session)'
            cand --json 'Print one JSON document (with a schema_version) instead of text'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand --verbose 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'smtpx;explain'= {
            cand --color 'When to colour the output (NO_COLOR is honoured with auto)'
            cand --json 'Print one JSON document (with a schema_version) instead of text'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand --verbose 'More detail: -v adds timings and certificate details, -vv raw bytes'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'smtpx;generate'= {
            cand --out-dir 'Directory that receives completions/ and man/'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'smtpx;help'= {
            cand trace 'Watch a whole SMTP session, every reply annotated with what it means'
            cand probe-ports 'See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is safe'
            cand test-auth 'Check credentials on a submission server, with the mechanisms and the reply explained'
            cand explain 'Decode a reply code, an enhanced status code or a bounce line, offline'
            cand generate 'Write shell completions and man pages (for packagers and the repository)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smtpx;help;trace'= {
        }
        &'smtpx;help;probe-ports'= {
        }
        &'smtpx;help;test-auth'= {
        }
        &'smtpx;help;explain'= {
        }
        &'smtpx;help;generate'= {
        }
        &'smtpx;help;help'= {
        }
    ]
    $completions[$command]
}
