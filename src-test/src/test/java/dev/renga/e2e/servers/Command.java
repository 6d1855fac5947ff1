package dev.renga.e2e.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command of a test's server to completion, bounded in time, its output kept for the failure message. */
final class Command {
  private Command() {}

  /** Runs {@code command} in {@code dir}; fails with its output if it exits non-zero or outlives {@code seconds}. */
  static String run(Path dir, int seconds, List<String> command) {
    return runWithEnv(dir, seconds, command, null, null);
  }

  /** As {@link #run}, with one more environment variable (e.g. a password) when {@code name} is not null. */
  static String runWithEnv(Path dir, int seconds, List<String> command, String name, String value) {
    try {
      Path output = Files.createTempFile("renga-command", ".log");
      try {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (name != null) {
          builder.environment().put(name, value);
        }
        Process process =
            builder
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " did not finish within " + seconds + " s:\n"
              + Files.readString(output));
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + text);
        }
        return text;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code command} as the {@code postgres} user when this JVM runs as root (PostgreSQL refuses to run as root). */
  static List<String> asPostgres(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
