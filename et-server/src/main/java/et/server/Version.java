package et.server;

/** This build's version, from the jar's manifest (Implementation-Version). */
final class Version {
  private Version() {}

  static String text() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version != null ? version : "(development build)";
  }
}
