package zloop.bench;

/**
 * The flags every forked benchmark JVM needs. The bench runs on the class path (one uber-jar), so
 * grants go to {@code ALL-UNNAMED}.
 */
final class Jvm {
  /** zloop's FFM backends (epoll) and Netty's JNI transport load native code. */
  static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

  /** zloop tasks are virtual threads scheduled by the loop: a package-private JDK constructor. */
  static final String OPEN_JAVA_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";

  /** Netty 4.2 turns {@code sun.misc.Unsafe} off on JDK 25 unless allowed: give it its best. */
  static final String NETTY_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

  /** A fixed heap, so GC work is comparable between runs. */
  static final String HEAP = "-Xmx1g";

  private Jvm() {}
}
