/**
 * The echo benchmark matrix (uvloop's echo protocol), run by {@code scripts/bench}: echo servers
 * for zloop ({@link zloop.bench.echo.ZloopEchoServer}: proto, buffered and streams modes on every
 * backend), Netty 4.2 ({@link zloop.bench.echo.NettyEchoServer}: NIO, epoll, io_uring) and a plain
 * JDK NIO server ({@link zloop.bench.echo.NioEchoServer}), each on one event-loop thread; the load
 * client and driver ({@link zloop.bench.echo.EchoClient}), and the report and SVG chart ({@link
 * zloop.bench.echo.EchoReport}).
 */
package zloop.bench.echo;
