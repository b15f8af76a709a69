package et.core.resume;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** How a client notices that its own address went away (it roamed): {@link LiveConnection#stillAssigned}. */
class LocalAddressWatchTest {
  @Test
  void addressesOfThisMachineAreAssignedAndOthersAreNot() throws Exception {
    assertTrue(LiveConnection.stillAssigned(InetAddress.getLoopbackAddress()));
    assertTrue(LiveConnection.stillAssigned(InetAddress.getByName("0.0.0.0")), "unbound: nothing to lose");
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        assertTrue(LiveConnection.stillAssigned(address), address + " on " + nic.getName());
      }
    }
    // TEST-NET-1 and -3 (RFC 5737): documentation only, on no machine's interfaces.
    assertFalse(LiveConnection.stillAssigned(InetAddress.getByName("192.0.2.1")));
    assertFalse(LiveConnection.stillAssigned(InetAddress.getByName("203.0.113.77")));
  }
}
