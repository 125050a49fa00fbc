package dev.faultline.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap in use right after a garbage collection while a stage runs: what the stage keeps
 * live (state, caches, buffers), as opposed to the garbage it makes between collections. Read from
 * the collectors' notifications, so every collection counts, not only those a poll would see.
 */
final class HeapMeter implements AutoCloseable {
  private final AtomicLong maxAfterGc = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener =
      (notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
            notification.getType())) {
          return;
        }
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
          used += usage.getUsed();
        }
        // Non-heap pools (metaspace, code cache) are in the map too; count heap pools only.
        used -= nonHeap(info);
        maxAfterGc.accumulateAndGet(used, Math::max);
        collections.incrementAndGet();
      };

  HeapMeter() {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  /** Most heap used after a collection so far, in MiB; 0 when nothing was collected. */
  double maxUsedAfterGcMiB() {
    return maxAfterGc.get() / (1024.0 * 1024.0);
  }

  long collections() {
    return collections.get();
  }

  private static long nonHeap(GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.NON_HEAP) {
        MemoryUsage usage = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
        if (usage != null) {
          used += usage.getUsed();
        }
      }
    }
    return used;
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already removed
      }
    }
  }
}
