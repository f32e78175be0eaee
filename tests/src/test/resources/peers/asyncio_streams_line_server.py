"""A Python asyncio *streams* server for zloop's streams interop test.

Usage: python3 asyncio_streams_line_server.py

Listens on 127.0.0.1 (a free port) with asyncio.start_server, prints "PORT <port>", and for one
client echoes each line (readline/write/drain) until EOF, then prints
"LINES <count> <crc32 of all bytes>" and exits.
"""
import asyncio
import zlib


async def main() -> None:
    done = asyncio.get_running_loop().create_future()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        count, crc = 0, 0
        while True:
            line = await reader.readline()
            if not line:
                break
            count += 1
            crc = zlib.crc32(line, crc)
            writer.write(line)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
        done.set_result((count, crc))

    server = await asyncio.start_server(serve, "127.0.0.1", 0, limit=4 * 1024 * 1024)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    count, crc = await done
    server.close()
    print(f"LINES {count} {crc}", flush=True)


asyncio.run(main())
