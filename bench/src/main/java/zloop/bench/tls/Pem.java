package zloop.bench.tls;

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
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts from a PEM certificate chain and a PEM PKCS#8 key (as {@code openssl req} writes them). */
final class Pem {
  private Pem() {}

  /** A server context presenting the chain in {@code certFile} with the key in {@code keyFile}. */
  static SSLContext serverContext(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    List<Certificate> chain = certificates(certFile);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", privateKey(keyFile), new char[0], chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** A client context trusting exactly the certificates in {@code certFile}. */
  static SSLContext clientContext(Path certFile) throws IOException, GeneralSecurityException {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    int i = 0;
    for (Certificate c : certificates(certFile)) {
      ts.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static List<Certificate> certificates(Path certFile) throws IOException, GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>();
    try (InputStream in = Files.newInputStream(certFile)) {
      chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + certFile);
    }
    return chain;
  }

  private static PrivateKey privateKey(Path keyFile) throws IOException, GeneralSecurityException {
    String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    if (!pem.contains(begin)) {
      throw new GeneralSecurityException(keyFile + " is not a PEM PKCS#8 key (" + begin + ")");
    }
    String base64 = pem.substring(pem.indexOf(begin) + begin.length(), pem.indexOf(end)).replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // the next algorithm
      }
    }
    throw new GeneralSecurityException("unsupported private key type in " + keyFile);
  }

  /** {@code --name value} options. */
  static Map<String, String> options(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected operand " + argv[i]);
      }
      if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
        m.put(argv[i].substring(2), "true");
      } else {
        m.put(argv[i].substring(2), argv[++i]);
      }
    }
    return m;
  }
}
