package dev.faultline.ingest.kafka;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics and waits until every partition can take writes.
 *
 * <p>A producer can lose its first batch to a brand-new topic whose partitions have no leader yet
 * (seen on 1-2 % of fresh topics here), so creation is not done until {@code listOffsets} answers
 * for every partition.
 */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private final Admin admin;

  public TopicAdmin(Admin admin) {
    this.admin = requireNonNull(admin, "admin");
  }

  /** A topic to ensure: name, partitions, replication (-1 for the broker default), configs. */
  public record Spec(String name, int partitions, short replication, Map<String, String> configs) {
    public Spec {
      requireNonNull(name, "name");
      configs = Map.copyOf(configs);
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be at least 1 for " + name);
      }
    }

    public Spec(String name, int partitions, short replication) {
      this(name, partitions, replication, Map.of());
    }

    NewTopic toNewTopic() {
      NewTopic topic =
          new NewTopic(
              name,
              Optional.of(partitions),
              replication < 0 ? Optional.empty() : Optional.of(replication));
      return topic.configs(configs);
    }
  }

  /**
   * Creates the topics that do not exist (existing ones are left as they are, with a warning when
   * their partition count differs) and waits until all of them take writes.
   *
   * @return the partition count of each topic
   */
  public Map<String, Integer> ensure(List<Spec> specs, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<NewTopic> create = new ArrayList<>();
    for (Spec spec : specs) {
      create.add(spec.toNewTopic());
    }
    try {
      var results = admin.createTopics(create).values();
      for (Spec spec : specs) {
        try {
          results.get(spec.name()).get(remainingMs(deadline), TimeUnit.MILLISECONDS);
          LOG.info("created topic {} with {} partitions", spec.name(), spec.partitions());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + spec.name() + ": " + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
    } catch (TimeoutException e) {
      throw timeout("creating topics", timeout, e);
    }
    Map<String, Integer> partitions = new HashMap<>();
    for (Spec spec : specs) {
      int count = awaitWritable(spec.name(), deadline, timeout);
      if (count != spec.partitions()) {
        LOG.warn(
            "topic {} exists with {} partitions, not the configured {}; using it as it is",
            spec.name(),
            count,
            spec.partitions());
      }
      partitions.put(spec.name(), count);
    }
    return partitions;
  }

  /** The partition count of an existing topic, or empty when it does not exist. */
  public Optional<Integer> partitionCount(String topic, Duration timeout)
      throws InterruptedException, TimeoutException {
    try {
      TopicDescription description =
          admin
              .describeTopics(Set.of(topic))
              .topicNameValues()
              .get(topic)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.of(description.partitions().size());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw new IllegalStateException(
          "cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private int awaitWritable(String topic, long deadline, Duration timeout)
      throws InterruptedException, TimeoutException {
    while (true) {
      try {
        TopicDescription description =
            admin
                .describeTopics(Set.of(topic))
                .topicNameValues()
                .get(topic)
                .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        description
            .partitions()
            .forEach(p -> query.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        admin.listOffsets(query).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        return description.partitions().size();
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw timeout("waiting for " + topic + " to take writes", timeout, e.getCause());
        }
        Thread.sleep(50);
      } catch (TimeoutException e) {
        throw timeout("waiting for " + topic + " to take writes", timeout, e);
      }
    }
  }

  private static long remainingMs(long deadline) throws TimeoutException {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remaining <= 0) {
      throw new TimeoutException("deadline passed");
    }
    return remaining;
  }

  private static TimeoutException timeout(String what, Duration timeout, Throwable cause) {
    TimeoutException e = new TimeoutException(what + " took longer than " + timeout);
    e.initCause(cause);
    return e;
  }
}
