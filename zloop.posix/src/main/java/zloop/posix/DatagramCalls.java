package zloop.posix;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The datagram socket calls, bound once through FFM ({@code recvmmsg(2)}, {@code recvfrom(2)},
 * {@code sendto(2)}), and the native memory one loop's datagram sockets share: a batch of {@value
 * #BATCH} receive slots of {@value #SLOT_SIZE} bytes each (one {@code recvmmsg} fills them all),
 * a staging area for heap buffers, the {@code sockaddr} codec, and two small caches that spare
 * the hot path its allocations: senders by their raw bytes (a sender that comes back is the same
 * {@link SocketAddress} object) and targets by identity (a reply to that object is not encoded
 * again).
 *
 * <p>Raw convention, as in {@link Sockets}: {@code >= 0} on success, {@code -errno} on failure,
 * {@code EINTR} retried. Every call passes {@code MSG_DONTWAIT}, so a socket another process
 * shares in blocking mode does not block the loop either.
 *
 * <p>Why {@value #SLOT_SIZE}-byte slots: the largest UDP payload (65,507 bytes over IPv4, 65,527
 * over IPv6) fits, so a UDP datagram is never cut; a longer Unix datagram is, and the kernel says
 * so ({@code MSG_TRUNC}), which the socket reports as an error rather than passing a cut datagram
 * on as whole.
 *
 * <p><b>Caveats:</b> Linux layouts and constants, 64-bit only; {@code recvmmsg} is Linux's (a BSD
 * port reads one datagram per call). Not thread-safe: one instance per loop, allocated on its first
 * datagram socket (the batch is {@value #BATCH} × {@value #SLOT_SIZE} bytes).
 */
public final class DatagramCalls {

  /** {@code socket(2)} type of a datagram socket. */
  public static final int SOCK_DGRAM = 2;

  /** {@code SOL_SOCKET} option: sending to broadcast addresses is allowed. */
  public static final int SO_BROADCAST = 6;

  /** {@code recvmsg(2)} flag in {@code msg_flags}: the datagram was longer than the buffer. */
  public static final int MSG_TRUNC = 0x20;

  /** Datagrams one {@code recvmmsg} reads at most. */
  public static final int BATCH = 16;

  /** Bytes per receive slot: the largest UDP datagram fits. */
  public static final int SLOT_SIZE = 64 * 1024;

  /*
   * <sys/socket.h> (_GNU_SOURCE):
   *
   *   struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; };                  // 64
   */
  public static final StructLayout MMSGHDR =
      MemoryLayout.structLayout(
          IoVecs.MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));

  private static final long MSG_NAME =
      IoVecs.MSGHDR.byteOffset(groupElement("msg_name"));
  private static final long MSG_NAMELEN =
      IoVecs.MSGHDR.byteOffset(groupElement("msg_namelen"));
  private static final long MSG_IOV = IoVecs.MSGHDR.byteOffset(groupElement("msg_iov"));
  private static final long MSG_IOVLEN = IoVecs.MSGHDR.byteOffset(groupElement("msg_iovlen"));
  private static final long MSG_FLAGS = IoVecs.MSGHDR.byteOffset(groupElement("msg_flags"));
  private static final long MSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));

  // int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags,
  //              struct timespec *timeout);
  private static final MethodHandle RECVMMSG =
      Sockets.link("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

  // ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags,
  //                  struct sockaddr *src_addr, socklen_t *addrlen);
  private static final MethodHandle RECVFROM =
      Sockets.link("recvfrom", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);

  // ssize_t sendto(int sockfd, const void *buf, size_t len, int flags,
  //                const struct sockaddr *dest_addr, socklen_t addrlen);
  private static final MethodHandle SENDTO =
      Sockets.link("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);

  private final ErrnoCapture errno;
  private final SockAddr addresses;
  private final SocketOptions options;
  private final MemorySegment messages;
  private final MemorySegment names;
  private final MemorySegment slots;
  private final ByteBuffer[] slotViews = new ByteBuffer[BATCH];
  private final MemorySegment[] nameSlices = new MemorySegment[BATCH];
  private final MemorySegment staging;
  /** Entries of each address cache: enough for the peers a busy socket alternates between. */
  private static final int CACHE = 64;

  private static final long NAME = SockAddr.STORAGE_SIZE;

  /**
   * Senders decoded lately, by a hash of their raw bytes: a sender that comes back is not decoded
   * (allocated) again. Direct-mapped; a collision only costs a decode.
   */
  private final MemorySegment senderNames;
  private final int[] senderLengths = new int[CACHE];
  private final SocketAddress[] senders = new SocketAddress[CACHE];

  /**
   * Targets encoded lately, by identity: a reply to a sender (the same object {@link #sender}
   * returned) is not encoded again. Direct-mapped, as the senders.
   */
  private final MemorySegment targetNames;
  private final MemorySegment[] targetSlices = new MemorySegment[CACHE];
  private final int[] targetLengths = new int[CACHE];
  private final int[] targetFamilies = new int[CACHE];
  private final SocketAddress[] targets = new SocketAddress[CACHE];

  private SocketAddress lastSender;

  /**
   * @param arena holds the memory; must outlive every call
   * @param errno the loop's capture
   */
  public DatagramCalls(Arena arena, ErrnoCapture errno) {
    this.errno = errno;
    this.addresses = new SockAddr(arena);
    this.options = new SocketOptions(arena, errno);
    this.messages = arena.allocate(MMSGHDR, BATCH);
    this.names = arena.allocate(SockAddr.STORAGE_SIZE * BATCH, 8);
    MemorySegment iovecs = arena.allocate(IoVecs.IOVEC, BATCH);
    this.slots = arena.allocate((long) SLOT_SIZE * BATCH, 64);
    for (int i = 0; i < BATCH; i++) {
      MemorySegment slot = slots.asSlice((long) i * SLOT_SIZE, SLOT_SIZE);
      slotViews[i] = slot.asByteBuffer().asReadOnlyBuffer();
      nameSlices[i] = names.asSlice(i * SockAddr.STORAGE_SIZE, SockAddr.STORAGE_SIZE);
      long iov = i * IoVecs.IOVEC.byteSize();
      iovecs.set(JAVA_LONG, iov, slot.address());
      iovecs.set(JAVA_LONG, iov + 8, SLOT_SIZE);
      long msg = i * MMSGHDR.byteSize();
      messages.set(JAVA_LONG, msg + MSG_NAME, names.address() + i * SockAddr.STORAGE_SIZE);
      messages.set(JAVA_LONG, msg + MSG_IOV, iovecs.address() + iov);
      messages.set(JAVA_LONG, msg + MSG_IOVLEN, 1);
    }
    this.staging = arena.allocate(SLOT_SIZE, 64);
    this.senderNames = arena.allocate(NAME * CACHE, 8);
    this.targetNames = arena.allocate(NAME * CACHE, 8);
    for (int i = 0; i < CACHE; i++) {
      targetSlices[i] = targetNames.asSlice(i * NAME, NAME);
    }
  }

  ErrnoCapture errno() {
    return errno;
  }

  SockAddr addresses() {
    return addresses;
  }

  SocketOptions options() {
    return options;
  }

  /**
   * The exception for a datagram call failing with {@code errno}: a refused port (an ICMP port
   * unreachable the kernel queued) is a {@link PortUnreachableException}, as the JDK's {@code
   * DatagramChannel} reports it; the rest as {@link Errno#exception}.
   */
  public static IOException exception(String syscall, int errno) {
    if (errno == Errno.ECONNREFUSED) {
      return new PortUnreachableException(
          syscall + " failed: ECONNREFUSED (" + Errno.strerror(errno) + ")");
    }
    return Errno.exception(syscall, errno);
  }

  // ------------------------------------------------------------------ receiving

  /**
   * {@code recvmmsg(fd, batch, BATCH, MSG_DONTWAIT)}: how many slots were filled, or {@code
   * -errno} ({@code EAGAIN}: none waiting). Read each with {@link #length}, {@link #truncated},
   * {@link #data} and {@link #sender}.
   */
  int receiveBatch(int fd) {
    for (int i = 0; i < BATCH; i++) {
      long msg = i * MMSGHDR.byteSize();
      messages.set(JAVA_INT, msg + MSG_NAMELEN, (int) SockAddr.STORAGE_SIZE);
      messages.set(JAVA_INT, msg + MSG_FLAGS, 0);
    }
    try {
      while (true) {
        int n =
            (int)
                RECVMMSG.invokeExact(
                    errno.segment(), fd, messages, BATCH, Sockets.MSG_DONTWAIT, MemorySegment.NULL);
        if (n >= 0) {
          return n;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e;
        }
      }
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** The bytes slot {@code i} received (at most {@link #SLOT_SIZE}). */
  int length(int i) {
    return messages.get(JAVA_INT, i * MMSGHDR.byteSize() + MSG_LEN);
  }

  /** Whether slot {@code i}'s datagram was longer than the slot. */
  boolean truncated(int i) {
    return (messages.get(JAVA_INT, i * MMSGHDR.byteSize() + MSG_FLAGS) & MSG_TRUNC) != 0;
  }

  /** A read-only view of slot {@code i}'s datagram, reused: valid until the next batch. */
  ByteBuffer data(int i) {
    return slotViews[i].limit(length(i)).position(0);
  }

  /** Slot {@code i}'s sender, or {@code null} (an unnamed Unix socket). */
  SocketAddress sender(int i) {
    MemorySegment name = nameSlices[i];
    int length = messages.get(JAVA_INT, i * MMSGHDR.byteSize() + MSG_NAMELEN);
    return decode(name, length);
  }

  /**
   * {@code recvfrom(fd, buf, MSG_DONTWAIT)} into {@code into} from its position: bytes received
   * (the sender then in {@link #lastSender()}), or {@code -errno}. Advances the position.
   */
  long receiveFrom(int fd, ByteBuffer into) {
    int room = into.remaining();
    try (Arena big = room > staging.byteSize() && !into.isDirect() ? Arena.ofConfined() : null) {
      MemorySegment target =
          into.isDirect()
              ? MemorySegment.ofBuffer(into)
              : big != null ? big.allocate(room) : staging.asSlice(0, room);
      MemorySegment length = addresses.capacityLength();
      long n;
      while (true) {
        n =
            (long)
                RECVFROM.invokeExact(
                    errno.segment(), fd, target, (long) room, Sockets.MSG_DONTWAIT,
                    addresses.storage(), length);
        if (n >= 0 || errno.get() != Errno.EINTR) {
          break;
        }
      }
      if (n < 0) {
        return -errno.get();
      }
      if (!into.isDirect()) {
        MemorySegment.copy(target, 0, MemorySegment.ofBuffer(into), 0, n);
      }
      into.position(into.position() + (int) n);
      lastSender = decode(addresses.storage(), length.get(JAVA_INT, 0));
      return n;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** The sender {@link #receiveFrom} last returned. */
  SocketAddress lastSender() {
    return lastSender;
  }

  /**
   * The error a receive reports for a datagram longer than the {@code limit} bytes a backend
   * keeps of one: the cut datagram is dropped, never passed on as whole.
   */
  public static java.net.SocketException truncation(int limit) {
    return new java.net.SocketException(
        "a datagram longer than " + limit + " bytes was cut to that size and dropped");
  }

  /**
   * Decodes the {@code length} bytes of a {@code sockaddr} at {@code name} (a receive buffer the
   * kernel filled elsewhere: io_uring's), reusing a cached sender if its bytes are the same: no
   * allocation then; {@code null} for an unnamed Unix sender.
   */
  public SocketAddress sender(MemorySegment name, int length) {
    return decode(name, length);
  }

  /** Decodes a sender, reusing a cached one if its bytes are the same: no allocation then. */
  private SocketAddress decode(MemorySegment name, int length) {
    int slot = slotOf(name, length);
    long at = slot * NAME;
    if (senderLengths[slot] == length
        && length > 0
        && MemorySegment.mismatch(name, 0, length, senderNames, at, at + length) < 0) {
      lastSender = senders[slot];
      return lastSender;
    }
    if (name != addresses.storage()) {
      MemorySegment.copy(name, 0, addresses.storage(), 0, length);
    }
    addresses.capacityLength().set(JAVA_INT, 0, length); // decode reads the length from here
    SocketAddress sender = addresses.decode();
    MemorySegment.copy(name, 0, senderNames, at, length);
    senderLengths[slot] = length;
    senders[slot] = sender;
    lastSender = sender;
    return sender;
  }

  /** A hash of the first bytes of a {@code sockaddr} (family, port, most of the address). */
  private static int slotOf(MemorySegment name, int length) {
    long h = name.get(JAVA_LONG, 0) * 0x9E3779B97F4A7C15L;
    if (length > 8) {
      h ^= name.get(JAVA_LONG, 8) * 0xC2B2AE3D27D4EB4FL;
    }
    if (length > 16) {
      h ^= name.get(JAVA_LONG, 16) * 0x165667B19E3779F9L;
    }
    return (int) (h ^ (h >>> 29) ^ (h >>> 47)) & (CACHE - 1);
  }

  // ------------------------------------------------------------------ sending

  /**
   * {@code sendto(fd, data, MSG_NOSIGNAL | MSG_DONTWAIT, target)} of {@code data} from position to
   * limit ({@code target} {@code null}: the connected peer): bytes sent, or {@code -errno}. Never
   * changes the buffer.
   *
   * @throws IOException if {@code target} cannot be encoded for a socket of {@code family}
   */
  long sendTo(int fd, int family, ByteBuffer data, SocketAddress target) throws IOException {
    MemorySegment name = MemorySegment.NULL;
    int nameLength = 0;
    if (target != null) {
      int slot = System.identityHashCode(target) & (CACHE - 1);
      long at = slot * NAME;
      if (targets[slot] != target || targetFamilies[slot] != family) {
        int length = addresses.encode(target, family);
        MemorySegment.copy(addresses.storage(), 0, targetNames, at, length);
        targets[slot] = target;
        targetFamilies[slot] = family;
        targetLengths[slot] = length;
      }
      name = targetSlices[slot];
      nameLength = targetLengths[slot];
    }
    int length = data.remaining();
    try (Arena big = length > staging.byteSize() && !data.isDirect() ? Arena.ofConfined() : null) {
      MemorySegment source;
      if (data.isDirect()) {
        source = MemorySegment.ofBuffer(data);
      } else {
        source = big != null ? big.allocate(Math.max(1, length)) : staging;
        if (data.hasArray()) {
          MemorySegment.copy(
              data.array(), data.arrayOffset() + data.position(), source, JAVA_BYTE, 0, length);
        } else {
          MemorySegment.copy(MemorySegment.ofBuffer(data), 0, source, 0, length);
        }
      }
      int flags = Sockets.MSG_NOSIGNAL | Sockets.MSG_DONTWAIT;
      while (true) {
        long n =
            (long)
                SENDTO.invokeExact(
                    errno.segment(), fd, source, (long) length, flags, name, nameLength);
        if (n >= 0) {
          return n;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }
}
