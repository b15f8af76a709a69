package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The agent's warm-up request runs the whole way to ssh's answer, which its stand-in ssh gives. */
class ClientWarmupTest {
  @Test
  void theFirstRequestGetsTheStandInSshsRefusal() {
    assertEquals("et: et-warm-up refused: warm-up", ClientWarmup.firstRequest().strip());
  }
}
