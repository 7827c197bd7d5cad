#!/usr/bin/env python3
"""A fast SMTP sink for benchmarks: accepts every message on 127.0.0.1 and throws it away.

Why not the Postfix rig: the rig limits messages to 10 MB (the 200 MB run needs more), and its
queue writes, fsyncs and mailbox delivery add work and variance that are not the client's. This
sink does only what a server must: EHLO with PIPELINING, SIZE (no limit), 8BITMIME and CHUNKING,
and one reply per command. Like Postfix (RFC 2920 §3.2), it answers all the commands it has
already read in one write, so a pipelining client is not penalised by the sink's own segments.

Usage: sink.py PORT   (runs until killed; one thread per connection)
"""

import socket
import socketserver
import sys

EHLO = (b"250-sink.bench\r\n250-PIPELINING\r\n250-SIZE 0\r\n250-8BITMIME\r\n"
        b"250-CHUNKING\r\n250 SMTPUTF8\r\n")
TERMINATOR = b"\r\n.\r\n"


class Session(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(b"220 sink.bench ESMTP ready\r\n")
        buf = b""
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                return
            buf += chunk
            replies = []
            while True:
                end = buf.find(b"\r\n")
                if end < 0:
                    break
                line, buf = buf[:end], buf[end + 2:]
                verb = line[:4].upper()
                if verb == b"DATA":
                    replies.append(b"354 go ahead\r\n")
                    sock.sendall(b"".join(replies))
                    replies = []
                    buf = self.discard_data(sock, buf)
                    if buf is None:
                        return
                    replies.append(b"250 2.0.0 Ok: queued as SINK\r\n")
                elif verb == b"BDAT":
                    words = line.split()
                    buf = self.discard_bytes(sock, buf, int(words[1]))
                    if buf is None:
                        return
                    replies.append(b"250 2.0.0 Ok: queued as SINK\r\n")
                elif verb in (b"EHLO", b"HELO"):
                    replies.append(EHLO)
                elif verb == b"QUIT":
                    replies.append(b"221 2.0.0 Bye\r\n")
                    sock.sendall(b"".join(replies))
                    return
                else:
                    replies.append(b"250 2.0.0 Ok\r\n")
            if replies:
                sock.sendall(b"".join(replies))

    @staticmethod
    def discard_data(sock, buf):
        """Reads up to the end-of-data line; returns what follows it, or None on EOF."""
        tail = b"\r\n" + buf  # the DATA line ended with CRLF, so ".\r\n" first is an end too
        while True:
            at = tail.find(TERMINATOR)
            if at >= 0:
                return tail[at + len(TERMINATOR):]
            tail = tail[-(len(TERMINATOR) - 1):]
            chunk = sock.recv(1 << 20)
            if not chunk:
                return None
            tail += chunk

    @staticmethod
    def discard_bytes(sock, buf, count):
        while len(buf) < count:
            chunk = sock.recv(1 << 20)
            if not chunk:
                return None
            count -= len(buf)
            buf = chunk
        return buf[count:]


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    port = int(sys.argv[1])
    with Server(("127.0.0.1", port), Session) as server:
        server.serve_forever()
