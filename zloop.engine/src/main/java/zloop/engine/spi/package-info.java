/**
 * The backend SPI: the narrow line between the engine, which holds every loop semantic, and a
 * backend, which only talks to the kernel.
 *
 * <h2>Why this shape</h2>
 *
 * zloop has two I/O models. A readiness backend (epoll, kqueue, NIO's {@code Selector}) learns
 * which file descriptors are ready and the loop then does the I/O; a completion backend (io_uring)
 * hands the I/O itself to the kernel and learns what was moved. An SPI that speaks only readiness
 * would force io_uring to emulate it with a poll per operation, and one that speaks only
 * completion would force epoll to fake submissions. So the SPI names neither: a {@link
 * zloop.engine.spi.Backend} is told only how long it may block ({@link
 * zloop.engine.spi.Backend#poll}) and must answer a {@link zloop.engine.spi.Backend#wakeup} from
 * any thread. Everything it does during {@code poll} (flush queued submissions in one batch, wait,
 * dispatch) is its own business.
 *
 * <p>This is the whole contract for timers and callbacks. Sockets extend it with per-connection
 * operations ("start receiving", "send these bytes", "shut down the write side") whose results
 * come back as events; a readiness backend performs them when the descriptor is ready, a
 * completion backend submits them to the ring. The engine keeps buffering, flow control and the
 * order of protocol callbacks, so the transport semantics exist once, never per backend.
 *
 * <h2>Thread rules</h2>
 *
 * Everything runs on the loop thread except {@link zloop.engine.spi.Backend#wakeup}. A backend
 * never calls user code directly: it reports to the engine, which runs user callbacks with their
 * failures routed to the exception handler.
 *
 * <h2>Discovery</h2>
 *
 * Backends are {@link java.util.ServiceLoader} providers of {@link
 * zloop.engine.spi.BackendProvider}. Availability is a value ({@link
 * zloop.engine.spi.BackendProvider#status()}), never an exception at load time, so the engine can
 * say exactly why each backend it passed over cannot run.
 */
package zloop.engine.spi;
