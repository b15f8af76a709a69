module et.core {
  requires com.google.crypto.tink;
  requires org.tinylog.api;
  exports et.core;
  exports et.core.task;
  exports et.core.relay;
  exports et.core.transport;
  exports et.core.warmup to et.client, et.server;
}
