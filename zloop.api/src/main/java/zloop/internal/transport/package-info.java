/**
 * Transport machinery shared by the engine's stream transport and the TLS layer's application
 * transport: the calls into the application's protocol with their failure rule ({@link
 * zloop.internal.transport.AppProtocolCaller}) and write flow control at the watermarks ({@link
 * zloop.internal.transport.WriteFlowControl}), asyncio's {@code _FlowControlMixin}, which its
 * selector transports and {@code sslproto} likewise share. Not part of the API: the module exports
 * this package only to {@code zloop.engine} and {@code zloop.tls}.
 */
package zloop.internal.transport;
