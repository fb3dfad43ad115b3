package io.linktally.query;

import java.util.List;

/** URLs with their counts, largest first (ties by URL), and whether a standby copy answered for some partition. */
public record TopLinksAnswer(List<Item> items, CountResult.Source source, long standbyLag) {
    public record Item(String url, long count) {
    }

    public boolean fromStandby() {
        return source == CountResult.Source.STANDBY;
    }
}
