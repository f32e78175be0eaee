package zloop.engine.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import zloop.Future;
import zloop.engine.Loop;
import zloop.engine.task.LoopFuture;

/** Name resolution on the default executor: the JDK resolver blocks, so it never runs on the loop. */
public final class Resolver {
  private Resolver() {}

  public static Future<List<InetSocketAddress>> getAddrInfo(Loop loop, String host, int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (host != null) {
      InetAddress literal = literal(host);
      if (literal != null) {
        // A numeric address needs no lookup: answer on the loop, as asyncio does.
        LoopFuture<List<InetSocketAddress>> f = new LoopFuture<>(loop);
        f.tryComplete(List.of(new InetSocketAddress(literal, port)));
        return f;
      }
    }
    return loop.runInExecutor(null, () -> resolve(host, port));
  }

  private static List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    InetAddress[] all = InetAddress.getAllByName(host);
    List<InetSocketAddress> out = new ArrayList<>(all.length);
    for (InetAddress a : all) {
      out.add(new InetSocketAddress(a, port));
    }
    return out;
  }

  /** The address if {@code host} is an IPv4 or IPv6 literal (brackets allowed), else null. */
  static InetAddress literal(String host) {
    try {
      return InetAddress.ofLiteral(host); // parses only: never a lookup
    } catch (IllegalArgumentException notALiteral) {
      return null;
    }
  }

  public static Future<String> getNameInfo(Loop loop, InetSocketAddress address) {
    return loop.runInExecutor(null, () -> address.getAddress().getCanonicalHostName());
  }
}
