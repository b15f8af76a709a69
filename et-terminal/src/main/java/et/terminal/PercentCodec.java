package et.terminal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding of UTF-8 text, as the values of bootstrap lines use it: the unreserved
 * characters {@code A-Z a-z 0-9 - . _ ~} stay, every other byte becomes {@code %XX} (upper-case hex).
 * An encoded value therefore never contains a space, {@code =} or a line break. Decoding is strict:
 * only unreserved characters and complete {@code %XX} escapes, and the bytes must be valid UTF-8.
 */
final class PercentCodec {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentCodec() {}

  /** The encoded form of {@code text}; IllegalArgumentException if it has an unpaired surrogate. */
  static String encode(String text) {
    byte[] utf8 = utf8(text);
    StringBuilder encoded = new StringBuilder(utf8.length);
    for (byte b : utf8) {
      int unsigned = b & 0xff;
      if (isUnreserved(unsigned)) {
        encoded.append((char) unsigned);
      } else {
        encoded.append('%').append(HEX[unsigned >>> 4]).append(HEX[unsigned & 0xf]);
      }
    }
    return encoded.toString();
  }

  /** The text {@code encoded} stands for; {@code field} names it in the error message. */
  static String decode(String encoded, String field) throws BootstrapException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length() || !isAsciiHex(encoded.charAt(i + 1)) || !isAsciiHex(encoded.charAt(i + 2))) {
          throw new BootstrapException(
              field + " has a malformed percent escape at index " + i + ": " + Shown.value(encoded));
        }
        bytes.write(Character.digit(encoded.charAt(i + 1), 16) << 4 | Character.digit(encoded.charAt(i + 2), 16));
        i += 2;
      } else if (c < 0x80 && isUnreserved(c)) {
        bytes.write(c);
      } else {
        throw new BootstrapException(
            field + " has a character that must be percent-encoded at index " + i + ": " + Shown.value(encoded));
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BootstrapException(field + " is not valid UTF-8 once decoded: " + Shown.value(encoded), e);
    }
  }

  /** Whether {@code text} is well-formed UTF-16 (no unpaired surrogate), so it has a UTF-8 form. */
  static boolean isWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] utf8(String text) {
    try {
      ByteBuffer buffer =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("text has an unpaired surrogate: " + Shown.value(text), e);
    }
  }

  // Not Character.digit alone: it also accepts non-ASCII digits (e.g. fullwidth).
  private static boolean isAsciiHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }
}
