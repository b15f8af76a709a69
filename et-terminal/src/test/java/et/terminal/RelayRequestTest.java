package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.SessionCredentials;
import org.junit.jupiter.api.Test;

/** {@code ET1 RELAY} and its answer {@code ET1 GRANT} (docs/TERMINAL.md). */
class RelayRequestTest {

  @Test
  void aRequestAndItsGrantGoThroughTheirLines() throws BootstrapException {
    RelayRequest request = RelayRequest.create("db.internal");
    assertEquals(request, HostRequest.parse(request.toLine()));
    SessionCredentials credentials = SessionCredentials.generate();
    BootstrapReply.Grant grant = new BootstrapReply.Grant(request.nonce(), credentials, 2022);
    BootstrapReply.Grant parsed = assertInstanceOf(BootstrapReply.Grant.class, BootstrapReply.parse(grant.toLine()));
    assertEquals(credentials.id(), parsed.credentials().id());
    assertEquals(credentials.encodedSecret(), parsed.credentials().encodedSecret());
    assertEquals(2022, parsed.port());
    assertTrue(!grant.toString().contains(credentials.encodedSecret()), "toString shows the secret");
  }

  @Test
  void aHostWithABlankOrControlCharacterOrTooLongIsRefused() {
    for (String bad : new String[] {"", "a b", "a\nb", "x".repeat(RelayRequest.MAX_HOST_BYTES + 1)}) {
      assertThrows(IllegalArgumentException.class, () -> RelayRequest.create(bad), bad);
    }
    String line = RelayRequest.create("db").toLine().replace("to=db", "to=a%0Ab");
    BootstrapException e = assertThrows(BootstrapException.class, () -> HostRequest.parse(line));
    assertTrue(e.getMessage().startsWith("to must be a host name"), e.getMessage());
  }
}
