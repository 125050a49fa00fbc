package dev.faultline.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmarks' state directories: their size while a stage runs, and their removal after. */
final class BenchFiles {
  private BenchFiles() {}

  /** Bytes of the regular files under {@code dir}, 0 when it does not exist. */
  static long size(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // deleted meanwhile (a RocksDB compaction)
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return size(dir); // a directory vanished while walking: look again
    }
  }

  /** Removes {@code dir} and everything under it. */
  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
