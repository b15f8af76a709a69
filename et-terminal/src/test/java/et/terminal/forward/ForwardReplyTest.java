package et.terminal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import org.junit.jupiter.api.Test;

/** {@link ForwardReply#read} tells what is wrong with a broken answer (ForwardCodecFuzzTest found the case). */
class ForwardReplyTest {

  @Test
  void aRefusalCutInsideItsLengthSaysSo() {
    EOFException cut =
        assertThrows(EOFException.class, () -> ForwardReply.read(new ByteArrayInputStream(new byte[] {1, 8})));
    assertEquals("refusal cut short", cut.getMessage());
  }
}
