package zloop.bench;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One Netty 4.2 event loop ({@code MultiThreadIoEventLoopGroup} of one thread) on the transport
 * chosen by the {@code backend} parameter. Netty's loop always runs on its own thread, so a
 * benchmark hands it a batch and waits for a {@link Signal}. Subclasses call {@link #open()} and
 * {@link #close()} from their own {@code @Setup}/{@code @TearDown}.
 */
@State(Scope.Thread) // JMH wants @Param fields in a @State class; subclasses are the states used
public abstract class NettyLoopState {
  /** Netty's transport: {@code nio} ({@link NioIoHandler}) or {@code epoll} (JNI). */
  @Param({"nio", "epoll"})
  public String backend;

  MultiThreadIoEventLoopGroup group;
  IoEventLoop loop;

  final void open() {
    group = new MultiThreadIoEventLoopGroup(1, factory(backend));
    loop = group.next();
  }

  final void close() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  private static IoHandlerFactory factory(String transport) {
    return switch (transport) {
      case "nio" -> NioIoHandler.newFactory();
      case "epoll" -> {
        Epoll.ensureAvailability(); // says why the native transport did not load
        yield EpollIoHandler.newFactory();
      }
      default -> throw new IllegalArgumentException("unknown Netty transport: " + transport);
    };
  }
}
