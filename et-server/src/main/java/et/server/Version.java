package et.server;

import java.lang.module.ModuleDescriptor;

/**
 * This build's version: the version of module et.server, which the build records in its
 * module-info.class. On the class path (tests) there is no module, so no version.
 */
final class Version {
  private Version() {}

  static String text() {
    ModuleDescriptor descriptor = Version.class.getModule().getDescriptor();
    return descriptor == null ? "(development build)" : descriptor.rawVersion().orElse("(development build)");
  }
}
