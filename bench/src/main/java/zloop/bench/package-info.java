/**
 * JMH micro-benchmarks of zloop's scheduling core against Netty 4.2's event loop, operation for
 * operation: {@code callSoon} vs in-loop {@code execute} ({@link zloop.bench.CallSoonBench}),
 * timers ({@link zloop.bench.TimerBench}), cross-thread submission ({@link
 * zloop.bench.CrossThreadBench}), futures and their callbacks ({@link zloop.bench.FutureBench})
 * and task switches ({@link zloop.bench.TaskBench}). Every benchmark handles a batch of {@link
 * zloop.bench.Batch#N} operations per invocation and reports time per operation.
 */
package zloop.bench;
