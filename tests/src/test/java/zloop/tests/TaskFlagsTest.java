package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks need one --add-opens; without it, creating one says exactly which flag to add. */
@Timeout(120)
class TaskFlagsTest {

  @Test
  void withoutTheAddOpensFlagCreatingATaskNamesTheFlag() throws Exception {
    ForkedJvm.Result r = ForkedJvm.run(List.of(), "zloop.tests.TaskProbe");
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("--add-opens java.base/java.lang=zloop.engine"), r.output());
  }

  @Test
  void withTheFlagATaskRuns() throws Exception {
    ForkedJvm.Result r =
        ForkedJvm.run(List.of("--add-opens", "java.base/java.lang=zloop.engine"), "zloop.tests.TaskProbe");
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("task created"), r.output());
  }
}
