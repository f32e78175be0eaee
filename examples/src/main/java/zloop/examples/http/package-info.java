/**
 * An HTTP/1.1 server on zloop, as an application would write one: {@link
 * zloop.examples.http.HttpExample} runs it; {@link zloop.examples.http.HttpServer} owns the
 * listening socket, the connections and their time limits; {@link
 * zloop.examples.http.HttpConnection} is one connection's protocol (keep-alive, pipelining, flow
 * control); {@link zloop.examples.http.RequestHeadParser} and {@link
 * zloop.examples.http.ChunkedDecoder} read requests within {@link zloop.examples.http.HttpLimits};
 * {@link zloop.examples.http.ResponseWriter} frames the answers of an {@link
 * zloop.examples.http.HttpHandler} such as {@link zloop.examples.http.ExampleRoutes}.
 */
package zloop.examples.http;
