package dev.faultline.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds what a command started and closes it in reverse order on Ctrl-C (or when the command
 * returns), letting the shutdown hook wait until everything is closed.
 */
final class Lifecycle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook;

  Lifecycle() {
    hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              try {
                closed.await(45, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "faultline-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Registers {@code resource} to be closed before the ones registered earlier. */
  <T extends AutoCloseable> T add(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Blocks until Ctrl-C (SIGINT/SIGTERM). */
  void awaitStop() throws InterruptedException {
    stopRequested.await();
  }

  /** Asks {@link #awaitStop()} to return, as Ctrl-C does. */
  void requestStop() {
    stopRequested.countDown();
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", resource.getClass().getSimpleName(), e);
      }
    }
    closed.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running and waits for us.
    }
  }
}
