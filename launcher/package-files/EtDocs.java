import et.client.cli.EtCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the package's man page sources (asciidoc, picocli-codegen's ManPageGenerator) and et's
 * bash completion (picocli's AutoComplete) into directory args[0]; args[1] is the version. Run by
 * launcher/package on et-client's jars. et's page and completion come from its picocli command;
 * etterminal and et-host parse their few arguments by hand (their USAGE texts), so their pages
 * come from picocli models written here with the same options.
 */
class EtDocs {
  public static void main(String[] args) throws IOException {
    Path out = Files.createDirectories(Path.of(args[0]));
    String version = args[1];
    // Never run: the command line is only read for its options.
    CommandLine et = new CommandLine(new EtCommand((options, stdout, stderr) -> {
      throw new IllegalStateException("EtDocs runs no session");
    }));
    et.getCommandSpec().version("et " + version);
    writeManPage(out, et.getCommandSpec());
    writeManPage(out, new CommandLine(etterminal(version)).getCommandSpec());
    writeManPage(out, new CommandLine(etHost(version)).getCommandSpec());
    Files.writeString(out.resolve("et.bash"), AutoComplete.bash("et", et));
  }

  private static void writeManPage(Path out, CommandSpec spec) throws IOException {
    try (PrintWriter page = new PrintWriter(Files.newBufferedWriter(out.resolve(spec.name() + ".adoc")))) {
      ManPageGenerator.writeSingleManPage(page, spec);
    }
  }

  private static CommandSpec etterminal(String version) {
    return page("etterminal", version, "etterminal [--help | --version]",
        "what the et client runs over ssh on the server",
        "etterminal reads one ET1 REQUEST, LIST or KILL "
            + "line on stdin (never from its arguments, which every user sees in ps), hands it to "
            + "the user's session host over a unix socket in $XDG_RUNTIME_DIR/et (or ~/.et/run), "
            + "starting et-host detached when none answers (on a first contact, when no socket is "
            + "there yet, et-host --first-contact answers in its place and exits again unless it is "
            + "asked for a session), and prints the host's one answer line on stdout. Exit status 0 with an "
            + "answer, 1 with an ET1 ERROR line or a message on stderr.",
        "~/.et/log/etterminal.log  what etterminal did (0600; moved to etterminal.log.1 above 1 MiB)",
        "~/.config/et/server.conf  the session host's settings: see et-host(1)",
        "",
        "See also: et(1), et-host(1).");
  }

  private static CommandSpec etHost(String version) {
    CommandSpec spec = page("et-host", version,
        "et-host [--idle-exit SECONDS] [--port PORT] [--first-contact] [-v] [--logtostdout]",
        "the user's et session host",
        "et-host runs this user's et session host: one long-lived process per user that owns the user's "
            + "et sessions and their shells (in PTYs) and forwarded connections. etterminal starts "
            + "it, detached, when none answers; it exits by itself after a while without a "
            + "session. SIGTERM ends every session and removes its socket.",
        "~/.config/et/server.conf",
        "    The host's settings, one key=value per line (# starts a comment); an unknown key or "
            + "bad value stops the host with the line:",
        "    port=PORT  the TCP port for clients (default 2022; if taken, the next free one "
            + "upward). bind=ADDRESS  listen on this IP literal only (default: all addresses).",
        "    permit-open=any|none|ENTRY...  where forwarded connections (et -t, -L, -D) may go "
            + "(default any). gateway-ports=no|yes  whether reverse tunnels (et -r, -R) may listen "
            + "on addresses other than loopback (default no).",
        "    accept-env=NAME|PREFIX*...  the client's environment variables a session's program "
            + "receives, besides TERM and COLORTERM.",
        "$XDG_RUNTIME_DIR/et/ (or ~/.et/run/)",
        "    host.sock, the unix socket etterminal talks to (0600, in a 0700 directory), and "
            + "host.lock, which holds the host's pid.",
        "~/.et/log/host.log",
        "    The host's log (at most 3 files of 4 MiB); ~/.et/log/host.out holds what a host "
            + "started by etterminal printed.",
        "",
        "See also: et(1), etterminal(1).");
    spec.addOption(OptionSpec.builder("--idle-exit").paramLabel("SECONDS").type(int.class)
        .description("Exit after SECONDS without a session (default 600).").build());
    spec.addOption(OptionSpec.builder("--port").paramLabel("PORT").type(int.class)
        .description("Listen on PORT, overriding port= of server.conf (0: any free port).").build());
    spec.addOption(OptionSpec.builder("--first-contact")
        .description("Answer the request on standard input as etterminal would, then exit unless a "
            + "session or a relay was asked for (etterminal's launcher runs the host so in its own "
            + "place when no host runs yet).").build());
    spec.addOption(OptionSpec.builder("-v", "--verbose").description("Log at debug level.").build());
    spec.addOption(OptionSpec.builder("--logtostdout")
        .description("Log to stdout instead of ~/.et/log/host.log (to run a host in the foreground).").build());
    return spec;
  }

  /** A command's page: a one-line summary (its NAME), the description, and a FILES section. */
  private static CommandSpec page(
      String name, String version, String synopsis, String summary, String description, String... files) {
    CommandSpec spec = CommandSpec.create().name(name).version(name + " " + version);
    spec.usageMessage().customSynopsis(synopsis).description(summary, "", description)
        .footerHeading("Files%n").footer(files);
    spec.addOption(OptionSpec.builder("--help").description("Show the usage and exit.").build());
    spec.addOption(OptionSpec.builder("--version").description("Print the version and exit.").build());
    return spec;
  }
}
