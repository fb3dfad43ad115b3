package io.linktally.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.events.SyntheticLinks;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.internals.DefaultStreamPartitioner;
import org.junit.jupiter.api.Test;

class PartitionOwnersTest {
    private final DefaultStreamPartitioner<String, Object> streamsOwn = new DefaultStreamPartitioner<>(Serdes.String().serializer());

    @Test
    void computesThePartitionKafkaStreamsRoutesEachUrlTo() {
        for (int partitions : new int[] {1, 3, 6, 7, 64}) {
            for (int rank = 1; rank <= 5_000; rank++) {
                String url = SyntheticLinks.canonicalUrl(rank);
                assertThat(Optional.of(Set.of(PartitionOwners.partition(url, partitions))))
                        .as("%s over %d partitions", url, partitions)
                        .isEqualTo(streamsOwn.partitions("t", url, null, partitions));
            }
        }
    }

    @Test
    void hashesNonAsciiUrlsAsUtf8() {
        String url = "https://xn--bcher-kva.example/caf\u00e9/\u65e5\u672c";
        assertThat(Optional.of(Set.of(PartitionOwners.partition(url, 6)))).isEqualTo(streamsOwn.partitions("t", url, null, 6));
    }
}
