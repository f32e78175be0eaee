package zloop.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server's TLS context for the demos: from PEM files (a certificate chain and a PKCS#8 key), or
 * a fresh self-signed pair for localhost made with the JDK's {@code keytool} (or {@code openssl}
 * when there is no keytool).
 */
final class TlsSetup {
  private TlsSetup() {}

  /** A context and the certificate it presents. */
  record ServerIdentity(SSLContext context, X509Certificate certificate) {
    /** The certificate's SHA-256 fingerprint, as {@code openssl x509 -fingerprint -sha256} prints it. */
    String fingerprint() {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** From a PEM certificate chain (leaf first) and a PEM PKCS#8 private key. */
  static ServerIdentity fromPem(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>();
    try (InputStream in = Files.newInputStream(certFile)) {
      chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + certFile);
    }
    PrivateKey key = privateKey(keyFile);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, new char[0], chain.toArray(new Certificate[0]));
    return new ServerIdentity(context(ks, new char[0]), (X509Certificate) chain.get(0));
  }

  private static PrivateKey privateKey(Path keyFile) throws IOException, GeneralSecurityException {
    String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new GeneralSecurityException(
          keyFile
              + " is not a PKCS#8 key (BEGIN PRIVATE KEY); convert it with:"
              + " openssl pkcs8 -topk8 -nocrypt -in "
              + keyFile
              + " -out key.pk8.pem");
    }
    String base64 =
        pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
            .replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException("unsupported private key type in " + keyFile);
  }

  /** A new self-signed certificate for localhost, 127.0.0.1 and ::1, valid 30 days. */
  static ServerIdentity selfSigned() throws IOException, GeneralSecurityException, InterruptedException {
    Path dir = Files.createTempDirectory("zloop-echo-tls");
    try {
      char[] password = randomPassword();
      Path store = dir.resolve("echo.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      if (Files.isExecutable(keytool)) {
        run(
            List.of(
                keytool.toString(), "-genkeypair", "-alias", "echo", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1", "-validity", "30",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(password),
                "-keypass", new String(password)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
          ks.load(in, password);
        }
        return new ServerIdentity(context(ks, password), (X509Certificate) ks.getCertificate("echo"));
      }
      Path cert = dir.resolve("cert.pem");
      Path key = dir.resolve("key.pem");
      run(
          List.of(
              "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "30",
              "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"));
      return fromPem(cert, key);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static char[] randomPassword() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b).toCharArray();
  }

  private static SSLContext context(KeyStore ks, char[] password) throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(command.get(0) + " failed: " + out.strip());
    }
  }
}
