package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The placeholder behind {@link Main#main} until the session is wired: it must say so and fail. */
class NotImplementedRunnerTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(args, new PrintWriter(out), new PrintWriter(err), new NotImplementedRunner());
    return new String[] {String.valueOf(status), out.toString(), err.toString()};
  }

  @Test
  void saysNotImplementedAndExitsOne() {
    String[] r = run("alice@myhost");
    assertEquals("1", r[0]);
    assertEquals("", r[1]);
    assertEquals("et: not implemented yet: connecting to myhost is the next step", r[2].strip());
  }

  @Test
  void verboseShowsTheSshCommandLine() {
    String[] r = run("-v", "--ssh", "ssh -J bastion", "alice@myhost");
    assertEquals("1", r[0]);
    assertEquals("et: would run: ssh -J bastion -T -l alice myhost -- etterminal",
        r[2].lines().findFirst().orElseThrow());
  }

  @Test
  void aUsageErrorStillWinsOverTheStub() {
    assertEquals("2", run("-p", "0", "myhost")[0]);
  }
}
