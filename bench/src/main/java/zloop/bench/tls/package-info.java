/**
 * The TLS echo benchmark ({@code scripts/bench-tls}): zloop's TLS layer ({@code zloop.tls}, on
 * {@link javax.net.ssl.SSLEngine}) beside Netty 4.2's {@code SslHandler} with the JDK provider,
 * TLSv1.3, 1 KiB messages, one event-loop thread per server, a blocking {@code SSLSocket} client.
 */
package zloop.bench.tls;
