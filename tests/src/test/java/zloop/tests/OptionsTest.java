package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import zloop.ConnectOptions;
import zloop.ServerOptions;
import zloop.StreamOptions;
import zloop.TlsOptions;
import zloop.WriteBufferLimits;

/**
 * The options types: asyncio's defaults, copies that leave the original alone, bad values refused
 * where they are set, and no public constructor to grow out of.
 */
class OptionsTest {

  @Test
  void noOptionsTypeHasAPublicConstructor() {
    for (Class<?> type :
        List.of(TlsOptions.class, ServerOptions.class, ConnectOptions.class, StreamOptions.class)) {
      assertTrue(Modifier.isFinal(type.getModifiers()), type + " is final");
      assertFalse(type.isRecord(), type + " is not a record: its components would be its API");
      assertEquals(
          List.of(),
          Arrays.stream(type.getConstructors()).toList(),
          type + " grows by withX copies, not by constructor arguments");
    }
  }

  @Test
  void defaultsAreAsyncios() {
    ServerOptions server = ServerOptions.DEFAULT;
    assertEquals(100, server.backlog());
    assertTrue(server.reuseAddress());
    assertFalse(server.reusePort());
    assertTrue(server.startServing());
    assertNull(server.tls());
    ConnectOptions connect = ConnectOptions.DEFAULT;
    assertNull(connect.localAddress());
    assertEquals(Optional.empty(), connect.happyEyeballsDelay());
    assertEquals(0, connect.interleave());
    assertFalse(connect.allErrors());
    assertEquals(64 * 1024, StreamOptions.DEFAULT.limit());
    assertEquals(ServerOptions.DEFAULT, StreamOptions.DEFAULT.server());
    assertEquals(ConnectOptions.DEFAULT, StreamOptions.DEFAULT.connect());
    TlsOptions tls = TlsOptions.of(defaultContext());
    assertEquals(Duration.ofSeconds(60), tls.handshakeTimeout());
    assertEquals(Duration.ofSeconds(30), tls.shutdownTimeout());
    assertEquals(TlsOptions.ClientAuth.NONE, tls.clientAuth());
    assertEquals(List.of(), tls.alpnProtocols());
    assertNull(tls.serverHostname());
    assertEquals(new WriteBufferLimits(64 * 1024, 16 * 1024), WriteBufferLimits.DEFAULT);
  }

  @Test
  void copiesLeaveTheOriginalAlone() {
    ServerOptions big = ServerOptions.DEFAULT.withBacklog(1024).withReusePort(true);
    assertEquals(1024, big.backlog());
    assertTrue(big.reusePort());
    assertEquals(100, ServerOptions.DEFAULT.backlog());
    assertNotEquals(ServerOptions.DEFAULT, big);
    assertEquals(ServerOptions.DEFAULT.withBacklog(1024).withReusePort(true), big, "value equality");

    ConnectOptions eyeballs = ConnectOptions.DEFAULT.withHappyEyeballsDelay(Duration.ofMillis(250));
    assertEquals(Optional.of(Duration.ofMillis(250)), eyeballs.happyEyeballsDelay());
    assertEquals(ConnectOptions.DEFAULT, eyeballs.withoutHappyEyeballs());

    TlsOptions h2 = TlsOptions.of(defaultContext()).withAlpnProtocols("h2", "http/1.1");
    assertEquals(List.of("h2", "http/1.1"), h2.alpnProtocols());
    StreamOptions streams = StreamOptions.DEFAULT.withLimit(1000).withTls(h2);
    assertEquals(1000, streams.limit());
    assertEquals(h2, streams.server().tls());
    assertEquals(h2, streams.connect().tls());
    assertEquals(ServerOptions.DEFAULT.withTls(h2), streams.server(), "withTls touches nothing else");
  }

  @Test
  void badValuesAreRefusedWhereTheyAreSet() {
    assertThrows(IllegalArgumentException.class, () -> ServerOptions.DEFAULT.withBacklog(-1));
    assertThrows(IllegalArgumentException.class, () -> ConnectOptions.DEFAULT.withInterleave(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ConnectOptions.DEFAULT.withHappyEyeballsDelay(Duration.ofMillis(-1)));
    assertThrows(NullPointerException.class, () -> ConnectOptions.DEFAULT.withHappyEyeballsDelay(null));
    assertThrows(IllegalArgumentException.class, () -> StreamOptions.DEFAULT.withLimit(0));
    assertThrows(NullPointerException.class, () -> StreamOptions.DEFAULT.withServer(null));
    assertThrows(NullPointerException.class, () -> TlsOptions.of(null));
    TlsOptions tls = TlsOptions.of(defaultContext());
    assertThrows(IllegalArgumentException.class, () -> tls.withHandshakeTimeout(Duration.ZERO));
    assertThrows(NullPointerException.class, () -> tls.withShutdownTimeout(null));
    assertThrows(NullPointerException.class, () -> tls.withClientAuth(null));
    assertThrows(IllegalArgumentException.class, () -> WriteBufferLimits.of(10, 20));
    assertThrows(IllegalArgumentException.class, () -> WriteBufferLimits.ofLow(-1));
  }

  @Test
  void writeBufferLimitsFollowAsynciosRuleForAMissingWatermark() {
    assertEquals(new WriteBufferLimits(1000, 250), WriteBufferLimits.ofHigh(1000));
    assertEquals(new WriteBufferLimits(4000, 1000), WriteBufferLimits.ofLow(1000));
    assertEquals(new WriteBufferLimits(1000, 100), WriteBufferLimits.of(1000, 100));
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
