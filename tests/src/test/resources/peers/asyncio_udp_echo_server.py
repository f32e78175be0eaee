"""A Python asyncio UDP echo endpoint for zloop's interop test.

Usage: python3 asyncio_udp_echo_server.py <host>

Binds a datagram endpoint to <host> (a free port), prints "PORT <port>", echoes every datagram
to its sender, and on the datagram b"END" prints "RECEIVED <datagrams> <crc32 sum> <empty datagrams>"
(the sum of each datagram's CRC32; empty datagrams are counted apart and not echoed) and exits.
"""
import asyncio
import sys
import zlib


class Echo(asyncio.DatagramProtocol):
    def __init__(self, done: asyncio.Future) -> None:
        self.done = done
        self.count = 0
        self.crc_sum = 0
        self.empty = 0
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        if data == b"END":
            if not self.done.done():
                self.done.set_result(None)
            return
        if not data:
            self.empty += 1  # counted, not echoed (asyncio before 3.13 drops empty sends)
            return
        self.count += 1
        self.crc_sum += zlib.crc32(data)
        self.transport.sendto(data, addr)

    def error_received(self, exc) -> None:
        print(f"ERROR {exc!r}", flush=True)


async def main() -> None:
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: Echo(done), local_addr=(sys.argv[1], 0))
    port = transport.get_extra_info("sockname")[1]
    print(f"PORT {port}", flush=True)
    await asyncio.wait_for(done, 120)
    print(f"RECEIVED {protocol.count} {protocol.crc_sum} {protocol.empty}", flush=True)
    transport.close()


asyncio.run(main())
