package io.linktally.topology;

import io.linktally.events.ClickDeserializer;
import io.linktally.events.ClickEnricher;
import io.linktally.events.Countries;
import io.linktally.events.LinkCreatedDeserializer;
import io.linktally.events.Topics;
import io.linktally.events.UserAgents;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.common.utils.Bytes;

/**
 * links.created and links.clicked → validate and canonicalise → one repartition by canonical URL →
 * dedup and count. One repartition only: dedup keys include the URL, so they need no partitioning
 * of their own, and a URL's shares and clicks meet in one task and one store entry.
 */
public final class LinkTopology {
    /** Keys of the counts store; lookups beneath its cache encode keys with it too. */
    static final Serde<String> COUNTS_KEY_SERDE = Serdes.String();

    private LinkTopology() {
    }

    public static Topology build(Duration dedupRetention) {
        return build(dedupRetention, new ActiveCountStores());
    }

    /** As {@link #build(Duration)}, with the running count stores kept in {@code activeStores} for lookups. */
    public static Topology build(Duration dedupRetention, ActiveCountStores activeStores) {
        return build(dedupRetention, BucketSettings.DEFAULT, new ClickEnricher(new UserAgents(), Countries.none()), activeStores);
    }

    public static Topology build(Duration dedupRetention, BucketSettings buckets, ClickEnricher enricher, ActiveCountStores activeStores) {
        if (dedupRetention.toMillis() < 2) {
            throw new IllegalArgumentException("dedup retention must be at least 2 ms, got " + dedupRetention);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(dedupStore(dedupRetention));
        builder.addStateStore(countsStore());
        builder.addStateStore(bucketStore(TopologyNames.HOURLY_SERIES_STORE, buckets.hourlyRetention(), BucketSettings.HOUR));
        builder.addStateStore(bucketStore(TopologyNames.DAILY_SERIES_STORE, buckets.dailyRetention(), BucketSettings.DAY));
        builder.addStateStore(bucketStore(TopologyNames.BREAKDOWN_STORE, buckets.dailyRetention(), BucketSettings.DAY));
        builder.addStateStore(topStore());

        KStream<String, CountableEvent> shares = builder.stream(Topics.LINKS_CREATED,
                        Consumed.with(Serdes.ByteArray(), LinkCreatedDeserializer.readOnlySerde())
                                .withName(TopologyNames.LINKS_CREATED_SOURCE))
                .map((key, event) -> KeyValue.pair(event.canonicalUrl(), CountableEvent.share(event.updateId(), event.createdAt())),
                        Named.as(TopologyNames.SHARES_BY_URL));
        KStream<String, CountableEvent> clicks = builder.stream(Topics.LINKS_CLICKED,
                        Consumed.with(Serdes.ByteArray(), ClickDeserializer.readOnlySerde())
                                .withName(TopologyNames.LINKS_CLICKED_SOURCE))
                .map((key, click) -> KeyValue.pair(click.canonicalUrl(),
                                CountableEvent.click(click.clickId(), click.clickedAt(), enricher.traits(click))),
                        Named.as(TopologyNames.CLICKS_BY_URL));
        shares.merge(clicks, Named.as(TopologyNames.EVENTS_MERGED))
                .repartition(Repartitioned.<String, CountableEvent>as(TopologyNames.BY_URL_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(CountableEvent.SERDE))
                .process(() -> new DedupAndCountProcessor(dedupRetention, buckets, activeStores), Named.as(TopologyNames.DEDUP_AND_COUNT),
                        TopologyNames.DEDUP_STORE, TopologyNames.COUNTS_STORE, TopologyNames.HOURLY_SERIES_STORE,
                        TopologyNames.DAILY_SERIES_STORE, TopologyNames.BREAKDOWN_STORE, TopologyNames.TOP_STORE);
        return builder.build();
    }

    /**
     * The Streams settings this topology's behaviour rests on: malformed records dead-lettered,
     * never fatal, and every store within the shared memory bound.
     */
    public static Map<String, Object> requiredConfig(RocksDbMemory memory) {
        return Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class,
                BoundedRocksDbConfig.MEMORY_CONFIG, memory);
    }

    private static StoreBuilder<WindowStore<Bytes, byte[]>> dedupStore(Duration retention) {
        // Every id is new, so a record cache would only copy bytes; the changelog is what matters.
        return Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(TopologyNames.DEDUP_STORE,
                                DedupAndCountProcessor.storeRetention(retention),
                                DedupAndCountProcessor.bucketWidth(retention), false),
                        Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled();
    }

    private static StoreBuilder<WindowStore<String, LinkCounts>> bucketStore(String name, Duration retention, Duration width) {
        // Cached like the totals: a busy URL's bucket takes many increments per commit interval.
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, retention, width, false), Serdes.String(), LinkCounts.SERDE)
                .withCachingEnabled();
    }

    private static StoreBuilder<KeyValueStore<Bytes, byte[]>> topStore() {
        // Cached: a popular URL's window counts and dirty mark change many times per commit interval.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TopologyNames.TOP_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    private static StoreBuilder<KeyValueStore<String, LinkCounts>> countsStore() {
        // Cached: a popular URL's many increments within a commit interval reach RocksDB and the
        // changelog as one write.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TopologyNames.COUNTS_STORE),
                        COUNTS_KEY_SERDE, LinkCounts.SERDE)
                .withCachingEnabled();
    }
}
