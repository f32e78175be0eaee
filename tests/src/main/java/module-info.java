/**
 * The conformance suite's support code: which backends exist here and how a test opens a loop on
 * one. The tests themselves are patched into this module.
 */
module zloop.tests {
  requires zloop.api;
  requires org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires java.logging;

  exports zloop.tests;

  opens zloop.tests to
      org.junit.platform.commons;
}
