package et.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * A private two-host network for end-to-end tests of real outages: a client and a server network
 * namespace joined by a veth pair, the server at {@value #SERVER_ADDRESS}/24 and the client at
 * {@value #CLIENT_ADDRESS}/24. Nothing is connected to the root namespace, so lab traffic never
 * leaves the lab. The faults are real kernel state: the client's link set down, every packet on
 * the server's link silently dropped (nftables), the server's connections reset, the client's
 * address changed.
 *
 * <p>Programs are placed with {@link #clientPrefix} and {@link #serverPrefix} ({@code ip netns
 * exec NS ...}); what they start stays in that namespace. Names are unique per JVM and lab ({@value
 * #PREFIX}{@code <pid>-<n>-c} and {@code -s}); {@link #close()} kills whatever still runs inside
 * and deletes both, and {@link #create()} first removes the labs of JVMs that no longer run (a
 * test killed before its cleanup).
 *
 * <p>{@link #addHostBehind()} adds hosts behind the server, each reachable only from its
 * neighbours (jump hosts and their targets).
 *
 * <p>Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2's {@code ip}; {@link #blackhole()}
 * also needs {@code nft} (nftables). Not thread-safe: one test drives one lab.
 */
public final class NetLab implements AutoCloseable {
  /** The start of every namespace name a lab creates. */
  public static final String PREFIX = "etlab-";
  public static final String SERVER_ADDRESS = "10.77.0.1";
  public static final String CLIENT_ADDRESS = "10.77.0.2";

  private static final int PREFIX_LENGTH = 24;
  private static final String CLIENT_LINK = "c0";
  private static final String SERVER_LINK = "s0";
  private static final String BLACKHOLE_TABLE = "etlab_blackhole";
  private static final String FORGERY_TABLE = "etlab_forgery";
  private static final String ONE_PORT_TABLE = "etlab_one_port";
  private static final String FORGOTTEN_TABLE = "etlab_forgotten";
  /** Where, inside the client namespace, the {@link RefusingPeer} listens. */
  private static final int FORGER_PORT = 47_001;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration KILL_GRACE = Duration.ofSeconds(3);
  private static final AtomicInteger LABS = new AtomicInteger();
  private static final List<Path> TOOL_DIRS =
      Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin").map(Path::of).toList();

  private final String ip;
  private final String client;
  private final String server;
  private final List<String> created = new ArrayList<>();
  private String clientAddress = CLIENT_ADDRESS;
  private final List<Behind> behind = new ArrayList<>();

  /**
   * A host behind the server ({@link #addHostBehind()}): its namespace, its address, and the
   * address its upstream neighbour has on their shared link. Its link can be set down and up.
   */
  public record Behind(String namespace, String address, String upstreamAddress, List<String> prefix,
      String upstreamNamespace, String upstreamLink) {}

  /** Why no lab can be made here: no {@code ip}, or creating a namespace is not permitted. */
  public static final class UnavailableException extends Exception {
    UnavailableException(String message) {
      super(message);
    }
  }

  private NetLab(String ip, String name) {
    this.ip = ip;
    this.client = name + "-c";
    this.server = name + "-s";
  }

  /**
   * Creates both namespaces, the veth pair and the addresses, after removing stale labs. Whatever
   * it created is deleted again if a later step fails.
   *
   * @throws UnavailableException when {@code ip} is missing or a namespace cannot be added (not
   *     root, or no permission in this container): tests skip then
   */
  public static NetLab create() throws UnavailableException, InterruptedException {
    String ip = tool("ip").orElseThrow(() -> new UnavailableException("no ip command (install iproute2)"));
    removeStaleLabs(ip);
    NetLab lab = new NetLab(ip, PREFIX + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet());
    CommandResult added = Commands.run(List.of(ip, "netns", "add", lab.client), COMMAND_TIMEOUT);
    if (!added.succeeded()) {
      throw new UnavailableException("ip netns add failed (needs root): " + added.stderr().strip());
    }
    lab.created.add(lab.client);
    try {
      lab.build();
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  /** True when {@code nft} is installed, which {@link #blackhole()} needs. */
  public static boolean canBlackhole() {
    return tool("nft").isPresent();
  }

  private void build() {
    run(ip, "netns", "add", server);
    created.add(server);
    for (String ns : List.of(client, server)) {
      run(ip, "-n", ns, "link", "set", "lo", "up");
    }
    // Keep the new address when the old (primary) one is removed while roaming: without this
    // setting the kernel removes the secondary addresses of a subnet along with its primary.
    run(ip, "netns", "exec", client, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/conf/all/promote_secondaries");
    // Created directly inside the namespaces, never in the root namespace.
    run(ip, "link", "add", CLIENT_LINK, "netns", client, "type", "veth", "peer", "name", SERVER_LINK, "netns", server);
    run(ip, "-n", server, "addr", "add", SERVER_ADDRESS + "/" + PREFIX_LENGTH, "dev", SERVER_LINK);
    run(ip, "-n", client, "addr", "add", CLIENT_ADDRESS + "/" + PREFIX_LENGTH, "dev", CLIENT_LINK);
    run(ip, "-n", server, "link", "set", SERVER_LINK, "up");
    run(ip, "-n", client, "link", "set", CLIENT_LINK, "up");
    Logger.info("network lab {} <-> {} up", client, server);
  }

  public String clientNamespace() {
    return client;
  }

  public String serverNamespace() {
    return server;
  }

  /** The client's address now (it changes with {@link #moveClientTo}). */
  public String clientAddress() {
    return clientAddress;
  }

  /** The words that run a command inside the client namespace: {@code ip netns exec <client>}. */
  public List<String> clientPrefix() {
    return List.of(ip, "netns", "exec", client);
  }

  /** The words that run a command inside the server namespace: {@code ip netns exec <server>}. */
  public List<String> serverPrefix() {
    return List.of(ip, "netns", "exec", server);
  }

  /**
   * Adds a host behind the last one (the server, then each one added): a namespace joined to it by
   * a veth pair on its own subnet 10.(78+n).0.0/24, the upstream side .1, the new host .2. No host
   * forwards packets, so the client can reach only the server, and each host only its neighbours:
   * jump hosts and their targets. Deleted with the lab.
   */
  public Behind addHostBehind() {
    int n = behind.size();
    String namespace = client.substring(0, client.length() - 2) + "-h" + n;
    String upstream = n == 0 ? server : behind.get(n - 1).namespace();
    String subnet = "10." + (78 + n) + ".0.";
    String upLink = "u" + n;
    String downLink = "d" + n;
    run(ip, "netns", "add", namespace);
    created.add(namespace);
    run(ip, "-n", namespace, "link", "set", "lo", "up");
    run(ip, "link", "add", upLink, "netns", upstream, "type", "veth", "peer", "name", downLink, "netns", namespace);
    run(ip, "-n", upstream, "addr", "add", subnet + "1/" + PREFIX_LENGTH, "dev", upLink);
    run(ip, "-n", namespace, "addr", "add", subnet + "2/" + PREFIX_LENGTH, "dev", downLink);
    run(ip, "-n", upstream, "link", "set", upLink, "up");
    run(ip, "-n", namespace, "link", "set", downLink, "up");
    Behind added = new Behind(namespace, subnet + "2", subnet + "1", List.of(ip, "netns", "exec", namespace), upstream, upLink);
    behind.add(added);
    return added;
  }

  /** Sets the link between {@code host} and its upstream neighbour down or up (on the upstream side). */
  public void setLinkUp(Behind host, boolean up) {
    run(ip, "-n", host.upstreamNamespace(), "link", "set", host.upstreamLink(), up ? "up" : "down");
  }

  /**
   * Resets the established TCP connections to {@code localPort} in {@code namespace} (one of this
   * lab's), as {@link #resetServerConnections} does in the server's; returns how many.
   */
  public int resetConnections(String namespace, int localPort) {
    CommandResult killed = run(ip, "netns", "exec", namespace, "ss", "-HKtn", "state", "established",
        "( sport = :" + localPort + " )");
    return (int) killed.stdout().lines().filter(line -> !line.isBlank()).count();
  }

  /** Sets the client's link down: its routes to the server go, the server's side loses its carrier. */
  public void clientLinkDown() {
    run(ip, "-n", client, "link", "set", CLIENT_LINK, "down");
  }

  /** Sets the client's link up again (its address and the subnet route come back with it). */
  public void clientLinkUp() {
    run(ip, "-n", client, "link", "set", CLIENT_LINK, "up");
  }

  /**
   * Drops every IP packet in and out of the server's link, silently: no reset, no ICMP, links stay
   * up (ARP still works), so both ends see only silence and new connections time out.
   */
  public void blackhole() {
    String rules = """
        table inet %1$s {
          chain in { type filter hook input priority 0; policy accept; iifname "%2$s" drop; }
          chain out { type filter hook output priority 0; policy accept; oifname "%2$s" drop; }
        }
        """.formatted(BLACKHOLE_TABLE, SERVER_LINK);
    loadRules(server, rules);
  }

  /** Lets packets through again after {@link #blackhole()}. */
  public void endBlackhole() {
    run(ip, "netns", "exec", server, nft(), "delete", "table", "inet", BLACKHOLE_TABLE);
  }

  /**
   * A slow uplink: limits what the client sends to {@code rate}, queueing at most {@code queue}'s
   * worth of it (tc's token bucket filter on its link; both in tc's units).
   */
  public void slowClientUplink(String rate, String queue) {
    String tc = tool("tc").orElseThrow(() -> new IllegalStateException("no tc command (install iproute2)"));
    run(tc, "-n", client, "qdisc", "replace", "dev", CLIENT_LINK, "root",
        "tbf", "rate", rate, "burst", "32kb", "latency", queue);
  }

  /**
   * Drops, silently and for good, every packet of the TCP connections to {@code serverPort} that
   * are established now, as a NAT that forgot them would; new connections pass. Returns how many.
   */
  public int forgetConnections(int serverPort) {
    List<String> peerPorts = new ArrayList<>();
    for (String peer : connectionPeerAddresses(server, serverPort)) {
      peerPorts.add(peer.substring(peer.lastIndexOf(':') + 1));
    }
    if (peerPorts.isEmpty()) {
      return 0;
    }
    String ports = String.join(", ", peerPorts);
    String rules = """
        table inet %1$s {
          chain in { type filter hook input priority 0; policy accept; iifname "%2$s" tcp dport %3$d tcp sport { %4$s } drop; }
          chain out { type filter hook output priority 0; policy accept; oifname "%2$s" tcp sport %3$d tcp dport { %4$s } drop; }
        }
        """.formatted(FORGOTTEN_TABLE, SERVER_LINK, serverPort, ports);
    loadRules(server, rules);
    return peerPorts.size();
  }

  /**
   * Drops every packet that reaches the server through its link except those of TCP connections
   * to {@code port} (a firewall where only ssh's port is open); for the rest of the lab's life.
   */
  public void openOnly(int port) {
    String rules = """
        table inet %1$s {
          chain in { type filter hook input priority 0; policy accept; iifname "%2$s" tcp dport %3$d accept; iifname "%2$s" ct state established,related accept; iifname "%2$s" drop; }
        }
        """.formatted(ONE_PORT_TABLE, SERVER_LINK, port);
    loadRules(server, rules);
  }

  /**
   * From now on, every new connection from the client namespace to the server's {@code
   * serverPort} reaches a {@link RefusingPeer} instead (an nftables redirect in the client
   * namespace, as a box on the path would do); connections already open are left alone. Undone
   * by closing the returned program, which counts its answers as "refused".
   */
  public LabProgram forgeRefusals(int serverPort) throws IOException, InterruptedException {
    LabProgram forger = LabProgram.start(clientPrefix(), RefusingPeer.class, Integer.toString(FORGER_PORT));
    try {
      String rules = """
          table ip %1$s {
            chain out { type nat hook output priority -100; policy accept; ip daddr %2$s tcp dport %3$d redirect to :%4$d; }
          }
          """.formatted(FORGERY_TABLE, SERVER_ADDRESS, serverPort, FORGER_PORT);
      loadRules(client, rules);
      forger.onClose(() -> run(ip, "netns", "exec", client, nft(), "delete", "table", "ip", FORGERY_TABLE));
      return forger;
    } catch (RuntimeException | Error e) {
      forger.close();
      throw e;
    }
  }

  /**
   * Holds {@code count} idle connections from the client namespace to the server's {@code
   * serverPort}, each opened again as soon as the server closes it ({@link IdleFlood}), until the
   * returned program is closed; it counts the renewals as "renewed".
   */
  public LabProgram floodIdle(int serverPort, int count) throws IOException, InterruptedException {
    return LabProgram.start(clientPrefix(), IdleFlood.class, SERVER_ADDRESS, Integer.toString(serverPort),
        Integer.toString(count));
  }

  /**
   * Makes {@code count} connections from the client namespace to the server's {@code serverPort},
   * each sending garbage ({@link GarbageConnections}); the returned program prints "done" when all
   * have been answered.
   */
  public LabProgram sendGarbage(int serverPort, int count) throws IOException, InterruptedException {
    return LabProgram.start(clientPrefix(), GarbageConnections.class, SERVER_ADDRESS, Integer.toString(serverPort),
        Integer.toString(count));
  }

  /** Loads an nftables ruleset ({@code nft -f -}) into {@code namespace}, one of this lab's. */
  private void loadRules(String namespace, String rules) {
    List<String> load = List.of(ip, "netns", "exec", namespace, nft(), "-f", "-");
    check(Commands.run(load, rules.getBytes(StandardCharsets.UTF_8), COMMAND_TIMEOUT), load);
  }

  private static String nft() {
    return tool("nft").orElseThrow(() -> new IllegalStateException("no nft command (install nftables)"));
  }

  /**
   * Resets the established TCP connections to {@code localPort} in the server namespace ({@code ss
   * -K}: the kernel aborts each and sends the peer a reset), as a middlebox or a restarted NAT
   * would; returns how many it reset.
   */
  public int resetServerConnections(int localPort) {
    return resetConnections(server, localPort);
  }

  /**
   * Roams the client to {@code address} (same subnet): adds it, then removes the old one, so
   * connections from the old address can no longer get a packet through.
   */
  public void moveClientTo(String address) {
    run(ip, "-n", client, "addr", "add", address + "/" + PREFIX_LENGTH, "dev", CLIENT_LINK);
    run(ip, "-n", client, "addr", "del", clientAddress + "/" + PREFIX_LENGTH, "dev", CLIENT_LINK);
    clientAddress = address;
  }

  /**
   * The peer addresses of the established TCP connections to {@code localPort} in the server
   * namespace (IPv4 ones as plain dotted quads).
   */
  public List<String> serverConnectionPeers(int localPort) {
    return connectionPeers(server, localPort);
  }

  /** As {@link #serverConnectionPeers}, in {@code namespace} (one of this lab's). */
  public List<String> connectionPeers(String namespace, int localPort) {
    return connectionPeerAddresses(namespace, localPort).stream().map(NetLab::ipv4Host).toList();
  }

  /** The peers ("host:port", as ss prints them) of the established TCP connections to {@code localPort}. */
  private List<String> connectionPeerAddresses(String namespace, int localPort) {
    CommandResult ss = run(ip, "netns", "exec", namespace, "ss", "-Htn", "state", "established");
    List<String> peers = new ArrayList<>();
    for (String line : ss.stdout().lines().toList()) {
      // Recv-Q Send-Q Local:Port Peer:Port (the state column is left out when filtering by state)
      String[] fields = line.strip().split("\\s+");
      if (fields.length >= 4 && fields[2].endsWith(":" + localPort)) {
        peers.add(fields[3]);
      }
    }
    return peers;
  }

  /** "10.77.0.3:5000" or, from a Java dual-stack socket, "[::ffff:10.77.0.3]:5000": the host, 10.77.0.3. */
  private static String ipv4Host(String addressAndPort) {
    String host = addressAndPort.substring(0, addressAndPort.lastIndexOf(':'));
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.startsWith("::ffff:") ? host.substring("::ffff:".length()) : host;
  }

  /** Kills what still runs in the lab's namespaces and deletes them; logs what it could not. */
  @Override
  public void close() throws InterruptedException {
    for (String ns : List.copyOf(created).reversed()) {
      delete(ip, ns);
      created.remove(ns);
    }
  }

  /** Deletes the labs whose JVM no longer runs (left by a test that was killed before its cleanup). */
  private static void removeStaleLabs(String ip) throws InterruptedException {
    CommandResult list = Commands.run(List.of(ip, "netns", "list"), COMMAND_TIMEOUT);
    for (String line : list.stdout().lines().toList()) {
      String name = line.strip().split("\\s+")[0];
      if (name.startsWith(PREFIX) && !ownerRuns(name)) {
        Logger.info("removing the stale network namespace {}", name);
        delete(ip, name);
      }
    }
  }

  private static boolean ownerRuns(String name) {
    String[] parts = name.substring(PREFIX.length()).split("-");
    try {
      return ProcessHandle.of(Long.parseLong(parts[0])).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true; // not named by us: leave it alone
    }
  }

  /** Ends every process in {@code namespace} (by its pid: SIGTERM, then SIGKILL), then deletes it. */
  private static void delete(String ip, String namespace) throws InterruptedException {
    CommandResult pids = Commands.run(List.of(ip, "netns", "pids", namespace), COMMAND_TIMEOUT);
    List<ProcessHandle> inside = pids.stdout().lines()
        .map(String::strip)
        .filter(pid -> pid.matches("\\d+"))
        .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)).stream())
        .toList();
    if (!inside.isEmpty()) {
      Logger.info("ending {} processes left in {}", inside.size(), namespace);
      inside.forEach(ProcessHandle::destroy);
      if (!Poll.until(KILL_GRACE, () -> inside.stream().allMatch(Processes::isGone))) {
        inside.forEach(ProcessHandle::destroyForcibly);
        Poll.until(KILL_GRACE, () -> inside.stream().allMatch(Processes::isGone));
      }
    }
    CommandResult deleted = Commands.run(List.of(ip, "netns", "del", namespace), COMMAND_TIMEOUT);
    if (!deleted.succeeded()) {
      Logger.warn("could not delete network namespace {}: {}", namespace, deleted.stderr().strip());
    }
  }

  private static CommandResult run(String... command) {
    return check(Commands.run(List.of(command), COMMAND_TIMEOUT), List.of(command));
  }

  private static CommandResult check(CommandResult result, List<String> command) {
    if (!result.succeeded()) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + result);
    }
    return result;
  }

  private static Optional<String> tool(String name) {
    return TOOL_DIRS.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).map(Path::toString).findFirst();
  }
}
