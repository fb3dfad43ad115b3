package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Pins the topology's shape. A renamed store or repartition silently orphans its changelog or
 * repartition topic on a running cluster: if this test fails, the change needs a migration plan.
 */
class TopologyNamesTest {
    @Test
    void storesRepartitionsAndProcessorsKeepTheirNames() {
        String description = LinkTopology.build(Duration.ofDays(7)).describe().toString();

        assertThat(description).isEqualTo("""
                Topologies:
                   Sub-topology: 0
                    Source: links-clicked-source (topics: [links.clicked])
                      --> clicks-by-url
                    Source: links-created-source (topics: [links.created])
                      --> shares-by-url
                    Processor: clicks-by-url (stores: [])
                      --> shares-and-clicks
                      <-- links-clicked-source
                    Processor: shares-by-url (stores: [])
                      --> shares-and-clicks
                      <-- links-created-source
                    Processor: shares-and-clicks (stores: [])
                      --> events-by-url-repartition-filter
                      <-- shares-by-url, clicks-by-url
                    Processor: events-by-url-repartition-filter (stores: [])
                      --> events-by-url-repartition-sink
                      <-- shares-and-clicks
                    Sink: events-by-url-repartition-sink (topic: events-by-url-repartition)
                      <-- events-by-url-repartition-filter

                  Sub-topology: 1
                    Source: events-by-url-repartition-source (topics: [events-by-url-repartition])
                      --> dedup-and-count
                    Processor: dedup-and-count (stores: [event-dedup, link-counts, link-series-daily, top-links, link-series-hourly, click-breakdown-daily])
                      --> none
                      <-- events-by-url-repartition-source

                """);
    }
}
