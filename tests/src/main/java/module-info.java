/**
 * The conformance suite's support code: which backends exist here and how a test opens a loop on
 * one. The tests themselves are patched into this module.
 */
module zloop.tests {
  requires zloop.api;
  requires org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires java.logging;
  requires java.management; // the flow-control test measures heap and direct memory
  requires jdk.jfr; // FlightEventsTest records and reads the zloop.* events

  exports zloop.tests;
  exports zloop.tests.net;

  opens zloop.tests to
      org.junit.platform.commons;
  opens zloop.tests.net to
      org.junit.platform.commons;
  opens zloop.tests.conformance to // the CPython test_asyncio facts, ported
      org.junit.platform.commons;
}
