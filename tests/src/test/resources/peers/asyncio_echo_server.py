"""A Python asyncio echo server for zloop's interop test.

Usage: python3 asyncio_echo_server.py

Listens on 127.0.0.1 (a free port), prints "PORT <port>", echoes one connection (closing after
the client's EOF, once the echo is flushed), then prints "RECEIVED <bytes> <crc32>" and exits.
"""
import asyncio
import zlib


class Echo(asyncio.Protocol):
    def __init__(self, done: asyncio.Future) -> None:
        self.done = done
        self.crc = 0
        self.n = 0
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.n += len(data)
        self.transport.write(data)

    def eof_received(self) -> bool:
        return False  # close once the echo is flushed

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result((self.n, self.crc, exc))


async def main() -> None:
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    server = await loop.create_server(lambda: Echo(done), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    n, crc, exc = await asyncio.wait_for(done, 60)
    server.close()
    await server.wait_closed()
    print(f"RECEIVED {n} {crc}" + ("" if exc is None else f" ERROR {exc!r}"), flush=True)


asyncio.run(main())
