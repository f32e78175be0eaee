"""A Python asyncio client for zloop's interop test.

Usage: python3 asyncio_echo_client.py HOST PORT SIZE SEED

Connects, sends SIZE pseudo-random bytes (seeded) while reading the echo, half-closes its write
side once everything is sent, reads until the server closes, then prints:

    SENT <bytes> <crc32>
    RECEIVED <bytes> <crc32>
"""
import asyncio
import random
import sys
import zlib


async def main() -> None:
    host, port, size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    data = random.Random(seed).randbytes(size)
    reader, writer = await asyncio.open_connection(host, port)

    async def send() -> None:
        view = memoryview(data)
        for off in range(0, size, 256 * 1024):
            writer.write(view[off:off + 256 * 1024])
            await writer.drain()
        writer.write_eof()

    sender = asyncio.create_task(send())
    crc, n = 0, 0
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            break
        crc = zlib.crc32(chunk, crc)
        n += len(chunk)
    await sender
    writer.close()
    await writer.wait_closed()
    print(f"SENT {size} {zlib.crc32(data)}")
    print(f"RECEIVED {n} {crc}", flush=True)


asyncio.run(asyncio.wait_for(main(), 60))
