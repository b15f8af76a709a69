package et.core.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bulk frame carries what the path delivers in 5 ms, within 4 and 64 KiB; all 64 KiB when the rate is unknown. */
class DataFrameSizeTest {
  @ParameterizedTest
  @CsvSource({
    "-1, 65536", // unknown: loopback, no native access
    "0, 4096",
    "250000, 4096", // 2 Mbit/s
    "2500000, 12500", // 20 Mbit/s
    "6250000, 31250", // 50 Mbit/s
    "125000000, 65536" // 1 Gbit/s
  })
  void followsThePathsRate(long bytesPerSecond, int dataBytes) {
    assertEquals(dataBytes, ResumableStream.dataFrameBytesFor(bytesPerSecond));
  }
}
