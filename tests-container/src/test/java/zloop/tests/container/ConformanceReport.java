package zloop.tests.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What the JUnit console launcher's XML report (legacy JUnit format) says, test by test: the
 * outcome of every test the container ran, with the backend its invocation ran on ({@code
 * [io_uring]} in the display name) and, for a skip or a failure, the first line of the reason.
 */
record ConformanceReport(List<Outcome> outcomes) {
  /** The skip reason {@code Backends.open} gives when the kernel or seccomp refuses io_uring. */
  static final String UNAVAILABLE = "io_uring is unavailable here";

  private static final Pattern DISPLAY_NAME = Pattern.compile("(?m)^display-name: (.*)$");
  private static final Pattern BACKEND = Pattern.compile("^\\[([a-z_]+)]");

  enum Status {
    PASSED,
    SKIPPED,
    FAILED
  }

  /**
   * One test case.
   *
   * @param test {@code Class#method}, with JUnit's invocation index for a parameterized one
   * @param backend the backend in the invocation's display name, or empty for a test run once
   * @param reason why it was skipped or how it failed (first line), empty when it passed
   */
  record Outcome(String test, String backend, Status status, String reason, double seconds) {
    @Override
    public String toString() {
      String on = backend.isEmpty() ? "" : " [" + backend + "]";
      String why = reason.isEmpty() ? "" : ": " + reason;
      return String.format(Locale.ROOT, "%-7s %s%s (%.2f s)%s", status, test, on, seconds, why);
    }
  }

  static ConformanceReport read(Path xml) throws IOException {
    Document doc;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      doc = factory.newDocumentBuilder().parse(xml.toFile());
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("cannot read " + xml, e);
    }
    NodeList cases = doc.getElementsByTagName("testcase");
    List<Outcome> outcomes = new ArrayList<>(cases.getLength());
    for (int i = 0; i < cases.getLength(); i++) {
      outcomes.add(outcome((Element) cases.item(i)));
    }
    return new ConformanceReport(List.copyOf(outcomes));
  }

  private static Outcome outcome(Element testCase) {
    String test = testCase.getAttribute("classname") + "#" + testCase.getAttribute("name");
    Matcher name = DISPLAY_NAME.matcher(text(testCase, "system-out"));
    Matcher backend = BACKEND.matcher(name.find() ? name.group(1).strip() : "");
    String on = backend.find() ? backend.group(1) : "";
    double seconds = parseSeconds(testCase.getAttribute("time"));
    for (String tag : List.of("failure", "error")) {
      NodeList failures = testCase.getElementsByTagName(tag);
      if (failures.getLength() > 0) {
        return new Outcome(test, on, Status.FAILED, reason((Element) failures.item(0)), seconds);
      }
    }
    NodeList skips = testCase.getElementsByTagName("skipped");
    if (skips.getLength() > 0) {
      return new Outcome(test, on, Status.SKIPPED, reason((Element) skips.item(0)), seconds);
    }
    return new Outcome(test, on, Status.PASSED, "", seconds);
  }

  long count(Status status) {
    return outcomes.stream().filter(o -> o.status() == status).count();
  }

  long count(String backend, Status status) {
    return outcomes.stream().filter(o -> o.backend().equals(backend) && o.status() == status).count();
  }

  /** io_uring invocations skipped because io_uring could not start in the container. */
  List<Outcome> ioUringUnavailable() {
    return outcomes.stream()
        .filter(o -> o.status() == Status.SKIPPED)
        .filter(o -> o.reason().toLowerCase(Locale.ROOT).contains(UNAVAILABLE.toLowerCase(Locale.ROOT)))
        .toList();
  }

  List<Outcome> with(Status status) {
    return outcomes.stream().filter(o -> o.status() == status).toList();
  }

  /** "N tests: P passed, S skipped, F failed; io_uring invocations: ...". */
  String summary() {
    return outcomes.size()
        + " tests: "
        + count(Status.PASSED)
        + " passed, "
        + count(Status.SKIPPED)
        + " skipped, "
        + count(Status.FAILED)
        + " failed; io_uring invocations: "
        + count("io_uring", Status.PASSED)
        + " passed, "
        + count("io_uring", Status.SKIPPED)
        + " skipped, "
        + count("io_uring", Status.FAILED)
        + " failed";
  }

  /** One line per test, in the report's order. */
  String perTest() {
    StringBuilder sb = new StringBuilder();
    outcomes.forEach(o -> sb.append(o).append('\n'));
    return sb.toString();
  }

  /** The exception's message (JUnit's "Assumption failed: " prefix dropped), on one line. */
  private static String reason(Element element) {
    String message = element.getAttribute("message");
    String text = message.isBlank() ? element.getTextContent() : message;
    String line = text.strip().lines().findFirst().orElse("");
    line = line.replaceFirst("^org\\.opentest4j\\.TestAbortedException: ", "");
    return line.replaceFirst("^Assumption failed: ", "");
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nodes.getLength(); i++) {
      sb.append(nodes.item(i).getTextContent());
    }
    return sb.toString();
  }

  private static double parseSeconds(String time) {
    try {
      return time.isBlank() ? 0 : Double.parseDouble(time.replace(",", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
