/** TLS on {@link javax.net.ssl.SSLEngine}, layered over any zloop transport. Not written yet. */
module zloop.tls {
  requires zloop.api;
}
