"""Concurrent TLS echo clients on Python's ssl module (not asyncio): each writes a random
payload of MIN..MAX bytes while reading the echo, then checks length and CRC32.

usage: tls_echo_clients.py HOST PORT CLIENTS MIN MAX SEED [CAFILE]
Without CAFILE the server's certificate is not verified (a self-signed test server).

Each client keeps its SSL object on one thread (a non-blocking socket and a selector): OpenSSL
forbids using one SSL object from two threads at once. With TLS_CLIENT_THREADS=1 set, each client
instead writes with sendall() on a second thread while its first thread reads: that breaks the
rule, and such clients now and then see an EOF the server never sent (recv() returns b'' while the
TCP connection is open, "tcp open" in the failure line); it is kept to show that, not for tests.
Prints one line per failed client ("FAIL i: ...") and a last line
"RESULT ok=N failed=M eof_after_handshake=K".
"""
import os
import random
import selectors
import socket
import ssl
import sys
import threading
import zlib

CHUNK = 64 * 1024


def one_client(i, host, port, size, seed, ctx, results):
    rnd = random.Random(seed * 1000 + i)
    payload = rnd.randbytes(size)
    sent = 0
    got = 0
    crc = 0
    raw = None
    try:
        raw = socket.create_connection((host, port), timeout=60)
        s = ctx.wrap_socket(raw, server_hostname="localhost")  # blocking handshake
        raw = s
        s.setblocking(False)
        sel = selectors.DefaultSelector()
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        shut = False
        while got < size:
            events = sel.select(timeout=60)
            if not events:
                raise TimeoutError("no progress for 60 s (sent %d, got %d)" % (sent, got))
            # read everything available (pending() covers bytes OpenSSL already decrypted)
            while True:
                try:
                    data = s.recv(CHUNK)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    break
                if not data:
                    kind = "eof_after_handshake" if got == 0 else "eof"
                    raise EOFError("%s: EOF after %d of %d echoed bytes (sent %d)" % (kind, got, size, sent))
                crc = zlib.crc32(data, crc)
                got += len(data)
                if not s.pending():
                    break
            while sent < size:
                try:
                    n = s.send(payload[sent:sent + CHUNK])
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    break
                sent += n
            if sent >= size and not shut:
                shut = True
                sel.modify(s, selectors.EVENT_READ)
        sel.close()
        if got != size or crc != zlib.crc32(payload):
            raise ValueError("echo differs: got %d of %d bytes, crc %08x vs %08x"
                             % (got, size, crc, zlib.crc32(payload)))
        results[i] = None
    except Exception as e:  # report every kind of failure, the driver decides
        results[i] = "%s: %s" % (type(e).__name__, e)
    finally:
        if raw is not None:
            try:
                raw.close()
            except OSError:
                pass


def threaded_client(i, host, port, size, seed, ctx, results):
    """The same exchange with a blocking socket: a thread writes (sendall) while this one reads."""
    rnd = random.Random(seed * 1000 + i)
    payload = rnd.randbytes(size)
    got = 0
    crc = 0
    s = None
    try:
        raw = socket.create_connection((host, port), timeout=60)
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        errors = []

        def write():
            try:
                for off in range(0, size, CHUNK):
                    s.sendall(payload[off:off + CHUNK])
            except Exception as e:
                errors.append(e)

        w = threading.Thread(target=write)
        w.start()
        while got < size:
            data = s.recv(CHUNK)
            if not data:
                kind = "eof_after_handshake" if got == 0 else "eof"
                raise EOFError("%s: EOF after %d of %d echoed bytes; tcp %s"
                               % (kind, got, size, tcp_state(s)))
            crc = zlib.crc32(data, crc)
            got += len(data)
        w.join()
        if errors:
            raise errors[0]
        if crc != zlib.crc32(payload):
            raise ValueError("echo differs (crc)")
        results[i] = None
    except Exception as e:
        results[i] = "%s: %s" % (type(e).__name__, e)
    finally:
        if s is not None:
            try:
                s.close()
            except OSError:
                pass


def tcp_state(s):
    """What the TCP socket under an SSL socket holds: tells a peer's FIN from an SSL-level EOF."""
    try:
        d = socket.fromfd(s.fileno(), socket.AF_INET, socket.SOCK_STREAM)
    except OSError as e:
        return "unknown (%s)" % e
    try:
        b = d.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        return "fin (the peer closed)" if not b else "open, data waiting"
    except BlockingIOError:
        return "open, no data"
    except OSError as e:
        return "error %s" % e
    finally:
        d.close()


def main():
    host, port, clients, lo, hi, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    if len(sys.argv) > 7:
        ctx = ssl.create_default_context(cafile=sys.argv[7])
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    rnd = random.Random(seed)
    sizes = [rnd.randint(lo, hi) for _ in range(clients)]
    results = ["did not finish"] * clients
    target = threaded_client if os.environ.get("TLS_CLIENT_THREADS") else one_client
    threads = [threading.Thread(target=target, args=(i, host, port, sizes[i], seed, ctx, results))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = [(i, r) for i, r in enumerate(results) if r is not None]
    for i, r in failed:
        print("FAIL %d (%d bytes): %s" % (i, sizes[i], r), flush=True)
    eofs = sum(1 for _, r in failed if "eof_after_handshake" in r)
    print("RESULT ok=%d failed=%d eof_after_handshake=%d" % (clients - len(failed), len(failed), eofs), flush=True)


if __name__ == "__main__":
    main()
