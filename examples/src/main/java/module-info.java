/** Example programs. Like any user, they need only {@code zloop.api}. */
module zloop.examples {
  requires zloop.api;

  // The examples are run by the conformance tests, also where every jar is on the module path
  // (the container suite).
  exports zloop.examples;
  exports zloop.examples.http;
}
