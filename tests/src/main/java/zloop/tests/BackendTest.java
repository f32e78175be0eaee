package zloop.tests;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test run once per backend, named after it in reports ("fifo order [epoll]"). The method takes
 * the backend's name and opens its loop with {@link Backends#open}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]", quoteTextArguments = false)
@MethodSource("zloop.tests.Backends#all")
public @interface BackendTest {}
