#!/bin/sh
# Runs zloop's conformance suite (tests/) on the io_uring backend alone, the way surefire runs it
# in tests/: zloop's modules on the module path, the test classes patched into module zloop.tests,
# the JUnit launcher (here the console launcher) on the class path.
#
# Made by tests-container's build into target/container/, which holds everything it needs:
#   modules/     zloop's module jars, zloop.tests and the JUnit API modules
#   classpath/   jars the tests read from the class path (a Netty client)
#   launcher/    junit-platform-console-standalone.jar
#   test-classes/ the conformance tests, compiled by tests/
# IoUringContainerTest copies that folder into the container as /zloop and runs
#   sh /zloop/run-conformance.sh
# It also runs as is on any Linux host with a JDK 25 (ZLOOP_HOME=target/container), or by hand:
#   docker run --rm --network none --security-opt seccomp=src/test/resources/zloop/tests/container/seccomp-io_uring.json \
#     --sysctl net.ipv6.conf.all.disable_ipv6=0 --sysctl net.ipv6.conf.lo.disable_ipv6=0 \
#     -v "$PWD/target/container:/zloop" eclipse-temurin:25-jdk sh /zloop/run-conformance.sh
#
# Environment: ZLOOP_HOME (default /zloop), ZLOOP_TESTS_BACKENDS (default io_uring),
# ZLOOP_REPORTS (default $ZLOOP_HOME/reports), JAVA (default java), ZLOOP_TIMEOUT_MINUTES (default:
# no bound).
# Exit code: the console launcher's (0 all passed or skipped, 1 a test failed, 2 no test found),
# or timeout's (124) when the bound was hit.
set -eu

home=${ZLOOP_HOME:-/zloop}
backends=${ZLOOP_TESTS_BACKENDS:-io_uring}
reports=${ZLOOP_REPORTS:-$home/reports}
java=${JAVA:-java}

echo "zloop container run: kernel $(uname -srm), backends: $backends"
"$java" -version 2>&1

cp="$home/launcher/junit-platform-console-standalone.jar"
for jar in "$home"/classpath/*.jar; do
  [ -e "$jar" ] && cp="$cp:$jar"
done

# Bounded by ZLOOP_TIMEOUT_MINUTES (exit 124) where coreutils' timeout exists, so that a container
# whose test JVM on the host was killed stops by itself.
bounded=""
if [ -n "${ZLOOP_TIMEOUT_MINUTES:-}" ] && command -v timeout >/dev/null 2>&1; then
  bounded="timeout -k 30 ${ZLOOP_TIMEOUT_MINUTES}m"
fi

# The JVM flags after "$java" are the root pom's zloop.jvm.flags, filled in by Maven's resource
# filtering; word splitting wanted (and in $bounded).
# shellcheck disable=SC2086
exec $bounded "$java" @zloop.jvm.flags@ -Xmx1g \
  --module-path "$home/modules" \
  --add-modules ALL-MODULE-PATH \
  --patch-module "zloop.tests=$home/test-classes" \
  --add-reads zloop.tests=ALL-UNNAMED \
  --add-reads zloop.tests=zloop.examples \
  --add-opens zloop.tests/zloop.tests=ALL-UNNAMED \
  --add-opens zloop.tests/zloop.tests.net=ALL-UNNAMED \
  --add-exports org.junit.platform.commons/org.junit.platform.commons.util=ALL-UNNAMED \
  --add-exports org.junit.platform.commons/org.junit.platform.commons.logging=ALL-UNNAMED \
  "-Dzloop.tests.backends=$backends" \
  -cp "$cp" \
  org.junit.platform.console.ConsoleLauncher execute \
  --disable-banner \
  --disable-ansi-colors \
  --details=tree \
  --fail-if-no-tests \
  --select-module=zloop.tests \
  --reports-dir="$reports"
