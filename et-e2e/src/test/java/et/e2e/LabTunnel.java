package et.e2e;

import et.testkit.NetLab;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * One forwarded connection of {@code et -N -t} running in a {@link NetLab}'s client namespace, to
 * the host in its server namespace, between two unix sockets of the test (filesystem objects,
 * reachable from every namespace), so the tunnel's bytes cross the lab's link and nothing else:
 * {@code near} is the test's connection to et's listener, {@code far} the one the host's side made
 * to the test's target. {@link #close()} closes both and kills et if it still runs.
 */
record LabTunnel(EtProcess et, SocketChannel near, SocketChannel far) implements AutoCloseable {
  /** Starts et with the tunnel {@code directory/local.sock:directory/target.sock} and connects through it. */
  static LabTunnel open(Path directory, NetLab lab, RemoteHost host, Duration deadline) throws Exception {
    Path targetPath = directory.resolve("target.sock");
    Path localPath = directory.resolve("local.sock");
    try (ServerSocketChannel target = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      target.bind(UnixDomainSocketAddress.of(targetPath));
      FutureTask<SocketChannel> far = new FutureTask<>(target::accept);
      Thread.ofVirtual().start(far); // the listener's close ends it, whatever fails
      List<String> command = new ArrayList<>(lab.clientPrefix());
      command.addAll(host.etCommandToAlias("-N", "-t", localPath + ":" + targetPath));
      EtProcess et = EtProcess.start(command);
      try {
        SocketChannel near = et.connectWhenListening(localPath, deadline);
        try {
          return new LabTunnel(et, near, far.get(deadline.toSeconds(), TimeUnit.SECONDS));
        } catch (Exception e) {
          near.close();
          throw e;
        }
      } catch (Exception | AssertionError e) {
        et.close();
        throw e;
      }
    }
  }

  @Override
  public void close() throws IOException {
    try (et; near; far) {
      // closed in reverse order: the target's side, the test's side, then et
    }
  }
}
