module et.core {
  requires com.google.crypto.tink;
  requires org.tinylog.api;
  exports et.core;
}
