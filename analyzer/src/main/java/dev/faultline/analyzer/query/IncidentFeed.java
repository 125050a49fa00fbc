package dev.faultline.analyzer.query;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans incident states out to live subscribers (server-sent event streams). A subscriber that
 * cannot keep up loses its oldest pending states rather than slowing the topology.
 */
public final class IncidentFeed implements Consumer<byte[]> {
  private static final int QUEUE_CAPACITY = 256;

  private final CopyOnWriteArrayList<BlockingQueue<byte[]>> subscribers =
      new CopyOnWriteArrayList<>();

  /** Called by the topology with each incident state (JSON). */
  @Override
  public void accept(byte[] incident) {
    for (BlockingQueue<byte[]> queue : subscribers) {
      while (!queue.offer(incident)) {
        queue.poll();
      }
    }
  }

  BlockingQueue<byte[]> subscribe() {
    BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    subscribers.add(queue);
    return queue;
  }

  void unsubscribe(BlockingQueue<byte[]> queue) {
    subscribers.remove(queue);
  }

  int subscribers() {
    return subscribers.size();
  }
}
