/**
 * The io_uring completion backend: the kernel does the I/O, the loop learns what was moved.
 *
 * <h2>Map</h2>
 *
 * <ul>
 *   <li>Kernel facade and structs: {@link zloop.backend.iouring.IoUring} (syscalls, constants),
 *       {@link zloop.backend.iouring.Params}, {@link zloop.backend.iouring.Sqe}, {@link
 *       zloop.backend.iouring.Cqe}, {@link zloop.backend.iouring.WaitArgs}, {@link
 *       zloop.backend.iouring.Probe}; every layout is checked against {@code <linux/io_uring.h>}
 *       by a test.
 *   <li>The ring: {@link zloop.backend.iouring.Ring} (setup with fallback, mmap, enable, enter),
 *       {@link zloop.backend.iouring.SubmissionQueue}, {@link
 *       zloop.backend.iouring.CompletionQueue}, {@link zloop.backend.iouring.BufferRing}
 *       (provided receive buffers).
 *   <li>A turn: {@link zloop.backend.iouring.IoUringBackend#poll} runs {@link
 *       zloop.backend.iouring.Submissions} (what changed since the last turn, written through
 *       {@link zloop.backend.iouring.Submitter}), one {@code io_uring_enter}, then {@link
 *       zloop.backend.iouring.Completions} (routing by {@link zloop.backend.iouring.UserData}
 *       through the slot table, {@link zloop.posix.GenerationTable}).
 *   <li>What submits: {@link zloop.backend.iouring.IoUringSocket} with its {@link
 *       zloop.backend.iouring.Receiver}, {@link zloop.backend.iouring.Sender} and {@link
 *       zloop.backend.iouring.Acceptor}; {@link zloop.backend.iouring.FdWatch}; {@link
 *       zloop.backend.iouring.WakeupPoll}.
 * </ul>
 *
 * <h2>Rules</h2>
 *
 * Nothing reaches the kernel outside {@code poll}: socket methods record what the engine wants and
 * schedule the socket; its entries are written in the next submission phase and go with that
 * turn's one enter. Handlers run only inside {@code poll}. A completion whose {@code user_data}
 * generation is not current is dropped (its provided buffer recycled), so a closed socket's late
 * completions never reach the socket that reused its fd number or its slot.
 */
package zloop.backend.iouring;
