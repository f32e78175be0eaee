import socket, sys, time, threading
host, port, secs, conns, size = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
msg = b"x" * (size - 1) + b"\n"
counts = [0] * conns
stop = time.time() + secs
def run(i):
    s = socket.create_connection((host, port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while time.time() < stop:
        s.sendall(msg); got = 0
        while got < size:
            got += len(s.recv(65536))
        counts[i] += 1
    s.close()
ts = [threading.Thread(target=run, args=(i,)) for i in range(conns)]
[t.start() for t in ts]; [t.join() for t in ts]
print("requests", sum(counts), "req/s", int(sum(counts) / secs))
