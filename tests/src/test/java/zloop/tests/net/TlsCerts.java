package zloop.tests.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * Certificates for the TLS tests, made once per test JVM with {@code openssl} in a temporary
 * directory: a test CA, and leaves it signed (or not) for each case. PEM files for the peers
 * (openssl, curl, Python), {@link SSLContext}s for zloop.
 *
 * <ul>
 *   <li>{@code server}: localhost, 127.0.0.1, ::1 — the good one
 *   <li>{@code other}: other.test — the second name for SNI
 *   <li>{@code client}: a client certificate (clientAuth)
 *   <li>{@code expired}: localhost, but its validity ended yesterday
 *   <li>{@code wronghost}: wrong.example only
 *   <li>{@code untrusted}: localhost, self-signed (no CA trusts it)
 * </ul>
 */
final class TlsCerts {
  private static TlsCerts instance;
  private static String unavailable;

  final Path dir;

  private TlsCerts(Path dir) {
    this.dir = dir;
  }

  /** The certificates, made on first use; aborts the test (skipped) without openssl. */
  static synchronized TlsCerts get() {
    Requires.openssl();
    if (instance == null && unavailable == null) {
      try {
        Path dir = Files.createTempDirectory("zloop-tls-certs");
        TlsCerts c = new TlsCerts(dir);
        c.generate();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        instance = c;
      } catch (IOException e) {
        unavailable = "openssl could not make the test certificates: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unavailable = "interrupted";
      }
    }
    Assumptions.assumeTrue(instance != null, () -> unavailable);
    return instance;
  }

  private void generate() throws IOException, InterruptedException {
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=zloop test CA", "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    leaf("server", "localhost", "DNS:localhost,IP:127.0.0.1,IP:::1", "serverAuth", 30);
    leaf("other", "other.test", "DNS:other.test", "serverAuth", 30);
    leaf("client", "zloop test client", "DNS:client.test", "clientAuth", 30);
    leaf("expired", "localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth", -1);
    leaf("wronghost", "wrong.example", "DNS:wrong.example", "serverAuth", 30);
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "untrusted.key", "-out", "untrusted.pem", "-subj", "/CN=localhost", "-days",
        "30", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
  }

  /** A leaf signed by the CA; {@code days} -1 makes one that expired already. */
  private void leaf(String name, String cn, String san, String usage, int days)
      throws IOException, InterruptedException {
    openssl(
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
    Files.writeString(
        dir.resolve(name + ".ext"),
        "subjectAltName=" + san + "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            + "extendedKeyUsage=" + usage + "\n");
    openssl(
        "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
        String.valueOf(System.nanoTime() & 0x7FFFFFFFFFFFL), "-days", String.valueOf(days), "-out",
        name + ".pem", "-extfile", name + ".ext");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("openssl is not installed (" + e.getMessage() + ")", e);
    }
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }
    p.getOutputStream().close();
  }

  // ------------------------------------------------------------------ files for peers

  Path pem(String name) {
    return dir.resolve(name + ".pem");
  }

  Path key(String name) {
    return dir.resolve(name + ".key");
  }

  Path ca() {
    return pem("ca");
  }

  // ------------------------------------------------------------------ contexts for zloop

  /** A context presenting the named certificate (chain: it and the CA) and trusting the CA. */
  SSLContext context(String name) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      X509Certificate leaf = cert(pem(name));
      X509Certificate ca = cert(ca());
      Certificate[] chain =
          leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())
              ? new Certificate[] {leaf, ca}
              : new Certificate[] {leaf}; // self-signed
      keys.setKeyEntry(name, privateKey(key(name)), new char[0], chain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), trustCa().getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot load the " + name + " certificate", e);
    }
  }

  /** A context without a certificate of its own, trusting the test CA. */
  SSLContext clientContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trustCa().getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a client context", e);
    }
  }

  private TrustManagerFactory trustCa() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", cert(ca()));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }

  X509Certificate cert(Path pem) throws GeneralSecurityException, IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey privateKey(Path pem) throws GeneralSecurityException, IOException {
    String text = Files.readString(pem);
    String base64 =
        text.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: best effort
    }
  }
}
