package zloop.tests.container;

import java.util.function.Predicate;

/**
 * Which image the container run uses, and why. In order: system property {@code
 * zloop.container.image}; environment variable {@code ZLOOP_CONTAINER_IMAGE}; the local image
 * that {@code tests-container/docker-image} builds ({@value #LOCAL}, or {@code ZLOOP_TEST_IMAGE}
 * where that tool was given another name) when the engine already holds it; else {@value
 * #DEFAULT}, pulled from a registry. An image named by the property or the variable is
 * <em>required</em>: the test then fails, never skips, where it cannot run.
 *
 * @param name the image reference handed to the engine
 * @param source where the choice came from, for the report
 * @param required whether the user asked for this image (a run that cannot happen is a failure)
 */
record ContainerImage(String name, String source, boolean required) {
  static final String DEFAULT = "eclipse-temurin:25-jdk";
  static final String LOCAL = "zloop-test/jdk25:bookworm";

  /** The choice for this JVM: its system properties and environment, and what the engine holds. */
  static ContainerImage choose(Predicate<String> engineHas) {
    return choose(
        System.getProperty("zloop.container.image"),
        System.getenv("ZLOOP_CONTAINER_IMAGE"),
        System.getenv("ZLOOP_TEST_IMAGE"),
        engineHas);
  }

  static ContainerImage choose(
      String property, String environment, String localName, Predicate<String> engineHas) {
    if (isSet(property)) {
      return new ContainerImage(property.strip(), "system property zloop.container.image", true);
    }
    if (isSet(environment)) {
      return new ContainerImage(environment.strip(), "environment variable ZLOOP_CONTAINER_IMAGE", true);
    }
    String local = isSet(localName) ? localName.strip() : LOCAL;
    if (engineHas.test(local)) {
      return new ContainerImage(local, "the local image built by tests-container/docker-image", false);
    }
    return new ContainerImage(DEFAULT, "the default image, from a registry", false);
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public String toString() {
    return name + " (" + source + ")";
  }
}
